"""How far to trust each attribution map: every method scored on every model by removing or inserting pixels in
the order a map ranks them, by how concentrated the map is and by how much it moves under small noise; and the
scores themselves checked on the linear models, whose exact per-pixel contributions (w*x) are known.

The metrics, each per digit, then a mean with a 95% bootstrap interval over the digits:

- deletion AUC (Samek et al. 2017, "most relevant first"): the target class's probability as the most relevant
  pixels are set to the background, area under that curve over the share removed. Lower: the map found what the
  model uses.
- insertion AUC (Petsiuk et al. 2018): the same, inserting the most relevant pixels into an empty image. Higher:
  better.
- SRG, Symmetric Relevance Gain (Bluecher et al., TMLR 2024): the area under the least-relevant-first deletion
  curve minus the area under the most-relevant-first one. A random map scores about 0; range [-1, 1]; higher:
  better.
- faithfulness correlation (Bhatt et al. 2020; Quantus' `FaithfulnessCorrelation`): over 50 seeded random subsets
  of 10% of the pixels, the correlation between the map's sum over a subset and the fall of the target's
  probability when the subset is set to 0. A random map scores about 0; higher: better.
- sparseness (Chalasani et al. 2020; Quantus' `Sparseness`): the Gini index of the map's absolute values. Higher:
  fewer pixels carry the map. Not better or worse in itself: the exact answer of a linear model is not sparse.
- max-sensitivity (Yeh et al. 2019; Quantus' `MaxSensitivity`): the largest relative change of the map, ||E(x') -
  E(x)|| / ||E(x)||, over a few copies x' of the digit with uniform noise of at most `RADIUS` per pixel. Lower:
  steadier.

- ROAD (Rong et al., ICML 2022, "RemOve And Debias"; Quantus' `ROAD`): the same two deletion orders, but each
  removed pixel is filled in from its neighbours (noisy linear imputation) instead of set to 0, so the image
  does not leave the data's distribution and the removed pixels' shape does not tell the model the answer; the
  least-relevant-first probability minus the most-relevant-first one, averaged over 10%-90% removed (on
  `ROAD_DIGITS` of the digits: a sparse solve per picture). A random map scores about 0; higher: better.

Removed pixels take MNIST's background (0) in the other curves; the digit is what a person sees, and a 0 pixel is
paper.

Implemented here from the papers rather than through Quantus: its package pulls OpenCV (about 290 MB) and
matplotlib into the dashboard's environment for seven formulas of a few lines, and its perturbation metrics run
one model call per step and digit (ROAD: one sparse solve per picture) where these run the whole batch of steps
at once. Quantus is a test dependency instead: tests/explain/test_quantus.py checks every metric here against
Quantus' implementation on a fixture (insertion AUC, which Quantus lacks, against a closed form in
tests/explain/test_faithfulness.py, beside closed-form checks of the others).
"""

from __future__ import annotations

import time
import zlib
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from mnistdash import store
from mnistdash.config import SEED
from mnistdash.data import Split
from mnistdash.zoo.base import many_proba
from mnistdash.zoo.registry import BUILTIN_CLASSIFIERS, LINEAR_MODELS

FAITHFULNESS_KEY = "faithfulness"
FRACTIONS = np.linspace(0.0, 1.0, 21)  # shares of the 784 pixels removed or inserted at each step of a curve
RADIUS = 0.05  # max-sensitivity: uniform noise of at most this much per pixel (pixels on [0, 1])
SENSITIVITY_SAMPLES = 8
DIGITS, QUICK_DIGITS = (1000, 100), (10, 3)  # test digits scored, and of them for max-sensitivity: full, quick builds
IMPORTED_DIGITS = (100, 20, 20)  # an imported model, scored when it is imported: digits, of them for max-sensitivity, ROAD
ROAD_DIGITS = (100, 3)  # of those, scored by ROAD (a sparse linear solve per picture): full, quick builds
ROAD_SHARES = np.linspace(0.1, 0.9, 9)  # shares of the pixels removed at each ROAD step
ROAD_NOISE = 0.01  # the imputation's noise (Rong et al. and Quantus' default)
SUBSETS, SUBSET_PIXELS = 50, 78  # faithfulness correlation: 50 random subsets of 10% of the pixels per digit
RANDOM = "random"  # a seeded random map, scored beside the methods: what knowing nothing scores
EXACT = "exact"

