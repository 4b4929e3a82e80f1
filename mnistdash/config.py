"""Every path, constant and environment variable in one place, built from this file's location.

Nothing is read from disk at import: the class names (an optional classes.txt beside the data) are read on first
use. Which models exist lives in one table, `mnistdash.zoo.registry`.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("MNISTDASH_DATA_DIR", ROOT / "data" / "mnist"))
MODELS_DIR = Path(os.environ.get("MNISTDASH_MODELS_DIR", ROOT / "models"))
MANIFEST = "manifest.json"
# The review store: a SQLAlchemy URL (PostgreSQL in a deployment), else a SQLite file under the state folder.
DB_URL_ENV, STATE_DIR_ENV = "MNISTDASH_DB_URL", "MNISTDASH_STATE_DIR"
TRAIN_THREADS_ENV = "MNISTDASH_TRAIN_THREADS"  # torch threads for `mnistdash train` (1 is faster on a busy machine)


def db_url() -> str:
    return os.environ.get(DB_URL_ENV, "").strip()


def state_dir() -> Path:
    return Path(os.environ.get(STATE_DIR_ENV, ROOT / "var"))


def train_threads() -> int:
    threads = os.environ.get(TRAIN_THREADS_ENV, "2")
    return int(threads) if threads.isdigit() and int(threads) > 0 else 2


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


DATASET = DATA_DIR.name  # the data folder's name: how the sidebar names the dataset


@functools.cache
def _class_names() -> tuple[tuple[str, ...], str]:
    return read_class_names()


def __getattr__(name: str):
    """CLASS_NAMES, CLASS_NAMES_PROBLEM and NAMED_CLASSES (a dataset whose classes are not the digits: Fashion-MNIST,
    Kannada-MNIST ...), read from classes.txt on first use rather than at import."""
    if name == "CLASS_NAMES":
        return _class_names()[0]
    if name == "CLASS_NAMES_PROBLEM":
        return _class_names()[1]
    if name == "NAMED_CLASSES":
        return _class_names()[0] != DIGITS
    raise AttributeError(f"module 'mnistdash.config' has no attribute {name!r}")


def class_name(c: int) -> str:
    """How the app names class `c`: its name from classes.txt ("Trouser"), else the digit itself ("7")."""
    return _class_names()[0][int(c)]


SEED = 0

# Gaussian noise levels (sigma on [0, 1] pixels) for the denoiser's accuracy table.
NOISE_LEVELS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
DENOISE_SIGMA = 0.5
