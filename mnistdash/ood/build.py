"""Build the "ood" artifact: fit and calibrate the digit score on training digits, measure it, save it."""

from __future__ import annotations

import time
from pathlib import Path

from tqdm.auto import tqdm

from mnistdash import store
from mnistdash.data import Split
from mnistdash.ood.evaluate import evaluate
from mnistdash.ood.score import NEEDS, QUANTILE, DigitScorer, fit_scorer

OOD_KEY = "ood"


def load_scorer(models_dir: str | Path | None = None) -> DigitScorer:
    """The committed scorer; raises store.StoreError with a one-line reason."""
    return DigitScorer.from_arrays(store.load_artifact(OOD_KEY, models_dir))


def build_ood(models: dict, train: Split, test: Split, models_dir: str | Path | None = None, quick: bool = False) -> dict:
    """Fit, calibrate and measure the score and save it as the "ood" artifact; returns its manifest figures."""
    missing = [n for n in NEEDS if n not in models]
    if missing:
        tqdm.write(f"skipping the digit score: {', '.join(missing)} not loaded")
        return {}
    start = time.perf_counter()
    bank_n, calib_n, per_kind = (500, 1000, 20) if quick else (6000, 6000, 200)
    tqdm.write(f"digit score: {bank_n} training digits as the bank, {calib_n} to calibrate, {per_kind} non-digits per kind ...")
    scorer, calib_scores = fit_scorer(models, train.floats(), bank_n, calib_n)
    test_x = test.floats()[: 2000 if quick else len(test)]
    arrays = {**scorer.to_arrays(), **evaluate(scorer, models, test_x, per_kind)}
    seconds = round(time.perf_counter() - start, 1)
    info = {
        "quantile": QUANTILE,
        "test_flagged": round(float(arrays["test_flagged"][0]), 4),
        "auroc": {str(k): round(float(a), 4) for k, a in zip(arrays["kinds"], arrays["auroc"])},
        "flagged": {str(k): round(float(f), 4) for k, f in zip(arrays["kinds"], arrays["flagged"])},
        "build_seconds": seconds,
        "quick": quick,
    }
    store.save_artifact(OOD_KEY, arrays, models_dir, **info)
    tqdm.write(f"digit score: test digits flagged {info['test_flagged']:.2%}; AUROC {info['auroc']}; in {seconds}s")
    return info
