"""The training digits behind an answer, two ways, over all 60,000 training digits:

- nearest neighbours in the model's own representation: the input of its last layer (the last hidden layer), by
  cosine similarity; those labelled as the answer support it, the others oppose it;
- representer points (Yeh et al., NeurIPS 2018): the last layer refitted with an L2 penalty to its optimum on the
  training digits' representations; there its weights are a sum over the training digits, W = sum_i a_i phi_i^T
  with a_i = -(softmax(W phi_i) - onehot(y_i)) / (2 lambda n), so the pre-softmax output for a digit t splits
  exactly into one share per training digit, a_ic * (phi_i . phi_t). A training digit labelled c supports c in
  proportion to how alike the two look to the model and how hard the digit was to learn; one labelled otherwise
  that looks alike opposes it.

The representation carries a constant 1 so the last layer's bias is one of its weights. The features are kept as a
checksummed artifact per network (float16, the refit made on those very values so the identity is exact), and a
query is one matrix product: about 5 ms for the 60,000.

Written here rather than through a library: Captum's influence module has TracIn and similarity but not
representer points, and its similarity ranking runs the model over the training set on each query; the refit is
a 10-class logistic regression on ~100 features, a few seconds of L-BFGS in torch.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from mnistdash import store
from mnistdash.data import Split

INFLUENCE_KEY = "influence-{}"
NETWORKS = ("mlp", "mlp-deep", "bottleneck", "cnn")  # whose training representations are kept (5-10 MB each)
LAMBDA = 3e-3  # the refit's L2 penalty (Yeh et al.'s choice)
SHOWN = 8  # training digits per grid


def last_linear(module: nn.Module) -> nn.Linear:
    """The network's last nn.Linear: the layer whose input is its representation of a digit."""
    linears = [m for m in module.modules() if isinstance(m, nn.Linear)]
    if not linears:
        raise TypeError(f"{type(module).__name__} has no linear layer")
    return linears[-1]


def last_layer_weights(module: nn.Module) -> np.ndarray:
    """(classes, d + 1) float64: the last layer's weights with its bias as the last column (the representation's 1)."""
    layer = last_linear(module)
    return np.concatenate([layer.weight.detach().double().numpy(), layer.bias.detach().double().numpy()[:, None]], 1)


def representation(model, x: np.ndarray, batch: int = 500) -> np.ndarray:
    """(N, d + 1) float32: what the last layer of `model` (a TorchClassifier, or a torch module) reads for each
    digit, and a 1."""
    module = getattr(model, "module", model)
    seen: list[torch.Tensor] = []
    me = threading.get_ident()  # the module is shared: another visitor's forward pass must not land here

    def keep(_module, args):
        if threading.get_ident() == me:
            seen.append(args[0].detach().float())

    hook = last_linear(module).register_forward_pre_hook(keep)
    try:
        with torch.inference_mode():
            for s in range(0, len(x), batch):
                module(torch.from_numpy(np.require(x[s : s + batch], np.float32, ["C", "W"])))  # a copy if read-only
    finally:
        hook.remove()
    phi = torch.cat(seen).numpy()
    return np.concatenate([phi, np.ones((len(phi), 1), np.float32)], axis=1)


def refit(phi: np.ndarray, labels: np.ndarray, lam: float = LAMBDA, start: np.ndarray | None = None) -> dict:
    """The last layer refitted to the optimum of mean cross-entropy + lam * ||W||^2 (L-BFGS, float64), and the
    representer weights alpha (N, 10); `weight` is sum_i alpha_i phi_i^T, the refit's weights to the optimiser's
    precision (`gap`: the largest difference between the two)."""
    x = torch.from_numpy(np.require(phi, np.float64, ["C", "W"]))
    y = torch.from_numpy(np.require(labels, np.int64, ["C", "W"]))
    n = len(x)
    w = torch.zeros(10, x.shape[1], dtype=torch.float64) if start is None else torch.from_numpy(np.array(start, np.float64))
    w.requires_grad_(True)
    opt = torch.optim.LBFGS([w], lr=1, max_iter=500, tolerance_grad=1e-10, tolerance_change=1e-14, history_size=20)

    def loss():
        opt.zero_grad()
        value = nn.functional.cross_entropy(x @ w.T, y) + lam * (w**2).sum()
        value.backward()
        return value

    opt.step(loss)
    with torch.no_grad():
        p = torch.softmax(x @ w.T, dim=1)
        alpha = -(p - nn.functional.one_hot(y, 10).double()) / (2 * lam * n)  # (N, 10)
        weight = alpha.T @ x  # (10, d + 1)
        gap = float((weight - w).abs().max())
    return {"alpha": alpha.numpy(), "weight": weight.numpy(), "gap": gap, "lam": lam}


