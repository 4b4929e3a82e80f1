"""Every path and constant in one place, built from this file's location."""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("MNISTDASH_DATA_DIR", ROOT / "data" / "mnist"))
MODELS_DIR = Path(os.environ.get("MNISTDASH_MODELS_DIR", ROOT / "models"))
MANIFEST = "manifest.json"

IMAGE_SIZE = 28
N_CLASSES = 10
DIGITS = tuple(str(c) for c in range(N_CLASSES))


def read_class_names(data_dir: Path = DATA_DIR) -> tuple[tuple[str, ...], str]:
    """The dataset's class names from an optional classes.txt beside its files (ten lines, one name each), and a
    one-line problem when that file is there but unusable (the digits 0-9 are used then)."""
    path = Path(data_dir) / "classes.txt"
    if not path.exists():
        return DIGITS, ""
    try:
        names = tuple(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    except (OSError, UnicodeDecodeError) as exc:
        return DIGITS, f"{path} cannot be read ({exc.__class__.__name__}); showing the classes as 0-9"
    if len(names) != N_CLASSES or len(set(names)) != N_CLASSES:
        return DIGITS, f"{path} has {len(names)} names; it needs {N_CLASSES} different ones, one per line; showing 0-9"
    return names, ""


CLASS_NAMES, CLASS_NAMES_PROBLEM = read_class_names()
NAMED_CLASSES = CLASS_NAMES != DIGITS  # a dataset whose classes are not the digits (Fashion-MNIST, Kannada-MNIST ...)
DATASET = DATA_DIR.name  # the data folder's name: how the sidebar names the dataset


def class_name(c: int) -> str:
    """How the app names class `c`: its name from classes.txt ("Trouser"), else the digit itself ("7")."""
    return CLASS_NAMES[int(c)]
SEED = 0

# Gaussian noise levels (sigma on [0, 1] pixels) for the denoiser's accuracy table.
NOISE_LEVELS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
DENOISE_SIGMA = 0.5

# Models in the order the UI lists them.
LINEAR_MODELS = ("logreg-ovr", "logreg-multinomial", "template-mean", "template-contrast", "linear-mse")
TORCH_CLASSIFIERS = ("mlp", "mlp-deep", "cnn", "bottleneck")
BUILTIN_CLASSIFIERS = LINEAR_MODELS + TORCH_CLASSIFIERS
BUILTIN_MODELS = BUILTIN_CLASSIFIERS + ("denoiser",)

# What each model is, in words the UI shows.
DESCRIPTIONS = {
    "logreg-ovr": "logistic regression, one-vs-rest (10 binary classifiers)",
    "logreg-multinomial": "logistic regression, multinomial (softmax)",
    "template-mean": "dot product with each class's mean image (unit norm)",
    "template-contrast": "mean of the class minus mean of the rest, on centred pixels",
    "linear-mse": "least squares to one-hot targets on binarized pixels",
    "mlp": "MLP 784-100-10",
    "mlp-deep": "MLP 784-500-200-50-10 with dropout",
    "cnn": "convnet: conv5/32-conv5/64-conv3/128, batch norm, dropout, augmentation",
    "bottleneck": "784-500-100-2-100-10 classifier with a 2-unit layer",
    "denoiser": "denoising autoencoder 784-256-128-256-784",
}


def imported_models(models_dir: Path = MODELS_DIR) -> dict[str, str]:
    """Name -> description of the ONNX classifiers imported into the store (`mnistdash import-model`)."""
    try:
        models = json.loads((Path(models_dir) / MANIFEST).read_text()).get("models", {})
    except (OSError, ValueError, AttributeError):
        return {}  # a missing or damaged manifest is reported where the models are loaded
    return {
        name: str(entry.get("config", {}).get("description") or "imported ONNX classifier")
        for name, entry in sorted(models.items())
        if isinstance(entry, dict) and isinstance(entry.get("config"), dict) and entry["config"].get("family") == "onnx"
    }


def classifiers(models_dir: Path | None = None) -> tuple[str, ...]:
    """The built-in classifiers, then those imported into `models_dir` (default: the models folder)."""
    return BUILTIN_CLASSIFIERS + tuple(imported_models(Path(models_dir) if models_dir is not None else MODELS_DIR))


# The models the app and the commands work with: the built-in ones, then the imported ones (read once at start).
IMPORTED = imported_models()
CLASSIFIERS = BUILTIN_CLASSIFIERS + tuple(IMPORTED)
ALL_MODELS = CLASSIFIERS + ("denoiser",)
DESCRIPTIONS.update({name: f"imported: {text}" for name, text in IMPORTED.items()})
