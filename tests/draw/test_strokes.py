"""The stroke-by-stroke timeline: one more stroke appends, Undo and Clear cut back, jumps restart."""

from __future__ import annotations

import numpy as np

from mnistdash.draw.strokes import models_in, record, steps


def _p(answer: int, prob: float = 0.9) -> dict[str, np.ndarray]:
    p = np.full(10, (1 - prob) / 9, np.float32)
    p[answer] = prob
    return {"cnn": p, "mlp": np.roll(p, 1)}


def test_strokes_append_then_undo_drops_the_last_and_clear_empties():
    t = record({}, 1, _p(1))
    t = record(t, 2, _p(7, 0.8))
    assert sorted(t) == [1, 2]
    assert [(s.strokes, s.answer, s.changed) for s in steps(t, "cnn")] == [(1, 1, False), (2, 7, True)]
    assert abs(steps(t, "cnn")[1].probability - 0.8) < 1e-6
    t = record(t, 1, _p(1))  # Undo
    assert sorted(t) == [1] and steps(t, "cnn")[0].answer == 1
    t = record(t, 2, _p(4))  # a different second stroke
    assert [s.answer for s in steps(t, "cnn")] == [1, 4]
    assert record(t, 0, None) == {}  # Clear


def test_the_same_count_again_replaces_the_last_entry_and_a_jump_restarts():
    t = record(record({}, 1, _p(1)), 2, _p(7))
    t = record(t, 2, _p(9))
    assert sorted(t) == [1, 2] and steps(t, "cnn")[-1].answer == 9
    t = record(t, 5, _p(3))  # three strokes arrived together: no made-up entries for 3 and 4
    assert sorted(t) == [5]
    assert [s.strokes for s in steps(t, "mlp")] == [5] and models_in(t) == ["cnn", "mlp"]


def test_an_unreadable_drawing_keeps_only_the_strokes_before_it():
    t = record(record({}, 1, _p(1)), 2, _p(7))
    t = record(t, 2, None)
    assert sorted(t) == [1]


def test_entries_are_copies():
    probs = _p(2)
    t = record({}, 1, probs)
    probs["cnn"][:] = 0
    assert steps(t, "cnn")[0].answer == 2
