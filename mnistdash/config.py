"""Every path and constant in one place, built from this file's location."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("MNISTDASH_DATA_DIR", ROOT / "data" / "mnist"))
MODELS_DIR = Path(os.environ.get("MNISTDASH_MODELS_DIR", ROOT / "models"))
MANIFEST = "manifest.json"

IMAGE_SIZE = 28
N_CLASSES = 10
SEED = 0

# Gaussian noise levels (sigma on [0, 1] pixels) for the denoiser's accuracy table.
NOISE_LEVELS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
DENOISE_SIGMA = 0.5

# Models in the order the UI lists them.
LINEAR_MODELS = ("logreg-ovr", "logreg-multinomial", "template-mean", "template-contrast", "linear-mse")
TORCH_CLASSIFIERS = ("mlp", "mlp-deep", "cnn", "bottleneck")
CLASSIFIERS = LINEAR_MODELS + TORCH_CLASSIFIERS
ALL_MODELS = CLASSIFIERS + ("denoiser",)
