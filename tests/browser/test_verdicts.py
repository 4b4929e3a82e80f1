"""In a real browser: B of "why A and not B" chosen by clicking the probability chart, and the Draw headline."""

from __future__ import annotations

import numpy as np
import pytest

from tests.browser.harness import assert_no_errors, canvas_box, open_page, stroke, wait_idle

pytestmark = pytest.mark.browser


def _linear_line(page):
    return page.get_by_text("the third map is why").first


def test_click_a_class_in_the_probability_chart_makes_it_b(page, server):
    from mnistdash import store

    probs = store.load_artifact("probs-logreg-multinomial")["test"][0].astype(np.float32)
    pred, runner_up = (int(c) for c in np.argsort(-probs)[:2])
    other = next(c for c in (3, 4, 5) if c not in (pred, runner_up))
    open_page(page, server, "Explain", "exact contributions")
    page.get_by_text(f"and not {runner_up} (its runner-up)").first.wait_for(timeout=60_000)
    # The cell (logreg-multinomial, class `other`): found through plotly's own axes, once the chart is drawn.
    page.locator(".st-key-explain_probs .js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
    page.wait_for_function("() => document.querySelector('.st-key-explain_probs .js-plotly-plot')?._fullLayout?._size")
    xy = page.evaluate(
        """([row, col]) => { const gd = document.querySelector('.st-key-explain_probs .js-plotly-plot'); const l = gd._fullLayout;
        const r = gd.getBoundingClientRect();
        return [r.left + l._size.l + l.xaxis.l2p(col), r.top + l._size.t + l.yaxis.l2p(row)]; }""",
        [1, other],
    )
    page.mouse.click(*xy)
    page.get_by_text(f"why {pred} and not {other} (your choice)").first.wait_for(timeout=60_000)
    wait_idle(page)
    page.screenshot(path="/tmp/verdicts-explain-click.png", full_page=False)
    assert_no_errors(page)
    page.get_by_role("button", name="each model's runner-up").click()
    page.get_by_text(f"and not {runner_up} (its runner-up)").first.wait_for(timeout=60_000)
    wait_idle(page)
    page.mouse.click(*xy)  # the same class again works at once
    page.get_by_text(f"why {pred} and not {other} (your choice)").first.wait_for(timeout=60_000)
    wait_idle(page)
    assert_no_errors(page)


def test_draw_a_bar_headlines_the_convnet_not_the_vote(page, server):
    """The first stroke of a 7, a bar: the linear models' majority is not the headline."""
    open_page(page, server, "Draw", "Stroke width")
    box = canvas_box(page)
    x0, y0 = box["x"], box["y"]
    stroke(page, [(x0 + 60, y0 + 70)] + [(x0 + 60 + 10 * i, y0 + 70) for i in range(17)])
    head = page.get_by_test_id("draw-verdict")
    head.wait_for(timeout=60_000)
    wait_idle(page)
    page.screenshot(path="/tmp/verdicts-draw-bar.png", full_page=False)
    state = head.get_attribute("data-state")
    assert state in ("sure", "unsure")
    text = page.locator("[data-testid='stMarkdownContainer']").all_inner_texts()
    assert any("the most accurate model here" in t for t in text), text
    assert page.get_by_text("Linear models, shown but not counted").count() == 1
    assert_no_errors(page)
