"""The 2-D maps' figures: one trace per group holding exactly its points, a selection read back to the same
positions from either trace layout, and the ringed selection drawn on top."""

from __future__ import annotations

import numpy as np

from mnistdash.maps import figures


def _maps(n: int = 60, seed: int = 0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n)
    preds = np.where(rng.random(n) < 0.8, labels, (labels + 1) % 10)
    return rng.normal(size=(n, 2)), np.arange(1000, 1000 + n), labels, preds


def test_groups_cover_every_point_once_and_follow_the_colouring():
    _, _, labels, preds = _maps()
    for colour_by in figures.COLOURINGS:
        traces = figures.groups(colour_by, labels, preds)
        every = np.concatenate([pos for _, pos, _ in traces])
        assert sorted(every.tolist()) == list(range(len(labels)))
    true = figures.groups("true label", labels, preds)
    assert all((labels[pos] == c).all() for c, (_, pos, _) in enumerate(true))
    predicted = figures.groups("predicted label", labels, preds)
    assert all((preds[pos] == c).all() for c, (_, pos, _) in enumerate(predicted))
    (_, right, _), (_, wrong, _) = figures.groups("correct / wrong", labels, preds)
    assert (labels[right] == preds[right]).all() and (labels[wrong] != preds[wrong]).all() and len(wrong)


def test_a_selection_reads_back_to_the_points_it_hit():
    coords, index, labels, preds = _maps()
    traces = figures.groups("true label", labels, preds)
    fig = figures.scatter(coords, traces, index, labels, preds, np.zeros(0, np.int64))
    assert len(fig.data) == len(traces)
    # pick the second point of trace 3 and the first of trace 7, as Streamlit reports them
    event = {"selection": {"points": [{"curve_number": 3, "point_index": 1}, {"curve_number": 7, "point_number": 0}]}}
    want = sorted([int(traces[3][1][1]), int(traces[7][1][0])])
    assert figures.positions(event, traces) == want
    for k, p in zip((3, 7), (1, 0), strict=True):  # the point's own coordinates and hover data agree with its position
        trace = fig.data[k]
        pos = int(traces[k][1][p])
        assert (trace.x[p], trace.y[p]) == (coords[pos, 0], coords[pos, 1])
        assert int(trace.customdata[p][1]) == index[pos]
    # the ringed selection trace on top (curve past the groups) and out-of-range points are ignored
    stray = {
        "selection": {"points": [{"curve_number": len(traces), "point_index": 0}, {"curve_number": 0, "point_index": 10**6}]}
    }
    assert figures.positions(stray, traces) == []
    assert figures.positions(None, traces) == []


def test_a_selection_fades_the_rest_and_is_drawn_on_top():
    coords, index, labels, preds = _maps()
    traces = figures.groups("true label", labels, preds)
    chosen = np.array([0, 5, 9])
    fig = figures.scatter(coords, traces, index, labels, preds, chosen)
    assert len(fig.data) == len(traces) + 1
    top = fig.data[-1]
    assert top.name == "selected" and np.allclose(top.x, coords[chosen, 0])
    assert all(t.marker.opacity < 0.2 for t in fig.data[:-1])
    # each selected point keeps its class's colour
    colour_of = {int(p): c for _, pos, c in traces for p in pos}
    assert list(top.marker.color) == [colour_of[int(p)] for p in chosen]