# metric -> (direction: +1 higher is better, -1 lower is better, 0 neither; one sentence for a non-expert)
METRICS = {
    "deletion AUC": (
        -1,
        "Remove the pixels the map calls most important first: the faster the model loses its answer, the lower "
        "this number and the better the map found what the model uses.",
    ),
    "insertion AUC": (
        +1,
        "Start from a blank image and add the most important pixels first: the sooner the model finds its answer, "
        "the higher this number and the better the map.",
    ),
    "SRG": (
        +1,
        "Removing the least important pixels first should hurt far less than removing the most important first: "
        "the gap between the two, 0 for a random map, up to 1; higher is better.",
    ),
    "faithfulness correlation": (
        +1,
        "Take away random handfuls of pixels: the more of the map's total they held, the more the model's answer "
        "should drop. The correlation of the two, about 0 for a random map, 1 at best; higher is better.",
    ),
    "ROAD": (
        +1,
        "Like SRG, but each removed pixel is painted over from its neighbours instead of blanked, so the model "
        "cannot tell from the hole's shape what was there: about 0 for a random map, higher is better.",
    ),
    "sparseness": (
        0,
        "How few pixels carry the map (Gini index, 0 to 1). Higher is easier to read, not more truthful: "
        "a linear model's exact answer is spread over every inked pixel.",
    ),
    "max-sensitivity": (
        -1,
        f"How much the map changes when every pixel is nudged by at most {RADIUS:g}: lower is steadier.",
    ),
}
FAITHFUL = ("deletion AUC", "insertion AUC", "SRG", "faithfulness correlation", "ROAD")  # the exact answer should win these
TIE = 1e-4  # scores closer than this rank equal


def ranking(attribution: np.ndarray, seed: int = SEED) -> np.ndarray:
    """(N, 784) pixel indices of each map, most relevant (largest signed value) first; ties in a seeded random
    order, so that a flat map removes pixels at random rather than top-left first."""
    flat = np.asarray(attribution, np.float64).reshape(len(attribution), -1)
    tie = np.random.default_rng(seed).random(flat.shape)
    return np.lexsort((tie, -flat), axis=1)


def ranks(attribution: np.ndarray) -> np.ndarray:
    """(N, 784): where each pixel comes in its map's `ranking` (0 = most relevant): the first c pixels removed are
    those with rank < c."""
    order = ranking(attribution)
    rank_of = np.empty_like(order)
    np.put_along_axis(rank_of, order, np.arange(order.shape[1])[None].repeat(len(order), 0), axis=1)
    return rank_of


CURVES = ("morf", "lerf", "insertion")


def curves(
    model, digits: np.ndarray, targets: np.ndarray, attribution: np.ndarray, chunk: int = 100, kinds=CURVES
) -> dict[str, np.ndarray]:
    """The target class's probability at each of FRACTIONS, (N, len(FRACTIONS)) each: `morf` and `lerf` remove the
    most and the least relevant pixels first (set to 0); `insertion` adds the most relevant to a blank image.
    Every step of `chunk` digits goes to the model in one batch; `kinds` picks the curves."""
    if len(digits) > chunk:
        parts = [
            curves(model, digits[s : s + chunk], targets[s : s + chunk], attribution[s : s + chunk], chunk, kinds)
            for s in range(0, len(digits), chunk)
        ]
        return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    targets = np.asarray(targets)
    n, k = len(digits), len(FRACTIONS)
    flat = np.asarray(digits, np.float32).reshape(n, -1)
    counts = np.round(FRACTIONS * flat.shape[1]).astype(int)
    rank_of = ranks(attribution)
    first = rank_of[:, None, :] < counts[None, :, None]  # (N, K, 784): among the first c most relevant
    last = rank_of[:, None, :] >= flat.shape[1] - counts[None, :, None]  # among the c least relevant
    make = {
        "morf": lambda: np.where(first, np.float32(0), flat[:, None]),
        "lerf": lambda: np.where(last, np.float32(0), flat[:, None]),
        "insertion": lambda: np.where(first, flat[:, None], np.float32(0)),
    }
    images = np.concatenate([make[name]() for name in kinds], axis=1).reshape(-1, 784)  # (N * K * len(kinds), 784)
    # one model call over the distinct pictures only: a step that removes pixels already 0 (paper) leaves the
    # picture as it was, and the maps that multiply by the input rank every paper pixel together, so on a digit
    # about half the steps repeat a picture (and the first and last of every curve are shared by all maps)
    seen: dict[bytes, int] = {}  # a picture's bytes -> its place among the distinct ones (np.unique sorts: 10x slower)
    back = np.array([seen.setdefault(row.tobytes(), len(seen)) for row in images])
    distinct = np.zeros(len(seen), int)
    distinct[back] = np.arange(len(back))  # a row holding each distinct picture (any: they are the same bytes)
    probs = many_proba(model, images[distinct].reshape(-1, 28, 28))[back].reshape(n, len(kinds), k, -1)
    return {name: probs[np.arange(n), i, :, targets] for i, name in enumerate(kinds)}


