"""Server time to show the digits behind a confusion-matrix cell and behind a 2-D map selection
(page reruns through AppTest, after the first render), p50 / p95.

    .venv/bin/python bench/errors_latency.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mnistdash.config import ROOT  # noqa: E402

CELLS = [(4, 9), (7, 2), (3, 5), (5, 8), (9, 4), (2, 7), (8, 3), (1, 1), (0, 6), (6, 0)]


def run(at, key, value):
    at.session_state[key] = value
    t = time.perf_counter()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return time.perf_counter() - t


def main():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.switch_page("pages/4_Errors.py")
    at.run()
    key = "cm_logreg-multinomial_test"
    times = []
    for true, pred in CELLS * 2:
        sel = {"selection": {"points": [{"x": pred, "y": true}], "point_indices": [0], "box": [], "lasso": []}}
        times.append(run(at, key, sel))
    ms = lambda a, q: 1000 * float(np.percentile(a, q))  # noqa: E731
    print(
        f"Errors page, click a cell -> its digits (up to 60 shown): p50 {ms(times, 50):.0f} ms, p95 {ms(times, 95):.0f} ms (incl. the diagonal 1,112 for 1->1)"
    )

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.switch_page("pages/5_Embedding.py")
    at.run()
    rng = np.random.default_rng(0)
    times = []
    for i in range(12):
        k = int(rng.integers(5, 400))
        points = [{"curve_number": int(c), "point_index": int(j)} for c in rng.integers(0, 10, k) for j in [rng.integers(0, 800)]]
        sel = {"selection": {"points": points, "point_indices": list(range(k)), "box": [], "lasso": []}}
        times.append(run(at, "emb_tsne" if i % 2 else "emb_bottleneck", sel))
    print(
        f"2-D maps page, a selection -> highlighted in both maps + its digits: p50 {ms(times, 50):.0f} ms, p95 {ms(times, 95):.0f} ms (two reruns: read, then redraw)"
    )


if __name__ == "__main__":
    main()
