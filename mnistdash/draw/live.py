"""One drawn or uploaded digit through every model: predictions, contribution maps, 2-D position."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mnistdash.explain import METHODS
from mnistdash.images.preprocess import to_mnist
from mnistdash.robustness.ood.score import NEEDS
from mnistdash.zoo.linear import LinearModel


@dataclass
class Reading:
    digit: np.ndarray  # (28, 28) what the models see
    probs: dict[str, np.ndarray] = field(default_factory=dict)  # model -> (10,)
    maps: dict[str, np.ndarray] = field(default_factory=dict)  # model -> (28, 28) for its predicted class
    code: np.ndarray | None = None  # (2,) position on the bottleneck's map
    digit_score: float | None = None  # higher = more like a training digit (None: no scorer or its models)
    not_a_digit: bool | None = None  # the score below its calibrated threshold


def _is_digit(image) -> bool:
    """A (28, 28) float array in [0, 1] is taken as a digit already; anything else is preprocessed."""
    if not isinstance(image, np.ndarray) or image.shape != (28, 28) or image.dtype.kind != "f":
        return False
    return bool(np.isfinite(image).all() and image.min() >= 0 and image.max() <= 1)


def read_digit(
    models: dict, image, classifiers: list[str], net_method: str = "input-x-gradient", with_maps: bool = True, scorer=None
) -> Reading:
    """Canvas RGBA array, upload or (28, 28) digit -> every classifier's reading (raises ImageError if blank),
    with its digit score and verdict when a `scorer` (mnistdash.robustness.ood.score.DigitScorer) and its models are there."""
    digit = image if _is_digit(image) else to_mnist(image)
    reading = Reading(digit=digit)
    for name in classifiers:
        model = models[name]
        p = model.predict_proba(digit[None])[0]
        reading.probs[name] = p
        if with_maps:
            method = "exact" if isinstance(model, LinearModel) else net_method
            reading.maps[name] = METHODS[method](model).attribute(digit[None], [int(p.argmax())])[0]
    if scorer is not None and all(n in models for n in NEEDS):
        reading.digit_score = float(scorer.score(models, digit[None])[0])
        reading.not_a_digit = bool(scorer.flags(reading.digit_score))
    if "bottleneck" in models:
        from mnistdash.maps.embeddings import bottleneck_codes

        reading.code = bottleneck_codes(models["bottleneck"], digit[None])[0]
    return reading


def nearest(codes: np.ndarray, point: np.ndarray, k: int = 8) -> np.ndarray:
    """Indices of the k rows of `codes` (N, 2) closest to `point` (2,)."""
    d = ((codes - point[None]) ** 2).sum(1)
    k = min(k, len(codes))
    idx = np.argpartition(d, k - 1)[:k]
    return idx[np.argsort(d[idx])]
