"""Where models fail: confusion matrices, the digits behind a cell, and two models compared."""

from __future__ import annotations

import numpy as np


def confusion(labels: np.ndarray, preds: np.ndarray) -> np.ndarray:
    """(10, 10) counts; rows are true labels, columns predictions."""
    return np.bincount(labels * 10 + preds, minlength=100).reshape(10, 10)


def precision_recall(cm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    tp = np.diag(cm).astype(np.float64)
    precision = tp / np.maximum(cm.sum(0), 1)
    recall = tp / np.maximum(cm.sum(1), 1)
    return precision, recall


def cell_members(labels: np.ndarray, probs: np.ndarray, true: int, pred: int) -> np.ndarray:
    """Indices of digits labelled `true` and predicted `pred`.

    Off the diagonal, most confidently wrong first (highest probability of the wrong class);
    on the diagonal, least confident correct first.
    """
    preds = probs.argmax(1)
    idx = np.flatnonzero((labels == true) & (preds == pred))
    conf = probs[idx, pred]
    return idx[np.argsort(conf if true == pred else -conf, kind="stable")]


def disagreements(labels: np.ndarray, probs_a: np.ndarray, probs_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(a right and b wrong, b right and a wrong), each most confident disagreement first."""
    ra, rb = probs_a.argmax(1) == labels, probs_b.argmax(1) == labels
    a_only, b_only = np.flatnonzero(ra & ~rb), np.flatnonzero(rb & ~ra)
    a_only = a_only[np.argsort(-probs_b[a_only].max(1), kind="stable")]
    b_only = b_only[np.argsort(-probs_a[b_only].max(1), kind="stable")]
    return a_only, b_only
