"""The Adversarial page in a real browser: move the epsilon slider by keyboard and see every model's reading."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_errors, open_page, wait_idle

pytestmark = pytest.mark.browser
TITLE = "reading of the adversarial digit"


def test_epsilon_slider_updates_the_readings(page, server):
    open_page(page, server, "Adversarial", TITLE)
    table = page.get_by_test_id("stDataFrame").first
    table.wait_for(timeout=60_000)
    thumb = page.locator("[class*='st-key-adv_eps'] [role='slider']")
    before = thumb.get_attribute("aria-valuenow")
    thumb.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    wait_idle(page)
    after = thumb.get_attribute("aria-valuenow")
    assert float(after) == pytest.approx(float(before) + 0.05)
    page.locator(f"img[alt*='at epsilon {float(after):g};']").wait_for(timeout=60_000)  # the new adversarial digit
    assert table.is_visible()
    assert_no_errors(page)