STRIP = (0.0, 0.1, 0.2, 0.5)  # the shares removed that the Explain page shows as pictures


def removed(digit: np.ndarray, attribution: np.ndarray, shares=STRIP) -> np.ndarray:
    """(len(shares), 28, 28): the digit with the most relevant share of its pixels set to 0, for each share."""
    rank_of = ranks(attribution[None])[0]
    flat = np.asarray(digit, np.float32).reshape(-1)
    return np.stack([np.where(rank_of < round(f * 784), 0.0, flat) for f in shares]).reshape(-1, 28, 28).astype(np.float32)


# Noisy linear imputation's stencil (Rong et al. 2022): each removed pixel is the weighted mean of its eight
# neighbours, the four beside it weighing 1/6 and the four on its corners 1/12.
_OFFSETS = (
    (-1, -1, 1 / 12),
    (-1, 0, 1 / 6),
    (-1, 1, 1 / 12),
    (0, -1, 1 / 6),
    (0, 1, 1 / 6),
    (1, -1, 1 / 12),
    (1, 0, 1 / 6),
    (1, 1, 1 / 12),
)


def impute(images: np.ndarray, remove: np.ndarray, noise: float = ROAD_NOISE, seed: int = SEED) -> np.ndarray:
    """(N, 28, 28) images with the pixels where `remove` (N, 784) is True filled in by noisy linear imputation:
    each removed pixel solves "I am the weighted mean of my neighbours inside the frame" (kept neighbours give
    their value), then Gaussian noise of `noise` is added to it. Quantus' `noisy_linear_imputation` builds and
    solves one system per image in a Python loop; this stacks every image's system into one sparse solve (the
    same equations: tests/explain/test_quantus.py compares the two)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import spsolve

    n, side = len(images), images.shape[-1]
    flat = np.asarray(images, np.float64).reshape(n, -1)
    remove = np.asarray(remove, bool).reshape(n, -1)
    pixels = side * side
    rows, cols = np.divmod(np.arange(pixels), side)
    base = (np.arange(n) * pixels)[:, None]  # each image's first unknown
    r_idx, c_idx, vals = [], [], []
    total = np.zeros(pixels)
    for dr, dc, w in _OFFSETS:
        inside = (rows + dr >= 0) & (rows + dr < side) & (cols + dc >= 0) & (cols + dc < side)
        total += w * inside
        src = np.flatnonzero(inside)
        dst = (rows[src] + dr) * side + cols[src] + dc
        hit = remove[:, src]  # (N, S): a removed pixel's equation takes this neighbour
        r_idx.append((base + src)[hit])
        c_idx.append((base + dst)[hit])
        vals.append(np.full(int(hit.sum()), -w))
    r_idx.append(np.arange(n * pixels))
    c_idx.append(np.arange(n * pixels))
    vals.append(np.where(remove, total[None], 1.0).ravel())  # a kept pixel's equation: itself = its value
    a = coo_matrix((np.concatenate(vals), (np.concatenate(r_idx), np.concatenate(c_idx))), shape=(n * pixels,) * 2)
    b = np.where(remove, 0.0, flat).ravel()
    # the images' own pixel order keeps each system banded (neighbours lie within a row of each other): solving in
    # that order is about twice as fast as letting SuperLU reorder it
    solved = spsolve(a.tocsc(), b, permc_spec="NATURAL").reshape(n, pixels)
    solved += np.where(remove, noise * np.random.default_rng(seed).standard_normal(solved.shape), 0.0)
    return solved.reshape(images.shape).astype(np.float32)


def road_pictures(digits: np.ndarray, attribution: np.ndarray, shares=ROAD_SHARES, noise: float = ROAD_NOISE) -> np.ndarray:
    """(N, len(shares), 2, 28, 28): each digit with the most relevant ([:, :, 0]) and the least relevant
    ([:, :, 1]) share of its pixels filled in by noisy linear imputation, for each share."""
    rank_of = ranks(attribution)
    counts = np.round(np.asarray(shares) * rank_of.shape[1]).astype(int)
    pictures = []
    for c in counts:
        pictures.append(impute(digits, rank_of < c, noise))  # most relevant first
        pictures.append(impute(digits, rank_of >= rank_of.shape[1] - c, noise))  # least relevant first
    return np.stack(pictures, 1).reshape(len(digits), len(counts), 2, *np.shape(digits)[1:])


def road(model, digits: np.ndarray, targets: np.ndarray, attribution: np.ndarray, shares=ROAD_SHARES) -> np.ndarray:
    """(N,) ROAD per digit: the target's probability with the least relevant share of the pixels imputed minus
    with the most relevant share imputed, averaged over `shares`; every picture of a digit in one model call."""
    n = len(digits)
    if n == 0:
        return np.zeros(0)
    pictures = road_pictures(digits, attribution, shares)
    probs = model.predict_proba(pictures.reshape(-1, 28, 28)).reshape(n, len(shares), 2, -1)
    p = probs[np.arange(n), :, :, np.asarray(targets)]  # (N, steps, 2)
    return (p[:, :, 1] - p[:, :, 0]).mean(1)


def area(curve: np.ndarray) -> np.ndarray:
    """Area under each row of a curve over FRACTIONS (trapezoids), in [0, 1] for probabilities."""
    return np.trapezoid(curve, FRACTIONS, axis=-1)


def subsets(seed: int = SEED) -> np.ndarray:
    """(SUBSETS, 784) bool: the seeded random pixel subsets of the faithfulness correlation, the same for every
    digit and method (so that the model's drops are computed once per digit)."""
    order = np.random.default_rng(seed).random((SUBSETS, 784)).argsort(1)[:, :SUBSET_PIXELS]
    masks = np.zeros((SUBSETS, 784), bool)
    np.put_along_axis(masks, order, True, axis=1)
    return masks


def drops(model, digits: np.ndarray, targets: np.ndarray, masks: np.ndarray, chunk: int = 100) -> np.ndarray:
    """(N, SUBSETS): how much the target's probability falls when each subset of pixels is set to 0."""
    out = []
    for s in range(0, len(digits), chunk):
        flat = np.asarray(digits[s : s + chunk], np.float32).reshape(-1, 1, 784)
        n = len(flat)
        images = np.where(masks[None], np.float32(0), flat).reshape(-1, 28, 28)
        probs = model.predict_proba(images).reshape(n, len(masks), -1)
        t = np.asarray(targets[s : s + chunk])
        base = model.predict_proba(flat.reshape(-1, 28, 28))[np.arange(n), t]
        out.append(base[:, None] - probs[np.arange(n), :, t])
    return np.concatenate(out)


def faithfulness_correlation(attribution: np.ndarray, fall: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """(N,) Pearson correlation, per digit, between the map's sum over each subset and the model's drop when the
    subset is removed (Bhatt et al. 2020; Quantus' `FaithfulnessCorrelation`); 0 where either does not vary."""
    sums = np.asarray(attribution, np.float64).reshape(len(attribution), -1) @ masks.T.astype(np.float64)  # (N, S)
    a = sums - sums.mean(1, keepdims=True)
    b = fall - fall.mean(1, keepdims=True)
    den = np.sqrt((a * a).sum(1) * (b * b).sum(1))
    return np.where(den > 1e-12, (a * b).sum(1) / np.where(den > 1e-12, den, 1.0), 0.0)


def sparseness(attribution: np.ndarray) -> np.ndarray:
    """(N,) Gini index of each map's absolute values (Chalasani et al. 2020): 0 spread evenly, near 1 one pixel."""
    a = np.sort(np.abs(np.asarray(attribution, np.float64).reshape(len(attribution), -1)), axis=1)
    n = a.shape[1]
    i = np.arange(1, n + 1)
    total = a.sum(1)
    gini = ((2 * i - n - 1) * a).sum(1) / (n * np.where(total > 0, total, 1.0))
    return np.where(total > 0, gini, 0.0)


def max_sensitivity(explain, digits: np.ndarray, targets: np.ndarray, seed: int = SEED) -> np.ndarray:
    """(N,) max over SENSITIVITY_SAMPLES noisy copies of ||E(x') - E(x)|| / ||E(x)|| (Frobenius norms), the
    noise uniform in [-RADIUS, RADIUS] per pixel and the copy clipped to [0, 1]; `explain(x, targets)` -> maps."""
    rng = np.random.default_rng(seed)
    base = explain(digits, targets).reshape(len(digits), -1)
    norm = np.linalg.norm(base, axis=1)
    worst = np.zeros(len(digits))
    for _ in range(SENSITIVITY_SAMPLES):
        noisy = np.clip(digits + rng.uniform(-RADIUS, RADIUS, digits.shape), 0, 1).astype(np.float32)
        moved = np.linalg.norm(explain(noisy, targets).reshape(len(digits), -1) - base, axis=1)
        worst = np.maximum(worst, moved / np.where(norm > 0, norm, 1.0))
    return worst


def bootstrap(values: np.ndarray, resamples: int = 1000, seed: int = SEED) -> tuple[float, float, float]:
    """(mean, low, high): the mean of `values` with its 95% percentile bootstrap interval."""
    values = np.asarray(values, np.float64)
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), (resamples, len(values)))].mean(1)
    return float(values.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def random_map(digits: np.ndarray) -> np.ndarray:
    """Gaussian noise as a map, seeded by the digits themselves: the same digits get the same map (its curves are
    reproducible) and a noisy copy another one (its max-sensitivity is that of a map that knows nothing)."""
    digits = np.ascontiguousarray(digits, np.float32)
    return np.random.default_rng(zlib.crc32(digits.tobytes())).standard_normal(digits.shape).astype(np.float32)


def explainers(model) -> dict:
    """method name -> explain(x, targets) for `model`: every method the Explain page offers it, and a random map."""
    from mnistdash.explain import METHODS, methods_for  # torch and Captum: only where maps are made

    out = {}
    for name in methods_for(model):
        method = METHODS[name](model)
        out[EXACT if name == "exact" else name] = method.attribute
    out[RANDOM] = lambda x, t: random_map(x)
    return out


def score(
    model, digits: np.ndarray, targets: np.ndarray, sensitivity_digits: int, road_digits: int
) -> dict[str, dict[str, np.ndarray]]:
    """method -> metric -> per-digit values (max-sensitivity and ROAD on the first `sensitivity_digits` and
    `road_digits` digits only)."""
    out = {}
    masks = subsets()
    fall = drops(model, digits, targets, masks)  # the same for every method
    for method, explain in explainers(model).items():
        maps = explain(digits, targets)
        c = curves(model, digits, targets, maps)
        out[method] = {
            "deletion AUC": area(c["morf"]),
            "insertion AUC": area(c["insertion"]),
            "SRG": area(c["lerf"]) - area(c["morf"]),
            "faithfulness correlation": faithfulness_correlation(maps, fall, masks),
            "ROAD": road(model, digits[:road_digits], targets[:road_digits], maps[:road_digits]),
            "sparseness": sparseness(maps),
            "max-sensitivity": max_sensitivity(explain, digits[:sensitivity_digits], targets[:sensitivity_digits]),
        }
    return out


def leaderboard_arrays(
    models: dict, test: Split, n: int, sensitivity_digits: int, road_digits: int, seed: int = SEED, names=None
) -> dict:
    """The artifact: models x methods x metrics means and 95% intervals over `n` seeded test digits, each explained
    for the class its model reads; NaN where a method does not explain a model. `names`: the models scored (by
    default every built-in classifier in `models`)."""
    from mnistdash.explain import METHODS  # torch and Captum: only where maps are made, not to read the artifact

    names = [m for m in BUILTIN_CLASSIFIERS if m in models] if names is None else list(names)
    methods = [EXACT] + [m for m in METHODS if m != "exact"] + [RANDOM]
    index = np.sort(np.random.default_rng(seed).choice(len(test), min(n, len(test)), replace=False))
    digits = test.floats()[index]
    shape = (len(names), len(methods), len(METRICS))
    value, low, high = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)
    for i, name in enumerate(tqdm(names, desc="faithfulness", unit="model")):
        targets = models[name].predict_proba(digits).argmax(1)
        for method, metrics in score(models[name], digits, targets, sensitivity_digits, road_digits).items():
            j = methods.index(method)
            for k, metric in enumerate(METRICS):
                value[i, j, k], low[i, j, k], high[i, j, k] = bootstrap(metrics[metric], seed=seed)
    return {
        "models": np.array(names),
        "methods": np.array(methods),
        "metrics": np.array(list(METRICS)),
        "value": value,
        "low": low,
        "high": high,
        "index": index,
        "sensitivity_digits": np.array(sensitivity_digits),
        "road_digits": np.array(road_digits),
    }


