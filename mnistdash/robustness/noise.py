"""The Denoise page's numbers: every classifier on noisy and denoised test digits (precomputed), the slider's range
over those levels, and the nearest level to a choice."""

from __future__ import annotations

import numpy as np
from tqdm.auto import tqdm

from mnistdash.config import NOISE_LEVELS, SEED
from mnistdash.data import Split, noisy
from mnistdash.zoo.base import accuracy
from mnistdash.zoo.registry import BUILTIN_CLASSIFIERS


def slider_range(levels: np.ndarray) -> tuple[float, float, float]:
    """(lowest, highest, step) for a slider over precomputed noise levels: halfway steps between neighbours."""
    levels = np.unique(np.round(np.asarray(levels, np.float64), 6))  # float32 0.8 -> 0.8
    if len(levels) < 2:
        raise ValueError("at least two precomputed noise levels are needed")
    step = float(np.min(np.diff(levels))) / 2
    return float(levels[0]), float(levels[-1]), round(step, 4)


def nearest_level(levels: np.ndarray, sigma: float) -> int:
    """Index of the precomputed level closest to sigma (the lower one on a tie)."""
    distance = np.abs(np.round(np.asarray(levels, np.float64), 6) - round(float(sigma), 6))
    return int(np.argmin(distance + 1e-9 * np.arange(len(distance))))  # ties: the first (lower) level


def denoise_table(models: dict, test: Split, levels=NOISE_LEVELS, seed: int = SEED) -> dict[str, np.ndarray]:
    """Accuracy of every classifier on noisy and on denoised test digits at each noise level."""
    denoiser = models["denoiser"]
    names = [n for n in BUILTIN_CLASSIFIERS if n in models]
    clean = test.floats()
    acc_noisy = np.zeros((len(names), len(levels)), np.float32)
    acc_denoised = np.zeros_like(acc_noisy)
    for j, sigma in enumerate(tqdm(levels, desc="denoise table", unit="level")):
        x = noisy(clean, sigma, seed)
        xd = denoiser.denoise(x)
        for i, name in enumerate(names):
            acc_noisy[i, j] = accuracy(models[name], x, test.labels)
            acc_denoised[i, j] = accuracy(models[name], xd, test.labels)
    return {"models": np.array(names), "levels": np.array(levels, np.float32), "noisy": acc_noisy, "denoised": acc_denoised}


def level_table(table: dict, model: str, sigma: float) -> str:
    """A markdown table of every classifier at the precomputed level nearest to `sigma`: clean, noisy and
    denoised accuracy, `model` in bold, with a sentence saying which level it is."""
    levels = table["levels"]
    j = nearest_level(levels, sigma)
    at = f"{levels[j]:.2f}".rstrip("0").rstrip(".")
    note = (
        f"At σ = {at}, the slider's level"
        if abs(float(levels[j]) - sigma) < 1e-6
        else f"At σ = {at}, the precomputed level nearest to the slider's {sigma:g}"
    )
    rows = [
        f"| {'**' + n + '**' if n == model else n} | {100 * table['noisy'][i, 0]:.2f}% | {100 * table['noisy'][i, j]:.2f}% "
        f"| {100 * table['denoised'][i, j]:.2f}% |"
        for i, n in enumerate(table["models"])
    ]
    return f"{note}:\n\n| model | clean | noisy | denoised |\n|---|---|---|---|\n" + "\n".join(rows)
