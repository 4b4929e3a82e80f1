"""Likely mislabelled digits: labels that models which never saw the digit confidently reject.

On the test set the committed networks never saw the digits, so their averaged probabilities
judge each label. On the training set every committed model has seen every digit, so an MLP is
trained K times, each time without one fold, and judges the fold it did not see
(cross-validated probabilities, as in confident learning).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from mnistdash import store
from mnistdash.config import SEED
from mnistdash.zoo.registry import JUDGES  # the networks whose test probabilities are averaged


def cross_val_proba(x: np.ndarray, y: np.ndarray, folds: int = 5, epochs: int = 6, seed: int = SEED) -> np.ndarray:
    """(N, 28, 28), (N,) -> (N, 10) probabilities, each from an MLP trained without that digit's fold."""
    rng = np.random.default_rng(seed)
    fold_of = rng.permutation(len(y)) % folds
    xt = torch.from_numpy(np.asarray(x, np.float32).reshape(len(x), -1))
    yt = torch.from_numpy(np.asarray(y, np.int64))
    out = np.zeros((len(y), 10), np.float32)
    for k in tqdm(range(folds), desc="cross-validated probabilities", unit="fold"):
        torch.manual_seed(seed + k)
        g = torch.Generator().manual_seed(seed + k)
        fit_idx = torch.from_numpy(np.flatnonzero(fold_of != k))
        net = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        for _ in range(epochs):
            perm = fit_idx[torch.randperm(len(fit_idx), generator=g)]
            for i in range(0, len(perm), 128):
                idx = perm[i : i + 128]
                loss = F.cross_entropy(net(xt[idx]), yt[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
        held = np.flatnonzero(fold_of == k)
        with torch.inference_mode():
            out[held] = torch.softmax(net(xt[held]), 1).numpy()
    return out


def rank(probs: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(order, suspected, score): score = p(best other label) - p(given label), most suspicious first."""
    probs = np.asarray(probs, np.float32)
    given = probs[np.arange(len(labels)), labels]
    others = probs.copy()
    others[np.arange(len(labels)), labels] = -1
    suspected = others.argmax(1)
    score = others.max(1) - given
    order = np.argsort(-score, kind="stable")
    return order, suspected, score


def judge_probs(split: str, models_dir: str | Path | None = None, extra: tuple[str, ...] = ()) -> np.ndarray:
    """The probabilities that judge each label of a split (see the module docstring); `extra`: more models whose
    test probabilities join the average (imported models, when the person opts in)."""
    if split == "train":
        return store.load_artifact("cv-train", models_dir)["probs"].astype(np.float32)
    probs = []
    for name in JUDGES + tuple(extra):
        try:
            probs.append(store.load_artifact(f"probs-{name}", models_dir)["test"].astype(np.float32))
        except store.StoreError:
            continue
    if not probs:
        raise store.StoreError("no network probabilities to judge the test labels; run `mnistdash train`")
    return np.mean(probs, axis=0)


def rank_mislabels(split: str, top: int, models_dir: str | Path | None = None, data_dir=None) -> list[dict]:
    from mnistdash.data import load_split

    labels = load_split(split, data_dir).labels
    probs = judge_probs(split, models_dir)
    if len(probs) != len(labels):
        raise store.StoreError(
            f"the {split} probabilities cover {len(probs)} digits but the data has {len(labels)}; run `mnistdash train`"
        )
    order, suspected, score = rank(probs, labels)
    return [
        {"index": int(i), "given": int(labels[i]), "suspected": int(suspected[i]), "score": round(float(score[i]), 4)}
        for i in order[:top]
    ]
