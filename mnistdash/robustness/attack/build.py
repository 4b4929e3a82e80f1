"""The precomputed attack tables: accuracy against epsilon, the transfer matrix, the denoiser's repair."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from mnistdash import store
from mnistdash.config import SEED
from mnistdash.data import Split
from mnistdash.robustness.attack.core import adversarial, predictions
from mnistdash.zoo.registry import BUILTIN_CLASSIFIERS

ATTACK_KEY = "attack"
EPSILONS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)
TRANSFER_EPS = 0.15
SAMPLE, QUICK_SAMPLE = 1000, 50
QUICK_EPSILONS = (0.0, 0.15)


def sample_indices(n_test: int, size: int, seed: int = SEED) -> np.ndarray:
    """A seeded, sorted sample of test indices."""
    return np.sort(np.random.default_rng(seed).choice(n_test, size=min(size, n_test), replace=False))


def attack_tables(models: dict, x: np.ndarray, labels: np.ndarray, epsilons=EPSILONS, eps_transfer: float = TRANSFER_EPS) -> dict:
    """PGD (L-inf) accuracy per classifier and epsilon; transfer[a, b] = accuracy of b on digits attacked
    through a at eps_transfer; denoised[a] = accuracy of a on its own attacked digits after the denoiser."""
    names = [n for n in BUILTIN_CLASSIFIERS if n in models]
    acc = np.zeros((len(names), len(epsilons)), np.float32)
    transfer = np.zeros((len(names), len(names)), np.float32)
    denoised = np.full(len(names), np.nan, np.float32)
    for i, name in enumerate(tqdm(names, desc="attack tables", unit="model")):
        for j, eps in enumerate(epsilons):
            adv = adversarial(models[name], x, labels, "pgd", eps)
            acc[i, j] = (predictions(models[name], adv) == labels).mean()
        adv = adversarial(models[name], x, labels, "pgd", eps_transfer)
        for k, other in enumerate(names):
            transfer[i, k] = (predictions(models[other], adv) == labels).mean()
        if "denoiser" in models:
            denoised[i] = (predictions(models[name], models["denoiser"].denoise(adv)) == labels).mean()
    return {
        "models": np.array(names),
        "epsilons": np.array(epsilons, np.float32),
        "accuracy": acc,
        "transfer_eps": np.array([eps_transfer], np.float32),
        "transfer": transfer,
        "denoised": denoised,
    }


def build_attack(models: dict, test: Split, models_dir: str | Path | None = None, quick: bool = False) -> float:
    """Compute and save the `attack` artifact over a seeded sample of test digits; returns seconds."""
    index = sample_indices(len(test), QUICK_SAMPLE if quick else SAMPLE)
    tqdm.write(f"attack tables over {len(index)} test digits ...")
    start = time.perf_counter()
    tables = attack_tables(models, test.floats()[index], test.labels[index], QUICK_EPSILONS if quick else EPSILONS)
    seconds = time.perf_counter() - start
    tables["index"] = index
    store.save_artifact(ATTACK_KEY, tables, models_dir, digits=len(index), method="pgd-linf-10", build_seconds=round(seconds, 1))
    return seconds


def load_tables(models_dir: str | Path | None = None) -> dict[str, np.ndarray]:
    """The saved tables (raises store.StoreError when missing or damaged)."""
    data = store.load_artifact(ATTACK_KEY, models_dir)
    missing = {"index", "models", "epsilons", "accuracy", "transfer", "denoised", "transfer_eps"} - set(data)
    if missing:
        raise store.StoreError(f"artifact {ATTACK_KEY!r} lacks {sorted(missing)}; run `mnistdash train --only attack`")
    return data