def build_faithfulness(models: dict, test: Split, models_dir: str | Path | None = None, quick: bool = False) -> float:
    """Score every method on every classifier (1,000 test digits; 10 in a quick build) and save the artifact."""
    (n, sensitivity), road_digits = QUICK_DIGITS if quick else DIGITS, ROAD_DIGITS[quick]
    tqdm.write(f"faithfulness over {n} test digits ({sensitivity} for max-sensitivity, {road_digits} for ROAD) ...")
    start = time.perf_counter()
    arrays = leaderboard_arrays(models, test, n, sensitivity, road_digits)
    seconds = time.perf_counter() - start
    store.save_artifact(FAITHFULNESS_KEY, arrays, models_dir, digits=n, build_seconds=round(seconds, 1))
    return seconds


def rows(arrays: dict) -> list[dict]:
    """The leaderboard as rows {model, method, metric, value, low, high}, methods that do not apply left out."""
    out = []
    for i, model in enumerate(arrays["models"]):
        for j, method in enumerate(arrays["methods"]):
            for k, metric in enumerate(arrays["metrics"]):
                v = arrays["value"][i, j, k]
                if np.isfinite(v):
                    out.append(
                        {
                            "model": str(model),
                            "method": str(method),
                            "metric": str(metric),
                            "value": round(float(v), 4),
                            "low": round(float(arrays["low"][i, j, k]), 4),
                            "high": round(float(arrays["high"][i, j, k]), 4),
                        }
                    )
    return out


