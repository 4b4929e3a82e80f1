"""The quiz's server time per answer: the page's script run after an answer click, with the store write.

    .venv/bin/python bench/quiz_latency.py [--answers 100]

Runs the page as the server does (streamlit's AppTest: app.py as entrypoint, the quiz page switched to),
clicks an answer, and times each run; pauses 0.5 s between answers as a person would (the page refuses
more than 2 a second). Target: at most 50 ms p95. The review store is a fresh SQLite file.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--answers", type=int, default=100)
    args = ap.parse_args()
    os.environ["MNISTDASH_STATE_DIR"] = tempfile.mkdtemp(prefix="quiz-bench-")
    os.environ.pop("MNISTDASH_DB_URL", None)
    import numpy as np
    import torch
    from streamlit.testing.v1 import AppTest

    torch.set_num_threads(1)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/9_You_vs_the_models.py")
    at.run()
    times = []
    while len(times) < args.answers:
        at.button(key="quiz_start").click().run()
        for k in range(20):
            if len(times) >= args.answers:
                break
            time.sleep(0.5)
            t = time.perf_counter()
            at.button(key=f"quiz_key_{k % 10}").click().run()
            times.append(time.perf_counter() - t)
            assert not at.exception, at.exception
        if len(times) < args.answers:
            at.button(key="quiz_again").click().run()
    ms = 1000 * np.array(times)
    print(
        f"quiz: {len(ms)} answers, server time per answer p50 {np.percentile(ms, 50):.1f} ms, p95 {np.percentile(ms, 95):.1f} ms, max {ms.max():.1f} ms"
    )


if __name__ == "__main__":
    main()
