"""The noise levels of the Denoise page: the slider's range from the precomputed levels, and the nearest one to a choice."""

from __future__ import annotations

import numpy as np


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
