"""Shared fixtures: one thread for torch, the real data, a quick-trained model store."""

from __future__ import annotations

import os

# One thread for every library in the test processes and the processes they start (servers, the command line,
# training): two workers on two cores, each with a second thread, ran single tests up to 24 times slower.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "MNISTDASH_TRAIN_THREADS"):
    os.environ.setdefault(_var, "1")

import shutil  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

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


def shared_dir(tmp_path_factory) -> Path:
    """A folder every pytest-xdist worker of this run shares (the run's own temporary folder without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(tmp_path_factory, name: str, build) -> Path:
    """`build(folder)` run once per test run, whichever process asks first (tests/prebuild.py); the others wait for
    it and reuse it."""
    from tests.prebuild import build_once

    return build_once(shared_dir(tmp_path_factory), name, build)


def pytest_addoption(parser):
    parser.addoption("--prebuild", action="store_true", help="train the shared stores in the background from the start")


@pytest.hookimpl(trylast=True)  # after pytest's own, which gives the run its temporary folder
def pytest_configure(config):
    """With --prebuild, the run's first process (not an xdist worker) starts tests/prebuild.py in the background."""
    if not config.getoption("prebuild") or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    import subprocess
    import sys

    from tests.prebuild import ROOT

    root = config._tmp_path_factory.getbasetemp()  # the workers' shared folder: xdist gives each a folder inside it
    log = open(root / "prebuild.log", "w")  # noqa: SIM115 - closed in pytest_unconfigure
    proc = subprocess.Popen([sys.executable, "-m", "tests.prebuild", str(root)], cwd=ROOT, stdout=log, stderr=log)
    config._prebuild = (proc, log)


def pytest_unconfigure(config):
    proc, log = getattr(config, "_prebuild", (None, None))
    if proc is not None:
        if proc.poll() is None:  # the run ended first (a failure with -x, a run of a few tests): stop it
            proc.kill()
        proc.wait()
        log.close()


@pytest.fixture(scope="session")
def quick_store(tmp_path_factory):
    """A full model store trained with --quick (2,000 digits, one epoch), built once per run (shared by the workers).
    Tests read it; one that damages a store takes `store_copy`."""
    from tests.prebuild import quick_models

    return built_once(tmp_path_factory, "quick-models", quick_models)


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


# What `make test-fast` leaves out besides the browser: modules that run the command line in subprocesses, train,
# or build large seeded sets; and any test that needs the quick-trained store (87 s to build).
SLOW_MODULES = ("test_cli.py", "test_train.py", "test_reviews_durability.py", "test_families.py", "test_onnx_import.py")
SLOW_FIXTURES = {"quick_store", "store_copy", "batch", "photos"}
SLOW_TESTS = {  # single tests of 7 s or more (measured on 2 cores), most of them the command line
    "test_predict_json_carries_the_verdict",
    "test_cnn_survives_the_denoise_pages_noise",
    "test_train_only_lab_builds_just_the_lab_with_fixed_seeds",
    "test_nothing_is_unpickled",
}


def pytest_collection_modifyitems(items):
    """Markers by what a test needs: `postgres` for the throwaway PostgreSQL server (a `postgresql` parameter),
    `slow` for the above, so that `make test-fast` can leave them out."""
    for item in items:
        if "postgresql" in item.nodeid:
            item.add_marker(pytest.mark.postgres)
        name = getattr(item, "originalname", item.name)
        cli = "_cli" in name or name.startswith("test_cli")  # the command line: every call loads the store
        if item.path.name in SLOW_MODULES or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or cli or name in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)


def pytest_terminal_summary(terminalreporter):
    """How many generated inputs the property-based tests (tests/images/test_fuzz.py) ran, per input path."""
    import sys

    fuzz = next((m for name, m in list(sys.modules.items()) if name.endswith("test_fuzz") and hasattr(m, "CASES")), None)
    if fuzz is not None and fuzz.CASES:
        paths = ", ".join(f"{k} {v}" for k, v in fuzz.CASES.items())
        terminalreporter.write_line(f"fuzz: {sum(fuzz.CASES.values())} generated inputs ran ({paths})")
