"""TracIn over the checkpoints: how the compressed score the dashboard keeps (mnistdash.replay.tracin: principal
directions per checkpoint, then over all of them; DIM numbers per training digit) ranks the 60,000 training digits,
against the exact last-layer TracIn score computed from every training digit's representation at every kept
checkpoint; beside it, a seeded Gaussian random projection of the same size (Captum's TracInCPFastRandProj's way). And
a query's time, through the stored artifact.

Per test digit and network: the correlation of the two scores over the 60,000, and how many of the exact top 8
proponents and top 8 opponents the compressed score also puts in its top 8 (the grids the page shows) and in its top
50. BASIS and DIM were chosen on test digits 0-49 (`--digits tune`); the figures to quote are on 50 seeded digits from
5,000 on, never looked at while choosing (`--digits held-out`, the default).

    .venv/bin/python bench/tracin_projection.py [--models mlp mlp-deep bottleneck] [--dims 32 64]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
torch.set_num_threads(1)

from mnistdash import store, zoo  # noqa: E402
from mnistdash.data import load_split  # noqa: E402
from mnistdash.replay import tracin  # noqa: E402
from mnistdash.replay.build import REPLAY_KEY  # noqa: E402
from mnistdash.zoo.registry import BY_NAME  # noqa: E402

TOP = 8


def random_projection(found, w, dim: int, seed: int = 0):
    """(training vectors, a function of a query's parts): sum_k sqrt(w_k) R_k^T g^k with seeded Gaussian R_k."""
    mats = {}

    def project(j, phi, err):
        rows = err.shape[1] * phi.shape[1]
        if j not in mats:
            mats[j] = (np.random.default_rng([seed, j]).standard_normal((rows, dim)) / math.sqrt(dim)).astype(np.float32)
        return math.sqrt(w[j]) * (tracin.gradients(phi, err) @ mats[j])

    return sum(project(*p) for p in found), lambda parts: sum(project(*p) for p in parts)


def overlaps(exact: np.ndarray, got: np.ndarray) -> tuple[float, float, float, float]:
    corr, support, oppose, fifty = [], [], [], []
    for q in range(exact.shape[1]):
        e, g = exact[:, q], got[:, q]
        corr.append(np.corrcoef(e, g)[0, 1])
        top_e, bottom_e = set(np.argsort(-e)[:TOP]), set(np.argsort(e)[:TOP])
        support.append(len(top_e & set(np.argsort(-g)[:TOP])))
        oppose.append(len(bottom_e & set(np.argsort(g)[:TOP])))
        fifty.append((len(top_e & set(np.argsort(-g)[:50])) + len(bottom_e & set(np.argsort(g)[:50]))) / 2)
    return float(np.mean(corr)), float(np.mean(support)), float(np.mean(oppose)), float(np.mean(fifty))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["mlp", "mlp-deep", "bottleneck"])
    parser.add_argument("--dims", nargs="+", type=int, default=[tracin.DIM])
    parser.add_argument("--basis", type=int, default=tracin.BASIS)
    parser.add_argument("--digits", choices=["tune", "held-out"], default="held-out")
    args = parser.parse_args()
    train, test = load_split("train"), load_split("test")
    x_train = train.floats()
    if args.digits == "tune":
        picked = np.arange(50)
    else:
        picked = np.sort(np.random.default_rng(2026).choice(np.arange(5000, 10_000), 50, replace=False))
    x_test = test.floats()[picked]
    print(f"{len(picked)} test digits ({args.digits}: {picked[:5].tolist()} ...), 60,000 training digits")
    print(
        f"{'network':<11} {'method':<18} {'dim':>4} {'corr':>6} {'top-8 support':>14} {'top-8 oppose':>13} {'top 8 in top 50':>16}"
    )
    for name in args.models:
        model = zoo.load(name)
        replay = store.load_artifact(REPLAY_KEY.format(name))
        cfg = BY_NAME[name].train
        w = tracin.weights(replay, cfg.learning_rates(math.ceil(len(train) / cfg.batch)))
        answers = model.predict_proba(x_test).argmax(1)
        found = list(tracin.parts(replay, model.module, x_train, train.labels, cfg.label_smoothing))
        asked = list(tracin.parts(replay, model.module, x_test, answers))
        exact = np.zeros((len(x_train), len(picked)))
        for (j, phi, err), (_, phi_t, err_t) in zip(found, asked):
            exact += w[j] * (err.astype(np.float64) @ err_t.T) * (phi.astype(np.float64) @ phi_t.T)
        for dim in args.dims:
            fitted = tracin.fit(found, w, args.basis, dim)
            got = fitted["vectors"].astype(np.float32) @ tracin.query({**fitted, "weights": w}, asked).T
            rows = [("principal (kept)", got)]
            v, project = random_projection(found, w, dim)
            rows.append(("random projection", v.astype(np.float16).astype(np.float32) @ project(asked).T))
            for method, scores in rows:
                c, s_, o, f = overlaps(exact, scores)
                print(f"{name:<11} {method:<18} {dim:>4} {c:>6.3f} {s_:>10.1f} / 8 {o:>9.1f} / 8 {f:>12.1f} / 8")
            print(
                f"{'':<11} energy kept per checkpoint {fitted['energy'][:-1].min():.3f}-{fitted['energy'][:-1].max():.3f}, over all {fitted['energy'][-1]:.3f}"
            )
        if store.read_manifest()["artifacts"].get(tracin.TRACIN_KEY.format(name)):
            kept = store.load_artifact(tracin.TRACIN_KEY.format(name))
            times = []
            for q in range(len(picked)):
                start = time.perf_counter()
                tracin.scores(kept, replay, model.module, x_test[q], int(answers[q]))
                times.append(1000 * (time.perf_counter() - start))
            print(f"{'':<11} a query through the artifact: median {np.median(times):.0f} ms, max {np.max(times):.0f} ms")


if __name__ == "__main__":
    main()
