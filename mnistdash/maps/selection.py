"""Ordering a selection of digits so the odd ones come first: labels rare in it, then wrong predictions."""

from __future__ import annotations

import numpy as np


def odd_first(labels: np.ndarray, preds: np.ndarray) -> np.ndarray:
    """Order (positions into labels) of a selection: the rarest labels in it first, each label's wrong predictions
    before its right ones; the most common label's correctly read digits come last."""
    labels, preds = np.asarray(labels), np.asarray(preds)
    if len(labels) == 0:
        return np.zeros(0, np.int64)
    count = np.bincount(labels, minlength=10)[labels]
    right = (labels == preds).astype(np.int64)
    return np.lexsort((np.arange(len(labels)), right, labels, count))  # last key sorts first
