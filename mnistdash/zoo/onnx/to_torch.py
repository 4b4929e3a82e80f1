"""An ONNX graph run with torch operations, so Captum's gradients reach an imported model.

The common operators of exported classifiers (dense, convolution, pooling, normalization,
activations, reshapes) are covered; a graph with any other operator is not converted and the model
is run by onnxruntime instead (the pages then explain it by occlusion). No code from the file is
executed: the graph is data, interpreted node by node.
"""

from __future__ import annotations

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper
from torch import nn

from mnistdash.errors import Unsupported  # noqa: F401  (raised here, imported from here)


def _attrs(node) -> dict:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _pads(pads, dims: int):
    if not pads:
        return [0] * dims
    begin, end = list(pads[:dims]), list(pads[dims:])
    if begin != end:
        raise Unsupported("asymmetric padding")
    return begin


def _conv(x, w, b, a):
    pads = _pads(a.get("pads"), w.dim() - 2)
    if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise Unsupported("auto_pad")
    return F.conv2d(x, w, b, stride=a.get("strides", 1), padding=pads, dilation=a.get("dilations", 1), groups=a.get("group", 1))


def _pool(fn, x, a):
    k = a["kernel_shape"]
    return fn(x, k, stride=a.get("strides", k), padding=_pads(a.get("pads"), len(k)), ceil_mode=bool(a.get("ceil_mode", 0)))


def _gemm(a_, b_, c, at):
    a_ = a_.t() if at.get("transA") else a_
    b_ = b_.t() if at.get("transB") else b_
    y = at.get("alpha", 1.0) * (a_ @ b_)
    return y + at.get("beta", 1.0) * c if c is not None else y


def _reshape(x, shape):
    shape = [int(s) for s in shape.tolist()]
    shape = [x.shape[i] if s == 0 else s for i, s in enumerate(shape)]
    return x.reshape(shape)


def _axes(i, a) -> list[int] | None:
    """Axes from the attribute (opset < 13) or the second input (opset >= 13)."""
    if "axes" in a:
        return list(a["axes"])
    return [int(v) for v in i[1].reshape(-1).tolist()] if len(i) > 1 and i[1] is not None else None


def _squeeze(x, axes):
    if axes is None:
        return x.squeeze()
    for ax in sorted((ax % x.dim() for ax in axes), reverse=True):
        x = x.squeeze(ax)
    return x


def _unsqueeze(x, axes):
    rank = x.dim() + len(axes)
    for ax in sorted(ax % rank for ax in axes):
        x = x.unsqueeze(ax)
    return x


def _cast(x, to: int):
    """ONNX's Cast to float (1), double (11), bool (9) or an integer type (6, 7)."""
    if to in (1, 11):
        return x.float()
    if to == 9:
        return x.bool()
    if to in (6, 7):
        return x.long()
    raise Unsupported(f"Cast to type {to}")


def _flatten(x, a):
    axis = a.get("axis", 1)
    return x.reshape(int(np.prod(x.shape[:axis])) if axis else 1, -1)


OPS = {
    "Gemm": lambda i, a: _gemm(i[0], i[1], i[2] if len(i) > 2 else None, a),
    "MatMul": lambda i, a: i[0] @ i[1],
    "Add": lambda i, a: i[0] + i[1],
    "Sub": lambda i, a: i[0] - i[1],
    "Mul": lambda i, a: i[0] * i[1],
    "Div": lambda i, a: i[0] / i[1],
    "Relu": lambda i, a: F.relu(i[0]),
    "LeakyRelu": lambda i, a: F.leaky_relu(i[0], a.get("alpha", 0.01)),
    "Sigmoid": lambda i, a: torch.sigmoid(i[0]),
    "Tanh": lambda i, a: torch.tanh(i[0]),
    "Softmax": lambda i, a: F.softmax(i[0], dim=a.get("axis", -1)),
    "LogSoftmax": lambda i, a: F.log_softmax(i[0], dim=a.get("axis", -1)),
    "Conv": lambda i, a: _conv(i[0], i[1], i[2] if len(i) > 2 else None, a),
    "MaxPool": lambda i, a: _pool(F.max_pool2d, i[0], a),
    "AveragePool": lambda i, a: _pool(F.avg_pool2d, i[0], a),
    "GlobalAveragePool": lambda i, a: i[0].mean(dim=(2, 3), keepdim=True),
    "BatchNormalization": lambda i, a: F.batch_norm(i[0], i[3], i[4], i[1], i[2], False, 0.0, a.get("epsilon", 1e-5)),
    "Flatten": lambda i, a: _flatten(i[0], a),
    "Reshape": lambda i, a: _reshape(i[0], i[1]),
    "Transpose": lambda i, a: i[0].permute(*a["perm"]) if "perm" in a else i[0].permute(*reversed(range(i[0].dim()))),
    "Identity": lambda i, a: i[0],
    "Dropout": lambda i, a: i[0],
    "Squeeze": lambda i, a: _squeeze(i[0], _axes(i, a)),
    "Unsqueeze": lambda i, a: _unsqueeze(i[0], _axes(i, a)),
    "Greater": lambda i, a: i[0] > i[1],
    "Less": lambda i, a: i[0] < i[1],
    "Cast": lambda i, a: _cast(i[0], a.get("to", 1)),
}


class OnnxGraph(nn.Module):
    """forward(x in the graph's input layout) -> the graph's first output, with torch operations."""

    def __init__(self, model: onnx.ModelProto):
        super().__init__()
        g = model.graph
        unknown = sorted({n.op_type for n in g.node} - set(OPS) - {"Constant"})
        if unknown:
            raise Unsupported(", ".join(unknown))
        self.nodes = [(n.op_type, list(n.input), list(n.output), _attrs(n)) for n in g.node]
        if any(op == "Cast" and a.get("to", 1) not in (1, 6, 7, 9, 11) for op, _, _, a in self.nodes):
            raise Unsupported("Cast to a type other than float, double, bool or integer")
        inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
        for op, _, outs, a in self.nodes:
            if op == "Constant":
                inits[outs[0]] = numpy_helper.to_array(a["value"])
        self.names = list(inits)
        for k, arr in enumerate(inits.values()):
            t = torch.from_numpy(np.array(arr))
            self.register_buffer(f"c{k}", t.float() if t.is_floating_point() else t)
        init_names = set(inits)
        self.input = next(i.name for i in g.input if i.name not in init_names)
        self.output = g.output[0].name

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        env = {name: getattr(self, f"c{k}") for k, name in enumerate(self.names)}
        env[self.input] = x
        for op, ins, outs, a in self.nodes:
            if op == "Constant":
                continue
            env[outs[0]] = OPS[op]([env[n] if n else None for n in ins], a)
        return env[self.output]
