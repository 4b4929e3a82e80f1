"""Import, export and remove ONNX classifiers in the model store: checked first, written last, or not at all.

An imported model lives in models/NAME/ as model.onnx (the graph: data, no code), config.json (family
"onnx", input layout, pixel scaling, output kind, description) and metrics.json (test accuracy), each
checksummed in the manifest like the built-in models, plus its probabilities on both splits as the
artifact probs-NAME that the Errors page reads.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from mnistdash import store
from mnistdash.config import MANIFEST
from mnistdash.zoo.base import LinearTorch, TorchClassifier, softmax
from mnistdash.zoo.linear import LinearModel
from mnistdash.zoo.loading import load
from mnistdash.zoo.onnx import check
from mnistdash.zoo.onnx.check import OnnxRefused
from mnistdash.zoo.registry import BUILTIN_CLASSIFIERS, RESERVED

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
# An imported model's artifacts: its probabilities (written here) and its rows of the faithfulness leaderboard
# (mnistdash.explain.faithfulness.build_imported, run by `mnistdash import-model` after the import).
ARTIFACTS = ("probs-{}", "faithfulness-{}")
# Names the app uses for other things: a model called so would shadow them.
_RESERVED = RESERVED


def _check_name(name: str, models_dir: Path, replace: bool) -> None:
    if not _NAME.fullmatch(name):
        raise OnnxRefused(f"name {name!r}: use 1-32 lower-case letters, digits, '-' or '_', starting with a letter or digit")
    if name in _RESERVED:
        raise OnnxRefused(f"name {name!r} belongs to a built-in model or artifact; choose another --name")
    entry = store.read_manifest(models_dir)["models"].get(name) if (models_dir / MANIFEST).exists() else None
    if entry is not None and not replace:
        raise OnnxRefused(f"a model named {name!r} exists already; choose another --name, or add --replace")
    if entry is not None and entry.get("config", {}).get("family") != "onnx":
        raise OnnxRefused(f"{name!r} is not an imported model and cannot be replaced")


def import_model(
    path: Path,
    name: str,
    description: str = "",
    scaling: str = "unit",
    replace: bool = False,
    models_dir: Path | None = None,
    data_dir: Path | None = None,
) -> dict:
    """Check the file, score it on both splits, then write it to the store; returns its manifest entry plus `seconds`.

    Refusals (OnnxRefused, one line) happen before anything is written."""
    from mnistdash.data import load_split

    start = time.perf_counter()
    root = Path(models_dir) if models_dir is not None else store.MODELS_DIR
    if scaling not in check.SCALINGS:
        raise OnnxRefused(f"--scaling {scaling!r}: choose one of {', '.join(check.SCALINGS)}")
    _check_name(name, root, replace)
    model = check.read_model(Path(path))
    layout = check.layout_of(model, Path(path).name)
    sess = check.session(model, Path(path).name)
    test, train = load_split("test", data_dir), load_split("train", data_dir)
    out_test = check.run(sess, layout, test.floats(), scaling)
    output = check.output_kind(out_test, Path(path).name)
    out_train = check.run(sess, layout, train.floats(), scaling)
    check.output_kind(out_train, Path(path).name)
    probs = {split: _probabilities(out, output) for split, out in (("test", out_test), ("train", out_train))}
    accuracy = float((probs["test"].argmax(1) == test.labels).mean())

    config = {
        "family": "onnx",
        "input": "N x 784" if layout.flat else "N x 1 x 28 x 28",
        "batch": "fixed to 1" if layout.fixed_batch else "dynamic",
        "scaling": scaling,
        "output": output,
        "description": description or f"imported from {Path(path).name}",
        "source_file": Path(path).name,
    }
    metrics = {"test_accuracy": round(accuracy, 4)}
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
    try:  # everything written beside the store first; the manifest is updated last
        shutil.copyfile(path, staging / "model.onnx")
        (staging / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
        (staging / "metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n")
        folder = root / name
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    files = {f"{name}/{f}": store.sha256(folder / f) for f in ("model.onnx", "config.json", "metrics.json")}
    params = int(sum(int(np.prod(t.dims)) for t in model.graph.initializer))
    entry = {"config": config, "files": files, "params": params, "imported": True, "n_train": 0, **metrics}
    _drop_artifacts(name, root, keep=f"probs-{name}")  # a replaced model's leaderboard rows are not this one's
    store.save_artifact(f"probs-{name}", {k: v.astype(np.float16) for k, v in probs.items()}, root)
    store.update_manifest("models", name, entry, root)
    return {**entry, "seconds": time.perf_counter() - start}


def _probabilities(out: np.ndarray, output: str) -> np.ndarray:
    if output == "probabilities":
        return out
    return softmax(out)


def remove_model(name: str, models_dir: Path | None = None) -> None:
    root = Path(models_dir) if models_dir is not None else store.MODELS_DIR
    manifest = store.read_manifest(root)
    entry = manifest["models"].get(name)
    if entry is None:
        raise OnnxRefused(f"no model named {name!r} in {root / MANIFEST}")
    if entry.get("config", {}).get("family") != "onnx":
        raise OnnxRefused(f"{name!r} is a built-in model; only imported models can be removed")
    del manifest["models"][name]
    store.write_manifest(manifest, root)
    shutil.rmtree(root / name, ignore_errors=True)
    _drop_artifacts(name, root)


def _drop_artifacts(name: str, root: Path, keep: str | None = None) -> None:
    """Take an imported model's artifacts (ARTIFACTS) out of the manifest, then delete their files."""
    manifest = store.read_manifest(root) if (root / MANIFEST).exists() else {}
    gone = [manifest.get("artifacts", {}).pop(k.format(name), None) for k in ARTIFACTS if k.format(name) != keep]
    if any(gone):
        store.write_manifest(manifest, root)
    for artifact in filter(None, gone):
        (root / artifact["file"]).unlink(missing_ok=True)


class _Exported(nn.Module):
    """A classifier as the graph people export: (N, 1, 28, 28) or (N, 784) pixels in [0, 1] -> 10 logits."""

    def __init__(self, model):
        super().__init__()
        if isinstance(model, TorchClassifier):
            self.net, self.linear = model.module, None
        elif isinstance(model, LinearModel):
            self.net, self.linear = None, LinearTorch(model, scaled=True, binarize=model.config.transform == "binarize")
        else:
            raise OnnxRefused(f"{getattr(model, 'name', 'this model')} is not a classifier that can be exported")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.net is not None:
            return self.net(x.reshape(-1, 28, 28))
        return self.linear(x.reshape(-1, 784))


def export_model(name: str, out: Path, flat: bool = False, models_dir: Path | None = None) -> Path:
    """Write a built-in classifier as ONNX (input N x 1 x 28 x 28, or N x 784 with `flat`; output 10 logits)."""
    if name not in BUILTIN_CLASSIFIERS:
        raise OnnxRefused(f"export a built-in classifier: one of {', '.join(BUILTIN_CLASSIFIERS)}")
    module = _Exported(load(name, models_dir)).eval()
    example = torch.zeros(1, 784) if flat else torch.zeros(1, 1, 28, 28)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(
            module,
            (example,),
            str(out),
            input_names=["pixels"],
            output_names=["logits"],
            dynamic_axes={"pixels": {0: "batch"}, "logits": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
    return out
