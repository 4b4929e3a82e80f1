"""The linear models' training, checkpoint by checkpoint, kept as an artifact per model (replay-NAME).

Logistic regression (multinomial and one-vs-rest) is fitted by L-BFGS from zero weights, and each of its iterations
reads all the training digits (the loss and its gradient over every one of them): an iteration is at least one pass.
A fit stopped after k iterations is the k-th iterate of the full fit (L-BFGS is deterministic), so refitting with
max_iter = k for log-spaced k (the fast early changes are visible) gives the committed model's own path, and the last
checkpoint is the committed model bit for bit (`gap`, 0, is recorded with the artifact and tested). The template and
least-squares models are closed forms: there is no path to replay.

A checkpoint keeps the ten weight maps (float32: 31 kB a checkpoint, so the last is exact), the log loss and accuracy
on the training and test digits, and the test set's readings. From those readings come the forgetting events
(Toneva et al., ICLR 2019): a test digit read right at one checkpoint and wrong at the next is forgotten; it is
learned at the checkpoint from which it stays right.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy.special import log_softmax
from tqdm.auto import tqdm

from mnistdash import store
from mnistdash.data import Split
from mnistdash.zoo.base import SPECS
from mnistdash.zoo.linear import LinearModel, transform_input

REPLAY_KEY = "replay-{}"
REPLAYED = ("logreg-multinomial", "logreg-ovr")  # the models trained by iterations (the others are closed forms)
CHECKPOINTS, QUICK_CHECKPOINTS = 30, 8  # log-spaced points of training, before duplicates are dropped
NEVER = -1  # learned_at of a test digit read wrong at the end


def checkpoint_steps(max_iter: int, points: int = CHECKPOINTS) -> np.ndarray:
    """0 (the start: zero weights) and `points` log-spaced iteration counts up to max_iter, without repeats."""
    steps = np.unique(np.round(np.geomspace(1, max_iter, points)).astype(np.int64))
    return np.concatenate([[0], steps])


def forgetting(correct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """correct (K, N) bool, each checkpoint's readings -> (forgotten (N,): how many times each digit went from right
    to wrong between consecutive checkpoints, learned_at (N,): the first checkpoint from which it stays right, NEVER
    if it is wrong at the last)."""
    correct = np.asarray(correct, bool)
    forgotten = (correct[:-1] & ~correct[1:]).sum(0)
    k = len(correct)
    # the last checkpoint at which a digit was wrong, +1; a digit never wrong is learned at 0
    last_wrong = np.where((~correct).any(0), k - 1 - np.argmax(~correct[::-1], axis=0), -1)
    learned = np.where(correct[-1], last_wrong + 1, NEVER)
    return forgotten.astype(np.int16), learned.astype(np.int16)


def _scores(coef: np.ndarray, intercept: np.ndarray, feats: np.ndarray, labels: np.ndarray) -> tuple[float, float, np.ndarray]:
    """(log loss, accuracy, readings) of one checkpoint: the softmax of its scores, as the dashboard reads a
    logistic regression."""
    logits = feats @ coef.T.astype(np.float32) + intercept.astype(np.float32)
    logp = log_softmax(logits.astype(np.float64), axis=1)
    read = logits.argmax(1)
    return float(-logp[np.arange(len(labels)), labels].mean()), float((read == labels).mean()), read.astype(np.uint8)


def replay(name: str, train: Split, test: Split, points: int = CHECKPOINTS, committed=None) -> dict[str, np.ndarray]:
    """One linear model's checkpoints and what it reads at each; `committed`, a LinearModel, is compared with the
    last checkpoint (`gap`: the largest weight difference)."""
    family, config = SPECS[name]
    if family != "linear" or not config.kind.startswith("logreg"):
        raise ValueError(f"{name} is not fitted by iterations; replayed: {', '.join(REPLAYED)}")
    x_train, x_test = train.floats(), test.floats()
    f_train, f_test = transform_input(x_train, config.transform), transform_input(x_test, config.transform)
    steps = checkpoint_steps(config.max_iter, points)
    coef = np.zeros((len(steps), 10, f_train.shape[1]), np.float32)
    intercept = np.zeros((len(steps), 10), np.float32)
    rows = {k: np.zeros(len(steps), np.float32) for k in ("train_loss", "train_accuracy", "test_loss", "test_accuracy")}
    read = np.zeros((len(steps), len(test)), np.uint8)
    for k, step in enumerate(tqdm(steps, desc=f"replay {name}", unit="checkpoint", leave=False)):
        if step > 0:
            fitted = LinearModel(replace(config, max_iter=int(step))).fit(x_train, train.labels)
            coef[k], intercept[k] = fitted.coef_, fitted.intercept_
        rows["train_loss"][k], rows["train_accuracy"][k], _ = _scores(coef[k], intercept[k], f_train, train.labels)
        rows["test_loss"][k], rows["test_accuracy"][k], read[k] = _scores(coef[k], intercept[k], f_test, test.labels)
    forgotten, learned = forgetting(read == test.labels[None])
    gap = np.nan
    if committed is not None:
        gap = float(max(np.abs(coef[-1] - committed.coef_).max(), np.abs(intercept[-1] - committed.intercept_).max()))
    return {
        "steps": steps,
        "coef": coef,
        "intercept": intercept,
        **rows,
        "test_read": read,
        "forgotten": forgotten,
        "learned_at": learned,
        "gap": np.array([gap]),
    }


def build_replay(
    train: Split, test: Split, models_dir: str | Path | None = None, quick: bool = False, names=REPLAYED
) -> dict[str, float]:
    """Each named model's replay, saved as the artifact replay-NAME; returns each one's gap to the stored model."""
    from mnistdash.zoo import load_all

    stored = load_all(list(names), models_dir)[0]
    out = {}
    for name in tqdm(list(names), desc="training replays", unit="model"):
        start = time.perf_counter()
        arrays = replay(name, train, test, QUICK_CHECKPOINTS if quick else CHECKPOINTS, stored.get(name))
        seconds = time.perf_counter() - start
        gap = float(arrays["gap"][0])
        store.save_artifact(
            REPLAY_KEY.format(name),
            arrays,
            models_dir,
            checkpoints=len(arrays["steps"]),
            gap=gap,
            build_seconds=round(seconds, 1),
        )
        tqdm.write(
            f"{name}: {len(arrays['steps'])} checkpoints, test accuracy {100 * arrays['test_accuracy'][-1]:.2f}% at the end, "
            f"largest difference from the stored model {gap:g} ({seconds:.0f} s)"
        )
        out[name] = gap
    return out


def probabilities(arrays: dict, digit: np.ndarray, transform: str = "identity") -> np.ndarray:
    """(K, 10) one digit's probabilities at every checkpoint."""
    feats = transform_input(np.asarray(digit, np.float32)[None], transform)[0]  # (784,)
    coef = arrays["coef"]
    logits = (coef.reshape(-1, coef.shape[-1]) @ feats).reshape(coef.shape[:2]) + arrays["intercept"]  # (K, 10)
    return np.exp(log_softmax(logits.astype(np.float64), axis=1)).astype(np.float32)


def confusion_at(arrays: dict, k: int, labels: np.ndarray) -> np.ndarray:
    """(10, 10) counts of checkpoint k's readings of the test digits: rows the label, columns the reading."""
    return np.bincount(labels.astype(np.int64) * 10 + arrays["test_read"][k], minlength=100).reshape(10, 10)
