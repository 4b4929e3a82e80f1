"""The browser tests' harness: a real `streamlit run` server on a free port (stopped by its own PID), Debian's
Chromium's flags, and the page helpers the tests, bench/ and deploy/ share (open a page, wait for the script, draw,
audit with axe, read the quiz's crowd table and the mislabel editor)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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
    ("Trust_the_maps", "Checking the checkers on the exact answer"),
    ("Lessons", "Step 1 of"),
    ("Microscope", "cnn · layer conv1"),
    ("Replay", "Learned last, and forgotten on the way"),
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


def open_page(page, server, path: str = "", wait_text: str | None = None, timeout: float = 90_000):
    page.goto(f"{server.url}/{path}")
    page.get_by_test_id("stApp").wait_for(timeout=timeout)
    if wait_text:
        page.get_by_text(wait_text, exact=False).first.wait_for(timeout=timeout)
    wait_idle(page)


def wait_idle(page, timeout: float = 60_000):
    """Wait until the script has finished running (no 'Running...' status widget) and its widgets are drawn: a
    widget shows as a grey skeleton until its code reaches the browser, which took seconds in a fresh browser
    context while the server was busy (a Tab then skipped every widget). The skeletons' wait gives up quietly."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)
    try:
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=20_000)
    except PlaywrightTimeout:
        pass
    page.wait_for_timeout(200)


# How much of the page is drawn: its element count and its Plotly layers; the page has settled once it stops changing.
PAGE_SHAPE = "() => [document.querySelectorAll('*').length, document.querySelectorAll('.js-plotly-plot .main-svg').length]"


def settled(page, script: str = PAGE_SHAPE, interval: float = 150, timeout: float = 10_000):
    """`script`'s value once two readings `interval` ms apart agree (Plotly lays out annotations after the first
    paint; a tab draws its figures after the click): a wait on the page itself, not a fixed sleep."""
    before = page.evaluate(script)
    deadline = time.time() + timeout / 1000
    while time.time() < deadline:
        page.wait_for_timeout(interval)
        now = page.evaluate(script)
        if now == before:
            return now
        before = now
    return before


def choose(page, box, option: str, exact: bool = True, tries: int = 4) -> None:
    """Pick `option` in the select box `box`: open its list and click the option, opening it again when a rerun
    that landed meanwhile redrew the box and closed its list (seen on a loaded machine)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    item = page.get_by_role("option", name=option, exact=exact).first
    for attempt in range(tries):
        box.click()
        try:
            item.click(timeout=8_000)
            return
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise
            wait_idle(page)


def steady_screenshot(page, locator, tries: int = 5) -> bytes:
    """`locator`'s picture once the page has settled: a script rerun can replace the figure while Playwright waits
    for it to hold still ("not attached to the DOM"), so settle and take it again, up to `tries` times."""
    from playwright.sync_api import Error

    for attempt in range(tries):
        settled(page)
        try:
            return locator.screenshot(timeout=15_000)
        except Error:
            if attempt == tries - 1:
                raise
    raise AssertionError("unreachable")


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


# ---- helpers that tests, bench/ and deploy/ share ------------------------------------------------

QUIZ = "You_vs_the_models"

AXE = Path(__file__).parent / "vendor" / "axe.min.js"

# Violations Streamlit itself causes and an app cannot change: rule -> (a JS test of the failing element, why).
FRAMEWORK = {
    "color-contrast": (
        "el.closest('[data-testid=stElementContainer], .stElementContainer')"
        "?.querySelector('input:disabled, button:disabled, [aria-disabled=true]') != null",
        "the label of a disabled widget: Streamlit greys it out (WCAG 1.4.3 exempts inactive controls, "
        "but axe cannot tell the label belongs to one)",
    ),
}

AUDIT = """async (framework) => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  const found = [];
  for (const v of result.violations) {
    if (!['critical', 'serious'].includes(v.impact)) continue;
    const nodes = v.nodes.filter(n => {
      if (!(v.id in framework)) return true;
      const el = document.querySelector(n.target[0]);
      return !(el && new Function('el', 'return ' + framework[v.id])(el));
    });
    if (nodes.length) found.push({rule: v.id, impact: v.impact, help: v.help, count: nodes.length,
                                  nodes: nodes.slice(0, 5).map(n => n.html.slice(0, 200))});
  }
  return found;
}"""


def audit(page) -> list[dict]:
    """axe's critical and serious violations on the page as it is now, less the framework's own."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AUDIT, {rule: test for rule, (test, _why) in FRAMEWORK.items()})


def model_answers(table, model: str) -> list[str]:
    row = table.locator("tr", has=table.page.locator("code", has_text=model)).first
    return [c.split("\n")[0].strip() for c in row.locator("td").all_inner_texts()]


def crowd_rows(page) -> dict[str, list[str]]:
    """The crowd table: test digit -> its other cells."""
    rows = {}
    for row in page.locator(".st-key-quiz_crowd tbody tr").all():
        cells = [c.strip() for c in row.locator("th, td").all_inner_texts()]
        rows[cells[0]] = cells[1:]
    return rows


LABEL_WRONG, EXPLAIN = 0.517, 0.81  # column centres as fractions of the editor's width (measured at 1500 px)


def verdict_box(page, editor, column: float, row: int = 0):
    """Centre of a cell of the mislabel editor (fractions of its width, measured at 1500 px wide)."""
    box = editor.bounding_box()
    return box["x"] + box["width"] * column, box["y"] + 36 + 60 * row + 30


def canvas(page):
    c = page.locator(CANVAS).first
    c.wait_for(timeout=60_000)
    return c


def stroke_one(page):
    """A vertical bar in the middle of the canvas: a 1."""
    box = canvas(page).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.15
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 21):
        page.mouse.move(x, y + i * box["height"] * 0.035, steps=2)
    page.mouse.up()
    page.get_by_test_id("draw-verdict").wait_for(timeout=60_000)
    wait_idle(page)
