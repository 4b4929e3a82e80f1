"""Readable views in a real browser: a click enlarges a map, one click sets a verdict, explain links open the digit."""

from __future__ import annotations

import re

import pytest

from tests.browser.harness import EXPLAIN, LABEL_WRONG, assert_no_errors, open_page, verdict_box, wait_idle

pytestmark = pytest.mark.browser


def _click_below(page, annotation, dy: float = 30):
    annotation.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)  # the figure settles after scrolling
    box = annotation.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] + dy)
    page.wait_for_timeout(500)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] + dy)


def test_a_click_on_a_weight_map_enlarges_it_with_hover_values(page, server):
    open_page(page, server, "Weights", "Side by side")
    chart = page.locator(".st-key-w_main .js-plotly-plot")
    chart.wait_for(timeout=60_000)
    label = chart.locator(".annotation-text").nth(3)  # class 3
    _click_below(page, label)
    dialog = page.get_by_role("dialog")
    dialog.wait_for(timeout=60_000)
    assert "class 3" in dialog.inner_text()
    big = dialog.locator(".js-plotly-plot")
    big.wait_for(timeout=60_000)
    box = big.locator(".nsewdrag").first.bounding_box()
    assert box["width"] > 300 and box["height"] > 300  # large: the grid's maps are about 80 px
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    dialog.locator(".hoverlayer .hovertext").first.wait_for(timeout=10_000)
    assert re.search(r"row 1[34], col 1[34]\s*weight -?\d", dialog.locator(".hoverlayer").text_content())
    assert_no_errors(page)


def test_a_click_on_the_explain_grid_enlarges_that_cell(page, server):
    open_page(page, server, "Explain", "exact contributions")
    chart = page.locator(".st-key-grid .js-plotly-plot")
    chart.wait_for(timeout=60_000)
    header = chart.locator(".annotation-text", has_text=re.compile("integrated")).first
    _click_below(page, header, dy=40)
    dialog = page.get_by_role("dialog")
    dialog.wait_for(timeout=60_000)
    assert "integrated gradients" in dialog.inner_text()
    assert_no_errors(page)


def test_one_click_sets_a_verdict_and_explain_opens_the_digit(page, server):
    open_page(page, server, "Errors", "Click a cell")
    page.get_by_role("tab", name="Likely mislabelled").click()
    wait_idle(page)
    editor = page.locator(".st-key-mis_table [data-testid='stDataFrame']")
    editor.wait_for(timeout=60_000)
    download = page.get_by_test_id("stDownloadButton").filter(has_text="marks as CSV")  # not a figure's PNG/SVG/CSV
    assert "0 marks" in download.inner_text()
    page.mouse.click(*verdict_box(page, editor, LABEL_WRONG))  # "label wrong" of the first row
    wait_idle(page)
    page.get_by_text("Download 1 mark as CSV").wait_for(timeout=30_000)
    editor.hover()
    assert not page.locator(".st-key-mis_table button[aria-label='Download as CSV']").is_visible()
    link = verdict_box(page, editor, EXPLAIN)  # the explain link of the first row
    page.mouse.move(*link)  # the grid draws links as links once the pointer is over them
    page.wait_for_timeout(500)
    with page.context.expect_page(timeout=30_000) as opened:
        page.mouse.click(*link)
    explain = opened.value
    explain.wait_for_load_state()
    assert re.search(r"/Explain\?digit=\d+$", explain.url)
    digit = explain.url.rsplit("=", 1)[1]
    explain.get_by_text(f"test digit #{digit},").first.wait_for(timeout=90_000)
    assert_no_errors(explain)
