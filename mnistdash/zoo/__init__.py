"""The model zoo: one registry of every model, one predict_proba for all, loading checked against the manifest.

The face of the package: what a notebook imports (`from mnistdash.zoo import load, load_all`) is re-exported
here, lazily, so that reading the registry (the leaderboard's first paint) does not import torch.
"""

from __future__ import annotations

import importlib

_FROM = {
    "load": "loading",
    "load_all": "loading",
    "SPECS": "base",
    "BATCH": "base",
    "FAMILIES": "base",
    "TorchClassifier": "base",
    "TorchDenoiser": "base",
    "accuracy": "base",
    "bf16_available": "base",
    "build_module": "base",
    "config_from_json": "base",
    "config_to_json": "base",
    "family_config": "base",
    "from_tensors": "base",
    "frozen": "base",
    "linear_to_numpy": "base",
    "run_batched": "base",
    "softmax": "base",
    "state_to_numpy": "base",
}
__all__ = sorted(_FROM)


def __getattr__(name: str):
    if name in _FROM:
        value = getattr(importlib.import_module(f"mnistdash.zoo.{_FROM[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mnistdash.zoo' has no attribute {name!r}")
