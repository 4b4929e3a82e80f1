"""How long the faithfulness leaderboard takes to show: the server's script time for its page, Trust the maps
(AppTest, cold and then warm caches), and in headless Chromium the time from asking for the page to the
leaderboard's table drawn (its canvas holding numbers), and from a click on a column header to the rows sorted.

    .venv/bin/python bench/leaderboard_render.py [--runs 5]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
torch.set_num_threads(1)


def server_side(runs: int) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)  # the entrypoint, as the server runs it
    at.switch_page("pages/10_Trust_the_maps.py")
    t = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t
    assert not at.exception, [e.message for e in at.exception]
    warm = []
    for _ in range(runs):
        t = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - t)
    print(
        f"server, the Trust the maps page: first run {1000 * cold:.0f} ms (imports, artifact read), then median "
        f"{1000 * np.median(warm):.0f} ms, max {1000 * max(warm):.0f} ms over {runs} reruns"
    )


def _board(page):
    return page.locator("[data-testid='stDataFrame']").first  # the page's first table is the leaderboard


def _drawn(board) -> None:
    """Until the table's canvas holds dark text: its numbers drawn, what a person sees (the grid's accessible copy of
    the cells, which the sort test reads, comes about half a second later)."""
    from PIL import Image

    board.wait_for(timeout=120_000)
    board.scroll_into_view_if_needed()
    while (np.asarray(Image.open(io.BytesIO(board.screenshot())).convert("L")) < 128).mean() <= 0.005:
        pass


def in_browser(runs: int) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, Server, open_page

    srv = Server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_context(viewport={"width": 1500, "height": 1100}).new_page()
            open_page(page, srv, "Trust_the_maps", "Checking the checkers")  # the first session imports everything
            switched, opened, sorted_in = [], [], []
            for _ in range(runs):  # a person on another page clicks the sidebar's link: the page switches in place
                open_page(page, srv, "Weights", "Side by side")
                t = time.perf_counter()
                page.get_by_role("link", name="Trust the maps").first.click()
                _drawn(_board(page))
                switched.append(time.perf_counter() - t)
            for _ in range(runs):  # the page's address opened anew: Streamlit's scripts loaded, a new session
                t = time.perf_counter()
                page.goto(f"{srv.url}/Trust_the_maps?model=cnn")
                board = _board(page)
                _drawn(board)
                opened.append(time.perf_counter() - t)
                before = board.screenshot()
                box = board.bounding_box()
                t = time.perf_counter()
                page.mouse.click(box["x"] + 300, box["y"] + 18)  # a column header
                while board.screenshot() == before:
                    pass
                sorted_in.append(time.perf_counter() - t)
            browser.close()
    finally:
        srv.stop()
    print(
        f"browser, the sidebar's link clicked on another page -> leaderboard drawn: median {np.median(switched):.2f} s, "
        f"max {max(switched):.2f} s\n"
        f"browser, the address opened anew -> drawn: median {np.median(opened):.2f} s, max {max(opened):.2f} s\n"
        f"browser, a column header clicked -> sorted: median {1000 * np.median(sorted_in):.0f} ms"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    server_side(args.runs)
    in_browser(args.runs)


if __name__ == "__main__":
    main()
