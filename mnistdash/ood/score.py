"""The digit-likeness score: the denoiser's reconstruction error and the distance to training digits in the cnn's
dense layer, each standardized on training digits, summed and negated (higher = more like a digit)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mnistdash.config import SEED
from mnistdash.zoo import run_batched

NEEDS = ("cnn", "denoiser")  # the models the score reads
FEATURES = ("reconstruction error", "distance to training digits")
K = 5  # the k-th nearest training digit (cosine distance in the cnn's 128-unit dense layer)
QUANTILE = 0.99  # the share of calibration training digits kept as digits
FAMILY_QUANTILE = 0.985  # ... and of each family of training digits as people bring them


def cnn_features(cnn, x: np.ndarray) -> np.ndarray:
    """(N, 28, 28) -> (N, 128) the cnn's dense layer after its ReLU, unit length."""
    module = cnn.module
    h = run_batched(lambda t: module.head[:4](module.features(t.unsqueeze(1))), x, 2000, cnn.use_bf16)
    return h / (np.linalg.norm(h, axis=1, keepdims=True) + 1e-8)


def reconstruction_error(denoiser, x: np.ndarray) -> np.ndarray:
    """(N, 28, 28) -> (N,) mean squared difference between a digit and the denoiser's version of it."""
    return ((denoiser.denoise(x) - x) ** 2).mean(axis=(1, 2))


def knn_distance(bank: np.ndarray, h: np.ndarray, k: int = K, batch: int = 2000) -> np.ndarray:
    """(N,) cosine distance of each unit row of `h` (N, D) to its k-th nearest row of `bank` (B, D)."""
    import torch  # torch's one thread here, not numpy's BLAS threads, which crawl on a busy machine

    bank_t, out = torch.from_numpy(np.require(bank, np.float32, ["C"])), []
    with torch.inference_mode():
        for i in range(0, len(h), batch):
            sim = torch.from_numpy(np.require(h[i : i + batch], np.float32, ["C"])) @ bank_t.T  # (n, B)
            out.append(1.0 - torch.topk(sim, k, dim=1).values[:, -1])
    return torch.cat(out).numpy() if out else np.zeros(0, np.float32)


@dataclass
class DigitScorer:
    """A fitted score: the bank of training digits' features, the standardization and the threshold."""

    bank: np.ndarray  # (B, 128) unit-length cnn features of training digits
    centre: np.ndarray  # (2,) median of each raw feature on the calibration digits
    scale: np.ndarray  # (2,) its interquartile range
    threshold: float  # scores below this are "not a digit"

    def raw(self, models: dict, x: np.ndarray) -> np.ndarray:
        """(N, 28, 28) -> (N, 2) reconstruction error and k-NN distance (both larger = less digit-like)."""
        recon = reconstruction_error(models["denoiser"], x)
        dist = knn_distance(self.bank, cnn_features(models["cnn"], x))
        return np.stack([recon, dist], axis=1).astype(np.float32)

    def from_raw(self, raw: np.ndarray) -> np.ndarray:
        return -((raw - self.centre) / self.scale).sum(axis=1)

    def score(self, models: dict, x: np.ndarray) -> np.ndarray:
        """(N, 28, 28) -> (N,) digit score, higher = more like a training digit."""
        return self.from_raw(self.raw(models, x))

    def flags(self, scores: np.ndarray) -> np.ndarray:
        """(N,) True where a score is below the threshold: "not a digit"."""
        return np.asarray(scores) < self.threshold

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {
            "bank": self.bank.astype(np.float16),
            "centre": self.centre,
            "scale": self.scale,
            "threshold": np.array([self.threshold], np.float32),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> DigitScorer:
        return cls(arrays["bank"].astype(np.float32), arrays["centre"], arrays["scale"], float(arrays["threshold"][0]))


def fit_scorer(
    models: dict,
    train_x: np.ndarray,
    bank_n: int = 6000,
    calib_n: int = 6000,
    quantile: float = QUANTILE,
    seed: int = SEED,
    people: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
    family_quantile: float = FAMILY_QUANTILE,
) -> tuple[DigitScorer, np.ndarray]:
    """Fit on two disjoint seeded samples of training digits: the bank, then the calibration digits whose
    score's (1 - quantile) quantile is the threshold. Returns the scorer and the calibration digits' scores.

    `people`: family -> (bank digits, calibration digits), training digits as people bring them (photos,
    scans, pens; read through the upload path). Their bank digits join the bank, so a blurrier or thicker
    digit than MNIST's has neighbours; the threshold is then also at most each family's (1 - family_quantile)
    quantile, so that no family of real digits is flagged more than about that share."""
    order = np.random.default_rng(seed).permutation(len(train_x))
    bank_n = min(bank_n, len(train_x) // 2)
    calib = train_x[order[bank_n : bank_n + calib_n]]
    bank_x = [train_x[order[:bank_n]]] + [b for b, _ in (people or {}).values()]
    bank = cnn_features(models["cnn"], np.concatenate(bank_x))
    scorer = DigitScorer(bank, np.zeros(2, np.float32), np.ones(2, np.float32), 0.0)
    raw = scorer.raw(models, calib)
    q1, med, q3 = np.quantile(raw, [0.25, 0.5, 0.75], axis=0)
    scorer.centre, scorer.scale = med.astype(np.float32), np.maximum(q3 - q1, 1e-8).astype(np.float32)
    scores = scorer.from_raw(raw)
    thresholds = [float(np.quantile(scores, 1 - quantile))]
    for _, family_calib in (people or {}).values():
        if len(family_calib):
            thresholds.append(float(np.quantile(scorer.score(models, family_calib), 1 - family_quantile)))
    scorer.threshold = min(thresholds)
    return scorer, scores
