"""The training digits behind an answer: the representer identity, the refit checked against scikit-learn's
logistic regression, nearest neighbours, the committed artifacts, the command line and the page."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mnistdash import store
from mnistdash.explain import influence
from tests.command import run


@pytest.fixture(scope="module")
def committed():
    return {name: store.load_artifact(influence.INFLUENCE_KEY.format(name)) for name in influence.NETWORKS}


def test_the_refit_is_scikit_learns_l2_logistic_regression_and_a_sum_over_the_training_digits():
    """On a seeded fixture: the weights equal sum_i alpha_i phi_i (the representer theorem at the optimum) and
    scikit-learn's multinomial logistic regression with the same penalty (C = 1 / (2 lambda n), no intercept)."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(7)
    y = rng.integers(0, 10, 400)
    phi = np.concatenate([np.abs(rng.normal(size=(400, 12)) + 0.6 * np.eye(10, 12)[y]), np.ones((400, 1))], 1)
    lam = 0.01
    fit = influence.refit(phi, y, lam)
    assert fit["gap"] < 1e-5  # the optimiser reached the optimum: W and sum_i alpha_i phi_i agree
    assert np.allclose(fit["weight"], fit["alpha"].T @ phi)
    reference = LogisticRegression(C=1 / (2 * lam * len(y)), fit_intercept=False, tol=1e-12, max_iter=10_000).fit(phi, y)
    assert np.abs(fit["weight"] - reference.coef_).max() < 1e-4
    own = np.eye(10, dtype=bool)[y]
    assert (fit["alpha"][own] > 0).all() and (fit["alpha"][~own] < 0).all()  # a digit pulls toward its label only


def test_representer_values_sum_to_the_refits_output(committed, committed_models, test_split):
    """Their defining identity: a test digit's shares over the 60,000 training digits add up to the refitted last
    layer's pre-softmax output, for every class."""
    for name, arrays in committed.items():
        model, digit = committed_models[name], test_split.floats()[3]
        t = influence.representation(model, digit[None])[0].astype(np.float64)
        phi, alpha = arrays["features"].astype(np.float64), arrays["alpha"].astype(np.float64)
        shares = alpha * (phi @ t)[:, None]  # (N, 10)
        logits = arrays["weight"] @ t
        assert np.allclose(shares.sum(0), logits, rtol=1e-4, atol=1e-3), (name, shares.sum(0), logits)
        assert float(arrays["agreement"][0]) > 0.99  # the refit reads test digits as the network does
        assert len(phi) == 60_000 and (arrays["labels"] < 10).all()


def test_a_training_digits_nearest_neighbour_is_itself(committed, committed_models):
    from mnistdash.data import load_split

    train = load_split("train")
    for name, arrays in committed.items():
        for i in (0, 12_345, 59_999):
            label = int(train.labels[i])
            found = influence.behind(committed_models[name], arrays, train.floats()[i], label)
            first = found["nearest"][0]
            assert first["index"] == i and first["role"] == "supports" and first["score"] > 0.999, (name, i, first)


def test_influence_command_lists_supporting_and_opposing_training_digits(committed):
    out = run("influence", "--digit", "247", "--model", "cnn", "--json")
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    assert set(found) == {"representer", "nearest", "tracin"}
    labels = committed["cnn"]["labels"]
    for rows in found.values():
        assert [r["role"] for r in rows] == ["supports"] * 8 + ["opposes"] * 8
        assert all(r["label"] == int(labels[r["index"]]) for r in rows)
    answer = found["representer"][0]["label"]  # a supporting representer point carries the answer's label
    assert all(r["label"] == answer for r in found["representer"][:8])
    assert all(r["label"] != answer and r["score"] < 0 for r in found["representer"][8:])
    scores = [r["score"] for r in found["nearest"][:8]]
    assert scores == sorted(scores, reverse=True)
    bad = run("influence", "--digit", "10000")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_explain_page_opens_the_training_digits_behind_the_answer():
    from mnistdash.ui.explain.influence import INFLUENCE_KEY
    from tests.ui.test_pages import run_page

    at = run_page("pages/2_Explain.py", explain_model="cnn")
    assert not any("Supporting" in c.value for c in at.caption)  # on demand: closed, nothing read
    at.session_state[INFLUENCE_KEY] = True
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert sum(c.value.startswith(("Supporting", "Opposing")) for c in at.caption) == 6  # three methods x two roles
    assert any("Representer points" in m.value for m in at.markdown)
    flips = next(d.value for d in at.dataframe if "top 10%" in d.value.columns)  # the flipped-label test's figures
    assert len(flips) == len(influence.RANKINGS) and flips["ranking"].iloc[0].startswith("TracIn")


