"""How long a figure takes to leave the app: PNG, SVG and CSV of the figures the pages draw, from the button press
to the bytes (mnistdash/plots/export.py, the work Streamlit runs in a thread when a download button is pressed),
and how big each file is. The figures' values are random (the time depends on their size, not their values):
a class's 10 weight maps, an Explain grid of 5 models x 5 methods, a confusion matrix, every model's probabilities,
and the 2-D map's 10,000 points.

    .venv/bin/python bench/export_latency.py [--runs 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def figures() -> dict:
    from mnistdash.maps.figures import groups, scatter
    from mnistdash.plots import figures as F

    rng = np.random.default_rng(0)
    labels, preds = rng.integers(0, 10, 10_000), rng.integers(0, 10, 10_000)
    coords = rng.normal(size=(10_000, 2)).astype(np.float32)
    probs = {m: rng.dirichlet(np.ones(10)) for m in ("logreg-ovr", "logreg-multinomial", "mlp", "mlp-deep", "cnn", "bottleneck")}
    return {
        "10 weight maps (Weights)": F.mosaic(
            rng.normal(size=(10, 28, 28)).astype(np.float32), [f"class {c}" for c in range(10)], clickable=True
        ),
        "5 x 5 attribution grid (Explain)": F.mosaic(
            rng.normal(size=(25, 28, 28)).astype(np.float32), [f"m{i}" for i in range(25)], cols=5, clickable=True
        ),
        "confusion matrix (Errors)": F.confusion_figure(rng.integers(0, 1000, (10, 10))),
        "6 models' probabilities (Draw)": F.probability_bars(probs),
        "10,000 points (2-D maps)": scatter(
            coords, groups("true label", labels, preds), np.arange(10_000), labels, preds, np.array([], int)
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from mnistdash.plots import export

    export.render(figures()["confusion matrix (Errors)"], "png", "warm-up")  # matplotlib's fonts, once
    print(f"{'figure':34} {'format':6} {'median':>9} {'max':>9} {'size':>10}")
    for name, fig in figures().items():
        for fmt in ("png", "svg", "csv"):
            times, size = [], 0
            for _ in range(args.runs):
                t = time.perf_counter()
                size = len(export.render(fig, fmt, name, "a caption"))
                times.append(time.perf_counter() - t)
            print(f"{name:34} {fmt:6} {1000 * np.median(times):7.0f} ms {1000 * max(times):7.0f} ms {size / 1e3:8.0f} kB")


if __name__ == "__main__":
    main()