def best(arrays: dict) -> dict[tuple[str, str], str]:
    """(model, metric) -> the method that scores best there (the random map and the exact answer excluded, so
    the mark says which of the page's methods to prefer); metrics without a direction have none."""
    out = {}
    methods = [str(m) for m in arrays["methods"]]
    for i, model in enumerate(arrays["models"]):
        for k, metric in enumerate(arrays["metrics"]):
            direction = METRICS[str(metric)][0]
            if not direction:
                continue
            scores = {m: direction * arrays["value"][i, j, k] for j, m in enumerate(methods) if m not in (RANDOM, EXACT)}
            scores = {m: s for m, s in scores.items() if np.isfinite(s)}
            if scores:
                out[(str(model), str(metric))] = max(scores, key=scores.get)
    return out


def checker_check(arrays: dict) -> list[dict]:
    """On each linear model, where each faithfulness metric ranks the exact answer (1 = best) and the random map
    among the methods, and whether it recognises the right answer: exact in the top two, random last."""
    out = []
    methods = [str(m) for m in arrays["methods"]]
    for i, model in enumerate(arrays["models"]):
        if str(model) not in LINEAR_MODELS:
            continue
        for k, metric in enumerate(arrays["metrics"]):
            if str(metric) not in FAITHFUL:
                continue
            direction = METRICS[str(metric)][0]
            scores = {m: direction * arrays["value"][i, j, k] for j, m in enumerate(methods)}
            scores = {m: s for m, s in scores.items() if np.isfinite(s)}
            # competition ranks: 1 + the methods strictly better (input x gradient and integrated gradients equal
            # the exact answer on a linear model, up to float rounding: a tie, not a defeat)
            rank = {m: 1 + int(sum(other > v + TIE for other in scores.values())) for m, v in scores.items()}
            out.append(
                {
                    "model": str(model),
                    "metric": str(metric),
                    "exact rank": rank[EXACT],
                    "random rank": rank[RANDOM],
                    "methods": len(scores),
                    "recognises the right answer": bool(rank[EXACT] <= 2 and rank[RANDOM] == len(scores)),
                }
            )
    return out


