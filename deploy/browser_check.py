"""Chromium checks on a running container: Home and /Draw render with no error box, a drawn stroke is read as 1."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, assert_no_errors, canvas_box, open_page, stroke, wait_idle  # noqa: E402
from tests.browser.harness import model_answers as _answers  # noqa: E402


class Url:
    """What open_page needs of a server: its address."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")


def check(url: str) -> None:
    server = Url(url)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_context(viewport={"width": 1500, "height": 1100}).new_page()
        open_page(page, server, "", "Leaderboard")
        assert_no_errors(page)
        print("home page rendered, no error box")
        open_page(page, server, "Draw", "Stroke width")
        assert_no_errors(page)
        box = canvas_box(page)
        stroke(page, [(box["x"] + 160, box["y"] + 50 + i * 9) for i in range(21)])  # a vertical stroke: a 1
        table = page.locator("[data-testid='stroke-timeline'][data-strokes='1']")
        table.wait_for(timeout=60_000)
        wait_idle(page)
        answer = _answers(table, "cnn")
        assert answer == ["1"], f"the cnn read the stroke as {answer}, not 1"
        assert_no_errors(page)
        print("/Draw rendered, a drawn stroke read as 1 by the cnn")
        browser.close()


if __name__ == "__main__":
    try:
        check(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8501")
    except AssertionError as e:
        print(f"browser check failed: {e}")
        sys.exit(1)
