"""Time from a click on each page's link to the page settled (script done, every figure drawn), one Denoise slider
step, and the server's RSS after 1 and 10 browser sessions visited every page.

    .venv/bin/python bench/page_settle.py [--sessions 10]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.browser_bench import rss_mb  # noqa: E402
from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, PAGES, Server, wait_idle  # noqa: E402


def settle(page, timeout: float = 120_000) -> None:
    """The script finished and every Plotly figure on the page has drawn its plot area."""
    wait_idle(page, timeout)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))",
        timeout=timeout,
    )


def visit_all(page, srv, label: str | None = None) -> dict[str, float]:
    """Open the home page, then click every page's link in the sidebar in turn; seconds from click to settled."""
    page.goto(srv.url)
    page.get_by_text("Leaderboard").first.wait_for(timeout=120_000)
    settle(page)
    times = {}
    for path, text in PAGES[1:]:
        link = page.locator(
            f'[data-testid="stPageLink-NavLink"][href="{path}"]:visible'
        ).first  # the sidebar's (the home page's own first)
        t0 = time.perf_counter()
        link.click()
        page.get_by_text(text, exact=False).first.wait_for(timeout=120_000)
        settle(page)
        times[path] = time.perf_counter() - t0
    return times


def slider_steps(page, srv, steps: int = 6) -> list[float]:
    """Seconds from one step of the Denoise page's noise slider (arrow key) to the page settled."""
    page.goto(f"{srv.url}/Denoise")
    page.get_by_text("Accuracy on all 10,000").first.wait_for(timeout=120_000)
    settle(page)
    slider = page.get_by_role("slider").first
    out = []
    for k in range(steps):
        slider.focus()
        t0 = time.perf_counter()
        page.keyboard.press("ArrowLeft" if k % 2 else "ArrowRight")
        page.wait_for_timeout(100)
        settle(page)
        out.append(time.perf_counter() - t0)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=10)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        srv = Server()
        try:
            runs = []
            for k in range(3):  # the first visit warms the server's caches; the next two are what a second visitor gets
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                runs.append(visit_all(context.new_page(), srv))
                context.close()
                if k == 0:
                    rss1 = rss_mb(srv.proc.pid)
            print("seconds from a click on the page's link to the page settled (first visitor, then the best of two more):")
            for path in runs[0]:
                later = min(r[path] for r in runs[1:])
                print(f"  {path:<18} first {runs[0][path]:5.2f}   later {later:5.2f}")
            print(f"server RSS after 1 session visited every page: {rss1:.0f} MB")
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            steps = slider_steps(context.new_page(), srv)
            context.close()
            print(
                f"Denoise, one slider step to settled: median {np.median(steps):.2f} s, max {max(steps):.2f} s ({len(steps)} steps)"
            )
            contexts = []
            for _ in range(args.sessions - 1):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                visit_all(context.new_page(), srv)
                contexts.append(context)  # kept open: their sessions stay alive on the server
            time.sleep(2)
            print(f"server RSS with {args.sessions} sessions open, each having visited every page: {rss_mb(srv.proc.pid):.0f} MB")
            for c in contexts:
                c.close()
        finally:
            srv.stop()
            browser.close()


if __name__ == "__main__":
    main()
