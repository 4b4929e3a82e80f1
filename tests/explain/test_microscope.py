"""Every unit under the microscope: the committed figures recomputed from the committed networks on samples (top
digits, visualisations, ablations), zeroing a unit two ways, the command line and the page."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mnistdash import store
from mnistdash.explain import microscope as ms
from tests.command import run


@pytest.fixture(scope="module")
def committed():
    return {name: store.load_artifact(ms.MICROSCOPE_KEY.format(name)) for name in ms.NETWORKS}


@pytest.fixture(scope="module")
def train_split():
    from mnistdash.data import load_split

    return load_split("train")


def test_every_hidden_layer_is_named_as_the_links_name_it(committed_models, committed):
    named = {n: [layer.name for layer in ms.layers(committed_models[n].module)] for n in ms.NETWORKS}
    assert named == {
        "mlp": ["1"],
        "mlp-deep": ["1", "2", "3"],
        "bottleneck": ["1", "2", "3", "4"],
        "cnn": ["conv1", "conv2", "conv3", "dense"],
    }
    assert ms.find_layer(committed_models["bottleneck"].module, "3").units == 2  # the 2-D code
    for n in ms.NETWORKS:
        assert [str(x) for x in committed[n]["layers"]] == named[n]


@pytest.mark.parametrize("name", ms.NETWORKS)
def test_top_digits_are_what_the_units_activation_says(name, committed, committed_models, train_split):
    """Recomputed on the stored top and bottom digits and on a seeded sample of 2,000 training digits: the stored
    values are the units' activations (and inputs before the ReLU), and no sampled digit outside the top 16 excites
    a unit more than its 16th."""
    module, arrays = committed_models[name].module, committed[name]
    x = train_split.floats()
    sample = np.random.default_rng(3).choice(len(x), 2000, replace=False)
    acts = ms.activations(module, x[sample])
    for layer in ms.layers(module):
        k = f"{layer.name}/"
        top, bottom = arrays[k + "top"], arrays[k + "bottom"]
        units = np.unique(np.linspace(0, layer.units - 1, 6).astype(int))
        for u in units:
            values, pre = ms.activations(module, x[top[u]])[layer.name]
            assert np.allclose(values[:, u], arrays[k + "top_value"][u], atol=1e-4)
            assert (np.diff(arrays[k + "top_value"][u]) <= 1e-6).all()  # highest first
            assert np.allclose(
                ms.activations(module, x[bottom[u]])[layer.name][1][:, u], arrays[k + "bottom_value"][u], atol=1e-4
            )
            outside = ~np.isin(sample, top[u])
            assert acts[layer.name][0][outside, u].max() <= arrays[k + "top_value"][u, -1] + 1e-4
            assert acts[layer.name][1][~np.isin(sample, bottom[u]), u].min() >= arrays[k + "bottom_value"][u, -1] - 1e-4


@pytest.mark.parametrize("name", ms.NETWORKS)
def test_zeroing_a_unit_equals_zeroing_the_weights_that_read_it(name, committed_models, test_split):
    import torch

    module = committed_models[name].module
    x = test_split.floats()[:64]
    for layer in ms.layers(module):
        for u in (0, layer.units - 1):
            switched_off = ms.ablated_logits(module, x, layer, u)
            with torch.inference_mode():
                rewired = ms.without_unit(module, layer, u)(torch.from_numpy(x).reshape(-1, 1, 28, 28)).numpy()
            assert np.abs(switched_off - rewired).max() < 1e-4, (layer.name, u)
            assert np.abs(switched_off - ms.ablated_logits(module, x, layer, [])).max() > 0  # it did change something


def test_the_stored_ablation_is_what_zeroing_gives(committed, committed_models, test_split):
    """One unit per network recomputed on all the test digits: its per-class accuracy and the digits that change."""
    x, y = test_split.floats(), test_split.labels
    for name, layer_name, u in (("mlp", "1", 7), ("cnn", "conv3", 12), ("bottleneck", "3", 0)):
        module = committed_models[name].module
        layer = ms.find_layer(module, layer_name)
        base = ms.ablated_logits(module, x, layer, []).argmax(1)
        off = ms.ablated_logits(module, x, layer, u).argmax(1)
        k = f"{layer_name}/"
        per_class = np.array([(off == y)[y == c].mean() for c in range(10)])
        assert np.allclose(per_class, committed[name][k + "ablated"][u], atol=1e-6)
        moved = np.flatnonzero(off != base)
        assert committed[name][k + "changed_count"][u] == len(moved)
        kept = committed[name][k + "changed"][u]
        assert list(kept[kept >= 0]) == list(moved[: ms.CHANGED])
    assert committed["bottleneck"]["3/ablated"].mean() < 0.5  # one of the two code units gone: most digits lost


def test_visualisations_raise_the_units_activation_over_the_start(committed, committed_models):
    """The stored pictures (as stored: 8-bit) through the network again: the free pictures excite their units more than
    the starting picture (the mean training digit) for at least 98% of each layer's units (1,900 of the 1,904; 4 of
    mlp-deep's get no gradient there), and never less; the pictures made with the prior do for most units (1,903)."""
    for name in ms.NETWORKS:
        module, arrays = committed_models[name].module, committed[name]
        start = arrays["start"].astype(np.float32)
        for layer in ms.layers(module):
            k = f"{layer.name}/"
            begin = ms.climbed(module, layer, start[None])[0]
            free = arrays[k + "free"].astype(np.float32) / 255
            prior = arrays[k + "prior"].astype(np.float32) / 255
            eye = np.arange(layer.units)
            got_free = ms.climbed(module, layer, free)[eye, eye]
            got_prior = ms.climbed(module, layer, prior)[eye, eye]
            # a few units of mlp-deep's deeper layers get no gradient at the start (every unit feeding them is off
            # there), and the free climb stays put; the page says so for them
            assert (got_free >= begin - 1e-3).all() and (got_free > begin + 1e-3).mean() >= 0.98, (name, layer.name)
            assert (got_prior > begin).mean() >= 0.6, (name, layer.name, (got_prior > begin).mean())
            assert np.allclose(arrays[k + "lift"][:, 0], begin, rtol=1e-3, atol=1e-3)  # the start is kept in float16


