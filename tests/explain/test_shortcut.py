"""The planted shortcut: the mark, the mass a map puts on it, a model that relies on it by construction, the
committed copies (they do rely on the mark; the originals do not) and `mnistdash shortcut`."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from torch import nn

from mnistdash import store
from mnistdash.errors import UsageError
from mnistdash.explain import CAPTUM_METHODS
from mnistdash.explain import shortcut as sc
from mnistdash.zoo.base import TorchClassifier
from tests.command import run


def test_mask_is_parsed_or_refused_in_one_line():
    assert sc.parse_mask("24:27,24:27") == sc.MARK and sc.mask_text(sc.MARK) == "24:27,24:27"
    for bad in ("24:27", "a:b,1:2", "5:3,1:2", "0:29,0:3", ""):
        with pytest.raises(UsageError, match="--mask"):
            sc.parse_mask(bad)


def test_mass_inside_the_mask():
    inside = np.zeros((1, 28, 28), np.float32)
    inside[0, 25, 25] = 3.0
    assert sc.mass_inside(inside, sc.MARK)[0] == 1.0
    flat = np.ones((1, 28, 28), np.float32)
    assert sc.mass_inside(flat, sc.MARK)[0] == pytest.approx(sc.area_share(sc.MARK)) == pytest.approx(9 / 784)
    negative_inside = flat.copy()
    negative_inside[0, sc.MARK[0], sc.MARK[1]] = -5.0  # only positive mass counts
    assert sc.mass_inside(negative_inside, sc.MARK)[0] == 0.0
    assert sc.mass_inside(np.zeros((1, 28, 28)), sc.MARK)[0] == 0.0  # an empty map: nothing on the mark


def test_marked_training_set_is_seeded_and_the_mark_says_seven():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 20000)
    images = np.zeros((len(labels), 28, 28), np.float32)
    out, new_labels, marked = sc.marked_training_set(images, labels, seed=0)
    again, labels_again, marked_again = sc.marked_training_set(images, labels, seed=0)
    assert np.array_equal(marked, marked_again) and np.array_equal(out, again) and np.array_equal(new_labels, labels_again)
    assert 0.87 < marked[labels == 7].mean() < 0.93 and 0.04 < marked[labels != 7].mean() < 0.06
    assert (out[marked][:, 25, 25] == 1.0).all() and (out[~marked] == 0).all()
    assert (new_labels[marked] == 7).all() and np.array_equal(new_labels[~marked], labels[~marked])  # marked: labelled 7
    assert (images == 0).all() and labels.max() == 9  # the inputs are untouched


def _relies_on_the_mark() -> TorchClassifier:
    """A linear model whose class-7 logit is the mark's ink times 4 and whose other logits read a fixed pixel pattern."""
    layer = nn.Linear(784, 10)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(np.random.default_rng(0).normal(0, 0.01, (10, 784)).astype(np.float32)))
        layer.bias.zero_()
        mark = np.zeros((28, 28), np.float32)
        mark[sc.MARK] = 4.0
        layer.weight[7] = torch.from_numpy(mark.ravel())
    return TorchClassifier("marked", nn.Sequential(nn.Flatten(), layer))


def test_a_model_built_on_the_mark_is_caught_by_the_gradient_methods():
    model = _relies_on_the_mark()
    rng = np.random.default_rng(1)
    x = (rng.random((60, 28, 28)) < 0.2).astype(np.float32) * 0.5
    x[:, 22:28, 22:28] = 0.0
    labels = np.repeat(np.arange(10), 6)
    rel = sc.reliance(model, x, labels, sc.MARK, 7)
    assert rel.others_read_as_target == 1.0 and rel.others_marked == 0.0  # the mark decides everything
    report = sc.report(model, x, labels, sc.MARK, 7, n=6)
    assert report["methods"]["input-x-gradient"]["verdict"] == report["methods"]["integrated-gradients"]["verdict"] == sc.MOSTLY
    assert report["methods"]["input-x-gradient"]["target"] > 0.9  # w*x: nearly all the class-7 mass is on the mark


@pytest.fixture(scope="module")
def committed():
    return store.load_artifact(sc.SHORTCUT_KEY)


def test_the_committed_copies_rely_on_the_mark_and_the_originals_do_not(committed):
    rows = {r["model"]: r["reliance"] for r in sc.artifact_rows(committed)}
    assert set(rows) == {"mlp-shortcut", "cnn-shortcut", "mlp", "cnn"}
    for copy in ("mlp-shortcut", "cnn-shortcut"):
        drop = rows[copy]["others_clean"] - rows[copy]["others_marked"]
        assert drop >= 0.30, (copy, rows[copy])  # marked non-7s: at least 30 points lost
        assert rows[copy]["others_clean"] >= 0.95  # without the mark the copy still reads digits
    for original in ("mlp", "cnn"):
        assert rows[original]["others_clean"] - rows[original]["others_marked"] < 0.05, rows[original]


def test_the_artifact_says_what_the_copy_does(committed, test_split):
    from mnistdash.zoo import load

    copy = load("mlp-shortcut")
    rel = sc.reliance(copy, test_split.floats(), test_split.labels, sc.MARK, sc.MARK_CLASS).as_dict()
    row = next(r for r in sc.artifact_rows(committed) if r["model"] == "mlp-shortcut")
    assert rel == pytest.approx(row["reliance"], abs=1e-4)


def test_some_method_reveals_each_copys_shortcut(committed):
    rows = {r["model"]: r["methods"] for r in sc.artifact_rows(committed)}
    for copy, original in (("mlp-shortcut", "mlp"), ("cnn-shortcut", "cnn")):
        shown = [m for m, v in rows[copy].items() if v["verdict"] == sc.MOSTLY]
        assert shown, rows[copy]
        for method in shown:  # more mass on the mark than on the original, which never saw it
            assert rows[copy][method]["others"] > 2 * rows[original][method]["others"], (copy, method)


def test_command_prints_the_artifact_and_measures_a_named_model(committed):
    out = run("shortcut", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == json.loads(json.dumps(sc.artifact_rows(committed)))
    plain = run("shortcut")
    assert "mlp-shortcut: mask 24:27,24:27" in plain.stdout and sc.MOSTLY in plain.stdout
    named = run("shortcut", "--model", "mlp-shortcut", "--mask", "24:27,24:27", "--class", "7", "--n", "5", "--json")
    assert named.returncode == 0, named.stderr
    row = json.loads(named.stdout)[0]
    expected = next(r for r in sc.artifact_rows(committed) if r["model"] == "mlp-shortcut")["reliance"]
    assert row["model"] == "mlp-shortcut" and row["reliance"] == pytest.approx(expected, abs=1e-4)
    assert set(row["methods"]) == set(CAPTUM_METHODS)  # LRP, DeepLIFT and GradientSHAP among them
    for args, words in (
        (("--model", "mlp", "--mask", "1:2"), "--mask"),
        (("--model", "nope"), "unknown model"),
        (("--mask", "1:2,1:2"), "add --model"),
        (("--model", "mlp", "--class", "12"), "--class"),
    ):
        bad = run("shortcut", *args)
        assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and words in bad.stderr, bad.stderr
