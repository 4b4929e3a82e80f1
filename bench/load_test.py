"""A bounded load test on loopback: N real browser sessions at once, each drawing digits on the Draw
page and clicking confusion-matrix cells on the Errors page for a fixed time. Prints errors, how
many drawn 1s were read as 1 by the convnet, and p50/p95 latency of each action.

    .venv/bin/python bench/load_test.py [--sessions 10] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, Server  # noqa: E402

IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"


async def idle(page):
    await page.wait_for_timeout(250)
    await page.wait_for_function(IDLE, timeout=120_000)


async def session(browser, url: str, until: float, stats: dict, k: int):
    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await ctx.new_page()
    try:
        while time.time() < until:
            # Draw a vertical stroke: the convnet must read a 1.
            await page.goto(f"{url}/Draw")
            await page.get_by_text("Stroke width").wait_for(timeout=120_000)
            await idle(page)
            box = await page.locator("canvas[data-testid='draw-canvas']").first.bounding_box()
            x = box["x"] + 120 + (k % 5) * 8
            await page.mouse.move(x, box["y"] + 40)
            await page.mouse.down()
            for i in range(20):
                await page.mouse.move(x + (i % 3) * 0.5, box["y"] + 40 + 10 * i)
            t0 = time.perf_counter()
            await page.mouse.up()
            await page.get_by_test_id("draw-verdict").wait_for(timeout=120_000)
            await idle(page)
            stats["draw"].append(time.perf_counter() - t0)
            texts = " ".join(await page.locator("[data-testid='stMarkdownContainer']").all_inner_texts())
            stats["ones"].append(bool(re.search(r"cnn\s*1\b", texts)))
            stats["errors"] += await page.get_by_test_id("stException").count()
            # Click a confusion-matrix cell.
            await page.goto(f"{url}/Errors")
            await page.get_by_text("Click a cell").first.wait_for(timeout=120_000)
            await idle(page)
            await page.locator(".js-plotly-plot").first.wait_for(timeout=120_000)
            await page.wait_for_function("() => !!document.querySelector('.js-plotly-plot')._fullLayout", timeout=120_000)
            true, pred = [(4, 9), (7, 2), (3, 5), (9, 4)][k % 4]
            xy = await page.evaluate(
                f"""() => {{ const gd = document.querySelector('.js-plotly-plot'); const l = gd._fullLayout;
                const r = gd.getBoundingClientRect();
                return [r.left + l._size.l + l.xaxis.l2p({pred}), r.top + l._size.t + l.yaxis.l2p({true})]; }}"""
            )
            t0 = time.perf_counter()
            await page.mouse.click(*xy)
            await page.get_by_text(f"True {true}, predicted {pred}").wait_for(timeout=120_000)
            await idle(page)
            stats["cell"].append(time.perf_counter() - t0)
            stats["errors"] += await page.get_by_test_id("stException").count()
    except Exception as exc:  # a failed action is an error of the run, reported below
        stats["failures"].append(f"session {k}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    finally:
        await ctx.close()


async def main_async(n: int, seconds: float):
    from playwright.async_api import async_playwright

    srv = Server()
    stats = {"draw": [], "cell": [], "ones": [], "errors": 0, "failures": []}
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            warm = await browser.new_page()
            await warm.goto(srv.url)
            await warm.get_by_text("Leaderboard").wait_for(timeout=120_000)
            until = time.time() + seconds
            await asyncio.gather(*(session(browser, srv.url, until, stats, k) for k in range(n)))
            await browser.close()
    finally:
        srv.stop()
    ms = lambda a, q: 1000 * float(np.percentile(a, q)) if a else float("nan")  # noqa: E731
    print(f"{n} sessions for {seconds:.0f} s: {len(stats['draw'])} drawings, {len(stats['cell'])} cell clicks")
    print(f"errors on screen: {stats['errors']}, failed actions: {len(stats['failures'])}")
    for f in stats["failures"]:
        print("  ", f)
    print(f"drawn 1s read as 1 by cnn: {sum(stats['ones'])} / {len(stats['ones'])}")
    print(f"draw -> prediction on screen: p50 {ms(stats['draw'], 50):.0f} ms, p95 {ms(stats['draw'], 95):.0f} ms")
    print(f"cell click -> digits on screen: p50 {ms(stats['cell'], 50):.0f} ms, p95 {ms(stats['cell'], 95):.0f} ms")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=60)
    args = ap.parse_args()
    asyncio.run(main_async(args.sessions, args.seconds))
