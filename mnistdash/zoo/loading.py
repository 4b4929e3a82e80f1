"""Loading committed and imported models from the store, each checked against the manifest first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mnistdash import store
from mnistdash.zoo.base import config_from_json, from_tensors
from mnistdash.zoo.onnx.check import OnnxRefused
from mnistdash.zoo.registry import all_models


def load(name: str, models_dir=None):
    """Load one committed model, verified against the manifest; raises store.StoreError."""
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
    from mnistdash.zoo.onnx.model import load_onnx  # onnx and onnxruntime only when a model was imported

    folder = (store.MODELS_DIR if models_dir is None else Path(models_dir)) / name
    try:
        return load_onnx(name, folder / "model.onnx", entry["config"])
    except (OnnxRefused, KeyError) as exc:
        raise store.StoreError(f"{name}: the imported model cannot be run ({exc}); import it again with --replace") from None


def load_all(names=None, models_dir=None) -> tuple[dict[str, Any], dict[str, str]]:
    """(models, errors): every model that loads, and a one-line reason for each one that does not."""
    models, errors = {}, {}
    for name in names or all_models(models_dir):
        try:
            models[name] = load(name, models_dir)
        except store.StoreError as exc:
            errors[name] = str(exc)
    return models, errors
