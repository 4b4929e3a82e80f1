"""How quickly the Microscope answers: the server's script time for a unit's view and a layer's grid (AppTest, after a
first run that imports and reads), in headless Chromium a click on a unit in the grid -> its pictures and charts
drawn, and on the Draw page the server's work for an ablation after a stroke (the 5 units that matter most found,
the digit read with them off, as the section does).

    .venv/bin/python bench/microscope_latency.py [--runs 10]
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

UNITS = [("cnn", "conv2", u) for u in (3, 12, 40)] + [
    ("mlp", "1", 7),
    ("mlp-deep", "1", 250),
    ("bottleneck", "3", 1),
    ("cnn", "dense", 90),
]


def _pct(xs) -> str:
    return f"median {1000 * np.median(xs):.0f} ms, p95 {1000 * np.percentile(xs, 95):.0f} ms, max {1000 * max(xs):.0f} ms"


def server_side(runs: int) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/11_Microscope.py")
    at.run()  # imports, the artifacts read
    views, grids = [], []
    for r in range(runs):
        for model, layer, unit in UNITS:
            at.query_params.clear()
            at.query_params.update({"model": model, "layer": layer, "unit": str(unit + r)})
            t = time.perf_counter()
            at.run()
            views.append(time.perf_counter() - t)
            assert not at.exception, [e.message for e in at.exception]
        for model, layer in (("cnn", "conv3"), ("mlp-deep", "1"), ("bottleneck", "2")):
            at.query_params.clear()
            at.query_params.update({"model": model, "layer": layer})
            t = time.perf_counter()
            at.run()
            grids.append(time.perf_counter() - t)
    print(f"server, a unit's view ({len(views)} views of {len(UNITS)} units' neighbourhoods): {_pct(views)}")
    print(f"server, a layer's grid (128, 500 and 100 units, {len(grids)} runs): {_pct(grids)}")


def ablation_on_draw(runs: int) -> None:
    from mnistdash.data import load_split
    from mnistdash.explain import microscope as ms
    from mnistdash.zoo import load_all

    models, _ = load_all(list(ms.NETWORKS))
    x = load_split("test").floats()
    rng = np.random.default_rng(11)
    for name in ms.NETWORKS:
        module = models[name].module
        for layer in ms.layers(module):
            took = []
            for i in rng.choice(len(x), runs, replace=False):
                t = time.perf_counter()
                answer = int(ms.ablated_logits(module, x[i], layer, []).argmax())
                units = ms.most_needed(module, x[i], layer, answer)
                ms.ablated_logits(module, x[i], layer, units)
                took.append(time.perf_counter() - t)
            print(f"Draw, switch off the 5 that matter most, {name} layer {layer.name}: {_pct(took)}")


def in_browser(runs: int) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, Server, open_page

    srv = Server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_context(viewport={"width": 1500, "height": 1100}).new_page()
            opened = []
            open_page(page, srv, "Microscope?layer=conv2", "cnn · layer conv2")
            for r in range(runs + 1):  # a person in one session: a unit opened from the grid, then back to the grid
                tile = page.locator("a.ms-unit").nth(5 + r)
                tile.wait_for(timeout=60_000)
                t = time.perf_counter()
                tile.click()
                page.get_by_text(f"cnn · layer conv2 · channel {5 + r}").first.wait_for(timeout=60_000)
                page.locator(".st-key-ms_ablation .js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
                page.wait_for_function("() => [...document.querySelectorAll('.ms-look img')].every(i => i.complete)")
                if r:  # the first click loads Plotly's code into the page
                    opened.append(time.perf_counter() - t)
                page.get_by_role("button", name="All of layer conv2").click()
            print(f"Chromium, a unit clicked in the grid -> its view drawn (pictures and charts), same session: {_pct(opened)}")
            browser.close()
    finally:
        srv.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    server_side(max(1, args.runs // 3))
    ablation_on_draw(args.runs)
    in_browser(max(3, args.runs // 2))
