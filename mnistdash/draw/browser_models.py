"""The models the drawing component runs in the browser while the pen moves, as JSON-ready payloads.

The linear models are a 784x10 product: their committed weights go as base64 float32 (exact, a third the size of
decimal text), with the bias, the temperature and whether the pixels are binarized first. The browser repeats
`LinearModel.predict_proba`: softmax((W t(x) + b) / T).
"""

from __future__ import annotations

import base64

import numpy as np

from mnistdash.zoo.linear import LinearModel


def _b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode()


def linear_payload(models: dict, names: list[str]) -> list[dict]:
    """Every linear model among `names`: {name, W (10x784 row-major), b, T, binarize}."""
    out = []
    for name in names:
        m = models.get(name)
        if isinstance(m, LinearModel):
            out.append(
                {
                    "name": name,
                    "W": _b64(m.coef_),
                    "b": _b64(m.intercept_),
                    "T": float(m.temperature_),
                    "binarize": m.config.transform == "binarize",
                }
            )
    return out


def _layers(module) -> list[dict]:
    """A torch classifier's leaf layers in forward order as plain ops (dense, conv, relu, pool), batch norm folded
    into the layer before it. Holds for the zoo's MLP, Bottleneck and CNN, whose forward runs their leaves in order."""
    from torch import nn

    ops: list[dict] = []
    weights: list[list[np.ndarray]] = []  # [W, b] of each dense / conv, for folding
    for leaf in (m for m in module.modules() if not list(m.children())):
        if isinstance(leaf, (nn.Linear, nn.Conv2d)):
            w = leaf.weight.detach().double().numpy()
            b = leaf.bias.detach().double().numpy() if leaf.bias is not None else np.zeros(w.shape[0])
            weights.append([w, b])
            if isinstance(leaf, nn.Linear):
                ops.append({"op": "dense", "out": w.shape[0]})
            else:
                ops.append({"op": "conv", "out": w.shape[0], "k": w.shape[2], "pad": leaf.padding[0]})
        elif isinstance(leaf, (nn.BatchNorm1d, nn.BatchNorm2d)):
            scale = leaf.weight.detach().double().numpy() / np.sqrt(leaf.running_var.double().numpy() + leaf.eps)
            w, b = weights[-1]
            weights[-1] = [
                w * scale.reshape((-1,) + (1,) * (w.ndim - 1)),
                (b - leaf.running_mean.double().numpy()) * scale + leaf.bias.detach().double().numpy(),
            ]
        elif isinstance(leaf, nn.ReLU):
            ops.append({"op": "relu"})
        elif isinstance(leaf, nn.MaxPool2d):
            ops.append(
                {"op": "pool", "size": int(leaf.kernel_size if isinstance(leaf.kernel_size, int) else leaf.kernel_size[0])}
            )
        elif not isinstance(leaf, (nn.Flatten, nn.Dropout)):
            raise ValueError(f"no browser version of layer {type(leaf).__name__}")
    params = iter(weights)
    for op in ops:
        if op["op"] in ("dense", "conv"):
            w, b = next(params)
            op["W"], op["b"] = _b64(w.astype(np.float32)), _b64(b.astype(np.float32))
    return ops


def network_payload(models: dict, names: list[str]) -> list[dict]:
    """Every torch classifier among `names`: {name, layers}, run on the (1, 28, 28) digit, softmax of the output."""
    from mnistdash.zoo import TorchClassifier

    out = []
    for n in names:
        if isinstance(models.get(n), TorchClassifier):
            try:
                out.append({"name": n, "layers": _layers(models[n].module)})
            except ValueError:
                continue  # no browser version (an imported graph): the server reads it after the stroke
    return out


def onnx_payload(names: list[str]) -> list[dict]:
    """Every built-in network among `names` as ONNX bytes (base64) for onnxruntime-web, exported from the committed
    weights into a temporary folder (never into the repo) by `mnistdash.zoo.onnx.importer.export_model`."""
    import tempfile
    from pathlib import Path

    from mnistdash.zoo.onnx.importer import export_model
    from mnistdash.zoo.registry import TORCH_CLASSIFIERS

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in names:
            if n in TORCH_CLASSIFIERS:
                path = export_model(n, Path(tmp) / f"{n}.onnx")
                out.append({"name": n, "onnx": base64.b64encode(path.read_bytes()).decode()})
    return out