def build_influence(
    models: dict, train: Split, test: Split, models_dir: str | Path | None = None, quick: bool = False
) -> dict[str, float]:
    """For each network of NETWORKS: its training digits' representations, the refit and its representer weights,
    and how often the refit reads a test digit as the network does (over 2,000 test digits in a quick build);
    saved as the artifact influence-NAME."""
    if quick:
        test = Split(test.images[:2000], test.labels[:2000])
    out = {}
    for name in tqdm([n for n in NETWORKS if n in models], desc="training digits behind an answer", leave=False):
        start = time.perf_counter()
        model = models[name]
        phi = representation(model, train.floats()).astype(np.float16)
        fit = refit(phi.astype(np.float64), train.labels, start=last_layer_weights(model.module))
        x_test = test.floats()
        agree = float(
            ((representation(model, x_test) @ fit["weight"].T).argmax(1) == model.predict_proba(x_test).argmax(1)).mean()
        )
        seconds = time.perf_counter() - start
        arrays = {
            "features": phi,
            "labels": train.labels.astype(np.uint8),
            "alpha": fit["alpha"].astype(np.float32),
            "weight": fit["weight"],
            "lam": np.array([fit["lam"]]),
            "agreement": np.array([agree]),
            "gap": np.array([fit["gap"]]),
        }
        store.save_artifact(INFLUENCE_KEY.format(name), arrays, models_dir, build_seconds=round(seconds, 1), agreement=agree)
        tqdm.write(f"{name}: the refit reads {100 * agree:.2f}% of test digits as {name} does ({seconds:.0f} s)")
        out[name] = agree
    return out


def kept(arrays: dict) -> tuple[np.ndarray, np.ndarray]:
    """The artifact's features as float32 and their norms: what a caller keeps so that a query costs one matrix
    product."""
    phi = arrays["features"].astype(np.float32)
    return phi, np.linalg.norm(phi, axis=1)


def behind(model, arrays: dict, digit: np.ndarray, target: int, k: int = SHOWN, features=None) -> dict:
    """The training digits behind `model`'s answer `target` for one digit, per method: {"method": [{"index",
    "score", "role"}, ...]}, the k that support it most, then the k that oppose it most. `features`: what `kept`
    gives, when the caller keeps it."""
    phi, norms = kept(arrays) if features is None else features
    t = representation(model, digit[None])[0]
    kernel = phi @ t  # (N,)
    shares = arrays["alpha"][:, target] * kernel  # representer values: they sum to the refit's logit `target`
    cosine = kernel / (norms * np.linalg.norm(t) + 1e-12)
    return {
        "representer": ranked(shares, k),
        "nearest": _listed(cosine, *_nearest(cosine, arrays, target, k)),
    }


def _nearest(cosine: np.ndarray, arrays: dict, target: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    labels = arrays["labels"]
    order = np.argsort(-cosine)
    return order[labels[order] == target][:k], order[labels[order] != target][:k]


def ranked(score: np.ndarray, k: int = SHOWN) -> list[dict]:
    """The k training digits of highest score (they support the answer), then the k of lowest (they oppose it)."""
    return _listed(score, np.argsort(-score, kind="stable")[:k], np.argsort(score, kind="stable")[:k])


def shared(found: dict) -> dict[tuple[str, str], int]:
    """For each pair of methods, how many training digits their supporting lists have in common."""
    support = {m: {r["index"] for r in rows if r["role"] == "supports"} for m, rows in found.items()}
    methods = list(support)
    return {(a, b): len(support[a] & support[b]) for i, a in enumerate(methods) for b in methods[i + 1 :]}


def _listed(score: np.ndarray, support: np.ndarray, oppose: np.ndarray) -> list[dict]:
    return [{"index": int(i), "score": float(score[i]), "role": "supports"} for i in support] + [
        {"index": int(i), "score": float(score[i]), "role": "opposes"} for i in oppose
    ]


# Finding flipped labels (the honest test of a training-data ranking): a seeded 5% of the training labels changed to
# another class, an mlp trained on that copy, and its training digits ranked by how much each influences itself.
FLIP_SHARE = 0.05
FLIPPED_KEY = "influence-flipped"
RANKINGS = {
    "tracin": "TracIn self-influence (last layer, over the training's checkpoints)",
    "representer": "representer self-influence (its weight for its own label x its own similarity)",
    "mislabels": "the Errors page's mislabel ranking (cross-validated probabilities)",
    "random": "a random order",
}


def flip_labels(labels: np.ndarray, share: float = FLIP_SHARE, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(labels with a seeded `share` of them changed to another class, which ones were changed)."""
    rng = np.random.default_rng(seed)
    changed = np.zeros(len(labels), bool)
    changed[rng.choice(len(labels), round(share * len(labels)), replace=False)] = True
    out = np.array(labels, np.int64)
    out[changed] = (out[changed] + rng.integers(1, 10, changed.sum())) % 10  # never the same class
    return out, changed


def errors(logits: np.ndarray, targets: np.ndarray, smoothing: float = 0.0) -> np.ndarray:
    """(N, 10) softmax - target: the cross-entropy's gradient with respect to the logits (a training's label
    smoothing included)."""
    z = logits - logits.max(1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    target = np.full_like(p, smoothing / p.shape[1])
    target[np.arange(len(targets)), targets] += 1 - smoothing
    return p - target


def self_gradient(phi: np.ndarray, logits: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """(N,) the squared norm of each digit's loss gradient with respect to the last layer (weights and bias):
    ||softmax - onehot||^2 * ||phi||^2, phi carrying its 1 (TracIn's term for a digit with itself)."""
    return (errors(logits, labels) ** 2).sum(1) * (np.asarray(phi, np.float64) ** 2).sum(1)


def recall_at(score: np.ndarray, flipped: np.ndarray, shares=(0.05, 0.10)) -> list[float]:
    """The share of the flipped labels among the highest-scored `share` of the digits, for each share."""
    order = np.argsort(-score, kind="stable")
    return [float(flipped[order[: round(s * len(score))]].sum() / flipped.sum()) for s in shares]
