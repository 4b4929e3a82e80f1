"""The Draw page's latency in a real browser: the first stroke on a freshly opened page (6 new sessions, the
server's very first apart), then 30 strokes of several digits drawn in headless Chromium, each on a cleared canvas; p50 / p95 from mouse-up to the verdict on screen and to the last map on screen, and, while the pen
moves, from a pointer move to the live verdict that the drawing component shows (when it has one).

    .venv/bin/python bench/draw_latency.py            # the browser figures (starts its own `streamlit run`)
    .venv/bin/python bench/draw_latency.py --server   # the server's own work per stroke, without a browser
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STROKES = 30
FIRST = 6  # fresh browser sessions, each timed on its first stroke
# Each digit as one stroke, in fractions of the canvas (x, y).
SHAPES = {
    "1": [(0.5, 0.15 + 0.035 * i) for i in range(21)],
    "7": [(0.25 + 0.05 * i, 0.2) for i in range(10)] + [(0.7 - 0.025 * i, 0.2 + 0.06 * i) for i in range(1, 12)],
    "0": [(0.5 + 0.2 * np.sin(t), 0.5 - 0.32 * np.cos(t)) for t in np.linspace(0, 2 * np.pi, 24)],
    "2": [(0.5 + 0.18 * np.sin(t), 0.33 - 0.15 * np.cos(t)) for t in np.linspace(-1.3, 1.9, 10)]
    + [(0.6 - 0.04 * i, 0.45 + 0.04 * i) for i in range(1, 9)]
    + [(0.3 + 0.05 * i, 0.8) for i in range(1, 9)],
    "6": [(0.6 - 0.03 * i, 0.15 + 0.04 * i) for i in range(10)]
    + [(0.45 + 0.16 * np.sin(t), 0.65 - 0.15 * np.cos(t)) for t in np.linspace(-1.6, 2 * np.pi - 1.6, 16)],
}
# Marks in the page: when the verdict and each map are first on screen after `window.__t0` (set at mouse-up).
MAPS = [
    ".st-key-draw_maps .js-plotly-plot .heatmaplayer, [data-testid='draw-contrib-maps']",
    "[data-testid='draw-map-bottleneck']",
    "[data-testid='draw-map-tsne']",
]
OBSERVE = """(maps) => {
  window.__marks = {};
  const look = () => {
    if (window.__t0 === undefined) return;
    const t = performance.now();
    if (!window.__marks.verdict && document.querySelector("[data-testid='draw-verdict']")) window.__marks.verdict = t;
    maps.forEach((sel, i) => { if (!window.__marks['m' + i] && document.querySelector(sel)) window.__marks['m' + i] = t; });
  };
  new MutationObserver(look).observe(document.body, {subtree: true, childList: true, attributes: true});
}"""


def _points(shape: str, box: dict, rng) -> list[tuple[float, float]]:
    dx, dy, s = rng.uniform(-0.05, 0.05), rng.uniform(-0.04, 0.04), rng.uniform(0.85, 1.05)
    return [
        (box["x"] + box["width"] * (0.5 + (x - 0.5) * s + dx), box["y"] + box["height"] * (0.5 + (y - 0.5) * s + dy))
        for x, y in SHAPES[shape]
    ]


def _stroke(page, pts) -> tuple[float, float, list]:
    """One stroke through `pts`: ms from mouse-up to the verdict on screen and to the last map, and the live frames."""
    page.evaluate("() => { window.__t0 = undefined; window.__marks = {}; window.__live = []; }")
    page.mouse.move(*pts[0])
    page.mouse.down()
    for x, y in pts[1:]:
        page.mouse.move(x, y, steps=3)
    page.evaluate("() => { window.__t0 = performance.now(); }")
    page.mouse.up()
    page.wait_for_function(
        f"() => window.__marks.verdict && {len(MAPS)} === Object.keys(window.__marks).length - 1", timeout=60_000
    )
    t0, m, lv = page.evaluate("() => [window.__t0, window.__marks, window.__live || []]")
    return m["verdict"] - t0, max(m[f"m{k}"] for k in range(len(MAPS))) - t0, lv


def _fresh_page(browser, server):
    """A new browser session on the Draw page, opened and settled (the networks' path in the browser loaded)."""
    from tests.browser.harness import open_page

    page = browser.new_context(viewport={"width": 1500, "height": 1100}).new_page()
    open_page(page, server, "Draw", "Stroke width")
    page.evaluate(OBSERVE, MAPS)
    live_panel = page.locator("[data-testid='draw-live'][data-net-path]:not([data-net-path='loading'])")
    live_panel.wait_for(timeout=60_000)
    return page, live_panel.get_attribute("data-net-path")


def browser_bench(strokes: int = STROKES, first: int = FIRST) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, Server, wait_idle
    from tests.browser.harness import canvas_box as box_of

    server, net_path = Server(), None
    rng = np.random.default_rng(0)
    shapes = list(SHAPES)
    firsts = []  # (verdict, last map) of the first stroke on a freshly opened page, one per new browser session
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for k in range(first):  # the first of these is the server's first stroke ever
                page, net_path = _fresh_page(browser, server)
                v, m, _ = _stroke(page, _points(shapes[k % len(shapes)], box_of(page), rng))
                firsts.append((v, m))
                wait_idle(page)
                page.context.close()
            page, net_path = _fresh_page(browser, server)
            verdict, last, live = [], [], []
            for i in range(strokes + 1):  # the first is this page's own first stroke, left out of the warm figures
                if page.get_by_test_id("draw-verdict").count():
                    page.get_by_role("button", name="✕ Clear").click()
                    page.get_by_text("Draw a digit on the canvas").wait_for(timeout=60_000)
                    wait_idle(page)
                v, m, lv = _stroke(page, _points(shapes[i % len(shapes)], box_of(page), rng))
                wait_idle(page)
                if i == 0:
                    continue
                verdict.append(v)
                last.append(m)
                live.extend(lv)
            browser.close()
    finally:
        server.stop()
    q = lambda a, p: float(np.percentile(a, p))  # noqa: E731
    fv, fm = [f[0] for f in firsts], [f[1] for f in firsts]
    print(f"first stroke on a freshly opened Draw page ({first} new browser sessions), mouse-up to:")
    print(
        f"  the verdict on screen:   server's first {fv[0]:6.0f} ms; later sessions p50 {q(fv[1:], 50):6.0f} ms, max {max(fv[1:]):6.0f} ms"
    )
    print(
        f"  the last map on screen:  server's first {fm[0]:6.0f} ms; later sessions p50 {q(fm[1:], 50):6.0f} ms, max {max(fm[1:]):6.0f} ms"
    )
    print(f"{strokes} later strokes ({', '.join(shapes)}) on one page, each on a cleared canvas, mouse-up to:")
    print(f"  the verdict on screen:   p50 {q(verdict, 50):6.0f} ms, p95 {q(verdict, 95):6.0f} ms, max {max(verdict):6.0f} ms")
    print(f"  the last map on screen:  p50 {q(last, 50):6.0f} ms, p95 {q(last, 95):6.0f} ms, max {max(last):6.0f} ms")
    if live:
        print(
            f"  pointer move to the live answers on screen (networks via {net_path}; {len(live)} frames, from each frame's oldest move): p50 {q(live, 50):.1f} ms, p95 {q(live, 95):.1f} ms"
        )
    else:
        print("  (no live verdict during the stroke: the canvas shows none)")


def canvas_stroke(rng) -> np.ndarray:
    """A random scribble as the canvas returns it: RGBA 280x280, white on black."""
    img = Image.new("RGBA", (280, 280), (0, 0, 0, 255))
    d = ImageDraw.Draw(img)
    pts = [tuple(rng.integers(40, 240, 2).tolist()) for _ in range(rng.integers(3, 8))]
    d.line(pts, fill=(255, 255, 255, 255), width=20, joint="curve")
    return np.asarray(img)


def server_bench() -> None:
    """The server's work per stroke: preprocessing, every model, its map (the page's own functions)."""
    import torch

    from mnistdash.draw.live import read_digit
    from mnistdash.zoo import load_all, registry

    torch.set_num_threads(1)
    models, _ = load_all()
    names = [n for n in registry.classifiers() if n in models]
    rng = np.random.default_rng(0)
    read_digit(models, canvas_stroke(rng), names)
    compute = []
    for _ in range(50):
        arr = canvas_stroke(rng)
        t0 = time.perf_counter()
        read_digit(models, arr, names, "input-x-gradient")
        compute.append(time.perf_counter() - t0)
    ms = lambda a, q: 1000 * float(np.percentile(a, q))  # noqa: E731
    print(
        f"stroke -> preprocessing + {len(names)} predictions + maps: p50 {ms(compute, 50):.1f} ms, p95 {ms(compute, 95):.1f} ms"
    )


if __name__ == "__main__":
    server_bench() if "--server" in sys.argv else browser_bench()
