"""The faithfulness leaderboard: each metric against a closed form on a model whose answer is known, the
committed artifact's claims (the exact answer wins on the linear models, a random map scores about 0), and the
command line."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mnistdash.explain import faithfulness as fa
from tests.command import run


class OneLogit:
    """A linear 'model' where only class 0's logit moves: z_0 = w.x - 3, the other nine 0. With w >= 0 the exact
    contributions w*x are all >= 0 and the probability of class 0 rises with every one of them, so removing them in
    the exact map's order lowers it fastest: no other order of the pixels gives a lower deletion curve."""

    def __init__(self, w: np.ndarray):
        self.w = w.reshape(-1).astype(np.float64)

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        z = np.zeros((len(x), 10))
        z[:, 0] = np.asarray(x, np.float64).reshape(len(x), -1) @ self.w - 3
        e = np.exp(z - z.max(1, keepdims=True))
        return e / e.sum(1, keepdims=True)


@pytest.fixture(scope="module")
def known(test_split):
    w = np.random.default_rng(0).uniform(0, 0.05, 784)
    digits = test_split.floats()[:40]
    return OneLogit(w), digits, np.zeros(len(digits), int), digits * w.reshape(28, 28)


def test_the_exact_map_gives_the_lowest_deletion_and_highest_insertion_curve(known):
    model, digits, targets, exact = known
    c = fa.curves(model, digits, targets, exact)
    assert (np.diff(c["morf"], axis=1) <= 1e-12).all()  # monotone: each step removes a non-negative contribution
    assert (np.diff(c["insertion"], axis=1) >= -1e-12).all()
    assert np.allclose(c["morf"][:, 0], c["lerf"][:, 0]) and np.allclose(c["morf"][:, -1], c["insertion"][:, 0])
    for seed in range(3):  # any other order does no better, step by step
        other = fa.curves(model, digits, targets, np.random.default_rng(seed).random(digits.shape))
        assert (c["morf"] <= other["morf"] + 1e-12).all() and (c["insertion"] >= other["insertion"] - 1e-12).all()
    srg = fa.area(c["lerf"]) - fa.area(c["morf"])
    assert (srg > 0).all() and (srg <= 1).all()


def test_a_random_map_scores_about_zero_srg(known, test_split):
    model, _, _, _ = known
    digits = test_split.floats()[:300]
    targets = np.zeros(len(digits), int)
    c = fa.curves(model, digits, targets, fa.random_map(digits))
    srg = fa.area(c["lerf"]) - fa.area(c["morf"])
    mean, low, high = fa.bootstrap(srg)
    assert abs(mean) < 0.03 and low <= 0 <= high or abs(mean) < 0.01, (mean, low, high)


class LogitOut(OneLogit):
    """The same, but answering class 0's logit itself: a subset's removal then lowers it by exactly the subset's
    sum of w*x, so the exact map's faithfulness correlation is 1."""

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        out = np.zeros((len(x), 10))
        out[:, 0] = np.asarray(x, np.float64).reshape(len(x), -1) @ self.w
        return out


def test_faithfulness_correlation_is_one_for_the_exact_map_of_a_linear_output_and_about_zero_at_random(known, test_split):
    model, digits, targets, exact = known
    linear = LogitOut(model.w)
    masks = fa.subsets()
    assert masks.shape == (fa.SUBSETS, 784) and (masks.sum(1) == fa.SUBSET_PIXELS).all()
    fall = fa.drops(linear, digits, targets, masks)
    assert np.allclose(fa.faithfulness_correlation(exact, fall, masks), 1)
    many = test_split.floats()[:300]
    fall = fa.drops(linear, many, np.zeros(len(many), int), masks)
    mean, low, high = fa.bootstrap(fa.faithfulness_correlation(fa.random_map(many), fall, masks))
    assert abs(mean) < 0.03, (mean, low, high)
    assert (fa.faithfulness_correlation(np.zeros_like(many), fall, masks) == 0).all()  # a flat map: 0, not NaN


