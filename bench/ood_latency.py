"""Milliseconds the digit-likeness check adds to one Draw prediction (read_digit with and without the scorer)."""

import time

import numpy as np
import torch

from mnistdash.config import CLASSIFIERS
from mnistdash.data import load_split
from mnistdash.live import read_digit
from mnistdash.ood.build import load_scorer
from mnistdash.zoo import load_all

torch.set_num_threads(1)  # as the app
models, _ = load_all()
scorer = load_scorer()
names = [n for n in CLASSIFIERS if n in models]
digits = load_split("test").floats()[:60]


def timed(**kwargs) -> np.ndarray:
    out = []
    for d in digits:
        start = time.perf_counter()
        read_digit(models, d, names, **kwargs)
        out.append(1000 * (time.perf_counter() - start))
    return np.array(out[10:])  # the first ten warm up


for _ in range(2):
    without, with_score = timed(), timed(scorer=scorer)
added = np.median(with_score) - np.median(without)
print(f"read_digit without the score: p50 {np.median(without):.1f} ms; with it: p50 {np.median(with_score):.1f} ms")
print(f"the digit score adds p50 {added:.2f} ms, p95 {np.percentile(with_score, 95) - np.percentile(without, 95):.2f} ms per Draw prediction")
start = time.perf_counter()
for d in digits:
    scorer.score(models, d[None])
print(f"the score alone: {1000 * (time.perf_counter() - start) / len(digits):.2f} ms per digit (target: at most 10 ms)")
