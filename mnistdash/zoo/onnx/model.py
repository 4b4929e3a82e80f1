"""An imported ONNX classifier: a torch module when the graph converts (Captum works), else onnxruntime alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

from mnistdash.zoo.base import TorchClassifier, softmax
from mnistdash.zoo.onnx import check
from mnistdash.zoo.onnx.to_torch import OnnxGraph, Unsupported


class AsDigits(nn.Module):
    """(N, 28, 28) pixels in [0, 1] -> logits: the graph's layout and scaling in front, log() behind probabilities."""

    def __init__(self, graph: nn.Module, flat: bool, scaling: str, output: str):
        super().__init__()
        self.graph, self.flat, self.scaling, self.output = graph, flat, scaling, output

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.scaling == "mnist":
            x = (x - check.MNIST_MEAN) / check.MNIST_STD
        y = self.graph(x.reshape(len(x), 784) if self.flat else x.reshape(len(x), 1, 28, 28))
        return torch.log(y.clamp_min(1e-12)) if self.output == "probabilities" else y


class OnnxRuntimeClassifier:
    """predict_proba through onnxruntime, for graphs the torch interpreter does not cover (explained by occlusion)."""

    explained_by = "occlusion with onnxruntime (the graph could not be converted to torch)"

    def __init__(self, name: str, sess, layout: check.Layout, scaling: str, output: str):
        self.name, self.sess, self.layout, self.scaling, self.output = name, sess, layout, scaling, output

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        out = check.run(self.sess, self.layout, np.asarray(x, np.float32).reshape(-1, 28, 28), self.scaling)
        if self.output == "probabilities":
            return out
        return softmax(out)


def load_onnx(name: str, path: Path, config: dict):
    """The model of a stored ONNX file: a TorchClassifier (converted graph) or an OnnxRuntimeClassifier."""
    model = check.read_model(path)
    layout = check.layout_of(model, name)
    try:
        module = AsDigits(OnnxGraph(model), layout.flat, config["scaling"], config["output"])
    except Unsupported:
        return OnnxRuntimeClassifier(name, check.session(model, name), layout, config["scaling"], config["output"])
    clf = TorchClassifier(name, module)
    clf.explained_by = "Captum on the graph converted to torch"
    return clf
