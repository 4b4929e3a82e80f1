"""A real `streamlit run` server and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# (url path, a text that shows once the page has rendered)
PAGES = [
    ("", "Leaderboard"),
    ("Weights", "Side by side"),
    ("Explain", "exact contributions"),
    ("Draw", "Stroke width"),
    ("Errors", "Click a cell"),
    ("Embedding", "t-SNE of the pixels"),
    ("Denoise", "Accuracy on all 10,000"),
    ("Linear_lab", "How can a linear model read handwriting?"),
    ("Adversarial", "reading of the adversarial digit"),
    ("You_vs_the_models", "Start a round"),
]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run app.py` on a free loopback port; stopped by its own PID."""

    def __init__(self, env: dict | None = None, app: str | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            app or str(ROOT / "app.py"),
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ]
        self.log = (
            open(ROOT / ".pytest_cache" / f"streamlit-{self.port}.log", "w")
            if (ROOT / ".pytest_cache").exists()
            else subprocess.DEVNULL
        )
        env = {"MALLOC_ARENA_MAX": "2", **os.environ, **(env or {})}  # as `make run` and the image start it
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("streamlit did not start")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="session")
def server():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (make test does this)")
    (ROOT / ".pytest_cache").mkdir(exist_ok=True)
    srv = Server()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    pg = context.new_page()
    yield pg
    context.close()


def open_page(page, server, path: str = "", wait_text: str | None = None, timeout: float = 90_000):
    page.goto(f"{server.url}/{path}")
    page.get_by_test_id("stApp").wait_for(timeout=timeout)
    if wait_text:
        page.get_by_text(wait_text, exact=False).first.wait_for(timeout=timeout)
    wait_idle(page)


def wait_idle(page, timeout: float = 60_000):
    """Wait until the script has finished running (no 'Running...' status widget)."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)
    page.wait_for_timeout(200)


def assert_no_errors(page):
    exc = page.get_by_test_id("stException")
    assert exc.count() == 0, exc.first.inner_text()
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, errors.first.inner_text()


# ---- drawing on the Draw page's canvas (one helper for every browser test and bench/draw_latency.py) ----------


CANVAS = "canvas[data-testid='draw-canvas']"  # the drawing component's canvas (in its shadow root: locators reach it)


def canvas_box(page) -> dict:
    """The drawing surface's box on the page (x, y, width, height)."""
    canvas = page.locator(CANVAS).first
    canvas.wait_for(timeout=60_000)
    return canvas.bounding_box()


def stroke(page, points, steps: int = 3) -> None:
    """One stroke through `points` (page coordinates): press, move through each, release."""
    page.mouse.move(*points[0])
    page.mouse.down()
    for p in points[1:]:
        page.mouse.move(*p, steps=steps)
    page.mouse.up()
