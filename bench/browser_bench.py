"""Real-browser figures: cold start (vs a bare one-line page), first render of every page, the canvas
round trip from stroke to prediction on screen, and server memory with 1 and 10 open sessions.

    .venv/bin/python bench/browser_bench.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser.harness import CANVAS, CHROMIUM, CHROMIUM_ARGS, PAGES, Server, wait_idle  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cold_start(browser, app: str | None, text: str, complete: bool = False) -> float:
    """`streamlit run` to `text` visible in a new browser page (optionally: to the script finished)."""
    t0 = time.perf_counter()
    srv = Server(app=app)
    page = browser.new_page()
    page.goto(srv.url)
    page.get_by_text(text).first.wait_for(timeout=120_000)
    if app is None:
        page.get_by_text("logreg-multinomial").first.wait_for(timeout=120_000)  # the leaderboard
    if complete:
        wait_idle(page, 120_000)
    elapsed = time.perf_counter() - t0
    page.close()
    srv.stop()
    return elapsed


def main():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        bare = Path(tempfile.mkdtemp()) / "bare.py"
        bare.write_text("import streamlit as st\nst.write('hello bare page')\n")
        t_bare = np.median([cold_start(browser, str(bare), "hello bare page") for _ in range(3)])
        t_home = np.median([cold_start(browser, None, "Leaderboard") for _ in range(3)])
        t_full = np.median([cold_start(browser, None, "Leaderboard", complete=True) for _ in range(2)])
        print(
            f"cold start to visible page: bare one-liner {t_bare:.2f} s, mnistdash home with its leaderboard {t_home:.2f} s, ratio {t_home / t_bare:.2f}x"
        )
        print(f"  ... to the home script finished (every model loaded and timed): {t_full:.2f} s")

        srv = Server()
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        print("first render of each page in a fresh server (s):")
        for path, text in PAGES:
            t0 = time.perf_counter()
            page.goto(f"{srv.url}/{path}")
            page.get_by_text(text).first.wait_for(timeout=120_000)
            wait_idle(page)
            print(f"  {path or 'home':<10} {time.perf_counter() - t0:6.2f}")
        print(f"server RSS with every model loaded, 1 session: {rss_mb(srv.proc.pid):.0f} MB")

        page.goto(f"{srv.url}/Draw")
        page.get_by_text("Stroke width").wait_for(timeout=60_000)
        wait_idle(page)
        box = page.locator(CANVAS).first.bounding_box()
        trips = []
        for k in range(10):
            page.get_by_role("button", name="✕ Clear").click() if k else None
            if k:
                page.get_by_text("Draw a digit on the canvas").wait_for(timeout=60_000)
                wait_idle(page)
            x = box["x"] + 100 + 8 * k
            page.mouse.move(x, box["y"] + 40)
            page.mouse.down()
            for i in range(20):
                page.mouse.move(x, box["y"] + 40 + 10 * i)
            t0 = time.perf_counter()
            page.mouse.up()
            page.get_by_test_id("draw-verdict").wait_for(timeout=60_000)
            wait_idle(page)
            trips.append(time.perf_counter() - t0)
        print(
            f"canvas round trip, mouse-up to every prediction and map on screen: p50 {1000 * np.median(trips):.0f} ms, p95 {1000 * np.percentile(trips, 95):.0f} ms (includes ~0.5 s of idle-wait polling)"
        )

        pages = []
        for i in range(10):
            pg = browser.new_page()
            pg.goto(f"{srv.url}/{PAGES[i % len(PAGES)][0]}")
            pages.append((pg, PAGES[i % len(PAGES)][1]))
        for pg, text in pages:
            pg.get_by_text(text).first.wait_for(timeout=120_000)
        time.sleep(2)
        print(f"server RSS with 10 open sessions on all pages: {rss_mb(srv.proc.pid):.0f} MB")
        srv.stop()
        browser.close()


if __name__ == "__main__":
    main()
