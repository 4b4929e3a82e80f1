"""In a real browser: a drawn 1 reads as a digit; an uploaded scribble gets the "not a digit" notice beside the guesses."""

from __future__ import annotations

import pytest

from mnistdash.robustness.ood.nondigits import make_images
from tests.browser.harness import assert_no_errors, audit, canvas_box, open_page, stroke, wait_idle

pytestmark = pytest.mark.browser


def _notice(page):
    notice = page.get_by_test_id("ood-notice")
    notice.wait_for(timeout=60_000)
    wait_idle(page)
    return notice


def test_a_drawn_one_is_a_digit(page, server):
    open_page(page, server, "Draw", "Stroke width")
    box = canvas_box(page)
    x0, y0 = box["x"], box["y"]
    stroke(page, [(x0 + 150, y0 + 40)] + [(x0 + 150 + i * 0.3, y0 + 40 + 10 * i) for i in range(20)], steps=2)
    assert _notice(page).get_attribute("data-state") == "digit"
    assert page.get_by_text("This does not look like a digit").count() == 0
    assert page.get_by_test_id("draw-verdict").inner_text() == "1"
    assert_no_errors(page)


def test_an_uploaded_scribble_is_not_a_digit(page, server, tmp_path):
    path = tmp_path / "scribble.png"
    make_images("scribbles", 1, seed=7)[0].save(path)
    open_page(page, server, "Draw", "Stroke width")
    page.get_by_text("upload", exact=True).click()
    wait_idle(page)
    page.locator("input[type=file]").set_input_files(str(path))
    notice = _notice(page)
    page.screenshot(path="/tmp/ood-scribble.png", full_page=False)
    assert notice.get_attribute("data-state") == "not-a-digit"
    assert "This does not look like a digit" in notice.inner_text()
    assert "only a guess" in notice.inner_text()
    assert page.get_by_test_id("draw-verdict").count() == 1  # the guesses stay visible
    page.get_by_text('How the "not a digit" check is measured').click()
    page.get_by_text("count as caught").first.wait_for(timeout=30_000)
    assert page.locator("img[alt^='a non-digit (noise)']").count() >= 1
    page.get_by_text("count as caught").first.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/ood-measured.png", full_page=False)
    assert not audit(page)  # the red notice and the examples pass axe too
    assert_no_errors(page)