def test_sparseness_is_the_gini_index():
    flat = np.ones((1, 28, 28))
    one = np.zeros((1, 28, 28))
    one[0, 3, 4] = -2.0  # the sign does not count
    half = np.zeros((1, 784))
    half[0, :392] = 1
    assert fa.sparseness(flat)[0] == pytest.approx(0, abs=1e-12)
    assert fa.sparseness(one)[0] == pytest.approx(783 / 784)
    assert fa.sparseness(half.reshape(1, 28, 28))[0] == pytest.approx(0.5, abs=1e-3)
    assert fa.sparseness(np.zeros((1, 28, 28)))[0] == 0  # an empty map: defined, not NaN


def test_max_sensitivity_of_a_constant_map_is_zero_and_of_the_input_is_bounded(test_split):
    digits, targets = test_split.floats()[:5], np.zeros(5, int)
    w = np.random.default_rng(1).normal(size=(28, 28)).astype(np.float32)
    assert (fa.max_sensitivity(lambda x, t: np.broadcast_to(w, x.shape).copy(), digits, targets) == 0).all()
    moved = fa.max_sensitivity(lambda x, t: x.copy(), digits, targets)  # E(x) = x: moves as much as the noise
    bound = fa.RADIUS * np.sqrt(784) / np.linalg.norm(digits.reshape(5, -1), axis=1)
    assert (moved > 0).all() and (moved <= bound + 1e-6).all()


def test_imputation_restores_a_linear_ramp_and_keeps_every_other_pixel():
    """The stencil's weights are symmetric, so a plane is its own weighted mean of neighbours: pixels removed from
    the inside of a ramp come back exactly (without noise), the pixels kept stay as they were, and the noise has
    the asked size."""
    r, c = np.indices((28, 28))
    ramp = (0.02 * r + 0.01 * c + 0.1).astype(np.float32)[None]
    remove = np.zeros((1, 28, 28), bool)
    remove[0, 5:20, 8:22] = True
    remove[0, 22, 3] = True
    out = fa.impute(ramp, remove.reshape(1, -1), noise=0.0)
    assert np.abs(out - ramp).max() < 1e-5
    noisy = fa.impute(ramp, remove.reshape(1, -1), noise=0.01)
    assert (noisy[~remove] == ramp[~remove]).all()
    assert np.std(noisy[remove] - ramp[remove]) == pytest.approx(0.01, rel=0.2)


def test_road_is_about_zero_for_a_random_map_and_positive_for_the_exact_one(known, test_split):
    model, digits, targets, exact = known
    exact_road = fa.road(model, digits[:10], targets[:10], exact[:10])
    assert (exact_road > 0).all() and exact_road.mean() > 0.1, exact_road
    many = test_split.floats()[:200]
    random = fa.road(model, many, np.zeros(len(many), int), fa.random_map(many))
    mean, low, high = fa.bootstrap(random)
    assert abs(mean) < 0.02, (mean, low, high)


def test_bootstrap_interval_holds_the_mean_and_narrows_with_more_digits():
    rng = np.random.default_rng(3)
    small, large = fa.bootstrap(rng.normal(0.5, 0.2, 50)), fa.bootstrap(rng.normal(0.5, 0.2, 2000))
    for mean, low, high in (small, large):
        assert low < mean < high
    assert large[2] - large[1] < small[2] - small[1]
    assert large[1] < 0.5 < large[2]


@pytest.fixture(scope="module")
def committed():
    return fa.load()