def test_the_free_picture_is_speckle_and_the_prior_makes_ink(committed):
    """What the page says of the two pictures, measured: neighbouring pixels of a free picture agree less than those of
    a picture made with the autoencoder prior (whose strokes are smooth)."""

    def roughness(pictures):
        p = pictures.astype(np.float32) / 255
        return float(np.abs(np.diff(p, axis=2)).mean() / (p.std() + 1e-6))

    for name in ms.NETWORKS:
        arrays = committed[name]
        for layer in (str(x) for x in arrays["layers"] if str(x) != "conv1"):  # conv1's free climb moves 5x5 pixels only
            assert roughness(arrays[f"{layer}/free"]) > roughness(arrays[f"{layer}/prior"]), (name, layer)


def test_unit_on_the_command_line(committed):
    out = run("unit", "--model", "cnn", "--layer", "conv2", "--unit", "12", "--json")
    assert out.returncode == 0, out.stderr
    view = json.loads(out.stdout)
    assert view["model"] == "cnn" and view["layer"] == "conv2" and view["unit"] == 12
    assert len(view["top"]) == len(view["bottom"]) == ms.TOP
    assert [t["index"] for t in view["top"]] == committed["cnn"]["conv2/top"][12].tolist()
    assert len(view["class_mean"]) == len(view["accuracy_zeroed"]) == 10
    plain = run("unit", "--model", "mlp", "--layer", "1", "--unit", "3")
    assert plain.returncode == 0 and "zeroed" in plain.stdout and "most excited" in plain.stdout
    for args, says in (
        (("--model", "cnn", "--layer", "conv9", "--unit", "1"), "conv9"),
        (("--model", "cnn", "--layer", "conv1", "--unit", "32"), "0-31"),
        (("--model", "logreg-ovr", "--layer", "1", "--unit", "0"), "logreg-ovr"),
    ):
        bad = run("unit", *args)
        assert bad.returncode == 2 and says in bad.stderr and "Traceback" not in bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 1


def test_the_page_opens_a_unit_from_its_link_and_the_layer_grid_without_one():
    from tests.ui.test_pages import run_page

    at = run_page("pages/11_Microscope.py")
    assert not at.exception, [e.message for e in at.exception]
    assert any(s.value == "cnn · layer conv1" for s in at.subheader)
    grid = json.loads(at.get("bidi_component")[0].proto.json)["html"]  # the grid's tiles, links caught by its script
    assert grid.count("class='ms-unit'") == 32 and "href='?unit=31'" in grid  # defaults left out, as the page writes it

    at = run_page("pages/11_Microscope.py")
    at.query_params.update({"model": "cnn", "layer": "conv2", "unit": "12"})
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(s.value == "cnn · layer conv2 · channel 12" for s in at.subheader)
    assert any("change their answer" in m.value or "no answer changes" in m.value for m in at.markdown)

    at = run_page("pages/11_Microscope.py")
    at.query_params.update({"model": "mlp", "layer": "1", "unit": "400"})
    at.run()
    assert not at.exception
    assert any("units 0-99, not 400" in w.value for w in at.warning)
    assert any(s.value == "mlp · layer 1" for s in at.subheader)  # the whole layer instead
