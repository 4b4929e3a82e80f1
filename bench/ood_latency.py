"""Milliseconds the digit-likeness check adds to one Draw prediction (read_digit with and without the scorer)."""

import time

import numpy as np
import torch

from mnistdash.data import load_split
from mnistdash.draw.live import read_digit
from mnistdash.robustness.ood.build import load_scorer
from mnistdash.zoo import load_all, registry

torch.set_num_threads(1)  # as the app
models, _ = load_all()
scorer = load_scorer()
names = [n for n in registry.classifiers() if n in models]
digits = load_split("test").floats()[:60]


def timed(digit: np.ndarray, with_score: bool) -> float:
    start = time.perf_counter()
    read_digit(models, digit, names, scorer=scorer if with_score else None)
    return 1000 * (time.perf_counter() - start)


pairs = []  # (without, with) per digit, interleaved so that the machine's load hits both alike
for i, digit in enumerate(digits):
    pair = (timed(digit, False), timed(digit, True))
    if i >= 10:  # the first ten warm up
        pairs.append(pair)
without, with_score = np.array(pairs).T
added = with_score - without
print(f"read_digit without the score: p50 {np.median(without):.1f} ms; with it: p50 {np.median(with_score):.1f} ms")
print(
    f"the digit score adds p50 {np.median(added):.2f} ms, p95 {np.percentile(added, 95):.2f} ms per Draw prediction (target: at most 10 ms)"
)
start = time.perf_counter()
for d in digits:
    scorer.score(models, d[None])
print(f"the score alone: {1000 * (time.perf_counter() - start) / len(digits):.2f} ms per digit")
