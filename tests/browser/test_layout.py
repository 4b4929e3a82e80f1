"""Every page, loaded once: axe finds no critical or serious violation, and at 1400 px wide, then resized to 800, no
two visible titles, headers or captions overlap, nor a plot's toolbar a title (in every tab)."""

from __future__ import annotations

import pytest

from tests.browser.harness import PAGES, assert_no_errors, audit, canvas_box, open_page, settled, stroke, wait_idle

pytestmark = pytest.mark.browser

# Visible text boxes of titles: Plotly figure titles, annotations (subplot titles, headers) and axis titles,
# Streamlit headings and captions. Each comes back as (kind, text, left, top, right, bottom).
TITLE_BOXES = """() => {
  const out = [];
  const add = (kind, el) => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width < 1 || r.height < 1 || style.visibility === 'hidden') return;
    if (el.closest('[hidden], [aria-hidden="true"]')) return;
    out.push([kind, (el.textContent || '').trim().slice(0, 60), r.left, r.top, r.right, r.bottom]);
  };
  document.querySelectorAll('.js-plotly-plot .gtitle').forEach(e => add('plot title', e));
  document.querySelectorAll('.js-plotly-plot .annotation-text').forEach(e => add('plot annotation', e));
  document.querySelectorAll('.js-plotly-plot :is(.xtitle, .ytitle)').forEach(e => add('axis title', e));
  document.querySelectorAll('[data-testid="stHeading"] :is(h1,h2,h3,h4,h5,h6)').forEach(e => add('heading', e));
  document.querySelectorAll('[data-testid="stCaptionContainer"]').forEach(e => add('caption', e));
  document.querySelectorAll('.js-plotly-plot .modebar').forEach(e => add('plot toolbar', e));
  return out;
}"""


def overlaps(boxes, slack: float = 0.5) -> list[str]:
    """Pairs of boxes whose rectangles intersect by more than `slack` px each way (two toolbars may touch nothing)."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a[0] == b[0] == "plot toolbar":
                continue
            w = min(a[4], b[4]) - max(a[2], b[2])
            h = min(a[5], b[5]) - max(a[3], b[3])
            if w > slack and h > slack:
                found.append(f"{a[0]} {a[1]!r} overlaps {b[0]} {b[1]!r} ({w:.0f}x{h:.0f} px)")
    return found


def test_overlap_check_catches_overlapping_boxes():
    """The checker itself: two boxes sharing a corner region are reported; touching and apart boxes are not."""
    a = ("plot annotation", "a", 0, 0, 50, 14)
    assert overlaps([a, ("plot annotation", "b", 40, 5, 90, 19)])
    assert not overlaps([a, ("plot annotation", "c", 50, 0, 100, 14)])
    assert not overlaps([a, ("caption", "d", 0, 20, 50, 34)])


def _draw_a_stroke(page):
    box = canvas_box(page)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.2
    stroke(page, [(x, y + k * box["height"] * 0.05) for k in range(13)], steps=2)
    page.get_by_test_id("draw-verdict").wait_for(timeout=60_000)
    wait_idle(page)


def _problems_in_every_tab(page) -> list[str]:
    """Overlaps in the page as shown, then in each of its tabs."""
    problems = overlaps(settled(page, TITLE_BOXES))
    tabs = page.locator('[data-baseweb="tab"]')
    for k in range(tabs.count()):
        tab = tabs.nth(k)
        if not tab.is_visible():
            continue
        tab.click()
        page.wait_for_timeout(150)
        problems += [f"tab {tab.inner_text()!r}: {p}" for p in overlaps(settled(page, TITLE_BOXES, interval=250))]
    return problems


NO_PLOTS = {"You_vs_the_models", "Trust_the_maps", "Lessons", "Microscope"}  # pages whose first screen has no Plotly figure


@pytest.mark.parametrize("path,text", PAGES)
def test_readable_and_nothing_overlaps_at_two_widths(browser, server, path, text):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        open_page(page, server, path, text)
        settled(page, interval=300)
        found = audit(page)  # the page as it opens
        assert not found, found
        if path == "Draw":
            _draw_a_stroke(page)
            settled(page, interval=300)
            found = audit(page)  # and with a reading of a drawn digit
            assert not found, found
        if path and path not in NO_PLOTS:
            page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
        problems = [f"1400 px: {p}" for p in _problems_in_every_tab(page)]
        page.set_viewport_size({"width": 800, "height": 1000})  # the same page on a narrow screen
        problems += [f"800 px: {p}" for p in _problems_in_every_tab(page)]
        assert not problems, "\n".join(sorted(set(problems)))
        assert_no_errors(page)
    finally:
        context.close()
