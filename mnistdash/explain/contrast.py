"""The comparison class B of "why A and not B": a chosen class, or the model's own runner-up, never its answer A."""

from __future__ import annotations

import numpy as np


def comparison_classes(probs: np.ndarray, chosen: int | None = None) -> np.ndarray:
    """(N, 10) probabilities -> (N,) comparison classes: `chosen` where it is not the model's prediction,
    else the model's own runner-up (ties broken by the lower class), so never the argmax."""
    p = np.array(probs, np.float64, ndmin=2)  # a copy: the prediction's column is masked below
    pred = p.argmax(1)
    rows = np.arange(len(p))
    p[rows, pred] = -np.inf
    runner_up = np.nan_to_num(p, nan=-np.inf).argmax(1)
    runner_up = np.where(runner_up == pred, (pred + 1) % p.shape[1], runner_up)  # all -inf: any other class
    if chosen is None:
        return runner_up
    return np.where(pred == int(chosen), runner_up, int(chosen))


def comparison_class(probs: np.ndarray, chosen: int | None = None) -> int:
    """One model's (10,) probabilities -> its comparison class: `chosen` unless that is its prediction,
    else its runner-up; never its prediction."""
    return int(comparison_classes(np.asarray(probs)[None], chosen)[0])


def clicked_class(event) -> int | None:
    """The class of the first point of a Plotly selection event on the probability chart, or None."""
    points = ((event or {}).get("selection") or {}).get("points") or []
    for point in points:
        x = point.get("x")
        try:
            return int(x)
        except (TypeError, ValueError):
            continue
    return None
