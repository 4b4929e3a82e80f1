"""What a person sees, checked by pixels: every figure of every tab of every page is drawn in colour, and still is
after one session visited them all (browsers keep ~16 WebGL contexts; past that the oldest figure went blank);
and Back after a link out returns the same view."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from tests.browser.harness import PAGES, assert_no_errors, open_page, wait_idle

pytestmark = pytest.mark.browser

DRAWN = "() => [...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))"


def ink(png: bytes) -> tuple[float, float]:
    """(share of pixels that are not background, share that are coloured) in a screenshot.

    Not background: differs from white by more than 40 in some channel. Coloured: its channels spread by more
    than 60 (red or blue of a diverging map, a bar), which a blank plot (white, grey axes and text) never has.
    """
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(np.int16)  # (H, W, 3)
    painted = (255 - rgb).max(-1) > 40
    coloured = (rgb.max(-1) - rgb.min(-1)) > 60
    return float(painted.mean()), float(coloured.mean())


def _png(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, format="PNG")
    return buf.getvalue()


def test_ink_tells_a_blank_plot_from_a_drawn_one():
    """The checker itself: white with a grey line of text is blank; a red-blue map and a grey digit are not."""
    empty = np.full((100, 100, 3), 255, np.uint8)
    empty[10:11, 5:95] = 120  # a title or axis line in grey
    drawn = empty.copy()
    drawn[30:80, 20:50] = (200, 40, 40)
    drawn[30:80, 50:80] = (40, 60, 200)
    digit = empty.copy()
    digit[20:90, 20:90] = 0
    line = empty.copy()
    line[50:52, :] = (31, 119, 180)  # one thin curve
    assert blank(*ink(_png(empty)))
    assert not blank(*ink(_png(drawn))) and ink(_png(drawn))[1] > 0.2
    assert not blank(*ink(_png(digit))) and ink(_png(digit))[1] == 0
    assert not blank(*ink(_png(line)))


def _figures(page) -> list:
    page.wait_for_function(DRAWN, timeout=60_000)
    page.wait_for_timeout(400)
    return [f for f in page.locator(".js-plotly-plot").all() if f.is_visible()]


def plot_area(page, fig) -> bytes:
    """A screenshot of a figure's plot area only: its colour bar, legend and titles outside do not count."""
    fig.scroll_into_view_if_needed()
    box = fig.locator(".nsewdrag").first.bounding_box()
    return page.screenshot(clip=box)


def blank(painted: float, coloured: float) -> bool:
    """Nothing drawn: no colour at all and hardly any ink (a line chart's thin lines are ~1% colour)."""
    return coloured < 0.003 and painted < 0.02


def _check_figures(page, where: str) -> list[str]:
    """Every visible figure's plot area has something drawn in it."""
    problems = []
    for k, fig in enumerate(_figures(page)):
        painted, coloured = ink(plot_area(page, fig))
        if blank(painted, coloured):
            problems.append(f"{where}: figure {k} looks blank (painted {painted:.3f}, coloured {coloured:.3f})")
    return problems


def _go(page, path: str, text: str) -> None:
    page.locator(f'[data-testid="stPageLink-NavLink"][href="{path}"]:visible').first.click()
    page.get_by_text(text, exact=False).first.wait_for(timeout=90_000)
    wait_idle(page)


def test_every_figure_is_drawn_after_visiting_every_tab_of_every_page(page, server):
    """One session opens each page from its link and each of its tabs, checking every figure by its pixels;
    then it comes back to Weights, and the first figure is still coloured."""
    warnings = []
    page.on("console", lambda m: warnings.append(m.text) if "Too many active WebGL contexts" in m.text else None)
    open_page(page, server, "", "Leaderboard")
    problems = _check_figures(page, "home")
    for path, text in PAGES[1:]:
        _go(page, path, text)
        problems += _check_figures(page, path)
        tabs = page.locator('[data-baseweb="tab"]')
        for k in range(1, tabs.count()):
            name = tabs.nth(k).inner_text()
            tabs.nth(k).click()
            wait_idle(page)
            problems += _check_figures(page, f"{path} tab {name!r}")
        assert_no_errors(page)
    _go(page, "Weights", "Side by side")
    page.get_by_role("tab", name="Linear models").click()
    wait_idle(page)
    first = page.locator(".st-key-w_main .js-plotly-plot")
    first.wait_for(timeout=60_000)
    painted, coloured = ink(plot_area(page, first))
    assert coloured > 0.05, f"the first weight maps came back blank (coloured {coloured:.3f})"
    assert not problems, "\n".join(problems)
    assert not warnings, warnings[:3]


def test_back_from_explain_returns_errors_with_its_cell_and_model(page, server):
    open_page(page, server, "Errors?model=cnn&split=test&cell=5-3", "True 5, predicted 3")
    page.get_by_role("button", name="explain").first.click()
    page.get_by_text("exact contributions", exact=False).first.wait_for(timeout=90_000)
    wait_idle(page)
    assert "/Explain" in page.url
    page.go_back()
    page.get_by_text("True 5, predicted 3", exact=False).first.wait_for(timeout=90_000)
    wait_idle(page)
    assert "cell=5-3" in page.url and "model=cnn" in page.url
    model_box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Model").first
    shown = model_box.locator("input").first.input_value() or model_box.inner_text()
    assert "cnn" in shown and "logreg" not in shown, shown
    assert "cnn on the test set" in page.locator("body").inner_text()
    box = page.locator(".st-key-cm_matrix .js-plotly-plot .nsewdrag").first.bounding_box()
    assert box["width"] > 250 and box["height"] > 250  # drawn at its size, not squeezed
    assert_no_errors(page)


def test_back_to_the_home_page_and_to_explain_after_a_link_out(page, server):
    open_page(page, server, "", "Leaderboard")
    link = page.locator('[data-testid="stPageLink-NavLink"][href^="Explain?digit="]').first
    digit = re.search(r"digit=(\d+)", link.get_attribute("href")).group(1)
    link.click()
    page.get_by_text("exact contributions", exact=False).first.wait_for(timeout=90_000)
    wait_idle(page)
    assert f"Digit #{digit}," in page.locator("body").inner_text()
    _go(page, "Errors", "Click a cell")  # a link out of Explain
    page.go_back()
    page.get_by_text("exact contributions", exact=False).first.wait_for(timeout=90_000)
    wait_idle(page)
    assert f"digit={digit}" in page.url and f"Digit #{digit}," in page.locator("body").inner_text()
    page.go_back()
    page.get_by_text("Leaderboard").first.wait_for(timeout=90_000)
    assert_no_errors(page)


def test_a_shared_errors_link_carries_no_quiz_identity(page, server):
    """The quiz keeps the person's anonymous id in its own address; the Errors page's links never do."""
    open_page(page, server, "You_vs_the_models", "Start a round")
    assert "who=" in page.url
    _go(page, "Errors", "Click a cell")
    page.get_by_role("tab", name="Likely mislabelled").click()
    wait_idle(page)
    assert "who=" not in page.url
