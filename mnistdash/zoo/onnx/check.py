"""Is this file an ONNX digit classifier we can run? Each refusal is one line saying what is wrong and what to do."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mnistdash.errors import OnnxRefused  # noqa: F401  (raised here, imported from here)

MAX_BYTES = 100 * 2**20  # a classifier of 28x28 digits bigger than this is not what this page is for
STANDARD_DOMAINS = {"", "ai.onnx"}
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081
SCALINGS = {"unit": "pixels in [0, 1]", "mnist": f"(pixel - {MNIST_MEAN}) / {MNIST_STD}, MNIST's mean/std normalisation"}


@dataclass(frozen=True)
class Layout:
    input_name: str
    flat: bool  # N x 784 (else N x 1 x 28 x 28)
    fixed_batch: bool  # the batch dimension is fixed to 1


def read_model(path: Path):
    """The parsed, checked ONNX model; OnnxRefused when it is not one or uses operators outside the standard."""
    import onnx

    if not path.is_file():
        raise OnnxRefused(f"no such file: {path}")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise OnnxRefused(f"{path.name} is {size / 2**20:.0f} MB, over the {MAX_BYTES // 2**20} MB limit for an imported model")
    try:
        model = onnx.load_model_from_string(path.read_bytes())
        onnx.checker.check_model(model)
    except Exception as exc:  # noqa: BLE001 - protobuf and checker errors have many types
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
        raise OnnxRefused(
            f"{path.name} is not a valid ONNX model ({first}); export it with your framework's ONNX exporter"
        ) from None
    custom = sorted({n.domain for n in model.graph.node if n.domain not in STANDARD_DOMAINS})
    if custom:
        raise OnnxRefused(
            f"{path.name} uses custom operators (domain {', '.join(custom)}); export with standard ONNX operators only"
        )
    return model


def _dims(value_info) -> list:
    return [d.dim_value if d.HasField("dim_value") else (d.dim_param or "?") for d in value_info.type.tensor_type.shape.dim]


def layout_of(model, name: str) -> Layout:
    inits = {t.name for t in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in inits]
    if len(inputs) != 1:
        raise OnnxRefused(f"{name} has {len(inputs)} inputs; a digit classifier takes one (N x 1 x 28 x 28 or N x 784)")
    dims = _dims(inputs[0])
    batch, rest = (dims[0], dims[1:]) if dims else (None, [])
    if rest == [1, 28, 28]:
        flat = False
    elif rest == [784]:
        flat = True
    else:
        raise OnnxRefused(f"{name}: input shape {dims} is not N x 1 x 28 x 28 or N x 784")
    return Layout(inputs[0].name, flat, batch == 1)


def session(model, name: str):
    import onnxruntime as ort

    ort.set_default_logger_severity(4)  # failures are reported as one line by the caller, not logged to the terminal
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 4
    try:
        return ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    except Exception as exc:  # noqa: BLE001
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
        raise OnnxRefused(f"{name}: onnxruntime cannot run it ({first}); use standard operators and a recent opset") from None


def scaled(x: np.ndarray, scaling: str) -> np.ndarray:
    x = np.asarray(x, np.float32)
    return (x - MNIST_MEAN) / MNIST_STD if scaling == "mnist" else x


def run(sess, layout: Layout, x: np.ndarray, scaling: str) -> np.ndarray:
    """(N, 28, 28) in [0, 1] -> the graph's (N, 10) output; OnnxRefused when the graph fails on them."""
    x = scaled(x, scaling).reshape(len(x), *((784,) if layout.flat else (1, 28, 28)))
    step = 1 if layout.fixed_batch else 1000
    try:
        outs = [np.asarray(sess.run(None, {layout.input_name: x[i : i + step]})[0]) for i in range(0, len(x), step)]
        return np.concatenate(outs).astype(np.float32)
    except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own error types
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise OnnxRefused(f"the graph fails on a batch of {step} digit(s): {first[-200:]}") from None


def output_kind(out: np.ndarray, name: str) -> str:
    """'probabilities' when every row is non-negative and sums to 1, else 'logits'; refuses NaN and wrong shapes."""
    if out.ndim != 2 or out.shape[1] != 10:
        raise OnnxRefused(f"{name}: output shape {list(out.shape)} is not N x 10 (one score per class)")
    if not np.isfinite(out).all():
        raise OnnxRefused(f"{name} produces NaN or infinite outputs on MNIST digits; check the export (and --scaling)")
    if (out >= 0).all() and np.allclose(out.sum(1), 1, atol=1e-3):
        return "probabilities"
    return "logits"
