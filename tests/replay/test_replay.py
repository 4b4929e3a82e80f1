"""The training replay: the checkpoints are the committed fit's own path (the last is the committed model bit for
bit), a replay comes out the same twice, forgetting events are counted as Toneva et al. define them, and what the
page reads from a checkpoint agrees with the model."""

from __future__ import annotations

import numpy as np
import pytest

from mnistdash import store
from mnistdash.replay.build import NEVER, REPLAY_KEY, REPLAYED, checkpoint_steps, confusion_at, forgetting, probabilities, replay
from mnistdash.zoo.base import SPECS
from mnistdash.zoo.linear import LinearModel


def test_forgetting_counts_right_to_wrong_and_the_checkpoint_a_digit_stays_right_from():
    correct = np.array(
        [  # checkpoints down, digits across
            [1, 1, 0, 0, 1],
            [0, 1, 1, 0, 1],
            [1, 1, 1, 1, 0],
            [0, 1, 1, 1, 1],
        ],
        bool,
    )
    forgotten, learned = forgetting(correct)
    assert forgotten.tolist() == [2, 0, 0, 0, 1]
    assert learned.tolist() == [NEVER, 0, 1, 2, 3]


def test_checkpoints_start_at_zero_are_log_spaced_and_end_at_the_budget():
    steps = checkpoint_steps(200)
    assert steps[0] == 0 and steps[1] == 1 and steps[-1] == 200
    assert np.all(np.diff(steps) > 0) and len(steps) >= 25
    assert np.sum(steps <= 10) >= 8  # the fast early changes get most of the points


def test_a_replay_is_the_same_twice_and_its_last_checkpoint_is_the_fit_itself(small):
    train, test = small
    first = replay("logreg-multinomial", train, test, points=5)
    second = replay("logreg-multinomial", train, test, points=5)
    assert first.keys() == second.keys()
    for key in first:
        assert np.array_equal(first[key], second[key], equal_nan=True), key
    fitted = LinearModel(SPECS["logreg-multinomial"][1]).fit(train.floats(), train.labels)
    assert np.array_equal(first["coef"][-1], fitted.coef_) and np.array_equal(first["intercept"][-1], fitted.intercept_)
    assert not first["coef"][0].any()  # the start: zero weights
    assert first["test_accuracy"][-1] > first["test_accuracy"][1] > first["test_accuracy"][0]
    assert first["train_loss"][0] == pytest.approx(np.log(10), rel=1e-6)  # uniform probabilities at zero weights
    # L-BFGS lowers the penalised objective at every iteration; the log loss alone may rise a hair as the L2 penalty
    # pulls the weights in near the end (5e-6 on these digits)
    assert np.all(np.diff(first["train_loss"]) <= 1e-4)


def test_only_the_iterative_models_are_replayed(small):
    with pytest.raises(ValueError, match="not fitted by iterations"):
        replay("template-mean", *small)


@pytest.fixture(scope="module")
def committed(test_split):
    from mnistdash.zoo import load_all

    models = load_all(list(REPLAYED))[0]
    return {name: (models[name], store.load_artifact(REPLAY_KEY.format(name))) for name in REPLAYED}


@pytest.mark.parametrize("name", REPLAYED)
def test_the_committed_replay_ends_at_the_committed_model_bit_for_bit(name, committed, test_split):
    model, arrays = committed[name]
    assert arrays["steps"][-1] == SPECS[name][1].max_iter and len(arrays["steps"]) >= 25
    assert np.array_equal(arrays["coef"][-1], model.coef_) and np.array_equal(arrays["intercept"][-1], model.intercept_)
    assert arrays["gap"][0] == 0.0
    read = model.predict_proba(test_split.floats()).argmax(1)
    assert np.array_equal(arrays["test_read"][-1], read)
    metrics = store.read_manifest()["models"][name]["test_accuracy"]
    assert arrays["test_accuracy"][-1] == pytest.approx(metrics, abs=1e-6)  # what `mnistdash evaluate` recomputes
    # the maps change along the way: an early checkpoint is not a scaled copy of the last
    early, last = arrays["coef"][3].ravel(), arrays["coef"][-1].ravel()
    assert np.corrcoef(early, last)[0, 1] < 0.9
    assert arrays["forgotten"].sum() > 0 and np.sum(arrays["learned_at"] == NEVER) == np.sum(read != test_split.labels)


def test_a_checkpoint_reads_a_digit_and_counts_its_confusion_as_the_model_does(committed, test_split):
    model, arrays = committed["logreg-multinomial"]
    digit = test_split.floats()[7]
    probs = probabilities(arrays, digit)
    assert probs.shape == (len(arrays["steps"]), 10)
    assert np.allclose(probs[-1], model.predict_proba(digit[None])[0], atol=1e-5)
    assert np.allclose(probs[0], 0.1)
    cm = confusion_at(arrays, len(arrays["steps"]) - 1, test_split.labels)
    assert cm.sum() == len(test_split) and np.trace(cm) == round(arrays["test_accuracy"][-1] * len(test_split))
