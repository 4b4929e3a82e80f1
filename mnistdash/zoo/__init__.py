"""The model zoo: readable names -> families and configs, and one predict_proba interface for all."""

from __future__ import annotations

import functools
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from mnistdash.zoo.linear import LinearConfig, LinearModel
from mnistdash.zoo.nets import CNN, MLP, Bottleneck, BottleneckConfig, CNNConfig, Denoiser, DenoiserConfig, MLPConfig

FAMILIES: dict[str, tuple[type, type]] = {
    "mlp": (MLPConfig, MLP),
    "cnn": (CNNConfig, CNN),
    "bottleneck": (BottleneckConfig, Bottleneck),
    "denoiser": (DenoiserConfig, Denoiser),
}

# name -> (family, config): the committed models.
SPECS: dict[str, tuple[str, Any]] = {
    "logreg-ovr": ("linear", LinearConfig("logreg-ovr")),
    "logreg-multinomial": ("linear", LinearConfig("logreg-multinomial")),
    "template-mean": ("linear", LinearConfig("template-mean")),
    "template-contrast": ("linear", LinearConfig("template-contrast")),
    "linear-mse": ("linear", LinearConfig("linear-mse", transform="binarize")),
    "mlp": ("mlp", MLPConfig(hidden=(100,))),
    "mlp-deep": ("mlp", MLPConfig(hidden=(500, 200, 50), dropout=0.2)),
    "cnn": ("cnn", CNNConfig()),
    "bottleneck": ("bottleneck", BottleneckConfig()),
    "denoiser": ("denoiser", DenoiserConfig()),
}


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


def run_batched(fn, x: np.ndarray, batch: int = 2000, bf16: bool = False) -> np.ndarray:
    """fn over (N, ...) float inputs in batches, without gradients, as one float32 array."""
    xt = torch.from_numpy(np.require(x, np.float32, ["C", "W"]))  # a copy only if x is read-only
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        out = [fn(xt[i : i + batch]).float() for i in range(0, max(len(xt), 1), batch)]
    return torch.cat(out).numpy()


def accuracy(model, x: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of (N, 28, 28) digits a classifier labels right."""
    return float((model.predict_proba(x).argmax(1) == labels).mean())


class TorchClassifier:
    """A frozen torch classifier in eval mode, safe to share between sessions."""

    def __init__(self, name: str, module: nn.Module, use_bf16: bool = False):
        self.name = name
        self.module = frozen(module)
        self.use_bf16 = use_bf16 and bf16_available()

    def logits(self, x: np.ndarray, batch: int = 2000) -> np.ndarray:
        """(N, 28, 28) floats in [0, 1] -> (N, 10) logits (float32)."""
        return run_batched(self.module, x, batch, self.use_bf16)

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        z = self.logits(x)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


class TorchDenoiser:
    """A frozen denoising autoencoder: `denoise` maps (N, 28, 28) noisy floats to clean ones."""

    def __init__(self, name: str, module: nn.Module):
        self.name = name
        self.module = frozen(module)

    def denoise(self, x: np.ndarray, batch: int = 2000) -> np.ndarray:
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
    return TorchClassifier(name, module, use_bf16=family == "cnn")


def load(name: str, models_dir=None):
    """Load one committed model, verified against the manifest; raises store.StoreError."""
    from mnistdash import store

    entry = store.check_model(name, models_dir)
    if entry.get("config", {}).get("family") == "onnx":
        return _load_imported(name, entry, models_dir)
    tensors, config_json, _ = store.load_model_files(name, models_dir)
    try:
        family, config = config_from_json(config_json)
        return from_tensors(name, family, config, tensors)
    except (KeyError, TypeError, ValueError, RuntimeError) as exc:
        raise store.StoreError(
            f"{name}: weights do not fit its config ({exc.__class__.__name__}); run `mnistdash train --only {name}`"
        ) from None


def _load_imported(name: str, entry: dict, models_dir=None):
    """An imported ONNX classifier (its files already checked against the manifest)."""
    from mnistdash import store
    from mnistdash.onnx.check import OnnxRefused
    from mnistdash.onnx.model import load_onnx

    folder = (store.MODELS_DIR if models_dir is None else Path(models_dir)) / name
    try:
        return load_onnx(name, folder / "model.onnx", entry["config"])
    except (OnnxRefused, KeyError) as exc:
        raise store.StoreError(f"{name}: the imported model cannot be run ({exc}); import it again with --replace") from None


def load_all(names=None, models_dir=None) -> tuple[dict[str, Any], dict[str, str]]:
    """(models, errors): every model that loads, and a one-line reason for each one that does not."""
    from mnistdash import store
    from mnistdash.config import classifiers

    models, errors = {}, {}
    for name in names or classifiers(models_dir) + ("denoiser",):
        try:
            models[name] = load(name, models_dir)
        except store.StoreError as exc:
            errors[name] = str(exc)
    return models, errors
