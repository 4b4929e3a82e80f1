"""Full-page screenshots of every page in headless Chromium, to look at what a person sees.

.venv/bin/python bench/screenshots.py [OUT_DIR] [PAGE ...]
SHOT_WIDTH=800 (default 1400) and SHOT_HEIGHT set the window; PAGE may carry a link's state (Explain?digit=247).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, Server, wait_idle  # noqa: E402

PAGES = ["", "Weights", "Explain", "Draw", "Errors", "Embedding", "Denoise", "Linear_lab"]


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/mnistdash-shots")
    pages = sys.argv[2:] or PAGES
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    srv = Server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(
                viewport={
                    "width": int(__import__("os").environ.get("SHOT_WIDTH", 1400)),
                    "height": int(__import__("os").environ.get("SHOT_HEIGHT", 2600)),
                }
            )
            for path in pages:
                page.goto(f"{srv.url}/{path}")
                page.get_by_test_id("stApp").wait_for(timeout=120_000)
                page.wait_for_timeout(1500)
                wait_idle(page, 120_000)
                page.wait_for_timeout(4000)
                target = out / f"{(path or 'home').replace('?', '_').replace('&', '_')}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)
            browser.close()
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