def test_committed_leaderboard_covers_every_model_and_recognises_the_exact_answer(committed):
    from mnistdash.zoo.registry import BUILTIN_CLASSIFIERS, LINEAR_MODELS

    assert list(committed["models"]) == list(BUILTIN_CLASSIFIERS) and len(committed["index"]) == 1000
    rows = fa.rows(committed)
    exact = {r["model"] for r in rows if r["method"] == fa.EXACT}
    assert exact == set(LINEAR_MODELS)  # exact w*x only where it exists
    assert {r["model"] for r in rows if r["method"] == fa.RANDOM} == set(BUILTIN_CLASSIFIERS)
    for r in rows:
        assert r["low"] <= r["value"] <= r["high"], r
    checks = fa.checker_check(committed)
    assert len(checks) == len(LINEAR_MODELS) * len(fa.FAITHFUL)
    assert all(c["random rank"] == c["methods"] for c in checks), checks  # every metric puts the random map last
    srg = {(r["model"], r["method"]): r for r in rows if r["metric"] == "SRG"}
    for model in BUILTIN_CLASSIFIERS:
        assert abs(srg[(model, fa.RANDOM)]["value"]) < 0.05, model  # random = 0, as the metric promises
        best = max(v["value"] for (m, method), v in srg.items() if m == model and method != fa.RANDOM)
        assert best > 0.3, model  # some method does far better than knowing nothing


def test_metrics_agreement_is_a_symmetric_tau_matrix(committed):
    names, tau = fa.agreement(committed)
    assert names == [m for m, (d, _) in fa.METRICS.items() if d]
    assert np.allclose(tau, tau.T, equal_nan=True) and np.allclose(np.diag(tau), 1)
    assert np.isfinite(tau).all() and (np.abs(tau) <= 1 + 1e-9).all()


