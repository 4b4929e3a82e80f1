"""Time per Explain interaction: each attribution method on each model for a fresh digit, and whole
page reruns (server-side script time through AppTest) when the digit or the method changes, with the sections
opened on demand closed and open.

    .venv/bin/python bench/explain_latency.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
torch.set_num_threads(1)

from mnistdash.config import ROOT  # noqa: E402
from mnistdash.data import load_split  # noqa: E402
from mnistdash.explain import CAPTUM_METHODS, METHODS  # noqa: E402
from mnistdash.zoo import load_all  # noqa: E402
from mnistdash.zoo.registry import TORCH_CLASSIFIERS  # noqa: E402


def pct(times, q):
    return 1000 * float(np.percentile(times, q))


def main():
    models, _ = load_all()
    x = load_split("test").floats()
    print("one attribution of a new digit (ms), p50 / p95 over 20 digits, 1 thread")
    print(f"{'model':<12}" + "".join(f"{m:>22}" for m in CAPTUM_METHODS))
    for name in TORCH_CLASSIFIERS:
        row = f"{name:<12}"
        for method in CAPTUM_METHODS:
            m = METHODS[method](models[name])
            m.attribute(x[:1], [0])
            times = []
            for i in range(20):
                t = time.perf_counter()
                m.attribute(x[i + 1 : i + 2], [int(i % 10)])
                times.append(time.perf_counter() - t)
            row += f"{pct(times, 50):>13.1f} / {pct(times, 95):>5.1f}"
        print(row)

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.switch_page("pages/2_Explain.py")
    t = time.perf_counter()
    at.run()
    print(f"\nExplain page, first render (cold caches): {1000 * (time.perf_counter() - t):.0f} ms")

    def new_digits(first: int, count: int) -> tuple[list[float], list[float]]:
        wall, cpu = [], []
        for i in range(first, first + count):
            t, c = time.perf_counter(), time.process_time()
            at.sidebar.number_input[0].set_value(i).run()
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)  # every thread of this process: both cores' work counts
            assert not at.exception, at.exception
        return wall, cpu

    warm, _ = new_digits(1, 5)  # the first few new digits after a cold start: lazy set-up in torch and onnxruntime
    digit_times, digit_cpu = new_digits(6, 30)
    method_times, revisit = [], []
    for method in ("saliency", "integrated-gradients", "occlusion", "smoothgrad"):  # the map beside the digit
        t = time.perf_counter()
        at.sidebar.selectbox(key="explain_method").set_value(method).run()
        method_times.append(time.perf_counter() - t)
        assert not at.exception, at.exception
    at.sidebar.selectbox(key="explain_method").set_value("input-x-gradient").run()
    for i in range(1, 6):
        t = time.perf_counter()
        at.sidebar.number_input[0].set_value(i).run()
        revisit.append(time.perf_counter() - t)
    at.session_state["explain_strip"] = True
    strip_times, strip_cpu = new_digits(100, 20)
    at.session_state["explain_strip"] = False
    at.session_state["explain_random"] = True
    random_times, random_cpu = new_digits(200, 20)
    at.session_state["explain_random"] = False

    def line(what: str, wall: list[float], cpu: list[float]) -> None:
        print(
            f"{what}: p50 {pct(wall, 50):.0f} ms, p95 {pct(wall, 95):.0f} ms; CPU time (both cores) p50 {pct(cpu, 50):.0f} ms, "
            f"p95 {pct(cpu, 95):.0f} ms"
        )

    line(
        "change the digit (4 networks x the 4 default methods with each map's SRG on this digit, the checks)",
        digit_times,
        digit_cpu,
    )
    line("  the same with this digit's deletion strip open (every method of the cnn)", strip_times, strip_cpu)
    line("  the same with the randomized-weights check open (the mlp)", random_times, random_cpu)
    print(
        f"change the method of the map beside the digit: p50 {pct(method_times, 50):.0f} ms, max {1000 * max(method_times):.0f} ms"
    )
    print(f"back to a digit seen before (cached): p50 {pct(revisit, 50):.0f} ms, p95 {pct(revisit, 95):.0f} ms")


if __name__ == "__main__":
    main()
