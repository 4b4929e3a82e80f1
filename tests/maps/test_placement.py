"""A digit's place on the committed t-SNE map from its nearest test digits by pixels."""

from __future__ import annotations

import numpy as np

from mnistdash import store
from mnistdash.maps.placement import PixelNeighbours, place


def test_a_test_digit_left_out_lands_near_its_own_tsne_position(test_split):
    emb = store.load_artifact("embedding")
    digits, tsne = test_split.floats()[emb["index"]], emb["tsne"]
    bank = PixelNeighbours(digits)
    rows = np.random.default_rng(0).choice(len(digits), 100, replace=False)
    off = np.array([np.linalg.norm(place(tsne, bank, digits[r], exclude=r).point - tsne[r]) for r in rows])
    extent = float(np.linalg.norm(tsne.max(0) - tsne.min(0)))
    assert np.median(off) < 0.03 * extent, (np.median(off), extent)  # next to itself, not just in the right half
    random_pairs = np.linalg.norm(tsne[rows] - tsne[rows[::-1]], axis=1)
    assert np.median(off) < 0.1 * np.median(random_pairs)


def test_neighbours_are_nearest_first_and_exclude_leaves_the_digit_out(test_split):
    digits = test_split.floats()[:500]
    bank = PixelNeighbours(digits)
    idx, dist = bank.nearest(digits[7], k=8)
    assert idx[0] == 7 and dist[0] < 1e-3 and (np.diff(dist) >= 0).all()
    brute = np.sqrt(((digits.reshape(500, -1) - digits[7].reshape(-1)) ** 2).sum(1))
    np.testing.assert_allclose(np.sort(brute)[:8], dist, atol=1e-3)
    idx2, _ = bank.nearest(digits[7], k=8, exclude=7)
    assert 7 not in idx2 and list(idx2[:7]) == list(idx[1:8])


def test_the_place_is_a_weighted_mean_inside_the_neighbours_box(test_split):
    digits = test_split.floats()[:300]
    coords = np.random.default_rng(1).normal(size=(300, 2)).astype(np.float32)
    p = place(coords, PixelNeighbours(digits), digits[3] * 0.9, k=5)
    box = coords[p.neighbours]
    assert (p.point >= box.min(0) - 1e-6).all() and (p.point <= box.max(0) + 1e-6).all()
