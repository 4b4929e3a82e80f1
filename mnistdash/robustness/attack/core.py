"""FGSM and PGD (L-infinity) through Captum on a differentiable view of any zoo classifier."""

from __future__ import annotations

import warnings

import numpy as np
import torch
import torch.nn.functional as F
from captum.robust import FGSM, PGD
from torch import nn

from mnistdash.zoo.base import LinearTorch, TorchClassifier
from mnistdash.zoo.linear import LinearModel

METHODS = ("fgsm", "pgd", "pgd-l2")  # pgd-l2: eps is the L2 norm of the whole change
PGD_STEPS = 10
MAX_EPS = 0.5  # the smallest-flip search looks in [0, MAX_EPS]
SEARCH_STEPS = 8


def attack_module(model) -> nn.Module:
    """The torch module the attacks differentiate (eval mode, frozen parameters: nothing shared changes)."""
    if isinstance(model, TorchClassifier):
        return model.module
    if isinstance(model, LinearModel):
        # the scores its probabilities come from; least squares reads binarized pixels, whose gradient is zero almost
        # everywhere: the attack differentiates its weights on the raw pixels instead (straight through)
        return LinearTorch(model, scaled=True).eval()
    raise TypeError(f"cannot attack a {type(model).__name__}")


def _loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Cross-entropy in float64: in float32 a confident digit's gradient underflows and the attack stalls."""
    return F.cross_entropy(logits.double(), target, reduction="none")


def adversarial(
    model,
    images: np.ndarray,
    labels,
    method: str,
    eps: float,
    steps: int = PGD_STEPS,
    batch: int = 500,
    module: nn.Module | None = None,
) -> np.ndarray:
    """(N, 28, 28) digits in [0, 1] -> their untargeted adversarial copies: |adv - x| <= eps, pixels in [0, 1].
    FGSM is one signed-gradient step of size eps; PGD takes `steps` steps of 2.5 eps / steps, projected."""
    if method not in METHODS:
        raise ValueError(f"unknown attack {method!r}; choose one of: {', '.join(METHODS)}")
    x = np.asarray(images, np.float32)
    if eps <= 0 or len(x) == 0:
        return x.copy()
    module = module if module is not None else attack_module(model)
    y = torch.as_tensor(np.atleast_1d(labels), dtype=torch.long)
    out = []
    warnings.filterwarnings("ignore", message="Input Tensor 0 did not already require gradients")  # Captum's, harmless
    for i in range(0, len(x), batch):
        xb = torch.from_numpy(np.array(x[i : i + batch]))
        if method == "fgsm":
            fgsm = FGSM(module, _loss, lower_bound=0.0, upper_bound=1.0)
            fgsm.zero_thresh = 0.0  # Captum skips gradients under 1e-6: a confident digit's are all that small
            adv = fgsm.perturb(xb, eps, y[i : i + batch])
        elif method == "pgd-l2":
            adv = _pgd_l2(module, xb, y[i : i + batch], eps, steps)
        else:
            pgd = PGD(module, _loss, lower_bound=0.0, upper_bound=1.0)
            pgd.fgsm.zero_thresh = 0.0
            adv = pgd.perturb(xb, radius=eps, step_size=2.5 * eps / steps, step_num=steps, target=y[i : i + batch])
        out.append(adv.detach().numpy())
    module.zero_grad(set_to_none=True)
    return np.concatenate(out).astype(np.float32)


def _pgd_l2(module: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, steps: int) -> torch.Tensor:
    """L2 PGD: steps of 2.5 eps / steps along the normalized gradient, projected on the L2 ball, clipped to [0, 1].
    (Captum's PGD with norm="L2" steps along the gradient's sign, an L-inf step, hence this one.)"""
    adv = x.clone()
    for _ in range(steps):
        adv.requires_grad_(True)
        (grad,) = torch.autograd.grad(_loss(module(adv), y).sum(), adv)
        norm = grad.reshape(len(x), -1).norm(dim=1).clamp_min(1e-30).reshape(-1, 1, 1)
        adv = adv.detach() + 2.5 * eps / steps * grad / norm
        adv = (x + torch.renorm(adv - x, 2, 0, eps)).clamp(0.0, 1.0)
    return adv.detach()


def predictions(model, images: np.ndarray) -> np.ndarray:
    """The classes the model itself (probabilities as the app shows them) gives (N, 28, 28) digits."""
    return model.predict_proba(np.asarray(images, np.float32)).argmax(1)


def flip_bracket(
    model, image: np.ndarray, label: int, method: str = "pgd", max_eps: float = MAX_EPS, steps: int = SEARCH_STEPS
) -> tuple[float, float] | None:
    """(lo, hi): the attack at `hi` changes the model's reading of `label`, the one at `lo` does not,
    found by bisection over [0, max_eps]; (0, 0) when the digit is misread already; None when even
    max_eps does not flip it."""
    module = attack_module(model)
    x = np.asarray(image, np.float32)[None]

    def flips(eps: float) -> bool:
        return bool(predictions(model, adversarial(model, x, [label], method, eps, module=module))[0] != label)

    if flips(0.0):
        return 0.0, 0.0
    if not flips(max_eps):
        return None
    lo, hi = 0.0, max_eps
    for _ in range(steps):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if flips(mid) else (mid, hi)
    return lo, hi


def smallest_flip(model, image: np.ndarray, label: int, method: str = "pgd") -> float | None:
    """The smallest epsilon found that changes the model's reading of the digit, or None up to MAX_EPS."""
    bracket = flip_bracket(model, image, label, method)
    return None if bracket is None else bracket[1]
