"""Bring your own model: ONNX files made here (layouts, outputs, scalings) imported, scored, explained, refused."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch
from onnx import TensorProto, helper
from torch import nn

from mnistdash import zoo
from mnistdash.config import MODELS_DIR
from mnistdash.explain import METHODS, has_gradients
from mnistdash.jobs.cli import main
from mnistdash.jobs.evaluate import evaluate_all
from mnistdash.zoo.onnx import check
from mnistdash.zoo.onnx.check import OnnxRefused
from mnistdash.zoo.onnx.importer import export_model, import_model, remove_model
from mnistdash.zoo.onnx.model import OnnxRuntimeClassifier


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("byo") / "models"
    shutil.copytree(MODELS_DIR, root)
    return root


@pytest.fixture(scope="module")
def mlp():
    return zoo.load("mlp")


def _snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


class Wrapped(nn.Module):
    """The committed MLP as people export networks: flat or 1x28x28 input, logits or softmax, optionally on
    MNIST-normalised pixels."""

    def __init__(self, mlp, softmax: bool = False, normalised: bool = False):
        super().__init__()
        self.net, self.softmax, self.normalised = mlp.module, softmax, normalised

    def forward(self, x):
        if self.normalised:
            x = x * check.MNIST_STD + check.MNIST_MEAN
        z = self.net(x.reshape(-1, 28, 28))
        return torch.softmax(z, 1) if self.softmax else z


def _export(module: nn.Module, path: Path, flat: bool, dynamic: bool = True) -> Path:
    example = torch.zeros(1, 784) if flat else torch.zeros(1, 1, 28, 28)
    axes = {"x": {0: "n"}, "y": {0: "n"}} if dynamic else None
    torch.onnx.export(
        module.eval(),
        (example,),
        str(path),
        input_names=["x"],
        output_names=["y"],
        dynamic_axes=axes,
        opset_version=17,
        dynamo=False,
    )
    return path


@pytest.mark.parametrize(
    "flat,softmax,dynamic", [(False, False, True), (True, False, True), (False, True, True), (True, True, False)]
)
def test_layouts_and_outputs_score_like_the_torch_model(models_dir, tmp_path, mlp, test_split, flat, softmax, dynamic):
    name = f"byo-{'flat' if flat else 'img'}-{'p' if softmax else 'z'}-{'d' if dynamic else 'one'}"
    path = _export(Wrapped(mlp, softmax), tmp_path / f"{name}.onnx", flat, dynamic)
    entry = import_model(path, name, models_dir=models_dir)
    assert entry["config"]["output"] == ("probabilities" if softmax else "logits")
    assert entry["config"]["input"] == ("N x 784" if flat else "N x 1 x 28 x 28")
    assert entry["config"]["batch"] == ("dynamic" if dynamic else "fixed to 1")
    torch_acc = float((mlp.predict_proba(test_split.floats()).argmax(1) == test_split.labels).mean())
    (row,) = evaluate_all(models_dir=models_dir, only=[name])
    assert abs(row["accuracy"] - torch_acc) <= 0.001 and row["manifest_accuracy"] == pytest.approx(row["accuracy"], abs=1e-4)
    model = zoo.load(name, models_dir)
    assert has_gradients(model)  # the interpreter converts it: Captum's gradient methods run on it
    x = test_split.floats()[:5]
    np.testing.assert_allclose(model.predict_proba(x), mlp.predict_proba(x), atol=1e-4)


def test_mnist_normalisation_is_declared_by_a_flag(models_dir, tmp_path, mlp):
    path = _export(Wrapped(mlp, normalised=True), tmp_path / "norm.onnx", flat=False)
    plain = import_model(path, "byo-norm-unit", models_dir=models_dir)
    declared = import_model(path, "byo-norm", scaling="mnist", models_dir=models_dir)
    assert declared["test_accuracy"] == pytest.approx(0.9795, abs=0.002)
    assert plain["test_accuracy"] < declared["test_accuracy"] - 0.05  # read as [0, 1] pixels it is far worse


@pytest.fixture(scope="module")
def first_digits(tmp_path_factory, test_split) -> Path:
    """The first 2,000 training and test digits of MNIST in IDX files: an import scores a model on both splits,
    and the convnet on all 70,000 in onnxruntime took 25 s of a test that compares 2,000 predictions."""
    from mnistdash.data import load_split, write_idx

    folder = tmp_path_factory.mktemp("first-digits")
    for split, prefix in (("train", "train"), ("test", "t10k")):
        digits = load_split(split) if split == "train" else test_split
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz", digits.images[:2000])
        write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", digits.labels[:2000].astype(np.uint8))
    return folder


@pytest.mark.parametrize("name", ["mlp", "logreg-multinomial", "linear-mse", "cnn"])
def test_export_then_import_reproduces_the_predictions(models_dir, first_digits, tmp_path, test_split, name):
    out = export_model(name, tmp_path / f"{name}.onnx", flat=name == "linear-mse")
    entry = import_model(out, f"rt-{name}", models_dir=models_dir, data_dir=first_digits)
    x = test_split.floats()[:2000]
    built_in_accuracy = float((zoo.load(name).predict_proba(x).argmax(1) == test_split.labels[:2000]).mean())
    assert entry["test_accuracy"] == pytest.approx(built_in_accuracy, abs=1e-3)  # scored on the digits it was given
    built_in, imported = zoo.load(name), zoo.load(f"rt-{name}", models_dir)
    if hasattr(built_in, "use_bf16"):
        built_in.use_bf16 = False  # the export is float32; the app's convnet may run in bf16 where the processor has it
    assert has_gradients(imported)  # converted to torch: Captum's gradient methods run on it
    assert (imported.predict_proba(x).argmax(1) == built_in.predict_proba(x).argmax(1)).mean() >= 0.9995
    np.testing.assert_allclose(imported.predict_proba(x), built_in.predict_proba(x), atol=2e-3)


def test_a_graph_the_interpreter_lacks_runs_on_onnxruntime_and_is_explained_by_occlusion(models_dir, tmp_path, test_split):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 32), nn.GELU(), nn.Linear(32, 10))  # GELU exports as Erf
    import_model(_export(net, tmp_path / "gelu.onnx", flat=False), "byo-gelu", models_dir=models_dir)
    model = zoo.load("byo-gelu", models_dir)
    assert isinstance(model, OnnxRuntimeClassifier) and not has_gradients(model)
    digit = test_split.floats()[:1]
    target = int(model.predict_proba(digit).argmax())
    occ = METHODS["occlusion"](model).attribute(digit, [target])[0]
    assert occ.shape == (28, 28) and np.isfinite(occ).all() and np.abs(occ).max() > 0


def _graph(path: Path, in_shape, out_dim: int = 10, domain: str = "", nan: bool = False) -> Path:
    n = int(np.prod(in_shape[1:]))
    w = helper.make_tensor("w", TensorProto.FLOAT, [n, out_dim], np.full(n * out_dim, np.nan if nan else 0.01, np.float32))
    nodes = [helper.make_node("Flatten", ["x"], ["f"]), helper.make_node("MatMul", ["f", "w"], ["y"])]
    if domain:
        nodes.append(helper.make_node("Magic", ["y"], ["z"], domain=domain))
    out = "z" if domain else "y"
    g = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", *in_shape[1:]])],
        [helper.make_tensor_value_info(out, TensorProto.FLOAT, ["n", out_dim])],
        [w],
    )
    opsets = [helper.make_opsetid("", 17)] + ([helper.make_opsetid(domain, 1)] if domain else [])
    onnx.save(helper.make_model(g, opset_imports=opsets), str(path))
    return path


REFUSALS = {
    "not onnx": (lambda p: (p.write_bytes(b"\x00garbage, not a protobuf" * 50), p)[1], "not a valid ONNX model"),
    "custom op": (lambda p: _graph(p, (1, 1, 28, 28), domain="com.example"), "custom operators"),
    "input shape": (lambda p: _graph(p, (1, 3, 32, 32)), "is not N x 1 x 28 x 28 or N x 784"),
    "output shape": (lambda p: _graph(p, (1, 784), out_dim=5), "is not N x 10"),
    "nan": (lambda p: _graph(p, (1, 784), nan=True), "NaN"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_refusals_leave_the_store_byte_for_byte(models_dir, tmp_path, case, capsys):
    make, words = REFUSALS[case]
    path = make(tmp_path / f"{case.replace(' ', '-')}.onnx")
    before = _snapshot(models_dir)
    assert main(["import-model", str(path), "--name", "byo-bad", "--models-dir", str(models_dir)]) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert _snapshot(models_dir) == before


def test_size_limit_existing_and_builtin_names(models_dir, tmp_path, monkeypatch):
    path = _graph(tmp_path / "ok.onnx", (1, 784))
    import_model(path, "byo-small", models_dir=models_dir)
    before = _snapshot(models_dir)
    with pytest.raises(OnnxRefused, match="exists already"):
        import_model(path, "byo-small", models_dir=models_dir)
    with pytest.raises(OnnxRefused, match="built-in"):
        import_model(path, "cnn", models_dir=models_dir)
    monkeypatch.setattr(check, "MAX_BYTES", 1000)
    with pytest.raises(OnnxRefused, match="over the"):
        import_model(path, "byo-big", models_dir=models_dir)
    assert _snapshot(models_dir) == before
    monkeypatch.undo()
    import_model(path, "byo-small", replace=True, models_dir=models_dir)  # --replace does replace


def test_remove_model_removes_only_imported_ones(models_dir, tmp_path):
    path = _graph(tmp_path / "rm.onnx", (1, 784))
    import_model(path, "byo-rm", models_dir=models_dir)
    assert (models_dir / "byo-rm" / "model.onnx").exists() and (models_dir / "artifacts" / "probs-byo-rm.npz").exists()
    remove_model("byo-rm", models_dir)
    assert not (models_dir / "byo-rm").exists() and not (models_dir / "artifacts" / "probs-byo-rm.npz").exists()
    with pytest.raises(OnnxRefused, match="built-in"):
        remove_model("cnn", models_dir)
    with pytest.raises(OnnxRefused, match="no model named"):
        remove_model("byo-rm", models_dir)
