"""Does `mnistdash train` make the committed models? Retrains models in memory (the same code, seed and thread
count as `mnistdash train`) and prints the largest weight difference from the committed ones and how many test
digits they read differently. A float sum's order depends on the thread count and the CPU's vector width, so this
is a figure of this machine, not a test.

    .venv/bin/python bench/train_determinism.py [--models mlp logreg-multinomial]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mnistdash import store  # noqa: E402
from mnistdash.config import train_threads  # noqa: E402
from mnistdash.data import load_split  # noqa: E402
from mnistdash.jobs.train import train_model  # noqa: E402
from mnistdash.zoo import load_all  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["mlp", "logreg-multinomial", "logreg-ovr"])
    args = parser.parse_args()
    torch.set_num_threads(train_threads())
    train, test = load_split("train"), load_split("test")
    committed = load_all(args.models)[0]
    manifest = store.read_manifest()["models"]
    print(
        f"{train_threads()} threads; the committed models' own: "
        + ", ".join(f"{n} {manifest[n].get('train_threads', '?')}" for n in args.models)
    )
    for name in args.models:
        start = time.perf_counter()
        model, tensors, *_ = train_model(name, train)
        seconds = time.perf_counter() - start
        old = committed[name]
        if hasattr(old, "module"):
            theirs = {k: v.numpy() for k, v in old.module.state_dict().items()}
        else:
            theirs = {"coef": old.coef_, "intercept": old.intercept_}
            tensors = {"coef": model.coef_, "intercept": model.intercept_}
        gap = max(float(np.abs(np.asarray(tensors[k], np.float32) - theirs[k]).max()) for k in theirs)
        x = test.floats()
        differ = int((model.predict_proba(x).argmax(1) != old.predict_proba(x).argmax(1)).sum())
        print(f"{name}: retrained in {seconds:.0f} s; largest weight difference {gap:g}; test digits read differently {differ}")


if __name__ == "__main__":
    main()
