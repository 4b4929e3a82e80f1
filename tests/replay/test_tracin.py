"""TracIn over the checkpoints a network kept while it trained: the compressed score is the exact one where its bases
keep every direction, the learning-rate weights follow the training's schedule, and the committed artifacts rank the
training digits as the exact score does (checked on training digits and test digits no choice was made on)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from mnistdash import store
from mnistdash.replay import networks, tracin
from mnistdash.replay.build import REPLAY_KEY
from mnistdash.replay.networks import NETWORKS
from mnistdash.zoo.registry import BY_NAME, TrainConfig
from tests.command import run


def exact(found, asked, w) -> np.ndarray:
    """(N, M) sum_k w_k (e_i . e_t)(phi_i . phi_t): TracIn on the last layer, from the representations themselves."""
    out = 0
    for (j, phi, err), (_, phi_t, err_t) in zip(found, asked):
        out = out + w[j] * (err.astype(np.float64) @ err_t.T) * (phi.astype(np.float64) @ phi_t.T)
    return out


def test_the_compressed_score_is_exact_where_its_bases_keep_every_direction():
    rng = np.random.default_rng(5)
    features, n, m = 4, 300, 3
    found, asked = [], []
    for j in (1, 2):
        phi = np.concatenate([np.abs(rng.normal(size=(n + m, features - 1))), np.ones((n + m, 1))], 1).astype(np.float32)
        err = tracin.errors(rng.normal(size=(n + m, 10)) * 3, rng.integers(0, 10, n + m)).astype(np.float32)
        found.append((j, phi[:n], err[:n]))
        asked.append((j, phi[n:], err[n:]))
    w = np.array([0.0, 0.5, 2.0])  # the checkpoint at step 0 stands for no step
    full = tracin.fit(found, w, basis=10 * features, dim=2 * 10 * features)
    got = full["vectors"].astype(np.float32) @ tracin.query({**full, "weights": w}, asked).T
    want = exact(found, asked, w)
    assert np.allclose(got, want, rtol=2e-3, atol=2e-3 * np.abs(want).max())  # float16 storage only
    assert full["energy"][-1] == pytest.approx(1.0)
    small = tracin.fit(found, w, basis=3, dim=4)  # fewer directions: an approximation that says how much it keeps
    assert small["vectors"].shape == (n, 4) and 0 < small["energy"][-1] < 1


def test_the_weights_are_the_learning_rate_over_the_steps_each_checkpoint_stands_for():
    cfg = TrainConfig(epochs=2, lr=1e-2)
    lrs = cfg.learning_rates(50)  # 100 steps of one cycle: warm-up to the peak at 20%, then down
    assert len(lrs) == 100 and lrs[0] == pytest.approx(1e-2 / 25) and lrs.max() == pytest.approx(1e-2, rel=1e-3)
    assert 15 <= int(lrs.argmax()) <= 25 and lrs[-1] < 1e-4
    replay = {"steps": np.array([0, 1, 3, 10, 40, 100]), "kept": np.array([3, 4, 5])}
    w = tracin.weights(replay, lrs)
    assert w == pytest.approx([lrs[:10].sum(), lrs[10:40].sum(), lrs[40:100].sum()])  # the first kept: since step 0
    assert tracin.weights({"steps": replay["steps"]}, lrs)[0] == 0  # every checkpoint kept: step 0 weighs nothing


@pytest.fixture(scope="module")
def committed(committed_models):
    return {
        name: (store.load_artifact(tracin.TRACIN_KEY.format(name)), store.load_artifact(REPLAY_KEY.format(name)))
        for name in NETWORKS
    }


def test_the_committed_tracin_ranks_training_digits_as_the_exact_score_does(committed, committed_models, test_split):
    """On 3,000 training digits and five test digits from a seed no choice was made on (BASIS and DIM were chosen on
    test digits 0-49): the compressed score correlates with the exact one, and most of the exact top 8 stay on top."""
    from mnistdash.data import load_split

    train = load_split("train")
    rows = np.sort(np.random.default_rng(11).choice(len(train), 3000, replace=False))
    picked = np.random.default_rng(12).choice(np.arange(5000, 10_000), 5, replace=False)
    for name, (kept, replay) in committed.items():
        model, cfg = committed_models[name], BY_NAME[name].train
        assert kept["vectors"].shape == (60_000, tracin.DIM) and np.array_equal(kept["kept"], networks.kept(replay))
        assert kept["weights"] == pytest.approx(tracin.weights(replay, cfg.learning_rates(math.ceil(60_000 / cfg.batch))))
        x = test_split.floats()[picked]
        answers = model.predict_proba(x).argmax(1)
        found = list(tracin.parts(replay, model.module, train.floats()[rows], train.labels[rows], cfg.label_smoothing))
        want = exact(found, list(tracin.parts(replay, model.module, x, answers)), kept["weights"])
        corr = []
        for q in range(len(picked)):
            got = tracin.scores(kept, replay, model.module, x[q], int(answers[q]))[rows]
            corr.append(np.corrcoef(got, want[:, q])[0, 1])
            top = set(np.argsort(-want[:, q])[:8])
            assert len(top & set(np.argsort(-got)[:30])) >= 5, (name, picked[q])
        assert min(corr) > 0.7 and np.mean(corr) > 0.85, (name, corr)


def test_influence_command_adds_tracin_for_a_network_that_kept_checkpoints():
    out = run("influence", "--digit", "247", "--model", "mlp", "--json")
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    assert set(found) == {"representer", "nearest", "tracin"}
    rows = found["tracin"]
    assert [r["role"] for r in rows] == ["supports"] * 8 + ["opposes"] * 8
    assert all(r["score"] > 0 for r in rows[:8]) and all(r["score"] < 0 for r in rows[8:])
    assert [r["score"] for r in rows[:8]] == sorted((r["score"] for r in rows[:8]), reverse=True)
