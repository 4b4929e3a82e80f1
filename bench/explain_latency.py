"""Time per Explain interaction: each attribution method on each model for a fresh digit, and whole
page reruns (server-side script time through AppTest) when the digit or the method changes.

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
    digit_times, digit_cpu, method_times, revisit = [], [], [], []
    for i in range(1, 21):
        t, c = time.perf_counter(), time.process_time()
        at.sidebar.number_input[0].set_value(i).run()
        digit_times.append(time.perf_counter() - t)
        digit_cpu.append(time.process_time() - c)
        assert not at.exception, at.exception
    for method in ("saliency", "integrated-gradients", "occlusion", "smoothgrad"):  # the map beside the digit
        t = time.perf_counter()
        at.sidebar.selectbox(key="explain_method").set_value(method).run()
        method_times.append(time.perf_counter() - t)
        assert not at.exception, at.exception
    for i in range(1, 6):
        t = time.perf_counter()
        at.sidebar.number_input[0].set_value(i).run()
        revisit.append(time.perf_counter() - t)
    print(
        f"change the digit (new digit, 4 networks x the 4 default methods, and the checks): p50 {pct(digit_times, 50):.0f} ms, p95 {pct(digit_times, 95):.0f} ms"
    )
    print(
        f"  the same in CPU time (this process; other jobs on the machine excluded): p50 {pct(digit_cpu, 50):.0f} ms, p95 {pct(digit_cpu, 95):.0f} ms"
    )
    print(
        f"change the method of the map beside the digit: p50 {pct(method_times, 50):.0f} ms, max {1000 * max(method_times):.0f} ms"
    )
    print(f"back to a digit seen before (cached): p50 {pct(revisit, 50):.0f} ms, p95 {pct(revisit, 95):.0f} ms")


if __name__ == "__main__":
    main()
