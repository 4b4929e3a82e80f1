"""The two 2-D maps of the test digits: the bottleneck network's own 2-unit layer, and t-SNE of the pixels."""

from __future__ import annotations

import numpy as np

from mnistdash.config import SEED
from mnistdash.zoo.base import run_batched


def bottleneck_codes(model, x: np.ndarray, batch: int = 5000) -> np.ndarray:
    """(N, 28, 28) -> (N, 2): the bottleneck network's own 2-D layer."""
    return run_batched(model.module.encode, x, batch)


def tsne_map(x: np.ndarray, quick: bool = False, seed: int = SEED) -> np.ndarray:
    """t-SNE of the pixels (after PCA to 50 dims), (N, 28, 28) -> (N, 2)."""
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE

    flat = x.reshape(len(x), -1)
    reduced = PCA(n_components=50, random_state=seed).fit_transform(flat)
    tsne = TSNE(n_components=2, init="pca", perplexity=30, max_iter=250 if quick else 750, random_state=seed, n_jobs=2)
    return tsne.fit_transform(reduced).astype(np.float32)
