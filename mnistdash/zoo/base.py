"""What every model is made of: family configs, the frozen torch wrappers with one predict_proba for all,
and the arrays a model is stored as."""

from __future__ import annotations

import functools
import io
import threading
import warnings
from dataclasses import asdict, fields
from typing import Any

import numpy as np
import torch
from torch import nn

from mnistdash.zoo.linear import LinearConfig, LinearModel
from mnistdash.zoo.nets import CNN, MLP, Bottleneck, BottleneckConfig, CNNConfig, Denoiser, DenoiserConfig, MLPConfig
from mnistdash.zoo.registry import BUILTIN, SHORTCUTS

FAMILIES: dict[str, tuple[type, type]] = {
    "mlp": (MLPConfig, MLP),
    "cnn": (CNNConfig, CNN),
    "bottleneck": (BottleneckConfig, Bottleneck),
    "denoiser": (DenoiserConfig, Denoiser),
}


def family_config(family: str, fields_: dict[str, Any]) -> Any:
    """The config dataclass of `family` from its fields (as the registry and config.json hold them)."""
    cls = LinearConfig if family == "linear" else FAMILIES[family][0]
    return cls(**fields_)


# name -> (family, config): the committed models, built from the registry's one table.
SPECS: dict[str, tuple[str, Any]] = {e.name: (e.family, family_config(e.family, e.config)) for e in BUILTIN + SHORTCUTS}


def config_to_json(family: str, config: Any) -> dict[str, Any]:
    return {"family": family, **asdict(config)}


def config_from_json(data: dict[str, Any]) -> tuple[str, Any]:
    data = dict(data)
    family = data.pop("family")
    cls = LinearConfig if family == "linear" else FAMILIES[family][0]
    names = {f.name for f in fields(cls)}
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in names}
    return family, cls(**kwargs)


@functools.cache
def bf16_available() -> bool:
    """True where the processor has native bf16 matrix support (AVX512-BF16 or AMX)."""
    try:
        flags = open("/proc/cpuinfo").read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def frozen(module: nn.Module) -> nn.Module:
    """Eval mode and no gradients: safe to share between sessions."""
    module.eval()
    for p in module.parameters():
        p.requires_grad_(False)
    return module


# Digits per forward pass. 128 keeps a conv layer's activations in cache: the cnn reads the 10,000 test digits in
# 5.2 s on one thread against 9-11 s in batches of 2,000, with the same logits to the bit (bench/batch_size.py).
BATCH = 128


def run_batched(fn, x: np.ndarray, batch: int = BATCH, bf16: bool = False) -> np.ndarray:
    """fn over (N, ...) float inputs in batches, without gradients, as one float32 array."""
    xt = torch.from_numpy(np.require(x, np.float32, ["C", "W"]))  # a copy only if x is read-only
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        out = [fn(xt[i : i + batch]).float() for i in range(0, max(len(xt), 1), batch)]
    return torch.cat(out).numpy()


def softmax(z: np.ndarray) -> np.ndarray:
    """(N, K) scores -> probabilities along the last axis (the maximum subtracted first: no overflow)."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def many_proba(model, x: np.ndarray) -> np.ndarray:
    """A classifier's probabilities for forward-only work over many pictures at once (TorchClassifier.many_logits)."""
    return model.many_proba(x) if isinstance(model, TorchClassifier) else model.predict_proba(x)


