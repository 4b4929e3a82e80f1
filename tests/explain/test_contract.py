"""The contract behind the Explain page: every method it offers for a model runs on that model and gives a real
map, for every kind of model it shows: the five linear ones, the four networks, an imported ONNX graph that
converts to torch (Captum) and one that only onnxruntime runs (occlusion)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from mnistdash import zoo
from mnistdash.config import MODELS_DIR
from mnistdash.explain import CAPTUM_METHODS, METHODS, methods_for
from mnistdash.zoo.onnx import check
from mnistdash.zoo.onnx.importer import export_model, import_model
from mnistdash.zoo.onnx.model import OnnxRuntimeClassifier
from mnistdash.zoo.registry import BUILTIN_CLASSIFIERS, LINEAR_MODELS

IMPORTED = ("onnx-torch", "onnx-runtime")


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> dict:
    """The committed mlp exported as ONNX and imported back (it converts: a TorchClassifier), and the same file run
    by onnxruntime alone, as a graph with an operator the interpreter lacks would be."""
    root = tmp_path_factory.mktemp("contract") / "models"
    shutil.copytree(MODELS_DIR, root)
    path = export_model("mlp", root.parent / "mlp.onnx", models_dir=root)
    import_model(path, "onnx-torch", models_dir=root)
    graph = check.read_model(path)
    runtime = OnnxRuntimeClassifier("onnx-runtime", check.session(graph, "mlp"), check.layout_of(graph, "mlp"), "unit", "logits")
    return {"onnx-torch": zoo.load("onnx-torch", root), "onnx-runtime": runtime}


@pytest.fixture(scope="module")
def digits(test_split) -> tuple[np.ndarray, np.ndarray]:
    return test_split.floats()[:2], test_split.labels[:2]


def _model(name, committed_models, imported):
    return imported[name] if name in IMPORTED else committed_models[name]


@pytest.mark.parametrize("name", BUILTIN_CLASSIFIERS + IMPORTED)
def test_every_offered_method_gives_a_map(name, committed_models, imported, digits):
    model = _model(name, committed_models, imported)
    images, labels = digits
    targets = model.predict_proba(images).argmax(1)
    offered = methods_for(model)
    assert offered, f"{name}: no method explains it"
    for method in offered:
        maps = METHODS[method](model).attribute(images, targets)
        assert maps.shape == (2, 28, 28), (name, method, maps.shape)
        assert np.isfinite(maps).all(), (name, method)
        assert (np.abs(maps).reshape(2, -1).max(1) > 0).all(), f"{name} · {method}: an all-zero map"
    assert (targets == labels).all()  # the maps explain right answers on these two digits


def test_what_each_kind_is_offered(committed_models, imported):
    for name in LINEAR_MODELS:
        assert methods_for(committed_models[name]) == list(METHODS)  # exact w*x and every Captum method
    for name in ("mlp", "cnn"):
        assert methods_for(_model(name, committed_models, imported)) == list(CAPTUM_METHODS)
    # a converted graph's own operations have no LRP rule: every other method
    assert methods_for(imported["onnx-torch"]) == [m for m in CAPTUM_METHODS if m != "lrp"]
    assert methods_for(imported["onnx-runtime"]) == ["occlusion"]  # no gradients through onnxruntime


def test_the_two_imported_kinds_are_the_same_model(imported, test_split):
    """The converted graph and onnxruntime read the same file: the same probabilities (their occlusion maps differ
    by design: onnxruntime's are of log-probabilities, the torch graph's of logits)."""
    x = test_split.floats()[:200]
    np.testing.assert_allclose(imported["onnx-torch"].predict_proba(x), imported["onnx-runtime"].predict_proba(x), atol=1e-5)
