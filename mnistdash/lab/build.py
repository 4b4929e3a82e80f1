"""Building every lab artifact from the data with fixed seeds (`mnistdash train --only lab`)."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from mnistdash import store
from mnistdash.config import SEED
from mnistdash.data import Split
from mnistdash.lab import experiments as ex
from mnistdash.lab.deskew import deskew


@dataclass
class LabConfig:
    """How the lab fits: a seeded subset of the training digits, penalty grids, iteration budgets."""

    n_fit: int = 12000  # training digits the lab fits on: a seeded random subset, so the whole lab builds in minutes
    n_test: int = 10000
    l2_path: list[float] = field(default_factory=lambda: np.geomspace(1e-5, 1.0, 12).tolist())
    l1_path: list[float] = field(default_factory=lambda: np.geomspace(1e-5, 4e-2, 12).tolist())
    path_iter: int = 40
    reference_l2: float = 1e-3  # the raw-pixel model that PCA-k, deskewing and top-k are compared with
    reference_iter: int = 200
    pair_l2: float = 1e-4  # weak, so the training accuracy says whether a pair is linearly separable
    pair_iter: int = 150
    pca_k: list[int] = field(default_factory=lambda: np.unique(np.geomspace(1, 784, 14).round().astype(int)).tolist())
    pixel_k: list[int] = field(default_factory=lambda: np.unique(np.geomspace(10, 784, 9).round().astype(int)).tolist())


QUICK = LabConfig(
    n_fit=2000,
    n_test=2000,
    l2_path=[1e-4, 1e-2, 1.0],
    l1_path=[1e-4, 1e-3, 1e-2],
    path_iter=15,
    reference_iter=60,
    pair_iter=15,
    pca_k=[1, 10, 784],
    pixel_k=[10, 100, 784],
)


def _subset(split: Split, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    idx = np.sort(np.random.default_rng(seed).permutation(len(split))[:n]) if n < len(split) else np.arange(len(split))
    return split.floats()[idx].reshape(len(idx), -1), split.labels[idx]


def build_lab(
    train: Split, test: Split, models_dir: str | Path | None = None, quick: bool = False, seed: int = SEED
) -> dict[str, float]:
    """Fit every experiment and save the artifacts lab-path, lab-pairs, lab-pca, lab-deskew, lab-pixels.

    Returns the seconds each one took."""
    cfg = QUICK if quick else LabConfig()
    torch.manual_seed(seed)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # skinny products and small BLAS calls: one thread is faster than two contended ones
    try:
        with threadpool_limits(1):  # OpenBLAS spinning on a busy 2-core machine made eigh and L-BFGS-B 10x slower
            return _build(train, test, models_dir, quick, seed, cfg)
    finally:
        torch.set_num_threads(threads)


def _build(train: Split, test: Split, models_dir, quick: bool, seed: int, cfg: LabConfig) -> dict[str, float]:
    """The five experiments in turn, each saved (with its seconds) as soon as it is done."""
    x, y = _subset(train, cfg.n_fit, seed)  # (n_fit, 784)
    xt, yt = test.floats()[: cfg.n_test].reshape(-1, 784), test.labels[: cfg.n_test]
    settings = {k: v for k, v in asdict(cfg).items() if not isinstance(v, list)}  # the grids live in the arrays
    info = {"seed": seed, "n_train": len(y), "n_test": len(yt), "quick": quick, "config": settings}
    seconds: dict[str, float] = {}

    def save(key: str, arrays: dict, start: float) -> None:
        seconds[key] = round(time.perf_counter() - start, 1)
        store.save_artifact(key, arrays, models_dir, seconds=seconds[key], **info)
        tqdm.write(f"{key}: {seconds[key]:.1f}s")

    start = time.perf_counter()
    l2 = ex.regularization_path(x, y, xt, yt, "l2", cfg.l2_path, cfg.path_iter)
    l1 = ex.regularization_path(x, y, xt, yt, "l1", cfg.l1_path, cfg.path_iter)
    save("lab-path", {k: np.concatenate([l2[k], l1[k]]) for k in l2}, start)

    start = time.perf_counter()
    reference = ex.fit_logistic(x, y, 10, l2=cfg.reference_l2, max_iter=cfg.reference_iter)
    ovr = ex.one_vs_rest(x, y, cfg.reference_l2, cfg.reference_iter)
    pairs = ex.pairwise(x, y, xt, yt, cfg.pair_l2, cfg.pair_iter)
    methods = {
        "one-vs-one (45 pairwise votes)": lambda v: ex.ovo_vote(pairs["a"], pairs["b"], pairs["weights"], pairs["bias"], v),
        "one-vs-rest (10 binary)": ovr.predict,
        "multinomial (softmax)": reference.predict,
    }
    pairs["method"] = np.array(list(methods))
    pairs["method_train_accuracy"] = np.array([float((f(x) == y).mean()) for f in methods.values()])
    pairs["method_test_accuracy"] = np.array([float((f(xt) == yt).mean()) for f in methods.values()])
    save("lab-pairs", pairs, start)

    start = time.perf_counter()
    basis = ex.pca_basis(x)
    curve = ex.pca_curve(x, y, xt, yt, cfg.pca_k, cfg.reference_l2, cfg.reference_iter, basis)
    curve.update(mean=basis[0], components=basis[1].astype(np.float16), variance_ratio=basis[2])
    curve["raw_train_accuracy"] = np.array(ex.accuracy(reference, x, y))
    curve["raw_test_accuracy"] = np.array(ex.accuracy(reference, xt, yt))
    save("lab-pca", curve, start)

    start = time.perf_counter()
    dx, dxt = deskew(x.reshape(-1, 28, 28)).reshape(len(x), -1), deskew(xt.reshape(-1, 28, 28)).reshape(len(xt), -1)
    straight = ex.fit_logistic(dx, y, 10, l2=cfg.reference_l2, init=reference, max_iter=cfg.reference_iter)
    save(
        "lab-deskew",
        {
            "variant": np.array(["raw pixels", "deskewed"]),
            "train_accuracy": np.array([ex.accuracy(reference, x, y), ex.accuracy(straight, dx, y)]),
            "test_accuracy": np.array([ex.accuracy(reference, xt, yt), ex.accuracy(straight, dxt, yt)]),
            "pred_raw": reference.predict(xt).astype(np.uint8),  # (n_test,)
            "pred_deskewed": straight.predict(dxt).astype(np.uint8),
            "labels": yt.astype(np.uint8),
        },
        start,
    )

    start = time.perf_counter()
    save("lab-pixels", ex.top_pixels(x, y, xt, yt, cfg.pixel_k, reference.coef, cfg.reference_l2, cfg.reference_iter), start)
    return seconds
