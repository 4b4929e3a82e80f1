"""Penalized logistic regression (softmax or binary, L2 and/or L1) by L-BFGS-B on torch-computed gradients.

L1 is handled exactly by splitting W = P - N with P, N >= 0 (bound constraints), so weights the
penalty kills are exactly zero. Pixels are centred on the training mean while fitting (the
intercept absorbs it), which keeps the problem well conditioned; the returned intercept is for
raw pixels.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from scipy.optimize import Bounds, minimize


@dataclass
class LinearFit:
    """A fitted linear scorer for raw features: `scores = x @ coef.T + intercept`."""

    coef: np.ndarray  # (K, D); K = 1 for a binary classifier (positive score: class 1)
    intercept: np.ndarray  # (K,)
    iterations: int

    def scores(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x, np.float32) @ self.coef.T + self.intercept

    def predict(self, x: np.ndarray) -> np.ndarray:
        s = self.scores(x)
        return (s[:, 0] > 0).astype(np.int64) if s.shape[1] == 1 else s.argmax(1)


def fit_logistic(
    x: np.ndarray,  # (N, D) float32
    y: np.ndarray,  # (N,) class indices; binary when n_classes == 2
    n_classes: int,
    l2: float = 0.0,
    l1: float = 0.0,
    init: LinearFit | None = None,
    max_iter: int = 100,
) -> LinearFit:
    """Minimize mean cross-entropy + l2/2 ||W||^2 + l1 ||W||_1 (the intercept is not penalized)."""
    x = np.asarray(x, np.float32)
    mean = x.mean(0)
    xt = torch.from_numpy(x - mean)
    yt = torch.from_numpy(np.asarray(y, np.int64))
    k, d = (1 if n_classes == 2 else n_classes), x.shape[1]
    size = k * d
    if init is None:
        w0, b0 = np.zeros((k, d)), np.zeros(k)
    else:
        w0, b0 = init.coef.astype(np.float64), init.intercept + init.coef @ mean  # intercept for centred pixels
    theta0 = (
        np.concatenate([np.maximum(w0, 0).ravel(), np.maximum(-w0, 0).ravel(), b0]) if l1 else np.concatenate([w0.ravel(), b0])
    )

    def split(t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        if l1:
            return t[:size].view(k, d) - t[size : 2 * size].view(k, d), t[-k:], t[: 2 * size].sum()
        return t[:size].view(k, d), t[-k:], torch.zeros(())

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        t = torch.from_numpy(theta.astype(np.float32)).requires_grad_()
        w, b, l1_norm = split(t)
        scores = xt @ w.T + b
        if k == 1:
            loss = F.binary_cross_entropy_with_logits(scores[:, 0], yt.float())
        else:
            loss = F.cross_entropy(scores, yt)
        loss = loss + 0.5 * l2 * (w * w).sum() + l1 * l1_norm
        loss.backward()
        return float(loss), t.grad.double().numpy()

    bounds = None
    if l1:  # P, N >= 0; the intercept is free
        bounds = Bounds(np.r_[np.zeros(2 * size), np.full(k, -np.inf)], np.full(2 * size + k, np.inf))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = minimize(
            objective,
            theta0,
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": max_iter, "maxfun": max_iter + max_iter // 4 + 5, "gtol": 1e-7},
        )
    theta = torch.from_numpy(res.x)
    w, b, _ = split(theta)
    coef = w.numpy().astype(np.float32)
    return LinearFit(coef, (b.numpy() - coef @ mean).astype(np.float32), int(res.nit))
