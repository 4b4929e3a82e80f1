"""The lab's experiments on flat pixels (N, 784): regularization path, pairwise classifiers, PCA-k, top-k pixels."""

from __future__ import annotations

from itertools import combinations

import numpy as np
from tqdm.auto import tqdm

from mnistdash.lab.solver import LinearFit, fit_logistic

PAIRS = list(combinations(range(10), 2))  # the 45 digit pairs (a, b), a < b


def accuracy(fit: LinearFit, x: np.ndarray, y: np.ndarray) -> float:
    return float((fit.predict(x) == y).mean())


def regularization_path(x, y, xt, yt, penalty: str, strengths, max_iter: int) -> dict[str, np.ndarray]:
    """Softmax regression at each strength (fitted strong to weak, each warm-started from the last)."""
    strengths = np.sort(np.asarray(strengths, np.float64))
    rows = []
    fit = None
    for s in tqdm(strengths[::-1], desc=f"{penalty} path", unit="strength", leave=False):
        fit = fit_logistic(x, y, 10, **{penalty: float(s)}, init=fit, max_iter=max_iter)
        rows.append((fit, accuracy(fit, x, y), accuracy(fit, xt, yt)))
    rows.reverse()  # weak to strong, like `strengths`
    return {
        "penalty": np.array([penalty] * len(strengths)),
        "strength": strengths,
        "train_accuracy": np.array([r[1] for r in rows]),
        "test_accuracy": np.array([r[2] for r in rows]),
        "nonzero": np.array([int(np.count_nonzero(r[0].coef)) for r in rows]),
        "weights": np.stack([r[0].coef for r in rows]).astype(np.float32),  # (S, 10, 784)
        "bias": np.stack([r[0].intercept for r in rows]).astype(np.float32),  # (S, 10)
    }


def pairwise(x, y, xt, yt, l2: float, max_iter: int) -> dict[str, np.ndarray]:
    """One binary classifier per digit pair, trained on the two classes only; positive score means `a`."""
    out = {k: [] for k in ("a", "b", "train_accuracy", "test_accuracy", "weights", "bias")}
    for a, b in tqdm(PAIRS, desc="pairs", unit="pair", leave=False):
        tr, te = (y == a) | (y == b), (yt == a) | (yt == b)
        fit = fit_logistic(x[tr], (y[tr] == a).astype(np.int64), 2, l2=l2, max_iter=max_iter)
        out["a"].append(a)
        out["b"].append(b)
        out["train_accuracy"].append(accuracy(fit, x[tr], (y[tr] == a).astype(np.int64)))
        out["test_accuracy"].append(accuracy(fit, xt[te], (yt[te] == a).astype(np.int64)))
        out["weights"].append(fit.coef[0])
        out["bias"].append(fit.intercept[0])
    arrays = {k: np.array(v) for k, v in out.items()}
    arrays["weights"] = arrays["weights"].astype(np.float32)  # (45, 784)
    arrays["bias"] = arrays["bias"].astype(np.float32)  # (45,)
    return arrays


def ovo_vote(a: np.ndarray, b: np.ndarray, weights: np.ndarray, bias: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Labels (N,) by one-vs-one voting: each pair votes for `a` when its score is positive, else for `b`;
    a tie goes to the smallest digit."""
    scores = np.asarray(x, np.float32).reshape(len(x), -1) @ weights.T + bias  # (N, 45)
    votes = (scores > 0).astype(np.int64) @ np.eye(10, dtype=np.int64)[a] + (scores <= 0).astype(np.int64) @ np.eye(
        10, dtype=np.int64
    )[b]
    return votes.argmax(1)


def one_vs_rest(x, y, l2: float, max_iter: int) -> LinearFit:
    """Ten binary classifiers, digit c against the other nine, stacked into one scorer (argmax of scores)."""
    fits = [
        fit_logistic(x, (y == c).astype(np.int64), 2, l2=l2, max_iter=max_iter)
        for c in tqdm(range(10), desc="one-vs-rest", leave=False)
    ]
    return LinearFit(
        np.concatenate([f.coef for f in fits]), np.concatenate([f.intercept for f in fits]), max(f.iterations for f in fits)
    )


def pca_basis(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Principal components of the training pixels: mean (784,), components (784, 784) rows by variance, variance ratio."""
    mean = x.mean(0, dtype=np.float64)
    centred = x - mean
    cov = centred.T.astype(np.float64) @ centred / len(x)
    values, vectors = np.linalg.eigh(cov)
    order = np.argsort(values)[::-1]
    values = np.clip(values[order], 0, None)
    return mean.astype(np.float32), vectors[:, order].T.astype(np.float32), (values / values.sum()).astype(np.float32)


def pca_curve(x, y, xt, yt, ks, l2: float, max_iter: int, basis) -> dict[str, np.ndarray]:
    """Softmax regression on the first k principal-component scores, for each k (warm-started as k grows)."""
    mean, components, ratio = basis
    z, zt = (x - mean) @ components.T, (xt - mean) @ components.T
    train_acc, test_acc, fit = [], [], None
    for k in tqdm(ks, desc="PCA-k", unit="k", leave=False):
        init = None
        if fit is not None:
            pad = k - fit.coef.shape[1]
            init = LinearFit(np.pad(fit.coef, ((0, 0), (0, pad))), fit.intercept, 0)
        fit = fit_logistic(z[:, :k], y, 10, l2=l2, init=init, max_iter=max_iter)
        train_acc.append(accuracy(fit, z[:, :k], y))
        test_acc.append(accuracy(fit, zt[:, :k], yt))
    return {"k": np.asarray(ks), "train_accuracy": np.array(train_acc), "test_accuracy": np.array(test_acc)}


def top_pixels(x, y, xt, yt, ks, coef: np.ndarray, l2: float, max_iter: int) -> dict[str, np.ndarray]:
    """Refit on only the k pixels with the largest weight magnitude (column norm of `coef` (10, 784))."""
    order = np.argsort(-np.linalg.norm(coef, axis=0), kind="stable")  # most important pixel first
    masks, train_acc, test_acc = [], [], []
    for k in tqdm(ks, desc="top-k pixels", unit="k", leave=False):
        keep = np.sort(order[:k])
        fit = fit_logistic(x[:, keep], y, 10, l2=l2, max_iter=max_iter)
        mask = np.zeros(x.shape[1], np.uint8)
        mask[keep] = 1
        masks.append(mask)
        train_acc.append(accuracy(fit, x[:, keep], y))
        test_acc.append(accuracy(fit, xt[:, keep], yt))
    return {
        "k": np.asarray(ks),
        "train_accuracy": np.array(train_acc),
        "test_accuracy": np.array(test_acc),
        "order": order,
        "masks": np.stack(masks),  # (K, 784), 1 = kept
    }