def agreement(arrays: dict) -> tuple[list[str], np.ndarray]:
    """Kendall's tau between every two metrics' rankings of the methods (oriented so higher is better for each,
    the random map included), averaged over the models: (metric names, (M, M) matrix)."""
    from scipy.stats import kendalltau

    metrics = [str(m) for m in arrays["metrics"] if METRICS[str(m)][0]]
    ks = [list(map(str, arrays["metrics"])).index(m) for m in metrics]
    tau = np.zeros((len(metrics), len(metrics)))
    counted = np.zeros_like(tau)
    for i in range(len(arrays["models"])):
        for a, ka in enumerate(ks):
            for b, kb in enumerate(ks):
                x = METRICS[metrics[a]][0] * arrays["value"][i, :, ka]
                y = METRICS[metrics[b]][0] * arrays["value"][i, :, kb]
                ok = np.isfinite(x) & np.isfinite(y)
                if ok.sum() >= 3:
                    t = kendalltau(x[ok], y[ok]).statistic
                    if np.isfinite(t):
                        tau[a, b] += t
                        counted[a, b] += 1
    return metrics, np.divide(tau, counted, out=np.full_like(tau, np.nan), where=counted > 0)


def imported_key(name: str) -> str:
    """The artifact that holds an imported model's own rows of the leaderboard."""
    return f"{FAITHFULNESS_KEY}-{name}"


