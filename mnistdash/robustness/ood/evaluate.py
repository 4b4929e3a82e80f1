"""The score measured: share of test digits flagged, and per kind of non-digit its AUROC and share flagged."""

from __future__ import annotations

import numpy as np

from mnistdash.robustness.ood.nondigits import KINDS, nondigits
from mnistdash.robustness.ood.score import DigitScorer

EXAMPLES = 6  # example images kept per kind


def auroc(digit_scores: np.ndarray, other_scores: np.ndarray) -> float:
    """Probability that a random digit scores above a random non-digit (ties count half)."""
    from scipy.stats import rankdata

    ranks = rankdata(np.concatenate([digit_scores, other_scores]))  # ties get their average rank
    n1, n0 = len(digit_scores), len(other_scores)
    return float((ranks[:n1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def evaluate(scorer: DigitScorer, models: dict, test_x: np.ndarray, per_kind: int) -> dict[str, np.ndarray]:
    """Arrays for the artifact: test scores' flag rate, and per kind n, refused, AUROC, flagged share, examples.
    Images that preprocessing refuses ("no digit found") count as caught, with the lowest possible score."""
    test_scores = scorer.score(models, test_x)
    aucs, flagged, refused, examples, example_scores = [], [], [], [], []
    for kind in KINDS:
        digits, refused_mask = nondigits(kind, per_kind)
        scores = scorer.score(models, digits) if len(digits) else np.zeros(0, np.float32)
        every = np.concatenate([scores, np.full(int(refused_mask.sum()), -np.inf)])
        aucs.append(auroc(test_scores, every))
        flagged.append(float((every < scorer.threshold).mean()))
        refused.append(int(refused_mask.sum()))
        pick = np.linspace(0, len(digits) - 1, min(EXAMPLES, len(digits))).round().astype(int) if len(digits) else []
        ex = np.zeros((EXAMPLES, 28, 28), np.float32)
        ex_s = np.full(EXAMPLES, np.nan, np.float32)
        ex[: len(pick)], ex_s[: len(pick)] = digits[pick], scores[pick]
        examples.append(ex)
        example_scores.append(ex_s)
    return {
        "kinds": np.array(KINDS),
        "per_kind": np.array([per_kind]),
        "auroc": np.array(aucs, np.float32),
        "flagged": np.array(flagged, np.float32),
        "refused": np.array(refused),
        "examples": np.stack(examples).astype(np.float16),  # (K, EXAMPLES, 28, 28)
        "example_scores": np.stack(example_scores),  # (K, EXAMPLES), NaN where a kind had fewer
        "test_flagged": np.array([(test_scores < scorer.threshold).mean()], np.float32),
        "test_n": np.array([len(test_x)]),
    }
