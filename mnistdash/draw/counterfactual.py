"""The least ink to ADD to a digit so that a model answers a chosen class: exact greedy for linear models, projected gradient for networks.

Ink is only added (every pixel stays or brightens, within [0, 1]) and only near what is drawn (within RADIUS
pixels of the existing ink), so the answer reads as strokes to trace rather than noise over the whole 28x28.

Linear models: every logit is `W t(x) + b`, so brightening pixel i by its headroom moves the gap between the
target and a rival j by `(W[t, i] - W[j, i]) * headroom_i`. With one rival in the way, taking the pixels with
the largest such gains first is the fewest pixels the weights allow; with several, each step takes the pixel
that most raises the worst gap, then pixels it no longer needs are dropped, and `fewest` (the most pixels any
single rival needs alone) is a lower bound to compare with. Networks: projected gradient steps on the added ink,
blurred into blobs, alternating "add ink along the gradient of the target's log-probability" while the answer is
wrong and "shrink all ink" while it is right, keeping the least-ink result the model itself (its own bf16 path
included) reads as the target, stopped at a time limit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

RADIUS = 5  # ink may be added only this many pixels (Euclidean) around the drawing
INK_FLOOR = 0.2  # pixels at least this bright count as the drawing
MAX_INK = 150.0  # more added ink than this (sum of pixel values; a test digit holds about 100) is no small change
TIME_LIMIT = 1.5  # seconds for a network's search
MARGIN = 1e-3  # the target's logit must beat every other by this much (rounding never decides the answer)
LEAD = 0.10  # a clear answer: the target's probability leads every other class by at least this (10 points)
FAINT, PIXEL_EPS = 0.1, 0.02  # a network's search drops added ink below these when the answer holds without it


@dataclass
class Counterfactual:
    target: int
    added: np.ndarray  # (28, 28) ink added, >= 0, digit + added <= 1
    probs: np.ndarray  # (10,) the model's probabilities of digit + added
    flipped: bool  # the model answers the target with the ink
    seconds: float
    steps: int  # greedy picks or gradient steps
    method: str  # "greedy on the weights" | "projected gradient"
    fewest: int | None = None  # linear models: no set of fewer pixels flips the answer (a bound from the weights)

    @property
    def pixels(self) -> int:
        return int((self.added > 0).sum())

    @property
    def ink(self) -> float:
        return float(self.added.sum())

    @property
    def lead(self) -> float:
        """The target's probability minus the strongest other class's (negative: still behind)."""
        return float(self.probs[self.target] - np.delete(self.probs, self.target).max())

    @property
    def clear(self) -> bool:
        """The model reads the target, ahead of every other class by LEAD or more (a tie is no success)."""
        return self.flipped and self.lead >= LEAD

    @property
    def small(self) -> bool:
        return self.clear and self.ink <= MAX_INK


def region(digit: np.ndarray, radius: int = RADIUS) -> np.ndarray:
    """(28, 28) bool: where ink may be added, a disc of `radius` around every drawn pixel (anywhere on a blank digit)."""
    ink = digit >= INK_FLOOR
    if not ink.any():
        return np.ones(digit.shape, bool)
    yy, xx = np.mgrid[-radius : radius + 1, -radius : radius + 1]
    return ndimage.binary_dilation(ink, structure=xx**2 + yy**2 <= radius**2)


def search(
    model, digit: np.ndarray, target: int, time_limit: float = TIME_LIMIT, allowed: np.ndarray | None = None, clear: bool = True
) -> Counterfactual:
    """The least added ink found that makes `model` answer `target` for the (28, 28) `digit` in [0, 1], clearly
    (ahead by LEAD; `clear=False` for a linear model's exact least flip, which is a tie)."""
    from mnistdash.zoo.linear import LinearModel

    digit = np.clip(np.asarray(digit, np.float32), 0, 1)
    allowed = region(digit) if allowed is None else np.asarray(allowed, bool)
    if isinstance(model, LinearModel):
        return linear_search(model, digit, target, allowed, clear)
    return gradient_search(model, digit, target, allowed, time_limit)


def _finish(model, digit, added, target, start, steps, method, fewest=None) -> Counterfactual:
    added = np.clip(added, 0, 1 - digit).astype(np.float32)  # (28, 28)
    probs = model.predict_proba((digit + added)[None])[0]
    flipped = int(probs.argmax()) == target
    return Counterfactual(target, added, probs, flipped, time.perf_counter() - start, steps, method, fewest)


def _gains(model, digit: np.ndarray, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pixels (P,), the ink each takes when fully brightened (P,) and the change of every logit (P, 10)."""
    x = digit.reshape(-1).astype(np.float64)
    if model.config.transform == "binarize":
        cand = np.flatnonzero(allowed.reshape(-1) & (x <= 0.5))  # a pixel counts once it passes 0.5: take it to 1
        feature = np.ones(len(cand))
    else:
        cand = np.flatnonzero(allowed.reshape(-1) & (x < 1))
        feature = 1 - x[cand]
    return cand, 1 - x[cand], model.coef_.astype(np.float64)[:, cand].T * feature[:, None]


def fewest_pixels(gaps: np.ndarray, delta: np.ndarray) -> int | None:
    """A lower bound on the pixels any flip needs: for each rival alone, the fewest largest gains that close its gap
    (`gaps` (R,) target minus rival, `delta` (P, R) each pixel's gain); None when some rival cannot be overtaken."""
    need = 0
    for r in range(len(gaps)):
        if gaps[r] > MARGIN:
            continue
        g = np.sort(delta[:, r])[::-1]
        reach = np.cumsum(np.maximum(g, 0))
        k = int(np.searchsorted(reach, MARGIN - gaps[r], side="right"))
        if k >= len(g) or reach[k] <= MARGIN - gaps[r]:
            return None
        need = max(need, k + 1)
    return need


def linear_search(model, digit: np.ndarray, target: int, allowed: np.ndarray, clear: bool = True) -> Counterfactual:
    """Greedy on the weights: the pixel that most raises the worst gap, until the target wins; then unneeded pixels go
    and the last one is brightened only as much as the flip needs (a partial pixel on identity-input models).
    That least flip is a near tie; with `clear`, more pixels follow until the target leads by LEAD."""
    start = time.perf_counter()
    logits = model.logits(digit[None])[0].astype(np.float64)
    rivals = np.array([j for j in range(10) if j != target])
    gaps = logits[target] - logits[rivals]  # (9,) all must exceed MARGIN
    cand, cost, dlogit = _gains(model, digit, allowed)
    delta = dlogit[:, [target]] - dlogit[:, rivals]  # (P, 9) what each full pixel adds to every gap
    fewest = fewest_pixels(gaps, delta)
    chosen: list[int] = []
    free = np.ones(len(cand), bool)
    current = gaps.copy()
    while current.min() <= MARGIN and free.any() and fewest is not None:
        worst_after = np.where(free, (current[None] + delta).min(1), -np.inf)
        best = int(np.argmax(worst_after))
        if worst_after[best] <= current.min():  # no pixel helps the worst gap any more
            break
        chosen.append(best)
        free[best] = False
        current = current + delta[best]
    flipped = current.min() > MARGIN
    if flipped:
        for i in sorted(chosen, key=lambda i: delta[i].min()):  # drop pixels the flip does not need, weakest first
            if (current - delta[i]).min() > MARGIN:
                chosen.remove(i)
                current = current - delta[i]
    fraction = np.ones(len(chosen))
    if flipped and chosen and model.config.transform != "binarize":
        i = min(range(len(chosen)), key=lambda k: cost[chosen[k]])
        before = current - delta[chosen[i]]  # the gaps without pixel i; brighten it only as far as needed
        push = delta[chosen[i]]
        tight = before <= 2 * MARGIN
        short = np.where(push > 0, (2 * MARGIN - before) / np.where(push > 0, push, 1), np.inf)
        fraction[i] = float(np.clip(short[tight].max(initial=0.0), 0.05, 1))
    added = np.zeros(784)
    added[cand[chosen]] = cost[chosen] * fraction
    result = _finish(model, digit, added.reshape(28, 28), target, start, len(chosen), "greedy on the weights", fewest)
    if flipped and not result.flipped:  # rounding at the boundary: the last pixel at full strength
        added[cand[chosen]] = cost[chosen]
        result = _finish(model, digit, added.reshape(28, 28), target, start, len(chosen), "greedy on the weights", fewest)
    if clear and result.flipped and not result.clear:  # the least ink flips it to a near tie: on to a clear lead
        result = _extend_to_lead(model, digit, added.reshape(28, 28), target, cand, cost, start, fewest, result)
    return result


def _extend_to_lead(model, digit, added, target, cand, cost, start, fewest, minimal, max_pixels: int = 200) -> Counterfactual:
    """Greedy again, on the model's own probabilities: the pixel that most widens the target's lead, until it is
    LEAD; the minimal flip stays the answer when no pixel gets there."""
    added = added.reshape(-1).copy()
    free = added[cand] == 0
    for _ in range(min(max_pixels, int(free.sum()))):
        idx = np.flatnonzero(free)
        trial = np.repeat(added[None], len(idx), 0)  # (F, 784) each free pixel added at full strength
        trial[np.arange(len(idx)), cand[idx]] = cost[idx]
        p = model.predict_proba((digit.reshape(1, -1) + trial).reshape(-1, 28, 28))  # (F, 10)
        lead = np.where(p.argmax(1) == target, p[:, target] - np.delete(p, target, axis=1).max(1), -np.inf)
        best = int(np.argmax(lead))
        if not np.isfinite(lead[best]):
            break
        added, free[idx[best]] = trial[best], False
        if lead[best] >= LEAD:
            result = _finish(
                model, digit, added.reshape(28, 28), target, start, int((added > 0).sum()), "greedy on the weights", fewest
            )
            return result if result.clear else minimal
    return minimal


def _blur(t, kernel):
    import torch.nn.functional as F

    return F.conv2d(t[:, None], kernel, padding=kernel.shape[-1] // 2)[:, 0]


def gradient_search(
    model,
    digit: np.ndarray,
    target: int,
    allowed: np.ndarray,
    time_limit: float = TIME_LIMIT,
    max_steps: int = 5000,
    lr: float = 0.3,
) -> Counterfactual:
    """Projected gradient on the added ink (blurred steps, kept in [0, headroom] inside `allowed`): add ink toward the
    target while the answer is wrong, shrink every pixel's ink while it is right, keep the least-ink flip."""
    import torch

    start = time.perf_counter()
    module = model.module
    x = torch.from_numpy(digit)[None]  # (1, 28, 28)
    head = (1 - x) * torch.from_numpy(allowed.astype(np.float32))[None]  # most ink each pixel may take
    g = torch.tensor([0.25, 0.5, 0.25])
    kernel = (g[:, None] * g[None, :])[None, None]  # (1, 1, 3, 3) a small Gaussian: steps as blobs
    added = torch.zeros_like(x)
    others = torch.tensor([j for j in range(10) if j != target])
    best, best_ink, steps, shrink = None, float("inf"), 0, 0.01
    with torch.enable_grad():
        while steps < max_steps and time.perf_counter() - start < time_limit:
            steps += 1
            a = added.clone().requires_grad_(True)
            z = module(x + a)[0]
            p = torch.softmax(z, 0)
            if (z[target] - z[others].max()).item() > MARGIN and (p[target] - p[others].max()).item() >= LEAD:  # a clear lead
                ink = float(added.sum())
                if ink < best_ink and _leads(model.predict_proba((x + added).numpy())[0], target):  # the model's own path (bf16)
                    best, best_ink = added.clone(), ink
                added = torch.minimum(torch.clamp(added - shrink, min=0), head)
                shrink *= 1.1
                continue
            (grad,) = torch.autograd.grad(torch.log_softmax(z, 0)[target], a)  # steadier than the margin's gradient
            step = _blur(grad, kernel)
            step = torch.clamp(step / (torch.quantile(step.abs(), 0.98) + 1e-12), -1, 1)  # the strongest 2% take full steps
            added = torch.minimum(torch.clamp(added + lr * step, min=0), head)
            shrink = max(shrink * 0.7, 0.002)
    chosen = (best if best is not None else added)[0].numpy()
    for floor in (FAINT, PIXEL_EPS, 0.0):  # drop faint specks of ink if the answer holds without them
        result = _finish(model, digit, np.where(chosen > floor, chosen, 0), target, start, steps, "projected gradient")
        if result.clear or best is None:
            break
    return result


def _leads(probs: np.ndarray, target: int) -> bool:
    return int(probs.argmax()) == target and float(probs[target] - np.delete(probs, target).max()) >= LEAD
