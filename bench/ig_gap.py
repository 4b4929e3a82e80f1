"""Integrated gradients' completeness gap |sum of map - (f(x) - f(black))| / |f(x) - f(black)| per network,
over seeded random test digits explained for each network's own prediction (as the Explain page does):
the adaptive method the app uses, beside Captum's fixed Gauss-Legendre grid for comparison.

    .venv/bin/python bench/ig_gap.py [--n 200] [--seed 0] [--captum-steps 32 128]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
torch.set_num_threads(1)

from captum.attr import IntegratedGradients  # noqa: E402

from mnistdash.data import load_split  # noqa: E402
from mnistdash.explain import IntegratedGradientsMethod  # noqa: E402
from mnistdash.zoo import load_all  # noqa: E402
from mnistdash.zoo.registry import TORCH_CLASSIFIERS  # noqa: E402


def row(label: str, rel: np.ndarray, extra: str) -> str:
    rel = 100 * rel
    return (
        f"  {label:<26} p50 {np.percentile(rel, 50):6.2f}%  p90 {np.percentile(rel, 90):6.2f}%  max {rel.max():7.2f}%"
        f"  over 1%: {(rel > 1).sum():3d}/{len(rel)}  {extra}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--captum-steps", type=int, nargs="*", default=[32, 128])
    args = parser.parse_args()
    models, _ = load_all()
    x = load_split("test").floats()
    picks = np.random.default_rng(args.seed).choice(len(x), args.n, replace=False)
    print(f"IG completeness gap, {args.n} random test digits (seed {args.seed}), each network's predicted class, 1 thread")
    for name in TORCH_CLASSIFIERS:
        model = models[name]
        targets = model.predict_proba(x[picks]).argmax(1)
        method = IntegratedGradientsMethod(model)
        times, results = [], []
        for i, t in zip(picks, targets):
            start = time.perf_counter()
            results.append(method.paths(x[i][None], [t])[0])
            times.append(time.perf_counter() - start)
        rel = np.array([r.relative_gap for r in results])
        steps = np.array([r.steps for r in results])
        print(f"{name}")
        print(
            row(
                "adaptive (the app)",
                rel,
                f"flagged (target not met): {sum(not r.met for r in results)}  steps p50 {np.median(steps):.0f} "
                f"p95 {np.percentile(steps, 95):.0f} max {steps.max()}  ms p50 {1000 * np.median(times):.1f} "
                f"p95 {1000 * np.percentile(times, 95):.1f}",
            )
        )
        for n_steps in args.captum_steps:
            ig = IntegratedGradients(model.module)
            rel, times = [], []
            for i, t in zip(picks, targets):
                xi = torch.from_numpy(x[i][None].copy())
                start = time.perf_counter()
                attr = ig.attribute(xi, baselines=0.0, target=int(t), n_steps=n_steps, method="gausslegendre")
                times.append(time.perf_counter() - start)
                with torch.no_grad():
                    delta = float(model.module(xi)[0, t] - model.module(torch.zeros_like(xi))[0, t])
                rel.append(abs(float(attr.sum()) - delta) / abs(delta))
            print(row(f"Captum Gauss-Legendre {n_steps}", np.array(rel), f"ms p50 {1000 * np.median(times):.1f}"))


if __name__ == "__main__":
    main()
