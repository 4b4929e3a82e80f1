"""Second-moment deskewing (LeCun et al. 1998): shear each digit so its main axis is vertical, centred."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def moments(images: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(N, 28, 28) -> centre of mass (N, 2) as (row, col), row variance (N,), row-col covariance (N,)."""
    x = np.asarray(images, np.float64)
    n, h, w = x.shape
    rows, cols = np.mgrid[:h, :w]
    total = np.maximum(x.sum((1, 2)), 1e-12)
    mr = (x * rows).sum((1, 2)) / total
    mc = (x * cols).sum((1, 2)) / total
    dr, dc = rows[None] - mr[:, None, None], cols[None] - mc[:, None, None]
    var_r = (x * dr**2).sum((1, 2)) / total
    cov_rc = (x * dr * dc).sum((1, 2)) / total
    return np.stack([mr, mc], 1), var_r, cov_rc


def deskew(images: np.ndarray, batch: int = 10000) -> np.ndarray:
    """(N, 28, 28) floats -> deskewed (N, 28, 28): output pixel (r, c) reads input
    (r - 13.5 + mean_r, c + alpha (r - 13.5) - 13.5 + mean_c), alpha = cov(r, c) / var(r), bilinear."""
    images = np.asarray(images, np.float32)
    out = np.empty_like(images)
    h, w = images.shape[1:]
    rows, cols = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32), indexing="ij")
    for start in range(0, len(images), batch):
        chunk = images[start : start + batch]
        centre, var_r, cov_rc = moments(chunk)
        alpha = torch.from_numpy((cov_rc / np.maximum(var_r, 1e-12)).astype(np.float32))[:, None, None]
        mr = torch.from_numpy(centre[:, 0].astype(np.float32))[:, None, None]
        mc = torch.from_numpy(centre[:, 1].astype(np.float32))[:, None, None]
        src_r = rows - (h - 1) / 2 + mr
        src_c = cols + alpha * (rows - (h - 1) / 2) - (w - 1) / 2 + mc
        grid = torch.stack([src_c / (w - 1) * 2 - 1, src_r / (h - 1) * 2 - 1], -1)  # (n, h, w, 2) as (x, y)
        sampled = F.grid_sample(torch.from_numpy(chunk)[:, None], grid, mode="bilinear", padding_mode="zeros", align_corners=True)
        out[start : start + batch] = sampled[:, 0].numpy()
    return out