def test_cli_prints_the_leaderboard(committed):
    out = run("faithfulness", "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert rows == fa.rows(committed)
    assert set(rows[0]) == {"model", "method", "metric", "value", "low", "high"}
    plain = run("faithfulness")
    assert plain.returncode == 0 and "over 1,000 test digits" in plain.stdout and "*" in plain.stdout


def test_cli_without_the_artifact_is_one_line(tmp_path):
    out = run("--models-dir", str(tmp_path), "faithfulness")
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_trust_page_shows_the_leaderboard_sortable_with_a_verdict(committed):
    from tests.ui.test_pages import run_page

    at = run_page("pages/10_Trust_the_maps.py")
    assert not at.exception, [e.message for e in at.exception]
    assert any(h.value == "How far to trust each map, measured" for h in at.header)
    board = next(d.value for d in at.dataframe if "best at" in d.value.columns)
    assert len(board) == len({(r["model"], r["method"]) for r in fa.rows(committed)})
    assert board["SRG"].dtype.kind == "f"  # numbers, so a click on the column sorts them as numbers
    marked = board[board["best at"].str.contains("SRG")]
    assert len(marked) == len(committed["models"])  # one best method per model
    assert any("is the most faithful of the methods here by SRG" in m.value for m in at.markdown)
    failed = [c for c in fa.checker_check(committed) if not c["recognises the right answer"]]
    flags = sum(m.value.count("does not recognise the right answer") for m in at.markdown)
    assert flags == len(failed)


def test_trust_page_opens_the_planted_shortcut_on_demand():
    from mnistdash.ui.explain.shortcut import SHORTCUT_KEY
    from tests.ui.test_pages import run_page

    at = run_page("pages/10_Trust_the_maps.py")
    assert not any("never saw the mark" in m.value or "show the shortcut" in m.value for m in at.markdown)  # closed
    at.session_state[SHORTCUT_KEY] = True  # a click on its expander, or the link's shortcut=1
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    verdicts = [m.value for m in at.markdown if "show the shortcut" in m.value]
    assert verdicts and "-shortcut reads" in verdicts[0]  # the copy picked first, and which maps show its shortcut
    assert at.query_params.get("shortcut") in ("1", ["1"])


def test_explain_page_scores_the_grids_maps_and_opens_this_digits_deletion_strip(committed):
    from mnistdash.explain import methods_for
    from mnistdash.ui.explain.faithfulness import STRIP_KEY
    from mnistdash.zoo import load
    from tests.ui.test_pages import run_page

    at = run_page("pages/2_Explain.py", explain_model="cnn")
    assert not at.exception, [e.message for e in at.exception]
    assert not any('data-testid="faith-strip"' in m.value for m in at.markdown)  # on demand: closed, nothing computed
    srg = next(d.value for d in at.dataframe if "integrated gradients" in d.value.columns)  # the grid's maps, scored
    assert list(srg.index) == ["mlp", "mlp-deep", "cnn", "bottleneck"] and srg.shape[1] == 4
    this, board = (float(v) for v in srg.loc["cnn", "integrated gradients"].strip(")").split(" ("))
    mean = next(
        r["value"] for r in fa.rows(committed) if (r["model"], r["method"], r["metric"]) == ("cnn", "integrated-gradients", "SRG")
    )
    assert -1 <= this <= 1 and abs(board - mean) < 0.005
    verdicts = next(m.value for m in at.markdown if m.value.startswith("On this digit:"))
    assert verdicts.count("the most faithful of the 4 shown") == 4
    at.session_state[STRIP_KEY] = True  # a click on the strip's expander, or the link's strip=1
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    strip = next(m.value for m in at.markdown if 'data-testid="faith-strip"' in m.value)
    methods = methods_for(load("cnn")) + [fa.RANDOM]
    assert strip.count('data-testid="faith-strip"') == len(fa.STRIP) * len(methods)
    rows = [line for line in strip.splitlines() if line.startswith("| ") and "<img" in line]
    assert len(rows) == len(methods)
    first = set()
    for row in rows:
        ps = [float(x.split("|")[0]) for x in row.split("p = ")[1:]]
        assert len(ps) == len(fa.STRIP)
        first.add(ps[0])
    assert len(first) == 1 and first.pop() > 0.5  # nothing removed yet: the model's own probability, in every row
    assert any(f"is the most faithful of the {len(methods) - 1} methods here" in m.value for m in at.markdown)


def test_an_imported_model_joins_the_leaderboard_and_leaves_with_it(committed, tmp_path):
    """`import-model` scores the new model's maps (every method that explains it, and the random map) over
    IMPORTED_DIGITS test digits; `faithfulness` lists them beside the built-in rows, which stay as they were;
    `remove-model` takes them away with the model."""
    import shutil

    from mnistdash.config import MODELS_DIR
    from mnistdash.explain import methods_for
    from mnistdash.zoo import load

    root = tmp_path / "models"
    shutil.copytree(MODELS_DIR, root)
    onnx = tmp_path / "lr.onnx"
    assert run("export-model", "logreg-multinomial", "--onnx", str(onnx), "--models-dir", str(root)).returncode == 0
    out = run("import-model", str(onnx), "--name", "my-lr", "--models-dir", str(root))
    assert out.returncode == 0, out.stderr
    assert f"scored its maps for the faithfulness leaderboard over {fa.IMPORTED_DIGITS[0]} test digits" in out.stdout
    rows = json.loads(run("faithfulness", "--json", "--models-dir", str(root)).stdout)
    assert [r for r in rows if r["model"] != "my-lr"] == fa.rows(committed)
    mine = [r for r in rows if r["model"] == "my-lr"]
    expected = {fa.EXACT if m == "exact" else m for m in methods_for(load("my-lr", root))} | {fa.RANDOM}
    assert {r["method"] for r in mine} == expected
    assert len(mine) == len(expected) * len(fa.METRICS)
    srg = {r["method"]: r["value"] for r in mine if r["metric"] == "SRG"}
    assert abs(srg[fa.RANDOM]) < 0.1 and max(srg.values()) > 0.3, srg
    board = fa.load(root)
    assert int(board["digits"][list(board["models"]).index("my-lr")]) == fa.IMPORTED_DIGITS[0]
    assert run("remove-model", "my-lr", "--models-dir", str(root)).returncode == 0
    rows = json.loads(run("faithfulness", "--json", "--models-dir", str(root)).stdout)
    assert "my-lr" not in {r["model"] for r in rows}
    assert not [f for f in (root / "artifacts").iterdir() if "my-lr" in f.name]
