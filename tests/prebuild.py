"""The stores a test run trains once and shares: the quick-trained model store on MNIST, and another dataset
(ten shapes with class names; its folder names it) with its own quick store. Each is built by whichever process
asks first, under a file lock in the run's shared folder; the others wait for it and reuse it.

`make test` passes `--prebuild` (tests/conftest.py): pytest then starts this module in the background as it starts,
so both stores are trained while the workers run other tests (at a lower priority than the tests and their
servers, whose pages time out when they are starved), instead of one worker training while the other waits. Alone: python -m tests.prebuild FOLDER
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_once(root: Path, name: str, build: Callable[[Path], object]) -> Path:
    """`build(root / name)` unless this run built it already (a `.built` mark); a failed build leaves no mark, so
    the next process that asks builds it again."""
    from filelock import FileLock

    with FileLock(str(root / f"{name}.lock")):
        return _build(root, name, build)


def _build(root: Path, name: str, build: Callable[[Path], object]) -> Path:
    """The build itself, its lock held by the caller."""
    target = root / name
    if not (root / f"{name}.built").exists():
        shutil.rmtree(target, ignore_errors=True)
        build(target)
        (root / f"{name}.built").touch()
    return target


def quick_models(target: Path) -> None:
    """`mnistdash train --quick`: every model and artifact, on 2,000 training digits."""
    from mnistdash.jobs.train import train_all

    train_all(quick=True, models_dir=target)


def shapes(target: Path) -> None:
    """The shapes dataset (tests/synthetic.py) in target/shapes and its quick store in target/models, trained by the
    command line as a person would."""
    from tests.synthetic import write_dataset

    env = {
        **os.environ,
        "MNISTDASH_DATA_DIR": str(write_dataset(target / "shapes")),
        "MNISTDASH_MODELS_DIR": str(target / "models"),
    }
    cmd = [sys.executable, "-m", "mnistdash.jobs.cli", "train", "--quick"]
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)


STORES = {"quick-models": quick_models, "shapes": shapes}


def main(root: Path) -> None:
    """Build every store in `root`, holding all their locks from the start: a worker that asks for a store before
    its turn waits for this process rather than building it a second time."""
    from filelock import FileLock

    locks = {name: FileLock(str(root / f"{name}.lock")) for name in STORES}
    for lock in locks.values():
        lock.acquire()
    for name, build in STORES.items():
        try:
            _build(root, name, build)
        finally:
            locks[name].release()


if __name__ == "__main__":
    import torch

    os.nice(10)  # the browser tests' servers run first; this takes the time they spend waiting on pages
    torch.set_num_threads(1)
    main(Path(sys.argv[1]))