def build_imported(name: str, model, test: Split, models_dir: str | Path | None = None) -> float:
    """Score every method that explains an imported model (IMPORTED_DIGITS) and save its rows beside the store's
    leaderboard; returns the seconds it took. `mnistdash import-model` calls it after the import."""
    n, sensitivity, road_digits = IMPORTED_DIGITS
    start = time.perf_counter()
    arrays = leaderboard_arrays({name: model}, test, n, sensitivity, road_digits, names=[name])
    seconds = time.perf_counter() - start
    store.save_artifact(imported_key(name), arrays, models_dir, digits=n, build_seconds=round(seconds, 1))
    return seconds


def load(models_dir: str | Path | None = None) -> dict:
    """The leaderboard: the built-in classifiers' artifact, then the rows of every imported model still in the store
    that was scored when imported (an unreadable or outdated one is left out: the rest still shows). `digits`: how
    many test digits each model's row is over."""
    arrays = dict(store.load_artifact(FAITHFULNESS_KEY, models_dir))
    arrays["digits"] = np.full(len(arrays["models"]), len(arrays["index"]))
    manifest = store.read_manifest(models_dir)
    for name, entry in manifest.get("models", {}).items():
        if not entry.get("imported") or imported_key(name) not in manifest.get("artifacts", {}):
            continue
        try:
            extra = store.load_artifact(imported_key(name), models_dir)
        except store.StoreError:
            continue
        if any(list(extra[k]) != list(arrays[k]) for k in ("methods", "metrics")):
            continue  # scored under other methods or metrics than the leaderboard's
        for k in ("models", "value", "low", "high"):
            arrays[k] = np.concatenate([arrays[k], extra[k]])
        arrays["digits"] = np.append(arrays["digits"], len(extra["index"]))
    return arrays
