"""How many digits per forward pass: every committed torch classifier reads the 10,000 test digits on one thread in
batches of several sizes; prints the seconds each took and checks the logits do not depend on the size.

    .venv/bin/python bench/batch_size.py
"""

from __future__ import annotations

import time

import numpy as np
import torch

from mnistdash.data import load_split
from mnistdash.zoo import BATCH, TorchClassifier, load_all

SIZES = (64, 128, 256, 512, 2000)


def main() -> None:
    torch.set_num_threads(1)
    x = load_split("test").floats()
    models, _ = load_all()
    print(f"seconds to read {len(x):,} test digits, one thread (the default batch: {BATCH})")
    print("model".ljust(12) + "".join(f"{s:>9}" for s in SIZES) + "   same logits")
    for name, model in models.items():
        if not isinstance(model, TorchClassifier):
            continue
        seconds, logits = [], []
        for size in SIZES:
            start = time.perf_counter()
            logits.append(model.logits(x, batch=size))
            seconds.append(time.perf_counter() - start)
        same = all(np.array_equal(logits[0], z) for z in logits[1:])
        print(name.ljust(12) + "".join(f"{s:9.2f}" for s in seconds) + f"   {same}")


if __name__ == "__main__":
    main()
