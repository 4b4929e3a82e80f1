"""Accessibility: axe-core audits every page in a real browser; no critical or serious violation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import PAGES, open_page

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# Violations Streamlit itself causes, which an app cannot change: rule id -> (CSS selector prefix, why).
FRAMEWORK = {
    # filled in below from the audit, each with its reason
}


def audit(page) -> list[dict]:
    """axe's critical and serious violations on the page as it is now: (rule, impact, nodes)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = []
    for v in result["violations"]:
        if v["impact"] not in ("critical", "serious"):
            continue
        nodes = [n for n in v["nodes"] if not _framework(v["id"], n)]
        if nodes:
            found.append(
                {
                    "rule": v["id"],
                    "impact": v["impact"],
                    "help": v["help"],
                    "nodes": [n["target"] for n in nodes][:5],
                    "count": len(nodes),
                }
            )
    return found


def _framework(rule: str, node: dict) -> bool:
    if rule not in FRAMEWORK:
        return False
    selector, _why = FRAMEWORK[rule]
    return any(selector in str(t) for t in node["target"]) or selector in node.get("html", "")


# Pages as they open, plus states with more on them: a confusion cell's digits, a shared Explain link.
STATES = [*PAGES, ("Errors?cell=4-9", "True 4, predicted 9"), ("Explain?digit=247&model=cnn&method=integrated-gradients", "#247")]


@pytest.mark.parametrize("path,text", STATES)
def test_no_serious_violations(page, server, path, text):
    open_page(page, server, path, text)
    page.wait_for_timeout(1500)
    found = audit(page)
    assert not found, found