def test_tracin_finds_flipped_labels_far_above_random(quick_store):
    """On the quick store's small seeded copy (2,000 training digits, 100 labels flipped, five epochs) and on the
    committed one (60,000, 3,000 flipped): TracIn self-influence puts most flipped labels in its top 10%."""
    for folder in (quick_store, None):
        arrays = store.load_artifact(influence.FLIPPED_KEY, folder)
        recall = dict(zip(map(str, arrays["rankings"]), arrays["recall"][:, 1]))
        assert recall["tracin"] > max(0.6, recall["random"] + 0.4), recall
        assert recall["representer"] > recall["random"] + 0.4, recall
        assert abs(recall["random"] - 0.10) < 0.05 if folder is None else recall["random"] < 0.3
        assert int(arrays["flipped"][0]) == round(influence.FLIP_SHARE * int(arrays["n"][0]))


def test_flipping_labels_is_seeded_and_never_keeps_the_class():
    labels = np.arange(1000) % 10
    a, changed = influence.flip_labels(labels, 0.05, seed=3)
    b, again = influence.flip_labels(labels, 0.05, seed=3)
    assert (a == b).all() and (changed == again).all() and changed.sum() == 50
    assert (a[changed] != labels[changed]).all() and (a[~changed] == labels[~changed]).all()
    out = run("influence", "--evaluate", "--json")
    assert out.returncode == 0, out.stderr
    rows = {r["ranking"]: r for r in json.loads(out.stdout)}
    assert set(rows) == set(influence.RANKINGS) and rows["tracin"]["top_10%"] > rows["random"]["top_10%"]


def test_a_training_digits_own_view_reads_it_with_every_model_and_places_it_in_the_mislabel_ranking():
    from mnistdash.mistakes.mislabels import rank
    from mnistdash.ui import cache
    from mnistdash.ui.explain.influence import training_view

    cv = store.load_artifact("cv-train")["probs"]
    labels = cache.split("train").labels
    order, suspected, _ = rank(cv, labels)
    worst, plain = int(order[0]), int(order[-1])  # the most and the least suspicious label of the 60,000
    view = training_view(worst)
    assert view["label"] == int(labels[worst]) and len(view["readings"]) == len(cache.classifiers())
    assert view["mislabel"]["place"] == 1 and view["mislabel"]["suspected"] == int(suspected[worst])
    assert view["mislabel"]["score"] > 0.5  # the cross-validated mlp is sure of another class
    calm = training_view(plain)
    assert calm["mislabel"]["place"] == len(labels) and calm["mislabel"]["score"] < 0
    assert sum(r["reads"] == calm["label"] for r in calm["readings"]) >= len(calm["readings"]) - 1


def test_explain_page_adds_tracin_and_says_how_the_methods_differ():
    from mnistdash.ui.explain.influence import INFLUENCE_KEY
    from tests.ui.test_pages import run_page

    at = run_page("pages/2_Explain.py", influence_model="bottleneck", **{INFLUENCE_KEY: True})  # its last 8 kept
    assert not at.exception, [e.message for e in at.exception]
    assert sum(c.value.startswith(("Supporting", "Opposing")) for c in at.caption) == 6  # three methods x two roles
    text = " ".join(m.value for m in at.markdown)
    assert "TracIn over its training" in text and "representer points and TracIn share" in text
