"""Build the "ood" artifact: fit and calibrate the digit score on training digits, measure it, save it."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from mnistdash import store
from mnistdash.config import SEED
from mnistdash.data import Split
from mnistdash.robustness.ood.evaluate import evaluate
from mnistdash.robustness.ood.nondigits import KINDS, nondigits
from mnistdash.robustness.ood.score import NEEDS, QUANTILE, DigitScorer, FitSet, fit_head, fit_scorer

OOD_KEY = "ood"
FAMILY_TEST_SEED = 2  # the families' test digits are measured on a seed nothing was tuned or calibrated on
FRESH_SEED = 7  # non-digits of a seed that neither the fit nor the choice of C and the quantile looked at


def family_digits(images: np.ndarray, labels: np.ndarray, family: str, n: int, seed: int) -> np.ndarray:
    """n digits of a family (mnistdash.images.families) read through the upload path, (M, 28, 28); refused ones left out."""
    from mnistdash.images.families import family_set
    from mnistdash.images.preprocess import ImageError, load_image, to_mnist

    out = []
    for p in family_set(images, labels, family, n, seed):
        try:
            out.append(to_mnist(load_image(p.data, family)))
        except ImageError:
            pass
    return np.stack(out) if out else np.zeros((0, 28, 28), np.float32)


def people_digits(train: Split, per_family: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """family -> (bank, calibration) training digits as people bring them, from disjoint halves of the
    training split, for every family but the held-back one (nothing is fitted on it)."""
    from mnistdash.images.families import FAMILIES, HELD_BACK, TUNING_SEED

    x, y, half = train.floats(), train.labels, len(train) // 2
    out = {}
    for family in tqdm([f for f in FAMILIES if f not in HELD_BACK], desc="digit score: families", leave=False):
        out[family] = (
            family_digits(x[:half], y[:half], family, per_family, TUNING_SEED),
            family_digits(x[half:], y[half:], family, per_family, TUNING_SEED),
        )
    return out


def load_scorer(models_dir: str | Path | None = None) -> DigitScorer:
    """The committed scorer; raises store.StoreError with a one-line reason."""
    return DigitScorer.from_arrays(store.load_artifact(OOD_KEY, models_dir))


def build_ood(models: dict, train: Split, test: Split, models_dir: str | Path | None = None, quick: bool = False) -> dict:
    """Fit, calibrate and measure the score and save it as the "ood" artifact; returns its manifest figures."""
    missing = [n for n in NEEDS if n not in models]
    if missing:
        tqdm.write(f"skipping the digit score: {', '.join(missing)} not loaded")
        return {}
    start = time.perf_counter()
    bank_n, calib_n, per_kind, per_family, fit_kind = (500, 1000, 20, 4, 20) if quick else (6000, 6000, 200, 200, 300)
    tqdm.write(
        f"digit score: {bank_n} training digits as the bank, {calib_n} to fit and calibrate, {per_family} per family of "
        f"pictures for each, {fit_kind} non-digits per kind to fit, {per_kind} per kind to measure ..."
    )
    people = people_digits(train, per_family)
    scorer, fit = fit_scorer(models, train.floats(), bank_n, calib_n, people=people, per_kind=fit_kind)
    test_x = test.floats()[: 2000 if quick else len(test)]
    families = _family_flags(scorer, models, test, 4 if quick else 150)
    arrays = {**scorer.to_arrays(), **evaluate(scorer, models, test_x, per_kind), **families}
    arrays["flagged_unseen"] = _unseen_kinds(scorer, models, fit, per_kind)
    arrays["flagged_fresh"] = _fresh_kinds(scorer, models, per_kind)
    seconds = round(time.perf_counter() - start, 1)
    info = {
        "quantile": QUANTILE,
        "test_flagged": round(float(arrays["test_flagged"][0]), 4),
        "auroc": {str(k): round(float(a), 4) for k, a in zip(arrays["kinds"], arrays["auroc"])},
        "flagged": {str(k): round(float(f), 4) for k, f in zip(arrays["kinds"], arrays["flagged"])},
        "flagged_unseen": {str(k): round(float(f), 4) for k, f in zip(arrays["kinds"], arrays["flagged_unseen"])},
        "flagged_fresh": {str(k): round(float(f), 4) for k, f in zip(arrays["kinds"], arrays["flagged_fresh"])},
        "family_flagged": {str(k): round(float(f), 4) for k, f in zip(arrays["families"], arrays["family_flagged"])},
        "build_seconds": seconds,
        "quick": quick,
    }
    store.save_artifact(OOD_KEY, arrays, models_dir, **info)
    tqdm.write(f"digit score: test digits flagged {info['test_flagged']:.2%}; AUROC {info['auroc']}; in {seconds}s")
    return info


def _family_flags(scorer: DigitScorer, models: dict, test: Split, n: int) -> dict[str, np.ndarray]:
    """Per family, the share of its test digits (seed FAMILY_TEST_SEED, every family, the held-back one too) flagged."""
    from mnistdash.images.families import FAMILIES

    flagged = []
    for family in tqdm(FAMILIES, desc="digit score: family test digits", leave=False):
        digits = family_digits(test.floats(), test.labels, family, n, FAMILY_TEST_SEED)
        flagged.append(float(scorer.flags(scorer.score(models, digits)).mean()) if len(digits) else float("nan"))
    return {"families": np.array(FAMILIES), "family_flagged": np.array(flagged, np.float32), "family_n": np.array([n])}


def _unseen_kinds(scorer: DigitScorer, models: dict, fit: FitSet, per_kind: int) -> np.ndarray:
    """Per kind, the share of its measured non-digits caught by the score refitted without that kind: how it does
    on a kind of non-digit it has never seen (a person's drawing of a cat is no kind here)."""
    kinds = tqdm(KINDS, desc="digit score: each kind left out", leave=False)
    return np.array([_caught(fit_head(scorer, fit, without=kind), models, kind, per_kind) for kind in kinds], np.float32)


def _fresh_kinds(scorer: DigitScorer, models: dict, per_kind: int) -> np.ndarray:
    """Per kind, the share caught of `per_kind` non-digits made with FRESH_SEED: the measured figure's check on
    images that nothing in the score's fit or in the choice of its settings saw."""
    return np.array([_caught(scorer, models, kind, per_kind, FRESH_SEED) for kind in KINDS], np.float32)


def _caught(scorer: DigitScorer, models: dict, kind: str, n: int, seed: int = SEED) -> float:
    """The share of n seeded non-digits of a kind that the score flags or preprocessing refuses."""
    digits, refused = nondigits(kind, n, seed)
    return (int(refused.sum()) + int(scorer.flags(scorer.score(models, digits)).sum())) / n


def number_reader(read, models_dir: str | Path | None = None, models: dict | None = None, scorer: DigitScorer | None = None):
    """`read` weighted by the digit score (score.digit_weighted) for reading a whole number, or `read` itself where
    the store has no digit score or lacks the models it needs (`models`, `scorer`: those loaded already)."""
    from mnistdash.errors import MnistdashError
    from mnistdash.robustness.ood.score import digit_weighted
    from mnistdash.zoo import load

    try:
        scorer = scorer or load_scorer(models_dir)
        needed = {n: (models or {}).get(n) or load(n, models_dir) for n in NEEDS}
    except MnistdashError:
        return read
    return digit_weighted(read, needed, scorer)
