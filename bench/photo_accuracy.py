"""Accuracy on synthetic phone photos of MNIST test digits (mnistdash.photos), before and after.

"before" is the preprocessing at a git revision (default: the one before photos read, 877c580),
loaded from `git show`; "after" is the working tree's. Both read the same seeded JPEGs through
load_image and to_mnist, the path of the Draw upload and `mnistdash predict`.

    .venv/bin/python bench/photo_accuracy.py [--n 200] [--seed 0] [--before 877c580]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
torch.set_num_threads(1)

from mnistdash import preprocess  # noqa: E402
from mnistdash.data import load_split  # noqa: E402
from mnistdash.photos import KINDS, photo_set  # noqa: E402
from mnistdash.zoo import load_all  # noqa: E402

MODELS = ("cnn", "mlp")


def preprocessing_at(revision: str):
    """mnistdash/preprocess.py as it was at a git revision, as a module (None if git cannot say)."""
    try:
        source = subprocess.run(
            ["git", "show", f"{revision}:mnistdash/preprocess.py"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType(f"preprocess_{revision}")
    exec(compile(source, f"{revision}:mnistdash/preprocess.py", "exec"), module.__dict__)
    return module


def read_all(module, photos) -> tuple[np.ndarray, float, int]:
    """Every photo -> (N, 28, 28) digits (blank where 'no digit'), seconds per photo, how many failed."""
    digits, failed = [], 0
    start = time.perf_counter()
    for i, photo in enumerate(photos):
        try:
            digits.append(module.to_mnist(module.load_image(photo.jpeg, f"photo{i}.jpg")))
        except module.ImageError:
            digits.append(np.zeros((28, 28), np.float32))
            failed += 1
    return np.stack(digits), (time.perf_counter() - start) / len(photos), failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--before", default="877c580", help="git revision of the old preprocessing")
    args = parser.parse_args()

    split = load_split("test")
    start = time.perf_counter()
    photos = photo_set(split.floats(), split.labels, args.n, args.seed)
    print(f"{len(photos)} photos (seed {args.seed}) made in {time.perf_counter() - start:.1f} s")
    labels = np.array([p.label for p in photos])
    kinds = np.array([p.kind for p in photos])
    models, _ = load_all()
    versions = {"after": preprocess}
    before = preprocessing_at(args.before)
    if before is None:
        print(f"(no 'before': git cannot show {args.before}:mnistdash/preprocess.py here)")
    else:
        versions = {f"before ({args.before})": before, **versions}

    header = f"{'preprocessing':<22} {'model':<5} {'all':>6} " + " ".join(f"{k:>7}" for k in KINDS)
    print(header + f" {'no digit':>9} {'ms/photo':>9}")
    for label, module in versions.items():
        digits, seconds, failed = read_all(module, photos)
        for name in MODELS:
            right = models[name].predict_proba(digits).argmax(1) == labels
            by_kind = " ".join(f"{100 * right[kinds == k].mean():>6.1f}%" for k in KINDS)
            print(f"{label:<22} {name:<5} {100 * right.mean():>5.1f}% {by_kind} {failed:>9} {1000 * seconds:>9.1f}")


if __name__ == "__main__":
    main()
