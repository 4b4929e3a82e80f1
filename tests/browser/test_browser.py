"""The dashboard in a real browser: Debian's Chromium, driven by Playwright, against `streamlit run`."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.browser.harness import PAGES, assert_no_errors, canvas_box, open_page, stroke, wait_idle

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path,text", PAGES)
def test_page_opens_without_errors(page, server, path, text):
    open_page(page, server, path, text)
    assert_no_errors(page)


def test_explain_maps_update_when_the_digit_changes(page, server):
    open_page(page, server, "Explain", "exact contributions")
    table = page.get_by_test_id("stDataFrame").first
    page.get_by_text("test digit #0, labelled 7").first.wait_for(timeout=60_000)
    box = page.get_by_label("Index (0-9999)")
    box.fill("1")
    box.press("Enter")
    page.get_by_text("test digit #1, labelled 2").first.wait_for(timeout=60_000)
    wait_idle(page)
    assert page.locator(".js-plotly-plot").count() >= 3
    assert table.is_visible()
    assert_no_errors(page)


def _verdict(page) -> str:
    el = page.get_by_test_id("draw-verdict")
    el.wait_for(timeout=60_000)
    wait_idle(page)
    return el.inner_text().strip()


def _cnn_reading(page) -> str:
    text = page.get_by_text(re.compile(r"`?cnn`? \*?\*?\d")).first
    return text.inner_text()


def test_draw_a_one_and_a_zero_then_clear(page, server):
    open_page(page, server, "Draw", "Stroke width")
    box = canvas_box(page)
    x0, y0 = box["x"], box["y"]
    stroke(page, [(x0 + 140, y0 + 40 + i * 10) for i in range(21)])
    page.get_by_test_id("draw-verdict").wait_for(timeout=60_000)
    wait_idle(page)
    assert re.search(r"cnn\s*1\b", page.locator("[data-testid='stMarkdownContainer']").all_inner_texts().__str__())
    assert_no_errors(page)
    # clear, then draw a closed loop
    page.get_by_role("button", name="✕ Clear").click()
    page.get_by_text("Draw a digit on the canvas").wait_for(timeout=60_000)
    wait_idle(page)
    t = np.linspace(0, 2 * np.pi, 40)
    loop = [(x0 + 140 + 60 * np.sin(a), y0 + 140 - 90 * np.cos(a)) for a in t]
    stroke(page, loop)
    page.get_by_test_id("draw-verdict").wait_for(timeout=60_000)
    wait_idle(page)
    texts = str(page.locator("[data-testid='stMarkdownContainer']").all_inner_texts())
    assert re.search(r"cnn\s*0\b", texts), texts
    page.get_by_role("button", name="✕ Clear").click()
    page.get_by_text("Draw a digit on the canvas").wait_for(timeout=60_000)


def test_upload_a_non_image(page, server, tmp_path):
    open_page(page, server, "Draw", "Stroke width")
    page.get_by_text("upload", exact=True).click()
    wait_idle(page)
    bad = tmp_path / "notes.png"
    bad.write_text("not an image at all")
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_text("not an image Pillow can read").wait_for(timeout=60_000)
    assert page.get_by_test_id("stException").count() == 0


def test_click_a_confusion_cell(page, server):
    from mnistdash import store
    from mnistdash.data import load_split

    labels = load_split("test").labels
    preds = store.load_artifact("probs-logreg-multinomial")["test"].astype(np.float32).argmax(1)
    expected = int(((labels == 4) & (preds == 9)).sum())
    open_page(page, server, "Errors", "Click a cell")
    plot = page.locator(".js-plotly-plot").first
    plot.wait_for(timeout=60_000)
    # The cell (true 4, predicted 9): find it through plotly's own axes.
    xy = page.evaluate(
        """() => { const gd = document.querySelector('.js-plotly-plot'); const l = gd._fullLayout;
        const r = gd.getBoundingClientRect();
        return [r.left + l._size.l + l.xaxis.l2p(9), r.top + l._size.t + l.yaxis.l2p(4)]; }"""
    )
    page.mouse.click(*xy)
    page.get_by_text(f"True 4, predicted 9: {expected} digits").wait_for(timeout=60_000)
    wait_idle(page)
    grid = page.locator("[class*='st-key-cell_'] img")
    grid.first.wait_for(timeout=60_000)
    assert grid.count() == min(expected, 60)
    assert_no_errors(page)
    # Click the first digit's button: the Explain page opens on it.
    container = page.locator("[class*='st-key-cell_']").first
    first = int(re.search(r"#(\d+) · 4→9", container.inner_text()).group(1))
    container.get_by_role("button", name="explain").first.click()
    page.get_by_text(f"test digit #{first}, labelled 4").first.wait_for(timeout=60_000)
    wait_idle(page)
    assert_no_errors(page)


def test_box_select_on_a_scatter(page, server):
    open_page(page, server, "Embedding", "t-SNE of the pixels")
    plot = page.locator(".js-plotly-plot").nth(1)
    plot.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    plot.hover()
    page.locator(".modebar-btn[data-title='Box Select']").nth(1).click()
    b = plot.locator(".nsewdrag").first.bounding_box()
    cx, cy = b["x"] + b["width"] / 2, b["y"] + b["height"] / 2
    page.mouse.move(cx - 60, cy - 60)
    page.mouse.down()
    page.mouse.move(cx + 60, cy + 60, steps=8)
    page.mouse.up()
    page.get_by_text(re.compile(r"\d+ selected digits")).wait_for(timeout=60_000)
    wait_idle(page)
    grid = page.locator("[class*='st-key-emb_sel_grid'] img")
    grid.first.wait_for(timeout=60_000)
    n = int(re.search(r"(\d+) selected digits", page.get_by_text(re.compile(r"\d+ selected digits")).inner_text()).group(1))
    assert grid.count() == min(n, 50)
    assert_no_errors(page)
