"""The Adversarial page in a real browser: move the epsilon slider by keyboard and see every model's reading."""

from __future__ import annotations

import pytest

from tests.browser.harness import assert_no_errors, open_page, wait_idle

pytestmark = pytest.mark.browser
TITLE = "reading of the adversarial digit"


def test_epsilon_slider_updates_the_readings(page, server):
    open_page(page, server, "Adversarial", TITLE)
    table = page.get_by_test_id("stDataFrame").first
    table.wait_for(timeout=60_000)
    slider = page.get_by_test_id("stSlider").filter(has_text="Epsilon")
    value = slider.get_by_test_id("stSliderThumbValue")
    before = float(value.inner_text())
    thumb = slider.get_by_role("slider")
    thumb.focus()
    for _ in range(5):
        thumb.press("ArrowRight")
    wait_idle(page)
    after = float(value.inner_text())
    assert after == pytest.approx(before + 0.05)
    page.locator(f"img[alt*='at epsilon {after:g};']").wait_for(timeout=60_000)  # the new adversarial digit
    assert table.is_visible()
    assert_no_errors(page)
