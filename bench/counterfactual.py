"""What the Draw page's new sections cost and find: the least-added-ink search per model (how often it flips the answer
with a small change, how much ink, how long), and the t-SNE placement with both map pictures per stroke.

    .venv/bin/python bench/counterfactual.py [--digits 20]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
torch.set_num_threads(1)

from mnistdash import store  # noqa: E402
from mnistdash.data import load_split  # noqa: E402
from mnistdash.draw import counterfactual as cf  # noqa: E402
from mnistdash.draw.live import nearest  # noqa: E402
from mnistdash.maps.pictures import base_map, with_point  # noqa: E402
from mnistdash.maps.placement import PixelNeighbours, place  # noqa: E402
from mnistdash.zoo import load_all, registry  # noqa: E402
from mnistdash.zoo.registry import LINEAR_MODELS  # noqa: E402


def pct(values, q) -> float:
    return float(np.percentile(values, q)) if len(values) else float("nan")


def milp_fewest(model, digit: np.ndarray, target: int, seconds: float = 2.0) -> int | None:
    """The true fewest pixels (partial brightening allowed) under the page's constraints, by a mixed-integer program
    (scipy's HiGHS); None when it is not proved optimal within `seconds`."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    cand, cost, dlogit = cf._gains(model, digit, cf.region(digit))
    rivals = [j for j in range(10) if j != target]
    logits = model.logits(digit[None])[0].astype(np.float64)
    gaps, delta = logits[target] - logits[rivals], dlogit[:, [target]] - dlogit[:, rivals]  # (9,), (P, 9)
    n = len(cand)
    binary = model.config.transform == "binarize"
    objective = np.concatenate([cost / (cost.sum() + 1), np.ones(n)])  # count first, ink to break ties
    flips = LinearConstraint(np.hstack([delta.T, np.zeros((len(rivals), n))]), 2 * cf.MARGIN - gaps, np.inf)
    uses = LinearConstraint(np.hstack([np.eye(n), -np.eye(n)]), 0 if binary else -np.inf, 0)  # ink only where chosen
    integrality = np.concatenate([np.full(n, int(binary)), np.ones(n)])
    sol = milp(
        objective, constraints=[flips, uses], integrality=integrality, bounds=Bounds(0, 1), options={"time_limit": seconds}
    )
    return int(round(sol.x[n:].sum())) if sol.status == 0 else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--digits", type=int, default=20)
    args = ap.parse_args()
    models, _ = load_all(registry.classifiers())
    test = load_split("test")
    x = test.floats()
    rng = np.random.default_rng(0)
    rows = rng.choice(len(x), args.digits, replace=False)
    targets = rng.integers(0, 10, args.digits)
    print(f"least added ink, {args.digits} seeded test digits, a random other class each, time limit {cf.TIME_LIMIT} s")
    print(
        "model               flipped  small  px p50  ink p50  =bound   ms p50   ms p95  (=bound: pixels equal the weights' lower bound)"
    )
    for name in registry.classifiers():
        model = models[name]
        flipped, small, pixels, ink, ms, exact, optimal, excess = 0, 0, [], [], [], 0, 0, []
        for r, t in zip(rows, targets):
            pred = int(model.predict_proba(x[r][None])[0].argmax())
            t = int(t) if int(t) != pred else (pred + 1) % 10
            res = cf.search(model, x[r], t)
            ms.append(1000 * res.seconds)
            if res.flipped:
                flipped += 1
                small += res.small
                pixels.append(res.pixels)
                ink.append(res.ink)
                exact += res.fewest is not None and res.pixels == res.fewest
                best = milp_fewest(model, x[r], t) if name in LINEAR_MODELS else None
                if best is not None:
                    optimal += 1
                    excess.append(res.pixels - best)
        bound = f"{exact:>3}/{flipped:<3}" if name in LINEAR_MODELS else "   -   "
        vs = ""
        if excess:
            e = np.array(excess)
            vs = f"  vs MILP optimum ({optimal} solved): equal {int((e == 0).sum())}, +1-2 {int(((e > 0) & (e <= 2)).sum())}, more {int((e > 2).sum())}, max +{e.max()}"
        print(
            f"{name:<19} {flipped:>3}/{args.digits:<3} {small:>3}/{args.digits:<3} {pct(pixels, 50):>6.0f} {pct(ink, 50):>8.1f}"
            f"  {bound} {pct(ms, 50):>7.1f} {pct(ms, 95):>8.1f}{vs}"
        )

    emb = store.load_artifact("embedding")
    mapped, labels = x[emb["index"]], test.labels[emb["index"]]
    bases = {w: base_map(emb[w], labels) for w in ("bottleneck", "tsne")}
    bank = PixelNeighbours(mapped)
    times = []
    for r in rows:
        start = time.perf_counter()
        code = models["bottleneck"].module.encode(torch.from_numpy(x[r][None])).detach().numpy()[0]
        placed = place(emb["tsne"], bank, x[r])
        for which, point, near in (
            ("bottleneck", code, nearest(emb["bottleneck"], code, 8)),
            ("tsne", placed.point, placed.neighbours),
        ):
            base, frame = bases[which]
            with_point(base, frame, point, emb[which][near]).save(io.BytesIO(), format="PNG")
        times.append(1000 * (time.perf_counter() - start))
    print(
        f"both maps per stroke (bottleneck code, t-SNE placement, two PNGs): p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms"
    )


if __name__ == "__main__":
    main()
