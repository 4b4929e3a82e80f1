"""The trust tables: per-digit method checks over a seeded sample, the committed artifact, its build, the page."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mnistdash.explain import CAPTUM_METHODS
from mnistdash.explain.trust import (
    EXACT_PASS,
    QUICK_SAMPLE,
    RANDOM_PASS,
    SAMPLE,
    TRUST_KEY,
    exact_spread,
    passing_shares,
    random_spread,
    sample_indices,
    spread,
    spread_rows,
    trust_arrays,
)
from mnistdash.zoo.registry import LINEAR_MODELS, TORCH_CLASSIFIERS


def test_sample_is_seeded_distinct_and_sorted():
    a = sample_indices(10_000, 200)
    assert len(set(a)) == 200 and (np.diff(a) > 0).all() and a.max() < 10_000
    np.testing.assert_array_equal(a, sample_indices(10_000, 200))
    assert not np.array_equal(a, sample_indices(10_000, 200, seed=1))
    assert len(sample_indices(5, 200)) == 5


def test_spread_of_known_values():
    s = spread(np.arange(11, dtype=float), np.arange(11) < 4)
    assert s == pytest.approx({"median": 5.0, "p10": 1.0, "p90": 9.0, "passing": 4 / 11})


def test_trust_arrays_on_the_committed_models(committed_models, test_split):
    art = trust_arrays(committed_models, test_split.floats(), np.array([0, 1, 2]), ("saliency", "integrated-gradients"))
    assert list(art["linear_models"]) == list(LINEAR_MODELS) and list(art["networks"]) == list(TORCH_CLASSIFIERS)
    assert art["exact_corr"].shape == (5, 2, 3) and art["random_ink"].shape == (4, 2, 3)
    assert (art["exact_corr"][:, 1] > 0.9999).all()  # IG is exact on every linear model, on every digit
    assert (art["exact_corr"][:, 0] < 0.95).all()  # |w| is not w*x
    assert np.isfinite(art["random_all"]).all() and (np.abs(art["random_ink"]) <= 1).all()


def test_the_committed_artifact():
    from mnistdash import store

    art = store.load_artifact(TRUST_KEY)
    np.testing.assert_array_equal(art["index"], sample_indices(10_000, SAMPLE))
    assert list(art["methods"]) == list(CAPTUM_METHODS)
    assert art["exact_corr"].shape == (len(LINEAR_MODELS), len(CAPTUM_METHODS), SAMPLE)
    assert art["random_ink"].shape == (len(TORCH_CLASSIFIERS), len(CAPTUM_METHODS), SAMPLE)
    for model in LINEAR_MODELS:
        s = exact_spread(art, model)
        assert s["input-x-gradient"]["passing"] == 1.0 and s["integrated-gradients"]["p10"] > 0.999
        assert s["saliency"]["median"] < s["integrated-gradients"]["median"]
    for model in TORCH_CLASSIFIERS:
        s = random_spread(art, model)
        assert all(v["p10"] <= v["median"] <= v["p90"] and 0 <= v["passing"] <= 1 for v in s.values())
    models, methods, shares = passing_shares(art, "random")
    assert models == list(TORCH_CLASSIFIERS) and shares.shape == (4, len(CAPTUM_METHODS))
    np.testing.assert_allclose(shares[2, 2], np.mean(art["random_ink"][2, 2] < RANDOM_PASS))
    assert passing_shares(art, "exact")[2][1, 1] == np.mean(art["exact_corr"][1, 1] >= EXACT_PASS)


def test_rows_keep_this_digit_when_the_sample_is_missing():
    rows = spread_rows(None, {"saliency": 0.12345}, {"saliency": "saliency |grad|"})
    assert rows == [
        {"method": "saliency |grad|", "this digit": 0.123, "median": None, "10th-90th percentile": "", "digits passing": ""}
    ]
    s = {"saliency": {"median": 0.5, "p10": 0.25, "p90": 0.75, "passing": 0.425}}
    assert spread_rows(s, {"saliency": 0.1}, {})[0]["digits passing"] == "42%"


def test_train_builds_it_and_it_rebuilds_alone(quick_store, store_copy):
    from mnistdash import store
    from mnistdash.jobs.cli import main

    art = store.load_artifact(TRUST_KEY, quick_store)  # `mnistdash train --quick` made it
    assert len(art["index"]) == QUICK_SAMPLE and art["random_ink"].shape[2] == QUICK_SAMPLE
    (store_copy / "artifacts" / "trust.npz").unlink()
    assert main(["--models-dir", str(store_copy), "trust", "--quick"]) == 0
    again = store.load_artifact(TRUST_KEY, store_copy)
    np.testing.assert_array_equal(again["index"], art["index"])
    np.testing.assert_allclose(again["exact_corr"], art["exact_corr"], atol=1e-5)


def test_explain_page_without_the_artifact_says_so_in_one_line(monkeypatch):
    from mnistdash.ui import cache
    from tests.ui.test_pages import run_page

    real = cache.artifact
    monkeypatch.setattr(cache, "artifact", lambda key: "artifact 'trust' is missing" if key == TRUST_KEY else real(key))
    at = run_page("pages/2_Explain.py", explain_random=True)
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error
    assert sum("rebuild it with `mnistdash trust`" in c.value for c in at.caption) == 2  # one line per table
    tables = [d.value for d in at.dataframe if "this digit" in d.value.columns]
    assert len(tables) == 2 and all(t["median"].isna().all() and t["this digit"].notna().all() for t in tables)


def test_explain_page_shows_the_spread_beside_this_digit():
    from tests.ui.test_pages import run_page

    at = run_page("pages/2_Explain.py")
    assert len([d for d in at.dataframe if "this digit" in d.value.columns]) == 1  # the randomized weights: on demand
    at.session_state["explain_random"] = True  # a click on its expander, or the link's random=1
    at.run()
    tables = [d.value for d in at.dataframe if "this digit" in d.value.columns]
    assert len(tables) == 2 and all(t["median"].notna().all() for t in tables)
    assert all(not any("✘" in str(v) or "✔" in str(v) for v in t.to_numpy().ravel()) for t in tables)  # no one-digit verdict
    assert any("the gradient w" in m.value and "w·x" in m.value for m in at.markdown)
    assert any("Layer by layer." in m.value and "median over 50 digits" in m.value for m in at.markdown)  # the cascade


def test_cascaded_copies_lose_one_more_layer_each(committed_models):
    from mnistdash.explain.checks import cascade_layers, cascaded_copies

    model = committed_models["mlp"]
    before = {k: v.clone() for k, v in model.module.state_dict().items()}
    layers = cascade_layers(model.module)
    assert layers[0] == "head" and len(layers) == sum(isinstance(m, torch.nn.Linear) for m in model.module.modules())
    copies = cascaded_copies(model)
    assert [name for name, _ in copies] == layers
    for k, (_, copy) in enumerate(copies):
        state = copy.module.state_dict()
        changed = {n for n in layers if not torch.equal(state[f"{n}.weight"], before[f"{n}.weight"])}
        assert changed == set(layers[: k + 1])  # the top k + 1 layers re-initialized, the rest as trained
        if k:  # and the layers above kept the previous step's new weights
            torch.testing.assert_close(state[f"{layers[0]}.weight"], copies[0][1].module.state_dict()[f"{layers[0]}.weight"])
    for k, v in model.module.state_dict().items():
        assert torch.equal(v, before[k]), k  # the shared model is untouched


def test_cascade_scores_and_the_committed_cascade(committed_models, test_split):
    from mnistdash import store
    from mnistdash.explain.checks import cascade_layers, cascade_per_image
    from mnistdash.explain.trust import CASCADE_SAMPLE, cascade_medians

    x = test_split.floats()[:3]
    layers, steps = cascade_per_image(committed_models["mlp"], x, test_split.labels[:3], ("saliency", "input-x-gradient"))
    assert steps.shape == (2, len(layers), 3) and (np.abs(steps) <= 1).all()
    art = store.load_artifact(TRUST_KEY)
    assert art["cascade_ink"].shape[:2] == (len(TORCH_CLASSIFIERS), len(CAPTUM_METHODS))
    assert art["cascade_ink"].shape[3] == CASCADE_SAMPLE
    for model in TORCH_CLASSIFIERS:
        layers, medians = cascade_medians(art, model)
        assert layers == cascade_layers(committed_models[model].module)
        # with every layer re-initialized, saliency's map no longer ranks the ink as the trained network's did
        assert medians["saliency"][-1] < RANDOM_PASS, (model, medians["saliency"])
    assert cascade_medians({k: v for k, v in art.items() if k != "cascade_ink"}, "mlp") is None  # an older artifact


def test_the_cascade_figure_draws_each_method_from_one_down():
    from mnistdash.plots.figures import cascade_curves

    fig = cascade_curves(["head", "body.1"], {"saliency": np.array([0.1, 0.0]), "lrp": np.array([0.7, 0.3])}, {"lrp": "LRP"}, 0.5)
    assert [t.name for t in fig.data] == ["saliency", "LRP"]
    assert list(fig.data[1].x) == ["trained", "+ head", "+ body.1"] and list(fig.data[1].y) == [1.0, 0.7, 0.3]
