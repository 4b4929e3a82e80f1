"""Server time of each Linear lab interaction (page reruns through AppTest, after the first render), p50 / p95:
move the path slider, click a pair cell, move the PCA-k and top-k sliders. Wall time and the process's CPU
time are both printed: on a busy shared machine the CPU time is the steadier figure.

    .venv/bin/python bench/lab_latency.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mnistdash.config import ROOT  # noqa: E402

CELLS = [(4, 9), (3, 5), (0, 1), (7, 9), (2, 8), (1, 7), (5, 8), (6, 0), (2, 3), (8, 9)]


CPU: list[float] = []


def timed(at) -> float:
    t, c = time.perf_counter(), time.process_time()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    CPU.append(time.process_time() - c)
    return time.perf_counter() - t


def main():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.switch_page("pages/7_Linear_lab.py")
    at.run()

    def ms(a):
        cpu = CPU[-len(a) :]
        q = lambda v, p: 1000 * float(np.percentile(v, p))  # noqa: E731
        return f"p50 {q(a, 50):.0f} ms, p95 {q(a, 95):.0f} ms (CPU p50 {q(cpu, 50):.0f} ms, p95 {q(cpu, 95):.0f} ms)"

    for penalty in ("l2", "l1"):
        at.radio(key="lab_penalty").set_value(penalty).run()
        slider = at.select_slider(key=f"lab_step_{penalty}")
        n = len(slider.options)
        times = []
        for step in [*range(n), *range(n - 1, -1, -1)]:
            at.select_slider(key=f"lab_step_{penalty}").set_value(step)
            times.append(timed(at))
        print(
            f"Linear lab, move the {penalty.upper()} path slider -> 10 maps + accuracy plot: {ms(times)} ({len(times)} moves, first visit of each step included)"
        )

    times = []
    for a, b in CELLS * 2:
        at.session_state["lab_pairs"] = {
            "selection": {"points": [{"x": b, "y": a}], "point_indices": [0], "box": [], "lasso": []}
        }
        times.append(timed(at))
    print(f"Linear lab, click a pair cell -> weight map, histogram, wrong-side digits: {ms(times)} ({len(times)} clicks)")

    for key, what in (
        ("lab_pca_k", "PCA-k slider -> curve + reconstruction"),
        ("lab_pixels_k", "top-k pixels slider -> curve + mask"),
    ):
        n = len(at.select_slider(key=key).options)
        times = []
        for step in [*range(n), *range(n - 1, -1, -1)]:
            at.select_slider(key=key).set_value(step)
            times.append(timed(at))
        print(f"Linear lab, {what}: {ms(times)} ({len(times)} moves)")


if __name__ == "__main__":
    main()
