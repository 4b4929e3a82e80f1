"""Accessibility: axe-core audits every page in a real browser; no critical or serious violation."""

from __future__ import annotations

import pytest

from tests.browser.harness import PAGES, audit, open_page, settled

pytestmark = pytest.mark.browser

# Pages as they open, plus states with more on them: a confusion cell's digits, a shared Explain link.
STATES = [*PAGES, ("Errors?cell=4-9", "True 4, predicted 9"), ("Explain?digit=247&model=cnn&method=integrated-gradients", "#247")]


@pytest.mark.parametrize("path,text", STATES)
def test_no_serious_violations(page, server, path, text):
    open_page(page, server, path, text)
    settled(page, interval=300)
    found = audit(page)
    assert not found, found


def test_draw_with_a_reading(page, server):
    from tests.browser.harness import stroke_one

    open_page(page, server, "Draw", "Stroke width")
    stroke_one(page)
    settled(page, interval=300)
    found = audit(page)
    assert not found, found
