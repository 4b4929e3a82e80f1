"""The trust tables over a sample of test digits: every method against w*x on the linear models and
under weight randomization on the networks, per digit, so the page can show a spread, not one verdict."""

from __future__ import annotations

import numpy as np

from mnistdash.config import SEED
from mnistdash.explain import CAPTUM_METHODS
from mnistdash.explain.checks import cascade_layers, cascade_per_image, exact_agreement, randomization_per_image, randomized_copy
from mnistdash.zoo.registry import LINEAR_MODELS, TORCH_CLASSIFIERS

TRUST_KEY = "trust"
SAMPLE = 200  # test digits in a full build
QUICK_SAMPLE = 6  # in a --quick build (tests, smoke runs): the cascade re-explains each once per layer
# A method passes on a digit when its map correlates with w*x at least this much (linear models) ...
EXACT_PASS = 0.9
# ... or when its ranking of the ink pixels changes once the weights are randomized (networks).
RANDOM_PASS = 0.5
CASCADE_SAMPLE = 50  # the cascade re-explains every digit once per layer: the first 50 of the sample


def sample_indices(n: int, size: int, seed: int = SEED) -> np.ndarray:
    """`size` distinct test-digit indices out of `n`, sorted, the same for every build with one seed."""
    return np.sort(np.random.default_rng(seed).choice(n, size=min(size, n), replace=False))


def trust_arrays(models: dict, images: np.ndarray, index: np.ndarray, methods=CAPTUM_METHODS) -> dict[str, np.ndarray]:
    """Per model x method x digit scores, for each model's own predicted class on each sampled digit.

    exact_corr / exact_rel_l1: (linear models, methods, N); random_all / random_ink: (networks, methods, N);
    cascade_ink: (networks, methods, layers, CASCADE_SAMPLE) the ink rank correlation with each layer re-initialized
    from the output down, cascade_layers (networks, layers) their names ("" and NaN past a network's last layer).
    """
    x = np.asarray(images[index], np.float32)  # (N, 28, 28)
    linear = [n for n in LINEAR_MODELS if n in models]
    nets = [n for n in TORCH_CLASSIFIERS if n in models]
    shape = (len(methods), len(index))
    exact_corr = np.zeros((len(linear), *shape), np.float32)
    exact_rel = np.zeros_like(exact_corr)
    for i, name in enumerate(linear):
        targets = models[name].predict_proba(x).argmax(1)
        scores = exact_agreement(models[name], x, targets, methods)
        for j, m in enumerate(methods):
            exact_corr[i, j], exact_rel[i, j] = scores[m]
    random_all = np.zeros((len(nets), *shape), np.float32)
    random_ink = np.zeros_like(random_all)
    few = x[:CASCADE_SAMPLE]
    depth = max((len(cascade_layers(models[n].module)) for n in nets), default=0)
    cascade = np.full((len(nets), len(methods), depth, len(few)), np.nan, np.float32)  # NaN past a network's layers
    cascade_names = np.full((len(nets), depth), "", dtype=object)
    for i, name in enumerate(nets):
        targets = models[name].predict_proba(x).argmax(1)
        scores = randomization_per_image(models[name], randomized_copy(models[name]), x, targets, methods)
        for j, m in enumerate(methods):
            random_all[i, j], random_ink[i, j] = scores[m]
        layers, steps = cascade_per_image(models[name], few, targets[: len(few)], methods)
        cascade[i, :, : len(layers)] = steps
        cascade_names[i, : len(layers)] = layers
    return {
        "index": np.asarray(index, np.int64),
        "methods": np.array(methods),
        "linear_models": np.array(linear),
        "networks": np.array(nets),
        "exact_corr": exact_corr,
        "exact_rel_l1": exact_rel,
        "random_all": random_all,
        "random_ink": random_ink,
        "cascade_ink": cascade,
        "cascade_layers": cascade_names.astype(str),
    }


def spread(values: np.ndarray, passed: np.ndarray) -> dict[str, float]:
    """Median, 10th and 90th percentile of one model x method's scores, and the share of digits passing."""
    values = np.asarray(values, np.float64)
    p10, median, p90 = np.percentile(values, [10, 50, 90])
    return {"median": float(median), "p10": float(p10), "p90": float(p90), "passing": float(np.mean(passed))}


def exact_spread(art: dict[str, np.ndarray], model: str) -> dict[str, dict[str, float]]:
    """Per method, the spread of the correlation with w*x on one linear model (pass: >= EXACT_PASS)."""
    i = list(art["linear_models"]).index(model)
    return {str(m): spread(art["exact_corr"][i, j], art["exact_corr"][i, j] >= EXACT_PASS) for j, m in enumerate(art["methods"])}


def random_spread(art: dict[str, np.ndarray], model: str) -> dict[str, dict[str, float]]:
    """Per method, the spread of the ink-pixel rank correlation on one network (pass: < RANDOM_PASS)."""
    i = list(art["networks"]).index(model)
    return {str(m): spread(art["random_ink"][i, j], art["random_ink"][i, j] < RANDOM_PASS) for j, m in enumerate(art["methods"])}


def passing_shares(art: dict[str, np.ndarray], kind: str) -> tuple[list[str], list[str], np.ndarray]:
    """(models, methods, share of digits passing (models, methods)) for kind 'exact' or 'random'."""
    if kind == "exact":
        models, passed = art["linear_models"], art["exact_corr"] >= EXACT_PASS
    else:
        models, passed = art["networks"], art["random_ink"] < RANDOM_PASS
    return [str(m) for m in models], [str(m) for m in art["methods"]], passed.mean(axis=2)


def spread_rows(spreads: dict[str, dict[str, float]] | None, this_digit: dict[str, float], labels: dict[str, str]) -> list[dict]:
    """One row per method: this digit's score beside the sample's median, 10th-90th percentile and share passing
    (those three blank when `spreads` is None, i.e. the artifact is missing or lacks the model)."""
    rows = []
    for method, value in this_digit.items():
        s = (spreads or {}).get(method)
        rows.append(
            {
                "method": labels.get(method, method),
                "this digit": round(float(value), 3),
                "median": None if s is None else round(s["median"], 3),
                "10th-90th percentile": "" if s is None else f"{s['p10']:.2f} to {s['p90']:.2f}",
                "digits passing": "" if s is None else f"{100 * s['passing']:.0f}%",
            }
        )
    return rows


def cascade_medians(art: dict[str, np.ndarray], model: str) -> tuple[list[str], dict[str, np.ndarray]] | None:
    """(the layers re-initialized, from the output down; per method the median ink rank correlation at each step),
    or None when the artifact has no cascade for the network (one built before it existed)."""
    if "cascade_ink" not in art or model not in list(art["networks"]):
        return None
    i = list(art["networks"]).index(model)
    layers = [str(name) for name in art["cascade_layers"][i] if str(name)]
    medians = np.median(art["cascade_ink"][i, :, : len(layers)], axis=2)
    return layers, {str(m): medians[j] for j, m in enumerate(art["methods"])}
