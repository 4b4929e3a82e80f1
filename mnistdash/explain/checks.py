"""Checks of attribution methods: against the exact answer on linear models, and weight randomization."""

from __future__ import annotations

import copy

import numpy as np
import torch
from scipy.stats import spearmanr

from mnistdash.explain import METHODS
from mnistdash.zoo import TorchClassifier


def exact_agreement(model, images: np.ndarray, targets, methods) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per method and per image: (Pearson correlation with the exact w*x map, relative L1 error), each (N,)."""
    exact = METHODS["exact"](model).attribute(images, targets)
    out = {}
    for name in methods:
        maps = METHODS[name](model).attribute(images, targets)
        corr = [np.corrcoef(a.ravel(), e.ravel())[0, 1] if a.std() > 0 and e.std() > 0 else 0.0 for a, e in zip(maps, exact)]
        rel = [np.abs(a - e).sum() / max(np.abs(e).sum(), 1e-12) for a, e in zip(maps, exact)]
        out[name] = (np.asarray(corr, np.float64), np.asarray(rel, np.float64))
    return out


def score_against_exact(model, images: np.ndarray, targets, methods) -> dict[str, dict[str, float]]:
    """Per method: Pearson correlation with the exact w*x maps and relative L1 error, averaged."""
    return {
        name: {"correlation": float(corr.mean()), "relative_l1_error": float(rel.mean())}
        for name, (corr, rel) in exact_agreement(model, images, targets, methods).items()
    }


def randomized_copy(model: TorchClassifier, seed: int = 0) -> TorchClassifier:
    """A copy of a torch classifier with every layer re-initialized (the shared model is untouched)."""
    module = copy.deepcopy(model.module)
    torch.manual_seed(seed)
    for layer in module.modules():
        if hasattr(layer, "reset_parameters") and layer is not module:
            layer.reset_parameters()
    return TorchClassifier(f"{model.name} (randomized)", module)


def cascade_layers(module: torch.nn.Module) -> list[str]:
    """The layers with weights a cascade re-initializes, from the output back to the input (dense and convolutional;
    batch norm keeps its statistics, as in Adebayo et al. 2018)."""
    return [name for name, m in module.named_modules() if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d))][::-1]


def cascaded_copies(model: TorchClassifier, seed: int = 0) -> list[tuple[str, TorchClassifier]]:
    """Cascading randomization (Adebayo et al. 2018): copies with one more layer re-initialized each, from the
    output down; step k keeps step k-1's new weights (each layer's seeded by its place), so the copies only ever
    lose more of what was learned. The shared model is untouched."""
    module = copy.deepcopy(model.module)
    layers = dict(module.named_modules())
    out = []
    for k, name in enumerate(cascade_layers(module)):
        torch.manual_seed(seed + k)
        layers[name].reset_parameters()
        out.append((name, TorchClassifier(f"{model.name} (randomized to {name})", copy.deepcopy(module))))
    return out


def cascade_per_image(
    model: TorchClassifier, images: np.ndarray, targets, methods, seed: int = 0
) -> tuple[list[str], np.ndarray]:
    """(the layers, from the output down; Spearman rank correlation of |map| within the ink, trained against each
    cascade step, (methods, layers, N)), NaN (a constant map) -> 0."""
    copies = cascaded_copies(model, seed)
    out = np.zeros((len(methods), len(copies), len(images)), np.float64)
    for i, name in enumerate(methods):
        a = np.abs(METHODS[name](model).attribute(images, targets))
        for k, (_, randomized) in enumerate(copies):
            out[i, k] = _ink_rank(a, np.abs(METHODS[name](randomized).attribute(images, targets)), images)
    return [name for name, _ in copies], out


def _ink_rank(a: np.ndarray, b: np.ndarray, images: np.ndarray) -> np.ndarray:
    """(N,) Spearman rank correlation of two sets of maps within each image's ink (NaN, a constant map, -> 0)."""
    return np.nan_to_num(
        np.asarray([spearmanr(x[im > 0], y[im > 0])[0] for x, y, im in zip(a, b, np.asarray(images))], np.float64)
    )


def randomization_per_image(
    model: TorchClassifier, randomized: TorchClassifier, images: np.ndarray, targets, methods
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per method and per image: Spearman rank correlation of |map| before and after randomizing the
    weights, over all pixels and over the ink pixels only, each (N,) (NaN, e.g. a constant map, -> 0)."""
    out = {}
    for name in methods:
        a = np.abs(METHODS[name](model).attribute(images, targets))
        b = np.abs(METHODS[name](randomized).attribute(images, targets))
        every = [spearmanr(x.ravel(), y.ravel())[0] for x, y in zip(a, b)]
        out[name] = (np.nan_to_num(np.asarray(every, np.float64)), _ink_rank(a, b, images))
    return out


def randomization_check(
    model: TorchClassifier, randomized: TorchClassifier, images: np.ndarray, targets, methods
) -> dict[str, tuple[float, float]]:
    """Spearman rank correlation of |map| before and after randomizing the weights (Adebayo et al. 2018),
    over all pixels and over the ink pixels only: (all, ink) per method, averaged over the images.

    A method that explains the model must change when the model is destroyed. Over all pixels,
    methods that multiply by the input keep the digit's silhouette whatever the weights (a
    correlation near 1); within the ink, the ranking shows whether they follow the model at all.
    """
    return {
        name: (float(every.mean()), float(ink.mean()))
        for name, (every, ink) in randomization_per_image(model, randomized, images, targets, methods).items()
    }


def linear_sums(models: dict, names: list[str], image: np.ndarray) -> list[dict]:
    """Per linear model: the exact map of its answer plus the bias, against its logit (they must be equal)."""
    rows = []
    for n in names:
        m = models[n]
        logits = m.logits(image[None])[0]
        p = int(logits.argmax())
        total = float(m.contributions(image, p).sum() + m.intercept_[p])
        rows.append(
            {
                "model": n,
                "predicted": p,
                "sum of map + bias": f"{total:.6f}",
                "logit": f"{logits[p]:.6f}",
                "|difference|": f"{abs(total - logits[p]):.1e}",
            }
        )
    return rows


def completeness_row(model_name: str, target: int, ig) -> dict:
    """One row of the integrated-gradients completeness table (an explain.paths.PathIntegral)."""
    return {
        "model": model_name,
        "class": target,
        "sum of IG map": f"{ig.total:.4f}",
        "f(x) - f(black)": f"{ig.delta:.4f}",
        "completeness gap": f"{ig.gap:.4f} ({100 * ig.relative_gap:.2f}%)",
        "steps": ig.steps,
        "within 1%": "yes" if ig.met else "NO: the map does not add up; read it with care",
    }
