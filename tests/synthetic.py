"""A small ten-class 28x28 dataset with class names, written in IDX layout: shapes that are not digits."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mnistdash.data import write_idx

NAMES = ["Ring", "Bar", "Cross", "Square", "Dot", "Slash", "Backslash", "Tee", "Ell", "Plus"]


def _shape(k: int, rng: np.random.Generator) -> np.ndarray:
    yy, xx = np.mgrid[:28, :28]
    cy, cx = 14 + rng.integers(-2, 3), 14 + rng.integers(-2, 3)
    r = np.hypot(yy - cy, xx - cx)
    band = lambda d: np.clip(2.0 - np.abs(d), 0, 1)  # noqa: E731 - a soft stroke 2 px wide
    shapes = {
        0: band(r - 8),
        1: band(xx - cx) * (np.abs(yy - cy) < 10),
        2: np.maximum(band(yy - cy - (xx - cx)), band(yy - cy + (xx - cx))) * (np.abs(xx - cx) < 9),
        3: np.maximum(band(np.abs(yy - cy) - 8) * (np.abs(xx - cx) <= 8), band(np.abs(xx - cx) - 8) * (np.abs(yy - cy) <= 8)),
        4: (r < 5).astype(float),
        5: band(yy - cy + (xx - cx)) * (np.abs(xx - cx) < 9),
        6: band(yy - cy - (xx - cx)) * (np.abs(xx - cx) < 9),
        7: np.maximum(band(yy - cy + 8) * (np.abs(xx - cx) < 9), band(xx - cx) * (yy > cy - 8) * (yy < cy + 10)),
        8: np.maximum(band(xx - cx + 8) * (np.abs(yy - cy) < 10), band(yy - cy - 9) * (xx > cx - 8) * (xx < cx + 8)),
        9: np.maximum(band(yy - cy) * (np.abs(xx - cx) < 10), band(xx - cx) * (np.abs(yy - cy) < 10)),
    }
    img = np.clip(shapes[k] + rng.normal(0, 0.08, (28, 28)), 0, 1)
    return (img * 255).astype(np.uint8)


def write_dataset(folder: Path, train: int = 2000, test: int = 500, seed: int = 0) -> Path:
    """IDX files (gzipped, MNIST's names) and classes.txt in `folder`."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for n, prefix in ((train, "train"), (test, "t10k")):
        labels = np.arange(n) % 10
        rng.shuffle(labels)
        images = np.stack([_shape(int(k), rng) for k in labels])
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz", images)
        write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", labels.astype(np.uint8))
    (folder / "classes.txt").write_text("\n".join(NAMES) + "\n")
    return folder
