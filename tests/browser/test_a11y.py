"""Accessibility: axe-core audits every page in a real browser; no critical or serious violation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import PAGES, open_page

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"

# Violations Streamlit itself causes and an app cannot change: rule -> (a JS test of the failing element, why).
FRAMEWORK = {
    "color-contrast": (
        "el.closest('[data-testid=stElementContainer], .stElementContainer')"
        "?.querySelector('input:disabled, button:disabled, [aria-disabled=true]') != null",
        "the label of a disabled widget: Streamlit greys it out (WCAG 1.4.3 exempts inactive controls, "
        "but axe cannot tell the label belongs to one)",
    ),
}

AUDIT = """async (framework) => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  const found = [];
  for (const v of result.violations) {
    if (!['critical', 'serious'].includes(v.impact)) continue;
    const nodes = v.nodes.filter(n => {
      if (!(v.id in framework)) return true;
      const el = document.querySelector(n.target[0]);
      return !(el && new Function('el', 'return ' + framework[v.id])(el));
    });
    if (nodes.length) found.push({rule: v.id, impact: v.impact, help: v.help, count: nodes.length,
                                  nodes: nodes.slice(0, 5).map(n => n.html.slice(0, 200))});
  }
  return found;
}"""


def audit(page) -> list[dict]:
    """axe's critical and serious violations on the page as it is now, less the framework's own."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AUDIT, {rule: test for rule, (test, _why) in FRAMEWORK.items()})


# Pages as they open, plus states with more on them: a confusion cell's digits, a shared Explain link.
STATES = [*PAGES, ("Errors?cell=4-9", "True 4, predicted 9"), ("Explain?digit=247&model=cnn&method=integrated-gradients", "#247")]


@pytest.mark.parametrize("path,text", STATES)
def test_no_serious_violations(page, server, path, text):
    open_page(page, server, path, text)
    page.wait_for_timeout(1500)
    found = audit(page)
    assert not found, found


def test_draw_with_a_reading(page, server):
    from tests.browser.test_flow import stroke_one

    open_page(page, server, "Draw", "Stroke width")
    stroke_one(page)
    page.wait_for_timeout(1500)
    found = audit(page)
    assert not found, found
