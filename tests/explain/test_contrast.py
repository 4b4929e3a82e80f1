"""The comparison class B of "why A and not B": never the model's own prediction."""

from __future__ import annotations

import numpy as np
import pytest

from mnistdash.explain.contrast import clicked_class, comparison_class, comparison_classes


def test_default_is_the_models_own_runner_up():
    p = np.array([0.05, 0.6, 0.0, 0.3, 0.05, 0, 0, 0, 0, 0])
    assert comparison_class(p) == 3


@pytest.mark.parametrize("chosen", range(10))
def test_a_chosen_class_is_kept_unless_it_is_the_prediction(chosen):
    p = np.array([0.05, 0.6, 0.0, 0.3, 0.05, 0, 0, 0, 0, 0])
    assert comparison_class(p, chosen) == (3 if chosen == 1 else chosen)


def test_ties_and_one_hot_never_give_the_prediction():
    one_hot = np.eye(10, dtype=np.float16)  # every other class at exactly 0
    tied = np.full((10, 10), 0.1)  # a ten-way tie
    for probs in (one_hot, tied):
        b = comparison_classes(probs)
        assert (b != probs.argmax(1)).all() and ((0 <= b) & (b < 10)).all()
    assert comparison_class(np.array([0.5, 0.5] + [0] * 8)) == 1  # the tie's other half


def test_never_the_prediction_over_every_test_digit_of_logreg_multinomial():
    """The issue's case: the old default (the runner-up of all models together) was the linear model's own
    answer on 467 test digits, so the third map was blank. Over the committed probabilities, for the
    default and for every class a person can click, B differs from the prediction on all 10,000 digits."""
    from mnistdash import store

    probs = store.load_artifact("probs-logreg-multinomial")["test"]  # (10000, 10) float16 as committed
    assert probs.shape == (10_000, 10)
    pred = probs.argmax(1)
    for chosen in [None, *range(10)]:
        b = comparison_classes(probs, chosen)
        assert (b != pred).all(), chosen
        if chosen is not None:
            assert (b[pred != chosen] == chosen).all()
    # and, as one digit at a time on the page
    assert all(comparison_class(p) != int(p.argmax()) for p in probs[:500])


def test_clicked_class_reads_a_plotly_selection():
    assert clicked_class({"selection": {"points": [{"x": "7", "y": "cnn"}]}}) == 7
    assert clicked_class({"selection": {"points": [{"x": 4}]}}) == 4
    assert clicked_class({"selection": {"points": []}}) is None
    assert clicked_class(None) is None
    assert clicked_class({"selection": {"points": [{"y": "cnn"}]}}) is None
