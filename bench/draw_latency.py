"""Server-side time from a finished stroke to every model's prediction and maps (the Draw page's own
functions on canvas-like RGBA arrays), p50 / p95.

    .venv/bin/python bench/draw_latency.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
torch.set_num_threads(1)

from mnistdash import store  # noqa: E402
from mnistdash.config import CLASSIFIERS  # noqa: E402
from mnistdash.data import load_split  # noqa: E402
from mnistdash.live import nearest, read_digit  # noqa: E402
from mnistdash.ui.draw import map_with_point, overlay_maps, probability_bars  # noqa: E402
from mnistdash.zoo import load_all  # noqa: E402


def canvas_stroke(rng) -> np.ndarray:
    """A random scribble as the canvas returns it: RGBA 280x280, white on black."""
    img = Image.new("RGBA", (280, 280), (0, 0, 0, 255))
    d = ImageDraw.Draw(img)
    pts = [tuple(rng.integers(40, 240, 2).tolist()) for _ in range(rng.integers(3, 8))]
    d.line(pts, fill=(255, 255, 255, 255), width=20, joint="curve")
    return np.asarray(img)


def main():
    models, _ = load_all()
    names = [n for n in CLASSIFIERS if n in models]
    emb = store.load_artifact("embedding")
    labels = load_split("test").labels[emb["index"]]
    rng = np.random.default_rng(0)
    read_digit(models, canvas_stroke(rng), names)
    compute, total = [], []
    for _ in range(50):
        arr = canvas_stroke(rng)
        t0 = time.perf_counter()
        r = read_digit(models, arr, names, "input-x-gradient")
        t1 = time.perf_counter()
        near = nearest(emb["bottleneck"], r.code, 8)
        for fig in (
            probability_bars(r.probs),
            overlay_maps(r.digit, r.maps, list(r.maps)),
            map_with_point(emb["bottleneck"], labels, r.code, near),
        ):
            fig.to_json()
        t2 = time.perf_counter()
        compute.append(t1 - t0)
        total.append(t2 - t0)
    ms = lambda a, q: 1000 * float(np.percentile(a, q))  # noqa: E731
    print(
        f"stroke -> preprocessing + {len(names)} predictions + maps: p50 {ms(compute, 50):.1f} ms, p95 {ms(compute, 95):.1f} ms"
    )
    print(f"... plus the three figures serialized:          p50 {ms(total, 50):.1f} ms, p95 {ms(total, 95):.1f} ms")


if __name__ == "__main__":
    main()
