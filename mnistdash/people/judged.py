"""What the store's judgements say about the committed data: gold digits, crowd verdicts, confirmed label errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mnistdash import store as model_store
from mnistdash.people.crowd import crowd_verdicts, gold_digits
from mnistdash.people.db import ReviewStore
from mnistdash.zoo import registry


def committed_probs(split: str, models_dir: str | Path | None = None) -> dict[str, np.ndarray]:
    """Every committed classifier's probabilities on a split (those whose artifact loads)."""
    out = {}
    for name in registry.classifiers(models_dir):
        try:
            out[name] = model_store.load_artifact(f"probs-{name}", models_dir)[split]
        except (model_store.StoreError, KeyError):
            continue
    return out


def gold_mask(split: str, labels: np.ndarray, models_dir: str | Path | None = None) -> np.ndarray:
    probs = committed_probs(split, models_dir)
    return gold_digits(probs, labels) if probs else np.zeros(len(labels), bool)


def verdicts_for(store: ReviewStore, split: str, labels: np.ndarray, gold: np.ndarray) -> pd.DataFrame:
    """The crowd verdict of every digit of `split` people have answered. Answers on indices this dataset does not
    have (a store shared with a larger dataset's server) are left out rather than read as its digits."""
    answers = store.answers(split=split)
    answers = answers[answers["index"].astype(int).between(0, len(labels) - 1)] if len(answers) else answers
    return crowd_verdicts(answers, labels, gold)


def confirmed_errors(verdicts: pd.DataFrame, split: str) -> pd.DataFrame:
    """Digits whose weighted crowd answer differs from the given label: the confirmed label errors."""
    keep = verdicts[verdicts["label_error"].astype(bool)]
    return pd.DataFrame(
        {
            "split": split,
            "index": keep["index"],
            "given": keep["label"],
            "crowd": keep["crowd"],
            "agreement": keep["agreement"],
            "answers": keep["n"],
        }
    ).reset_index(drop=True)
