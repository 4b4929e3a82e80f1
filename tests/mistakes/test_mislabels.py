"""The mislabel ranking finds labels a test flips on purpose."""

from __future__ import annotations

import numpy as np

from mnistdash.mistakes.mislabels import cross_val_proba, rank


def test_flipped_labels_rank_near_the_top():
    from mnistdash.data import load_split

    train = load_split("train")
    x, y = train.floats()[:3000], train.labels[:3000].copy()
    rng = np.random.default_rng(7)
    flipped = rng.choice(len(y), 30, replace=False)
    y[flipped] = (y[flipped] + rng.integers(1, 10, 30)) % 10
    probs = cross_val_proba(x, y, folds=5, epochs=6)
    order, suspected, score = rank(probs, y)
    top = set(order[:60].tolist())
    assert len(top & set(flipped.tolist())) >= 24  # at least 80% of the flips in the top 2%
    assert (suspected[flipped] == train.labels[flipped]).mean() > 0.8  # and the true label suspected


def test_rank_orders_by_margin():
    probs = np.array([[0.9, 0.1] + [0] * 8, [0.2, 0.8] + [0] * 8, [0.5, 0.5] + [0] * 8], np.float32)
    order, suspected, score = rank(probs, np.array([0, 0, 0]))
    assert list(order) == [1, 2, 0]
    assert list(suspected) == [1, 1, 1]
    np.testing.assert_allclose(score, [-0.8, 0.6, 0.0], atol=1e-6)
