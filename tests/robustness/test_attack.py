"""Adversarial examples: FGSM against the analytic gradient, PGD's budget, the flip search, the CLI, the artifact."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.special import softmax

from mnistdash import store
from mnistdash.robustness.attack import adversarial, flip_bracket, predictions, smallest_flip
from mnistdash.robustness.attack.build import ATTACK_KEY, load_tables
from tests.command import run


@pytest.fixture(scope="module")
def digits(test_split):
    return test_split.floats()[:50], test_split.labels[:50]


def test_fgsm_on_a_linear_model_is_the_analytic_signed_gradient(committed_models, digits):
    model = committed_models["logreg-multinomial"]
    x, y = digits
    eps = 0.1
    # d CE / d x = W^T (softmax(z / T) - onehot(y)) / T, with z = W x + b
    z = x.reshape(len(x), -1) @ model.coef_.T + model.intercept_
    grad = (softmax(z / model.temperature_, axis=1) - np.eye(10)[y]) @ model.coef_ / model.temperature_
    expected = np.clip(x + eps * np.sign(grad).reshape(x.shape), 0, 1)
    got = adversarial(model, x, y, "fgsm", eps)
    assert np.abs(got - expected).max() < 1e-6


@pytest.mark.parametrize("name", ["cnn", "logreg-ovr", "mlp", "linear-mse"])
@pytest.mark.parametrize("method", ["fgsm", "pgd"])
def test_adversarial_stays_within_eps_and_the_pixel_range(committed_models, digits, name, method):
    x, y = digits
    adv = adversarial(committed_models[name], x, y, method, 0.15)
    assert np.abs(adv - x).max() <= 0.15 + 1e-6
    assert adv.min() >= 0 and adv.max() <= 1
    assert np.abs(adv - x).max() > 0.1  # it did move


@pytest.mark.parametrize("name", ["cnn", "logreg-multinomial"])
def test_pgd_l2_stays_in_its_ball_and_hurts(committed_models, digits, name):
    model = committed_models[name]
    x, y = digits
    adv = adversarial(model, x, y, "pgd-l2", 2.0)
    assert np.linalg.norm((adv - x).reshape(len(x), -1), axis=1).max() <= 2.0 + 1e-4
    assert adv.min() >= 0 and adv.max() <= 1
    assert (predictions(model, adv) == y).mean() < (predictions(model, x) == y).mean()


def test_pgd_at_eps_zero_keeps_clean_accuracy_and_more_eps_hurts_more(committed_models, digits):
    cnn = committed_models["cnn"]
    x, y = digits
    clean = (predictions(cnn, x) == y).mean()
    acc = {e: (predictions(cnn, adversarial(cnn, x, y, "pgd", e)) == y).mean() for e in (0.0, 0.05, 0.2)}
    assert acc[0.0] == clean
    assert acc[0.2] < acc[0.05]


def test_unknown_method_is_refused(committed_models, digits):
    with pytest.raises(ValueError, match="unknown attack"):
        adversarial(committed_models["mlp"], *digits, "cw", 0.1)


@pytest.mark.parametrize("name", ["mlp", "logreg-multinomial"])
def test_smallest_flip_flips_and_the_previous_bisection_point_does_not(committed_models, test_split, name):
    model = committed_models[name]
    x, y = test_split.floats()[0], int(test_split.labels[0])
    lo, hi = flip_bracket(model, x, y, "pgd")
    assert 0 < hi <= 0.5 and hi - lo <= 0.5 / 2**8 + 1e-9
    assert smallest_flip(model, x, y, "pgd") == hi
    assert predictions(model, adversarial(model, x[None], [y], "pgd", hi))[0] != y
    assert predictions(model, adversarial(model, x[None], [y], "pgd", lo))[0] == y


def test_attack_cli_json():
    out = run("attack", "--model", "mlp", "--eps", "0.1", "--n", "20", "--json")
    assert out.returncode == 0, out.stderr
    row = json.loads(out.stdout)
    assert row["n"] == 20 and row["model"] == "mlp" and row["method"] == "pgd"
    assert row["adversarial_accuracy"] < row["clean_accuracy"]
    plain = run("attack", "--model", "logreg-ovr", "--eps", "0.05", "--n", "20", "--method", "fgsm")
    assert plain.returncode == 0 and "under attack" in plain.stdout


@pytest.mark.parametrize(
    "args,why",
    [
        (("--model", "nope", "--eps", "0.1"), "unknown model"),
        (("--model", "mlp", "--eps", "2"), "--eps must be"),
        (("--model", "mlp", "--eps", "x"), "invalid float"),
        (("--model", "mlp", "--eps", "11", "--method", "pgd-l2"), "between 0 and 10"),
    ],
)
def test_attack_cli_bad_input_is_one_line(args, why):
    out = run("attack", *args)
    assert out.returncode == 2 and why in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_quick_store_has_the_attack_tables(quick_store):
    t = load_tables(quick_store)
    n = len(t["models"])
    assert t["accuracy"].shape == (n, len(t["epsilons"])) and t["transfer"].shape == (n, n)
    assert (t["accuracy"][:, -1] <= t["accuracy"][:, 0]).all()


def test_missing_attack_artifact_is_one_line(store_copy):
    (store_copy / store.read_manifest(store_copy)["artifacts"][ATTACK_KEY]["file"]).unlink()
    with pytest.raises(store.StoreError) as err:
        load_tables(store_copy)
    assert "\n" not in str(err.value) and "mnistdash train" in str(err.value)


def test_page_reads_every_model_and_searches_flips():
    from tests.ui.test_pages import run_page

    at = run_page("pages/8_Adversarial.py", adv_eps=0.2, adv_model="mlp")
    assert not at.exception, [e.message for e in at.exception]
    readings = at.dataframe[0].value
    assert len(readings) == 9 and readings.set_index("model").loc["mlp", "changed?"] == "changed"
    at.button(key="adv_search").click().run()
    assert not at.exception and not at.error
    assert not at.warning, [w.value for w in at.warning]  # the committed tables load


def test_page_with_a_missing_artifact_warns_once_and_works(monkeypatch):
    from mnistdash.ui.robustness import attack as ui_attack
    from tests.ui.test_pages import run_page

    def missing(models_dir=None):
        raise store.StoreError(f"artifact {ATTACK_KEY!r} is not in models/manifest.json; run `mnistdash train`")

    monkeypatch.setattr(ui_attack, "load_tables", missing)
    at = run_page("pages/8_Adversarial.py")
    assert not at.exception and not at.error
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1 and "attack tables are unavailable" in warnings[0] and "\n" not in warnings[0]
    assert len(at.dataframe[0].value) == 9  # the readings still show


def test_page_attacks_the_digit_drawn_on_the_draw_page():
    """A digit left by the Draw page (no label) is attacked away from each model's own reading."""
    from mnistdash.data import load_split
    from tests.ui.test_pages import run_page

    drawn = load_split("test").floats()[3]  # stands in for a drawing: a 28x28 digit in [0, 1]
    at = run_page("pages/8_Adversarial.py", drawn_digit=drawn, adv_source="the digit you drew", adv_eps=0.3, adv_model="mlp")
    assert not at.exception, [e.message for e in at.exception]
    assert any("your drawing" in m.value for m in at.markdown)
    readings = at.dataframe[0].value.set_index("model")
    assert set(readings["right?"]) == {"no label"}
    assert readings.loc["mlp", "changed?"] == "changed"  # eps 0.3 PGD moves the mlp off its own reading
    at.button(key="adv_search").click().run()
    assert not at.exception and not at.error
