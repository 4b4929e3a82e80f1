"""The Linear lab in a real browser: click a pair cell to see its histogram and digits; move the path slider."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.harness import assert_no_errors, open_page, steady_screenshot, wait_idle

pytestmark = pytest.mark.browser
TITLE = "How can a linear model read handwriting?"


def test_click_a_pair_cell_shows_histogram_and_digits(page, server):
    from mnistdash.lab import results

    pairs = results.load("lab-pairs")
    open_page(page, server, "Linear_lab", TITLE)
    page.get_by_role("tab", name="Pairwise separability").click()
    plot = page.locator("[data-testid='stTabPanel']:visible .js-plotly-plot").first  # the pair matrix
    plot.wait_for(timeout=60_000)
    page.wait_for_timeout(800)
    # The cell (4, 9): find it through plotly's own axes.
    xy = plot.evaluate(
        """gd => { const l = gd._fullLayout; const r = gd.getBoundingClientRect();
        return [r.left + l._size.l + l.xaxis.l2p(9), r.top + l._size.t + l.yaxis.l2p(4)]; }"""
    )
    page.mouse.click(*xy)
    heading = page.get_by_text(re.compile(r"^4 vs 9: train"))
    heading.wait_for(timeout=60_000)
    wait_idle(page)
    wrong = int(re.search(r"(\d+) test digits on the wrong side", heading.inner_text()).group(1))
    i = results.pair_index(pairs, 4, 9)
    assert f"test {100 * pairs['test_accuracy'][i]:.2f}%" in heading.inner_text()
    hist = page.locator("[data-testid='stTabPanel']:visible .js-plotly-plot .barlayer .point")
    assert hist.count() > 10  # the histogram's bars
    assert page.get_by_text("threshold").first.is_visible()
    grid = page.locator("[class*='st-key-lab_wrong_4_9'] img")
    buttons = page.locator("[class*='st-key-lab_wrong_4_9']").get_by_role("button", name="explain")
    assert wrong > 0
    expect(grid).to_have_count(min(wrong, 30), timeout=60_000)  # the grid arrives digit by digit: wait for all
    expect(buttons).to_have_count(min(wrong, 30), timeout=60_000)  # and an explain button under each
    assert_no_errors(page)


def test_moving_the_path_slider_changes_the_maps(page, server):
    open_page(page, server, "Linear_lab", TITLE)
    maps = page.locator("[data-testid='stTabPanel']:visible .js-plotly-plot").first
    maps.wait_for(timeout=60_000)
    before_png = steady_screenshot(page, maps)  # a second script run can redraw the figure just after it first shows
    caption = page.get_by_text(re.compile(r"^λ = "))
    before_text = caption.inner_text()
    thumb = page.get_by_role("slider").first  # the path slider: the other tabs' sliders are hidden
    thumb.focus()
    for _ in range(3):
        thumb.press("ArrowRight")
    page.wait_for_function(
        "t => ![...document.querySelectorAll('strong')].some(e => e.textContent.includes(t))",
        arg=before_text.split(":")[0].removeprefix("λ = ").strip(),
        timeout=60_000,
    )
    wait_idle(page)
    assert caption.inner_text() != before_text
    assert steady_screenshot(page, maps) != before_png
    assert_no_errors(page)
