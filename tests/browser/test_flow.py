"""Flow in a real browser: shared links and Back, a confusion cell that stays selected, Draw at 1400 and 800 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.harness import assert_no_errors, canvas, choose, open_page, stroke_one, wait_idle

pytestmark = pytest.mark.browser

# True when `el` is inside the viewport and no scrolling or clipping ancestor (shadow roots included) cuts it.
FULLY_VISIBLE = """(el) => {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) return false;
  for (let n = el; n; ) {
    n = n.parentElement || (n.getRootNode() instanceof ShadowRoot ? n.getRootNode().host : null);
    if (!n || n === document.documentElement) break;
    const cs = getComputedStyle(n);
    if (cs.overflowX === 'visible' && cs.overflowY === 'visible') continue;
    const p = n.getBoundingClientRect();
    if (r.left < p.left - 1 || r.right > p.right + 1 || r.top < p.top - 1 || r.bottom > p.bottom + 1) return false;
  }
  return true;
}"""


@pytest.fixture
def sized(browser):
    """A page factory at a given viewport size."""
    contexts = []

    def make(width: int, height: int = 1000):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        return context.new_page()

    yield make
    for c in contexts:
        c.close()


def fully_visible(locator) -> bool:
    return locator.evaluate(FULLY_VISIBLE)


def scrolled(page) -> int:
    return page.evaluate("() => document.querySelector('[data-testid=stMain]')?.scrollTop ?? window.scrollY")


def chosen(page) -> tuple[str, str]:
    """Explain's model and method, as the sidebar's boxes show them."""
    sidebar = page.get_by_test_id("stSidebar")
    return sidebar.get_by_label("Model", exact=True).input_value(), sidebar.get_by_label("Method", exact=True).input_value()


# ---- the URL carries the state -------------------------------------------------------------------


def test_shared_link_opens_the_same_view_and_back_restores_it(page, server):
    open_page(page, server, "Explain?digit=247&model=cnn&method=integrated-gradients", "test digit #247")
    assert chosen(page) == ("cnn", "integrated gradients")
    page.get_by_text("integrated gradients on cnn").first.wait_for(timeout=60_000)  # the big map's title
    assert_no_errors(page)
    box = page.get_by_label("Index (0-9999)")
    box.fill("248")
    box.press("Enter")
    page.get_by_text("test digit #248").first.wait_for(timeout=60_000)
    wait_idle(page)
    assert "digit=248" in page.url and "method=integrated-gradients" in page.url  # cnn is the default: left out
    page.go_back()
    page.get_by_text("test digit #247").first.wait_for(timeout=60_000)
    wait_idle(page)
    assert "digit=247" in page.url
    assert chosen(page) == ("cnn", "integrated gradients")
    assert_no_errors(page)


def test_a_link_with_only_a_digit_and_back_to_it(page, server):
    """The form the mislabelled table's explain links take: the defaults fill the rest, with no extra history entry."""
    open_page(page, server, "Explain?digit=42", "test digit #42")
    assert page.url.endswith("Explain?digit=42")
    assert chosen(page) == ("cnn", "input x gradient")
    choose(page, page.get_by_test_id("stSidebar").get_by_label("Model", exact=True), "mlp")
    page.wait_for_url(re.compile("model=mlp"), timeout=60_000)
    wait_idle(page)
    page.go_back()
    page.wait_for_url(re.compile(r"Explain\?digit=42$"), timeout=60_000)
    wait_idle(page)
    # left out of the link: back to the default (the box changes when the rerun that Back starts reaches it, which
    # a loaded machine's status widget did not always show in time: wait for the box itself)
    expect(page.get_by_test_id("stSidebar").get_by_label("Model", exact=True)).to_have_value("cnn", timeout=60_000)
    assert chosen(page)[0] == "cnn"
    assert_no_errors(page)


def test_a_bad_link_says_what_is_wrong(page, server):
    open_page(page, server, "Explain?digit=99999&model=nope", "exact contributions")
    page.get_by_text("is not a test digit index").first.wait_for(timeout=60_000)
    page.get_by_text("is not one of").first.wait_for(timeout=60_000)
    assert page.get_by_test_id("stException").count() == 0


def test_home_digits_open_explain(page, server):
    open_page(page, server, "", "Some test digits")
    link = page.locator("[class*='st-key-home_digits'] a").first
    n = re.match(r"#(\d+)", link.inner_text().strip()).group(1)
    link.click()
    page.get_by_text(f"test digit #{n}").first.wait_for(timeout=90_000)
    wait_idle(page)
    assert f"digit={n}" in page.url
    assert_no_errors(page)


# ---- Errors: the selected cell stays --------------------------------------------------------------


