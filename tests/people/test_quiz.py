"""The quiz core: rounds from the chosen kinds with hidden gold digits, seeded; scores; the throttle."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mnistdash.people.quiz.rounds import GOLD_PER_ROUND, KINDS, ROUND_SIZE, make_pools, make_round, split_counts
from mnistdash.people.quiz.score import Throttle, running_totals, score_round


@pytest.fixture(scope="module")
def committed():
    from mnistdash import store
    from mnistdash.data import load_split
    from mnistdash.mistakes.mislabels import judge_probs, rank
    from mnistdash.zoo import registry

    labels = load_split("test").labels
    probs = {m: store.load_artifact(f"probs-{m}")["test"] for m in registry.classifiers()}
    return probs, labels, rank(judge_probs("test"), labels)[0]


def test_pools_follow_the_committed_probabilities(committed):
    probs, labels, order = committed
    pools = make_pools(probs, labels, order)
    assert len(pools.random) == len(labels)
    assert (probs["cnn"][pools.cnn_wrong].argmax(1) != labels[pools.cnn_wrong]).all()
    assert 20 < len(pools.cnn_wrong) < 100  # a 99.6% convnet
    for i in pools.gold[:50]:
        assert all(p[i].argmax() == labels[i] for p in probs.values())
    for i in pools.disagree[:50]:
        assert len({int(p[i].argmax()) for p in probs.values()}) > 1


@pytest.mark.parametrize("kinds", [list(KINDS), ["cnn wrong"], ["models disagree", "likely mislabelled"], []])
def test_round_mix_gold_and_seed(committed, kinds):
    probs, labels, order = committed
    pools = make_pools(probs, labels, order)
    r = make_round(pools, kinds, seed=42)
    assert len(r) == ROUND_SIZE and len({it.index for it in r}) == ROUND_SIZE
    assert sum(it.kind == "gold" for it in r) == GOLD_PER_ROUND
    for kind, n in split_counts(kinds).items():
        assert sum(it.kind == kind for it in r) == n
    for it in r:
        if it.kind == "cnn wrong":
            assert probs["cnn"][it.index].argmax() != labels[it.index]
    assert make_round(pools, kinds, seed=42) == r and make_round(pools, kinds, seed=43) != r
    assert [it.kind for it in r] != sorted(it.kind for it in r) or len(set(it.kind for it in r)) == 1  # gold hidden


def test_score_round_beside_the_models():
    labels = np.array([1, 2, 3, 4])
    eye = np.eye(10)
    probs = {"cnn": eye[[1, 2, 9, 9]], "lin": eye[[1, 0, 0, 0]]}
    s = score_round({0: "1", 1: "7", 2: "3", 3: "x"}, labels, probs)
    assert s.n == 4 and s.person == 0.5 and s.models == {"cnn": 0.5, "lin": 0.25}
    assert s.person_beat == [2] and s.model_beat == [1]


def test_running_totals_count_rounds():
    labels = np.array([1, 2, 3])
    frame = pd.DataFrame(
        {
            "split": "test",
            "source": "quiz",
            "index": [0, 1, 2, 0],
            "answer": ["1", "2", "0", "1"],
            "round_id": ["a", "a", "b", "b"],
        }
    )
    t = running_totals(frame, labels, np.eye(10)[[1, 0, 3]])
    assert t == {"rounds": 2, "answers": 4, "accuracy": 0.75, "judge_accuracy": 0.75}


def test_throttle_allows_two_answers_a_second():
    t = Throttle(limit=2, window=1.0)
    assert t.allows([], 10.0) and t.allows([9.5], 10.0)
    assert not t.allows([9.4, 9.8], 10.0)
    assert t.allows([8.9, 9.8], 10.0)
