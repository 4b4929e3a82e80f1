"""Shared fixtures: one thread for torch, the real data, a quick-trained model store."""

from __future__ import annotations

import os
import shutil
import tempfile

import numpy as np
import pytest
import torch

torch.set_num_threads(1)
# The review store of every test (and of every server a browser test starts) is a throwaway SQLite file.
os.environ["MNISTDASH_STATE_DIR"] = tempfile.mkdtemp(prefix="mnistdash-state-")
os.environ.pop("MNISTDASH_DB_URL", None)

from tests.pg import postgres_url  # noqa: E402,F401  (a session fixture: a throwaway PostgreSQL cluster)


@pytest.fixture(scope="session")
def test_split():
    from mnistdash.data import load_split

    return load_split("test")


@pytest.fixture(scope="session")
def committed_models():
    from mnistdash.zoo import load_all

    models, errors = load_all()
    assert not errors, errors
    return models


@pytest.fixture(scope="session")
def quick_store(tmp_path_factory):
    """A full model store trained with --quick (2,000 digits, one epoch), built once per session."""
    from mnistdash.train import train_all

    root = tmp_path_factory.mktemp("quick-models")
    train_all(quick=True, models_dir=root)
    return root


@pytest.fixture
def store_copy(quick_store, tmp_path):
    """A private copy of the quick store that a test may damage."""
    dest = tmp_path / "models"
    shutil.copytree(quick_store, dest)
    return dest


def digit_png(image: np.ndarray, path, invert: bool = False, size: int | None = None, mode: str = "L"):
    """Save a (28, 28) float digit as an image file the way a person might have one."""
    from PIL import Image

    arr = (np.clip(image, 0, 1) * 255).astype(np.uint8)
    if invert:
        arr = 255 - arr
    img = Image.fromarray(arr, mode="L")
    if size:
        img = img.resize((size, size), Image.Resampling.BILINEAR)
    img.convert(mode).save(path)
    return path


def pytest_terminal_summary(terminalreporter):
    """How many generated inputs the property-based tests (tests/test_fuzz.py) ran, per input path."""
    import sys

    fuzz = next((m for name, m in list(sys.modules.items()) if name.endswith("test_fuzz") and hasattr(m, "CASES")), None)
    if fuzz is not None and fuzz.CASES:
        paths = ", ".join(f"{k} {v}" for k, v in fuzz.CASES.items())
        terminalreporter.write_line(f"fuzz: {sum(fuzz.CASES.values())} generated inputs ran ({paths})")
