"""Reading the lab artifacts (checked, one-line errors) and the small computations the page and CLI share."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mnistdash import store

REBUILD = "run `mnistdash train --only lab`"
NEEDS = {
    "lab-path": ("penalty", "strength", "train_accuracy", "test_accuracy", "nonzero", "weights", "bias"),
    "lab-pairs": (
        "a",
        "b",
        "train_accuracy",
        "test_accuracy",
        "weights",
        "bias",
        "method",
        "method_train_accuracy",
        "method_test_accuracy",
    ),
    "lab-pca": ("k", "train_accuracy", "test_accuracy", "mean", "components", "variance_ratio", "raw_test_accuracy"),
    "lab-deskew": ("variant", "train_accuracy", "test_accuracy", "pred_raw", "pred_deskewed", "labels"),
    "lab-pixels": ("k", "train_accuracy", "test_accuracy", "order", "masks"),
}
KEYS = tuple(NEEDS)


def load(key: str, models_dir: str | Path | None = None) -> dict[str, np.ndarray]:
    """The arrays of one lab artifact, checked against the manifest and for the fields the lab reads."""
    try:
        arrays = store.load_artifact(key, models_dir)
    except store.StoreError as exc:
        raise store.StoreError(f"{exc} ({REBUILD} rebuilds the lab alone)") from None
    missing = [k for k in NEEDS[key] if k not in arrays]
    if missing:
        raise store.StoreError(f"artifact {key} lacks {', '.join(missing)}; {REBUILD}")
    return arrays


def path_rows(path: dict[str, np.ndarray]) -> list[dict]:
    """One row per step of the regularization path: penalty, strength, train/test accuracy, non-zero weights."""
    return [
        {
            "penalty": str(p),
            "strength": float(s),
            "train_accuracy": round(float(tr), 4),
            "test_accuracy": round(float(te), 4),
            "nonzero": int(nz),
        }
        for p, s, tr, te, nz in zip(
            path["penalty"], path["strength"], path["train_accuracy"], path["test_accuracy"], path["nonzero"]
        )
    ]


def pair_rows(pairs: dict[str, np.ndarray]) -> list[dict]:
    """One row per digit pair (a < b): its classifier's train and test accuracy."""
    return [
        {"a": int(a), "b": int(b), "train_accuracy": round(float(tr), 4), "test_accuracy": round(float(te), 4)}
        for a, b, tr, te in zip(pairs["a"], pairs["b"], pairs["train_accuracy"], pairs["test_accuracy"])
    ]


def pair_index(pairs: dict[str, np.ndarray], a: int, b: int) -> int:
    """Row of the pair {a, b} (either order)."""
    lo, hi = min(a, b), max(a, b)
    return int(np.flatnonzero((pairs["a"] == lo) & (pairs["b"] == hi))[0])


def pair_matrix(pairs: dict[str, np.ndarray], which: str = "test_accuracy") -> np.ndarray:
    """(10, 10) symmetric matrix of a pair statistic, NaN on the diagonal."""
    m = np.full((10, 10), np.nan)
    m[pairs["a"], pairs["b"]] = pairs[which]
    m[pairs["b"], pairs["a"]] = pairs[which]
    return m


def pair_projection(
    pairs: dict[str, np.ndarray], i: int, x: np.ndarray, labels: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Digits of pair i's two classes projected on its weight vector (threshold 0, positive = a).

    Returns (indices into x, scores, wrong-side indices ordered most wrong first)."""
    a, b = int(pairs["a"][i]), int(pairs["b"][i])
    idx = np.flatnonzero((labels == a) | (labels == b))
    scores = x[idx].reshape(len(idx), -1) @ pairs["weights"][i] + pairs["bias"][i]
    wrong = np.where(labels[idx] == a, scores <= 0, scores > 0)
    margin = np.abs(scores[wrong])
    return idx, scores, idx[wrong][np.argsort(-margin, kind="stable")]


def reconstruct(pca: dict[str, np.ndarray], image: np.ndarray, k: int) -> np.ndarray:
    """A (28, 28) digit rebuilt from its first k principal components."""
    v = pca["components"][:k].astype(np.float32)  # (k, 784)
    flat = image.reshape(-1) - pca["mean"]
    return (pca["mean"] + (flat @ v.T) @ v).reshape(28, 28)


def first_reaching(ks: np.ndarray, acc: np.ndarray, target: float) -> int | None:
    """The smallest k whose accuracy reaches `target`, or None."""
    hit = np.flatnonzero(np.asarray(acc) >= target)
    return int(ks[hit[0]]) if len(hit) else None
