"""Where a new digit lands on the committed t-SNE map: among the mapped test digits, its k nearest by pixels (the
space t-SNE itself embedded, after PCA), and the inverse-distance-weighted mean of their map positions.

t-SNE has no transform for a point it did not see; its map keeps each digit's nearest pixel neighbours close, so the
neighbours' positions are where the new digit would most likely have gone. The distances are exact Euclidean ones on
the raw 784 pixels (PCA to 50 dims keeps almost all of them), through one matrix product per digit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

K = 8  # neighbours averaged (and shown in the strip)


@dataclass
class Placement:
    point: np.ndarray  # (2,) the weighted mean of the neighbours' map positions
    neighbours: np.ndarray  # (k,) rows of the map, nearest first
    distances: np.ndarray  # (k,) their pixel distances to the digit


class PixelNeighbours:
    """The mapped digits' pixels (N, 784) and squared norms, for nearest-neighbour queries by Euclidean distance."""

    def __init__(self, digits: np.ndarray):
        self.flat = np.ascontiguousarray(np.asarray(digits, np.float32).reshape(len(digits), -1))  # (N, 784)
        self.sq = (self.flat.astype(np.float64) ** 2).sum(1)  # (N,)

    def nearest(self, digit: np.ndarray, k: int = K, exclude: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(k,) rows nearest to the (28, 28) digit, nearest first, and their distances; `exclude` leaves one row out."""
        x = np.asarray(digit, np.float32).reshape(-1)
        d2 = self.sq - 2 * (self.flat @ x).astype(np.float64) + float((x.astype(np.float64) ** 2).sum())  # (N,)
        if exclude is not None:
            d2[exclude] = np.inf
        k = min(k, len(d2) - (exclude is not None))
        idx = np.argpartition(d2, k - 1)[:k]
        idx = idx[np.argsort(d2[idx], kind="stable")]
        return idx, np.sqrt(np.maximum(d2[idx], 0))


def place(coords: np.ndarray, bank: PixelNeighbours, digit: np.ndarray, k: int = K, exclude: int | None = None) -> Placement:
    """The digit's position on the map `coords` (N, 2) from its k nearest mapped digits, weighted by 1 / distance."""
    idx, dist = bank.nearest(digit, k, exclude)
    w = 1.0 / np.maximum(dist, 1e-6)
    point = (coords[idx] * w[:, None]).sum(0) / w.sum()
    return Placement(point.astype(np.float32), idx, dist.astype(np.float32))