def _cell_xy(page, true: int, pred: int):
    return page.evaluate(
        """([t, p]) => { const gd = document.querySelector('.js-plotly-plot'); const l = gd._fullLayout;
        const r = gd.getBoundingClientRect();
        return [r.left + l._size.l + l.xaxis.l2p(p), r.top + l._size.t + l.yaxis.l2p(t)]; }""",
        [true, pred],
    )


def _outlined(page):
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    page.wait_for_timeout(300)
    return page.evaluate(
        "() => (document.querySelector('.js-plotly-plot').layout.shapes || []).map(s => [s.y0 + 0.5, s.x0 + 0.5])"
    )


def test_errors_cell_stays_outlined_and_a_second_click_keeps_it(page, server):
    open_page(page, server, "Errors", "Click a cell")
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    page.mouse.click(*_cell_xy(page, 4, 9))
    page.get_by_text("True 4, predicted 9").wait_for(timeout=60_000)
    wait_idle(page)
    assert _outlined(page) == [[4, 9]]
    page.wait_for_url(lambda u: "cell=4-9" in u, timeout=15_000)  # the address follows the run (a CI run saw it late)
    page.wait_for_timeout(500)
    page.mouse.click(*_cell_xy(page, 4, 9))  # Plotly deselects on a second click; the page keeps the cell
    wait_idle(page)
    page.wait_for_timeout(1000)
    wait_idle(page)
    assert page.get_by_text("True 4, predicted 9").first.is_visible()
    assert _outlined(page) == [[4, 9]]
    page.mouse.click(*_cell_xy(page, 7, 2))
    page.get_by_text("True 7, predicted 2").wait_for(timeout=60_000)
    wait_idle(page)
    assert _outlined(page) == [[7, 2]]
    page.go_back()
    page.get_by_text("True 4, predicted 9").wait_for(timeout=60_000)
    wait_idle(page)
    assert _outlined(page) == [[4, 9]]
    assert_no_errors(page)


def test_errors_link_with_a_cell(page, server):
    open_page(page, server, "Errors?model=cnn&split=test&cell=5-3", "True 5, predicted 3")
    assert _outlined(page) == [[5, 3]]
    assert "cnn on the test set" in page.get_by_test_id("stMain").inner_text()
    assert_no_errors(page)


# ---- Draw fits the screen -------------------------------------------------------------------------


@pytest.mark.parametrize("width", [1400, 800])
def test_draw_canvas_is_not_clipped(sized, server, width):
    page = sized(width)
    open_page(page, server, "Draw", "Stroke width")
    assert fully_visible(canvas(page)), "the canvas is cut off"
    for name in ("↶ Undo", "✕ Clear"):  # visible without hovering over the canvas
        assert fully_visible(page.get_by_role("button", name=name))
    stroke_one(page)
    assert fully_visible(canvas(page)), "the canvas is cut off once results show"
    verdict = page.get_by_test_id("draw-verdict").bounding_box()
    assert verdict["x"] + verdict["width"] <= width  # results wrap instead of running off the page
    assert_no_errors(page)


def test_draw_first_screen_at_1400x1000(sized, server):
    page = sized(1400, 1000)
    open_page(page, server, "Draw", "Stroke width")
    stroke_one(page)
    page.wait_for_timeout(1000)
    results = page.locator("[class*='st-key-draw_results']")
    assert scrolled(page) == 0
    assert fully_visible(page.get_by_test_id("draw-verdict"))
    assert fully_visible(page.get_by_role("img", name=re.compile("as the models see it")))
    bars = results.locator(".js-plotly-plot").first  # a bar chart per model, titled with its answer
    bars.wait_for(timeout=60_000)
    assert fully_visible(bars)
    answers = results.get_by_text(re.compile(r"logreg-ovr.*cnn.*bottleneck"))
    assert fully_visible(answers.first)
    assert fully_visible(canvas(page))


def test_undo_clear_and_upload_and_back_keep_the_drawing(page, server):
    open_page(page, server, "Draw", "Stroke width")
    stroke_one(page)
    page.get_by_text("upload", exact=True).click()
    page.locator("input[type=file]").wait_for(state="attached", timeout=60_000)
    wait_idle(page)
    page.get_by_text("draw", exact=True).click()
    wait_idle(page)
    page.get_by_test_id("draw-verdict").wait_for(timeout=60_000)  # the drawing came back: no new stroke
    assert re.search(r"cnn\s*1\b", page.get_by_test_id("stMain").inner_text())
    page.get_by_role("button", name="↶ Undo").click()  # the only stroke: back to an empty canvas
    page.get_by_text("Draw a digit on the canvas").wait_for(timeout=60_000)
    wait_idle(page)
    stroke_one(page)
    page.get_by_role("button", name="✕ Clear").click()
    page.get_by_text("Draw a digit on the canvas").wait_for(timeout=60_000)
    wait_idle(page)
    assert_no_errors(page)
