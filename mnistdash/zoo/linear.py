"""Linear models as plain numpy (W, b, temperature): logistic regression, templates, least squares.

Every one of them scores a digit as `logit_c = sum_i W[c, i] * t(x)_i + b[c]`, where `t` is the
identity or, for least squares, binarization at 0.5. That makes `W * t(x)` an exact per-pixel
decomposition of every logit, which the Explain page shows and the tests check.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax


@dataclass
class LinearConfig:
    kind: str  # logreg-ovr | logreg-multinomial | template-mean | template-contrast | linear-mse
    transform: str = "identity"
    C: float = 1.0  # inverse regularization strength (logistic regression only)
    max_iter: int = 200


def transform_input(x: np.ndarray, transform: str) -> np.ndarray:
    """(N, 28, 28) floats in [0, 1] -> (N, 784) features the weights multiply."""
    flat = np.asarray(x, dtype=np.float32).reshape(len(x), -1)
    if transform == "binarize":
        return (flat > 0.5).astype(np.float32)
    return flat


class LinearModel:
    """A fitted linear scorer; `coef_` (10, 784), `intercept_` (10,), `temperature_` for probabilities."""

    def __init__(self, config: LinearConfig):
        self.config = config

    @classmethod
    def from_arrays(cls, config: LinearConfig, coef: np.ndarray, intercept: np.ndarray, temperature: float):
        model = cls(config)
        model.coef_ = np.asarray(coef, dtype=np.float32)
        model.intercept_ = np.asarray(intercept, dtype=np.float32)
        model.temperature_ = float(temperature)
        return model

    def fit(self, x: np.ndarray, y: np.ndarray) -> LinearModel:
        feats = transform_input(x, self.config.transform)  # (N, 784)
        kind = self.config.kind
        if kind.startswith("logreg"):
            self.coef_, self.intercept_ = _fit_logreg(feats, y, kind, self.config.C, self.config.max_iter)
        elif kind == "template-mean":
            means = _class_means(feats, y)
            self.coef_ = means / np.linalg.norm(means, axis=1, keepdims=True)
            self.intercept_ = np.zeros(10, np.float32)
        elif kind == "template-contrast":
            self.coef_, self.intercept_ = _contrast_templates(feats, y)
        elif kind == "linear-mse":
            self.coef_, self.intercept_ = _fit_least_squares(feats, y)
        else:
            raise ValueError(f"unknown linear model kind {kind!r}")
        self.coef_ = self.coef_.astype(np.float32)
        self.intercept_ = self.intercept_.astype(np.float32)
        self.temperature_ = 1.0 if kind.startswith("logreg") else _fit_temperature(feats @ self.coef_.T + self.intercept_, y)
        return self

    def logits(self, x: np.ndarray) -> np.ndarray:
        """(N, 28, 28) -> (N, 10) raw scores."""
        return transform_input(x, self.config.transform) @ self.coef_.T + self.intercept_

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        return softmax(self.logits(x).astype(np.float64) / self.temperature_, axis=1).astype(np.float32)

    def contributions(self, x: np.ndarray, target: int) -> np.ndarray:
        """Exact per-pixel share of logit `target` for one image (28, 28): W[target] * t(x)."""
        feats = transform_input(x[None], self.config.transform)[0]
        return (self.coef_[target] * feats).reshape(28, 28)

    @property
    def weight_images(self) -> np.ndarray:
        return self.coef_.reshape(10, 28, 28)


def _class_means(feats: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.stack([feats[y == c].mean(axis=0) for c in range(10)])  # (10, 784)


def _contrast_templates(feats: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """w_c = mean(class c) - mean(other classes), applied to pixels centred on the global mean."""
    means = _class_means(feats, y)
    counts = np.bincount(y, minlength=10).astype(np.float64)
    total = (means * counts[:, None]).sum(axis=0)
    rest = (total[None] - means * counts[:, None]) / (counts.sum() - counts)[:, None]
    coef = means - rest
    centre = feats.mean(axis=0)
    return coef, -(coef @ centre)


def _fit_least_squares(feats: np.ndarray, y: np.ndarray, ridge: float = 1e-3) -> tuple[np.ndarray, np.ndarray]:
    """Least squares to one-hot targets with a bias column (a tiny ridge keeps dead pixels at zero)."""
    a = np.hstack([feats, np.ones((len(feats), 1), np.float32)]).astype(np.float64)
    targets = np.eye(10)[y]
    gram = a.T @ a + ridge * len(a) * np.eye(a.shape[1])
    sol = np.linalg.solve(gram, a.T @ targets)  # (785, 10)
    return sol[:-1].T, sol[-1]


def _fit_logreg(feats, y, kind, C, max_iter):
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    base = LogisticRegression(C=C, max_iter=max_iter, tol=1e-4)
    warnings.filterwarnings("ignore", category=ConvergenceWarning)  # max_iter is the budget we chose
    if kind == "logreg-ovr":
        clf = OneVsRestClassifier(base, n_jobs=2).fit(feats, y)
        coef = np.stack([e.coef_[0] for e in clf.estimators_])
        intercept = np.array([e.intercept_[0] for e in clf.estimators_])
        return coef, intercept
    clf = base.fit(feats, y)
    return clf.coef_, clf.intercept_


def _fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """The softmax temperature that minimizes the training NLL, so template scores read as probabilities."""
    scores = scores.astype(np.float64)

    def nll(log_t: float) -> float:
        return -log_softmax(scores / np.exp(log_t), axis=1)[np.arange(len(y)), y].mean()

    return float(np.exp(minimize_scalar(nll, bounds=(-12, 6), method="bounded").x))
