"""A selection on the 2-D maps lists its odd digits first."""

from __future__ import annotations

import numpy as np

from mnistdash.maps.selection import odd_first


def test_rare_labels_first_then_wrong_predictions_then_the_rest():
    labels = np.array([1, 1, 1, 1, 7, 1, 2, 2])
    preds = np.array([1, 7, 1, 1, 7, 1, 2, 3])
    order = odd_first(labels, preds)
    assert list(order) == [4, 7, 6, 1, 0, 2, 3, 5]
    assert sorted(order) == list(range(len(labels)))  # a permutation: nothing lost


def test_empty_selection():
    assert len(odd_first(np.array([], np.int64), np.array([], np.int64))) == 0
