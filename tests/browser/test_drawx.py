"""In a real browser: a 1, then the bar that makes it a 7, seen stroke by stroke; "make it a 0" shows the ink to add;
both maps carry the digit; Undo takes the timeline back a stroke and the search waits to be asked again."""

from __future__ import annotations

import pytest

from tests.browser.harness import assert_no_errors, audit, canvas_box, model_answers, open_page, stroke, wait_idle

pytestmark = pytest.mark.browser


def _timeline(page, strokes: int):
    table = page.locator(f"[data-testid='stroke-timeline'][data-strokes='{strokes}']")
    table.wait_for(timeout=60_000)
    wait_idle(page)
    return table


def test_a_one_becomes_a_seven_stroke_by_stroke_and_make_it_a_zero(page, server):
    open_page(page, server, "Draw", "Stroke width")
    box = canvas_box(page)
    x0, y0 = box["x"], box["y"]
    stroke(page, [(x0 + 160, y0 + 50 + i * 9) for i in range(21)])  # a 1
    table = _timeline(page, 1)
    assert model_answers(table, "cnn") == ["1"]
    stroke(page, [(x0 + 80 + i * 8, y0 + 50) for i in range(11)])  # the bar on top: a 7
    table = _timeline(page, 2)
    cnn = model_answers(table, "cnn")
    assert cnn[0] == "1" and len(cnn) == 2, cnn
    assert cnn[1] == "7", cnn
    assert table.locator("td[data-stroke='2'][title='changed its answer here']").count() >= 1
    assert page.locator("img[data-testid='draw-map-bottleneck']").count() == 1
    assert page.locator("img[data-testid='draw-map-tsne']").count() == 1
    assert page.locator(".st-key-draw_strip_tsne img").count() == 8
    assert page.locator(".st-key-draw_strip_bottleneck img").count() == 8
    page.screenshot(path="/tmp/drawx-seven.png", full_page=True)

    page.locator(".st-key-cf_target").get_by_role("radio", name="0", exact=True).click()  # make it a 0 (for the cnn)
    overlay = page.locator("img[data-testid='cf-overlay']")
    overlay.wait_for(timeout=60_000)
    wait_idle(page)
    text = " ".join(page.locator("[data-testid='stMarkdownContainer'], [data-testid='stCaptionContainer']").all_inner_texts())
    assert "reads **0**" not in text  # rendered, not raw markdown
    assert "pixels brightened" in text
    assert ("reads 0 at" in text) or ("No small change found" in text), text
    overlay.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/drawx-zero.png", full_page=False)
    assert_no_errors(page)
    found = audit(page)  # the timeline table, both maps and the overlay, to axe
    assert not found, found

    page.get_by_role("button", name="↶ Undo").click()  # the bar goes, and its column with it
    table = _timeline(page, 1)
    assert model_answers(table, "cnn") == ["1"]
    overlay.wait_for(state="detached", timeout=60_000)  # drawn below the timeline: gone once the run ends
    assert overlay.count() == 0  # a network's search waits for a click on a new drawing (it takes up to 1.5 s)
    page.get_by_role("button", name="Search for this drawing").click()
    overlay.wait_for(timeout=60_000)
    wait_idle(page)
    page.get_by_role("button", name="✕ Clear").click()
    page.get_by_text("Draw a digit on the canvas").wait_for(timeout=60_000)
    # the timeline goes when the run that showed the prompt ends (a fragment's rerun shows no status widget to wait
    # for, and under load the prompt was on the page while the old timeline still was): wait for it to go
    page.locator("[data-testid='stroke-timeline']").wait_for(state="detached", timeout=60_000)
    wait_idle(page)
    assert page.locator("[data-testid='stroke-timeline']").count() == 0
    assert_no_errors(page)
