"""Precomputed results the app reads instead of sweeping a dataset while a person waits."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from mnistdash import store
from mnistdash.config import NOISE_LEVELS
from mnistdash.data import Split
from mnistdash.maps.embeddings import bottleneck_codes, tsne_map
from mnistdash.robustness.noise import denoise_table
from mnistdash.zoo import load_all
from mnistdash.zoo.registry import BUILTIN_CLASSIFIERS


def build_trust(models: dict, test: Split, models_dir: str | Path | None = None, quick: bool = False) -> float:
    """The trust tables' scores over a seeded sample of test digits (see mnistdash.explain.trust); returns seconds."""
    from mnistdash.explain.trust import QUICK_SAMPLE, SAMPLE, TRUST_KEY, sample_indices, trust_arrays

    index = sample_indices(len(test), QUICK_SAMPLE if quick else SAMPLE)
    tqdm.write(f"trust tables over {len(index)} test digits ...")
    start = time.perf_counter()
    arrays = trust_arrays(models, test.floats(), index)
    seconds = time.perf_counter() - start
    store.save_artifact(TRUST_KEY, arrays, models_dir, digits=len(index), build_seconds=round(seconds, 1))
    return seconds


def build_artifacts(train: Split, test: Split, models_dir: str | Path | None = None, quick: bool = False, only=None) -> None:
    """Class probabilities per classifier on both splits, the 2-D maps and the denoising table."""
    models, errors = load_all(models_dir=models_dir)
    for name, why in errors.items():
        tqdm.write(f"skipping artifacts of {name}: {why}")
    manifest = store.read_manifest(models_dir)
    have = manifest.get("artifacts", {})
    for name in tqdm([n for n in BUILTIN_CLASSIFIERS if n in models], desc="probabilities", unit="model"):
        if only is None or name in only or f"probs-{name}" not in have:
            store.save_artifact(
                f"probs-{name}",
                {
                    "test": models[name].predict_proba(test.floats()).astype(np.float16),
                    "train": models[name].predict_proba(train.floats()).astype(np.float16),
                },
                models_dir,
            )
    # Quick runs (tests, smoke runs) map and sweep a subset of the test set; full runs all of it.
    subset = np.arange(min(2000, len(test)) if quick else len(test))
    if "bottleneck" in models and (only is None or "bottleneck" in only or "embedding" not in have):
        tqdm.write(f"t-SNE of {len(subset)} test digits ...")
        x = test.floats()[subset]
        store.save_artifact(
            "embedding",
            {"index": subset, "bottleneck": bottleneck_codes(models["bottleneck"], x), "tsne": tsne_map(x, quick)},
            models_dir,
        )
    if "denoiser" in models:
        small = Split(test.images[subset], test.labels[subset])
        store.save_artifact("denoise", denoise_table(models, small, levels=(0.0, 0.5) if quick else NOISE_LEVELS), models_dir)
    if only is None or "trust" not in have or any(n in only for n in BUILTIN_CLASSIFIERS):
        build_trust(models, test, models_dir, quick)
    from mnistdash.robustness.ood.build import OOD_KEY, build_ood
    from mnistdash.robustness.ood.score import NEEDS

    if only is None or OOD_KEY not in have or any(n in only for n in NEEDS):
        build_ood(models, train, test, models_dir, quick)
    from mnistdash.robustness.attack.build import ATTACK_KEY, build_attack

    if only is None or ATTACK_KEY not in have or any(n in only for n in BUILTIN_CLASSIFIERS):
        build_attack(models, test, models_dir, quick)
    from mnistdash.explain.faithfulness import FAITHFULNESS_KEY, build_faithfulness

    if only is None or FAITHFULNESS_KEY not in have or any(n in only for n in BUILTIN_CLASSIFIERS):
        build_faithfulness(models, test, models_dir, quick)
    if only is None or "cv-train" not in have:
        from mnistdash.mistakes.mislabels import cross_val_proba

        store.save_artifact(
            "cv-train",
            {"probs": cross_val_proba(train.floats(), train.labels, epochs=1 if quick else 6).astype(np.float16)},
            models_dir,
        )
