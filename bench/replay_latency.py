"""The Training replay page: one move of the slider, on the server (the page's script through Streamlit's AppTest),
over every checkpoint of each replayed model; and the artifacts' sizes. The issue's budget: 200 ms a step.

    .venv/bin/python bench/replay_latency.py [--runs 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
torch.set_num_threads(1)

from streamlit.testing.v1 import AppTest  # noqa: E402

from mnistdash import store  # noqa: E402
from mnistdash.replay.build import REPLAY_KEY, REPLAYED  # noqa: E402
from mnistdash.replay.networks import NETWORKS  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="passes over the checkpoints")
    args = parser.parse_args()
    manifest = store.read_manifest()
    for name in REPLAYED + NETWORKS:
        entry = manifest["artifacts"].get(REPLAY_KEY.format(name))
        size = (ROOT / "models" / entry["file"]).stat().st_size if entry else 0
        print(f"{REPLAY_KEY.format(name)}: {size / 1e6:.2f} MB, {entry and entry.get('checkpoints')} checkpoints")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/12_Replay.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    for name in REPLAYED + NETWORKS:
        at.sidebar.selectbox[0].set_value(name).run()
        slider = at.select_slider[0]
        steps = list(slider.options)
        times = []
        for _ in range(args.runs):
            for step in steps:
                start = time.perf_counter()
                at.select_slider[0].set_value(int(step) if str(step).isdigit() else step).run()
                times.append(1000 * (time.perf_counter() - start))
                assert not at.exception, [e.message for e in at.exception]
        t = np.array(times)
        print(
            f"{name}: a slider step p50 {np.median(t):.0f} ms, p95 {np.percentile(t, 95):.0f} ms, max {t.max():.0f} ms over {len(t)}"
        )


if __name__ == "__main__":
    main()
