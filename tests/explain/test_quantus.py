"""Each faithfulness metric the leaderboard computes (mnistdash.explain.faithfulness, written from the papers) checked
against Quantus' implementation of the same metric on a small fixture: a seeded linear network on a few test
digits and a map without ties. Where Quantus draws random numbers, its draws are recorded and handed to ours,
so that both compute on the same subsets; where they cannot be shared (max-sensitivity's noise), the two are
compared as distributions. Insertion AUC has no Quantus counterpart: its closed-form test is in
test_faithfulness.py."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

from mnistdash.explain import faithfulness as fa

quantus = pytest.importorskip("quantus")
pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def fixture(test_split):
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10))
    with torch.no_grad():
        net[1].weight.normal_(0, 0.08)
        net[1].bias.zero_()
    net.eval()

    class Ours:  # the same network behind the interface the leaderboard calls
        def predict_proba(self, x):
            with torch.no_grad():
                return torch.softmax(net(torch.from_numpy(np.asarray(x, np.float32)).unsqueeze(1)), 1).numpy()

    model = Ours()
    digits = test_split.floats()[:6]
    targets = model.predict_proba(digits).argmax(1)
    maps = np.random.default_rng(1).random(digits.shape).astype(np.float32)  # continuous: no ties to break
    return net, model, digits, targets, maps


def _call(metric, net, digits, targets, maps, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = metric(model=net, x_batch=digits[:, None], y_batch=targets, a_batch=maps[:, None], device="cpu", **kwargs)
    return out if isinstance(out, dict) else np.asarray(out, np.float64)


def test_deletion_curves_auc_and_srg_match_quantus_selectivity(fixture):
    """Selectivity (Montavon et al. 2018) with one-pixel patches and a black baseline removes the map's most
    relevant pixel at each step: its curve at our steps is our most-relevant-first curve, and on the reversed map (1 - map)
    our least-relevant-first one."""
    net, model, digits, targets, maps = fixture
    digits, targets, maps = digits[:2], targets[:2], maps[:2]
    selectivity = quantus.Selectivity(patch_size=1, perturb_baseline="black", disable_warnings=True, return_aggregate=False)
    theirs = {
        "morf": _call(selectivity, net, digits, targets, maps, softmax=True),
        "lerf": _call(selectivity, net, digits, targets, 1 - maps, softmax=True),  # the reverse order
    }
    ours = fa.curves(model, digits, targets, maps)
    steps = np.round(fa.FRACTIONS * 784).astype(int)[1:] - 1  # after removing c pixels: Quantus' step c - 1
    for kind in theirs:
        assert np.allclose(ours[kind][:, 1:], theirs[kind][:, steps], atol=1e-6), kind
    start = model.predict_proba(digits)[np.arange(2), targets][:, None]
    area = {k: fa.area(np.concatenate([start, theirs[k][:, steps]], axis=1)) for k in theirs}
    assert np.allclose(fa.area(ours["morf"]), area["morf"], atol=1e-6)  # deletion AUC
    assert np.allclose(fa.area(ours["lerf"]) - fa.area(ours["morf"]), area["lerf"] - area["morf"], atol=1e-6)  # SRG


def test_faithfulness_correlation_matches_quantus_on_its_own_subsets(fixture, monkeypatch):
    net, model, digits, targets, maps = fixture
    drawn, choice = [], np.random.choice

    def recording(*args, **kwargs):
        out = choice(*args, **kwargs)
        drawn.append(out)
        return out

    monkeypatch.setattr(np.random, "choice", recording)
    metric = quantus.FaithfulnessCorrelation(
        nr_runs=fa.SUBSETS,
        subset_size=fa.SUBSET_PIXELS,
        normalise=False,
        abs=False,
        perturb_baseline="black",
        disable_warnings=True,
        return_aggregate=False,
    )
    theirs = _call(metric, net, digits, targets, maps, softmax=True)
    monkeypatch.undo()
    drawn = np.asarray(drawn).reshape(fa.SUBSETS, len(digits), fa.SUBSET_PIXELS)  # run by run, a subset per digit
    for i in range(len(digits)):
        masks = np.zeros((fa.SUBSETS, 784), bool)
        np.put_along_axis(masks, drawn[:, i], True, axis=1)
        fall = fa.drops(model, digits[i : i + 1], targets[i : i + 1], masks)
        assert fa.faithfulness_correlation(maps[i : i + 1], fall, masks)[0] == pytest.approx(theirs[i], abs=1e-5)


def test_sparseness_matches_quantus(fixture):
    net, _, digits, targets, maps = fixture
    signed = maps - 0.5  # Quantus takes absolute values, as the Gini index here does
    theirs = _call(
        quantus.Sparseness(normalise=False, abs=True, disable_warnings=True, return_aggregate=False), net, digits, targets, signed
    )
    assert np.allclose(fa.sparseness(signed), theirs, atol=1e-6)  # Quantus adds 1e-7 to every value


def test_noisy_linear_imputation_matches_quantus(fixture):
    _, _, digits, _, _ = fixture
    from quantus.functions.perturb_func import noisy_linear_imputation

    rng = np.random.default_rng(2)
    for share in (0.1, 0.5, 0.9):
        remove = rng.random((len(digits), 784)) < share
        ours = fa.impute(digits, remove, noise=0.0)
        for i in range(len(digits)):
            theirs = noisy_linear_imputation(digits[i : i + 1].copy(), np.flatnonzero(remove[i]), noise=0.0)
            assert np.abs(ours[i] - theirs[0]).max() < 1e-5, share


def test_road_most_relevant_first_matches_quantus(fixture):
    """Quantus' ROAD reports, per share removed, the share of digits whose answer survives the most relevant pixels
    imputed. (Shares whose pixel count is whole: Quantus rounds down, this rounds to the nearest.)"""
    net, model, digits, targets, maps = fixture
    shares = (0.25, 0.5, 0.75)
    metric = quantus.ROAD(noise=0.0, percentages=[round(100 * s) for s in shares], disable_warnings=True, return_aggregate=False)
    theirs = _call(metric, net, digits, targets, maps)
    pictures = fa.road_pictures(digits, maps, shares, noise=0.0)
    kept = model.predict_proba(pictures[:, :, 0].reshape(-1, 28, 28)).argmax(1).reshape(len(digits), len(shares))
    ours = (kept == targets[:, None]).mean(0)
    assert np.allclose(ours, [theirs[round(100 * s)] for s in shares])


def test_max_sensitivity_agrees_with_quantus_in_distribution(fixture):
    """Both take the largest ||E(x') - E(x)|| / ||E(x)|| over noisy copies with uniform noise of at most RADIUS;
    the noise cannot be shared (ours is seeded and clipped to the pixel range), so the digits are lifted off 0 and
    1 (no clipping) and the two means over the digits must agree within 3%."""
    net, _, digits, targets, _ = fixture
    lifted = (0.25 + 0.5 * digits).astype(np.float32)
    w = np.random.default_rng(4).normal(size=(28, 28)).astype(np.float32)

    def explain(model, inputs, targets, **kwargs):  # E(x) = w * x: it moves with the noise, pixel by pixel
        return np.asarray(inputs).reshape(len(inputs), 28, 28)[:, None] * w

    metric = quantus.MaxSensitivity(
        nr_samples=fa.SENSITIVITY_SAMPLES,
        lower_bound=fa.RADIUS,
        normalise=False,
        abs=False,
        disable_warnings=True,
        return_aggregate=False,
    )
    theirs = _call(metric, net, lifted, targets, lifted * w, explain_func=explain)
    ours = fa.max_sensitivity(lambda x, t: x * w, lifted, targets)
    assert (ours > 0).all() and (theirs > 0).all()
    assert ours.mean() == pytest.approx(theirs.mean(), rel=0.03)
