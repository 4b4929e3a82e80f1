"""Accessibility: axe-core audits pages in states with more on them than when they open (a confusion cell's
digits, a shared Explain link); every page as it opens, and the Draw page with a reading, are audited in
tests/browser/test_layout.py on the same page load as its layout check."""

from __future__ import annotations

import pytest

from tests.browser.harness import audit, open_page, settled

pytestmark = pytest.mark.browser

STATES = [("Errors?cell=4-9", "True 4, predicted 9"), ("Explain?digit=247&model=cnn&method=integrated-gradients", "#247")]


@pytest.mark.parametrize("path,text", STATES)
def test_no_serious_violations(page, server, path, text):
    open_page(page, server, path, text)
    settled(page, interval=300)
    found = audit(page)
    assert not found, found
