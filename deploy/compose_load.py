"""N quiz sessions at once through the balancer: each answers 10 digits; prints the answer latency (key to next digit)."""

from __future__ import annotations

import asyncio
import statistics
import sys
import time

from playwright.async_api import async_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync"]
IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"


async def session(browser, url: str, answers: int, latencies: list[float]) -> None:
    page = await (await browser.new_context(viewport={"width": 1500, "height": 1100})).new_page()
    await page.goto(f"{url}/You_vs_the_models")
    await page.get_by_role("button", name="Start a round").click(timeout=180_000)
    await page.get_by_text("Digit 1 of 20").wait_for(timeout=180_000)
    for k in range(answers):
        await page.wait_for_function(IDLE, timeout=120_000)
        await page.wait_for_timeout(600)  # a person's pace (the page refuses more than 2 answers a second)
        t0 = time.perf_counter()
        await page.locator(".st-key-quiz_key_7 button").click(timeout=120_000)
        await page.get_by_text(f"Digit {k + 2} of 20").wait_for(timeout=120_000)
        latencies.append(time.perf_counter() - t0)


async def guarded(browser, url: str, answers: int, latencies: list[float], failed: list[str]) -> None:
    try:
        await session(browser, url, answers, latencies)
    except Exception as exc:  # a slow or broken session is counted, the others go on
        failed.append(str(exc).splitlines()[0])


async def main(url: str, sessions: int, answers: int) -> None:
    latencies: list[float] = []
    failed: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        await asyncio.gather(*(guarded(browser, url, answers, latencies, failed) for _ in range(sessions)))
        await browser.close()
    if failed:
        print(f"{len(failed)} of {sessions} sessions did not finish: {failed[0]}")
    if len(latencies) < 2:
        sys.exit(1)
    q = statistics.quantiles(latencies, n=20, method="inclusive")
    print(
        f"{sessions} sessions x {answers} answers ({len(latencies)} timed): latency median {statistics.median(latencies):.2f} s, p95 {q[18]:.2f} s, max {max(latencies):.2f} s"
    )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 10))
