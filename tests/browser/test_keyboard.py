"""Keyboard only: the main flows of Explain and Errors reached and driven with Tab, typing, arrows and Enter, no
mouse."""

from __future__ import annotations

import pytest

from tests.browser.harness import assert_no_errors, open_page, wait_idle

pytestmark = pytest.mark.browser

FOCUSED = "() => { const e = document.activeElement; return [e.getAttribute('aria-label') || '', e.getAttribute('role') || '', e.innerText || '']; }"


def _tab_to(page, test, most: int = 120) -> list[str]:
    """Press Tab until `test(aria-label, role, text)` holds for the focused element; its description."""
    seen = []
    for _ in range(most):
        page.keyboard.press("Tab")
        label, role, text = page.evaluate(FOCUSED)
        if test(label, role, text.strip()):
            return [label, role, text]
        seen.append(f"{label or text.strip()[:20]}/{role}")
    raise AssertionError(f"Tab never reached the control; it went through {', '.join(seen[:60])}")


def test_explain_a_digit_by_keyboard(page, server):
    open_page(page, server, "Explain?digit=0", "exact contributions")
    page.locator("body").focus()
    _tab_to(page, lambda label, role, text: label.startswith("Index (0-"))
    page.keyboard.press("Control+A")
    page.keyboard.type("247")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda u: "digit=247" in u, timeout=30_000)
    wait_idle(page)
    page.get_by_text("#247").first.wait_for(timeout=30_000)
    _tab_to(page, lambda label, role, text: label == "Model" or (role == "combobox" and label.startswith("Model")))
    page.keyboard.type("mlp-deep")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda u: "model=mlp-deep" in u, timeout=30_000)
    assert_no_errors(page)


def test_errors_by_keyboard(page, server):
    open_page(page, server, "Errors", "Click a cell")
    page.locator("body").focus()
    _tab_to(page, lambda label, role, text: role == "combobox" and label == "Model")
    page.keyboard.type("cnn")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda u: "model=cnn" in u, timeout=30_000)
    wait_idle(page)
    _tab_to(page, lambda label, role, text: role == "tab")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    wait_idle(page)
    tab = page.get_by_role("tab", name="Likely mislabelled")
    assert tab.get_attribute("aria-selected") == "true"
    page.get_by_text("mislabel", exact=False).first.wait_for(timeout=30_000)
    assert_no_errors(page)