def accuracy(model, x: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of (N, 28, 28) digits a classifier labels right."""
    return float((model.predict_proba(x).argmax(1) == labels).mean())


class TorchClassifier:
    """A frozen torch classifier in eval mode, safe to share between sessions.

    runtime: forward-only work over many pictures at once (`many_logits`: the deletion curves, occlusion) runs the
    same module exported to ONNX through onnxruntime, about 2x faster than torch on one thread for the convnet
    (MLAS convolutions; bench/explain_latency.py); its logits match torch's to ~3e-6. `logits` stays torch's, so
    accuracies and the stored probabilities are what torch computes (a leaderboard rebuilt now moves by ~1e-6)."""

    def __init__(self, name: str, module: nn.Module, use_bf16: bool = False, runtime: bool = False):
        self.name = name
        self.module = frozen(module)
        self.use_bf16 = use_bf16 and bf16_available()
        self.runtime = runtime
        self._session, self._lock = None, threading.Lock()

    def _onnx_session(self):
        """The module as an onnxruntime session on one thread, built on first use; None if it cannot be built."""
        with self._lock:
            if self._session is None:
                try:
                    import onnxruntime as ort

                    graph = io.BytesIO()
                    with torch.no_grad(), warnings.catch_warnings():
                        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notice
                        torch.onnx.export(
                            self.module,
                            (torch.zeros(1, 28, 28),),
                            graph,
                            input_names=["pixels"],
                            output_names=["logits"],
                            dynamic_axes={"pixels": {0: "batch"}, "logits": {0: "batch"}},
                            opset_version=17,
                            dynamo=False,
                        )
                    opts = ort.SessionOptions()
                    opts.intra_op_num_threads = opts.inter_op_num_threads = 1
                    opts.log_severity_level = 4
                    self._session = ort.InferenceSession(graph.getvalue(), opts, providers=["CPUExecutionProvider"])
                except Exception:  # noqa: BLE001 - a speed-up only: torch answers instead
                    self._session = False
            return self._session or None

    def many_logits(self, x: np.ndarray | torch.Tensor) -> np.ndarray:
        """(N, 28, 28) -> (N, 10) logits for forward-only work over many pictures (see the class's docstring)."""
        session = self._onnx_session() if self.runtime and not self.use_bf16 else None
        x = np.asarray(x.detach() if isinstance(x, torch.Tensor) else x, np.float32)
        if session is None:
            return self.logits(x)
        return np.concatenate(
            [session.run(None, {"pixels": x[i : i + BATCH]})[0] for i in range(0, max(len(x), 1), BATCH)]
        ).astype(np.float32)

    def many_proba(self, x: np.ndarray) -> np.ndarray:
        return softmax(self.many_logits(x))

    def logits(self, x: np.ndarray, batch: int = BATCH) -> np.ndarray:
        """(N, 28, 28) floats in [0, 1] -> (N, 10) logits (float32)."""
        return run_batched(self.module, x, batch, self.use_bf16)

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        return softmax(self.logits(x))


class LinearTorch(nn.Module):
    """A numpy linear model as a torch module, (N, 28, 28) or (N, 784) -> (N, 10) scores `x @ W.T + b`.

    scaled: divided by the model's temperature (the scores its probabilities come from: attacks, export);
    binarize: threshold the pixels at 0.5 first, as least squares reads them (an exported graph). Without it a
    gradient method reads the raw (or already transformed) pixels: for least squares, straight through."""

    def __init__(self, model: LinearModel, scaled: bool = False, binarize: bool = False):
        super().__init__()
        t = model.temperature_ if scaled else 1.0
        self.weight = nn.Parameter(torch.from_numpy(np.asarray(model.coef_ / t, np.float32)), requires_grad=False)
        self.bias = nn.Parameter(torch.from_numpy(np.asarray(model.intercept_ / t, np.float32)), requires_grad=False)
        self.binarize = binarize

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.flatten(1)  # (N, 784), the batch left dynamic for an exported graph
        if self.binarize:
            x = (x > 0.5).float()
        return x @ self.weight.T + self.bias


class TorchDenoiser:
    """A frozen denoising autoencoder: `denoise` maps (N, 28, 28) noisy floats to clean ones."""

    def __init__(self, name: str, module: nn.Module):
        self.name = name
        self.module = frozen(module)

    def denoise(self, x: np.ndarray, batch: int = BATCH) -> np.ndarray:
        return run_batched(self.module, x, batch)


def build_module(family: str, config: Any) -> nn.Module:
    return FAMILIES[family][1](config)


def state_to_numpy(module: nn.Module) -> dict[str, np.ndarray]:
    return {k: v.detach().cpu().numpy() for k, v in module.state_dict().items()}


def linear_to_numpy(model: LinearModel) -> dict[str, np.ndarray]:
    return {"coef": model.coef_, "intercept": model.intercept_, "temperature": np.array([model.temperature_], np.float32)}


def from_tensors(name: str, family: str, config: Any, tensors: dict[str, np.ndarray]):
    """Rebuild a usable model from its config and stored arrays (nothing is guessed)."""
    if family == "linear":
        return LinearModel.from_arrays(config, tensors["coef"], tensors["intercept"], float(tensors["temperature"][0]))
    module = build_module(family, config)
    module.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in tensors.items()})
    if family == "denoiser":
        return TorchDenoiser(name, module)
    return TorchClassifier(name, module, use_bf16=family == "cnn", runtime=family == "cnn")
