"""The faithfulness sections in a real browser: on the Explain page this digit's deletion strip (opened by the
link's strip=1), checked by its pixels (each row loses ink as pixels are removed, and the map-driven rows lose the
model's answer faster than the random map); on the Trust the maps page the leaderboard drawn and sorted by a click
on a column, and the planted shortcut's maps."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from mnistdash.explain import CAPTUM_METHODS, methods_for
from mnistdash.zoo import load
from tests.browser.harness import assert_no_errors, open_page, steady_screenshot

pytestmark = pytest.mark.browser

STRIP = "img[data-testid='faith-strip']"


def _runs(share: np.ndarray, above: float = 0.3) -> list[tuple[int, int]]:
    """[start, stop) of each run of rows or columns where more than `above` of the pixels are drawn."""
    on = np.r_[False, share > above, False].astype(int)
    edges = np.flatnonzero(np.diff(on))
    return list(zip(edges[::2], edges[1::2]))


def _ink(png: bytes) -> float:
    grey = np.asarray(Image.open(io.BytesIO(png)).convert("L"), np.float32)
    return float((grey > 128).mean())


def test_the_deletion_strip_shows_ink_going(page, server):
    open_page(page, server, "Explain?digit=247&model=cnn&strip=1", "This digit, pixels removed in each map")
    pictures = page.locator(STRIP)
    pictures.first.wait_for(timeout=60_000)
    rows = len(methods_for(load("cnn"))) + 1  # every method the cnn is offered and the random map
    assert pictures.count() == 4 * rows  # each at 0, 10, 20 and 50% removed
    inks = []
    for row in range(rows):
        shots = []
        for k in range(4):
            pic = pictures.nth(4 * row + k)
            pic.scroll_into_view_if_needed()
            shots.append(_ink(pic.screenshot()))
        inks.append(shots)
    inks = np.array(inks)
    assert (inks[:, 0] > 0.05).all(), inks  # the whole digit, drawn
    assert (np.diff(inks, axis=1) <= 1e-3).all(), inks  # then less and less of it on screen
    assert (inks[:, 3] < inks[:, 0]).all(), inks
    table = page.locator("table", has=page.locator(STRIP)).first
    text = table.inner_text()
    assert "random map" in text and "SRG, this digit" in text, text[:300]
    probs = np.array([float(v) for v in re.findall(r"p = ([0-9.]+)", text)]).reshape(rows, 4)  # the last row: random
    assert (probs[:, 0] == probs[0, 0]).all()  # nothing removed: the same digit in every row
    assert probs[:-1, 1].mean() < probs[-1, 1], probs  # 10% removed by a map hurts more than 10% at random
    page.get_by_role("link", name="Trust the maps").first.wait_for()  # the leaderboard has a page of its own
    assert_no_errors(page)


def _the_shortcut_maps_show_the_mark(page) -> None:
    """The planted shortcut on the Trust the maps page, opened by a click: the copy's maps drawn, and the mark's
    corner red in the gradient maps."""
    opener = page.get_by_text("A planted shortcut: which maps tell the truth")  # opened on demand: a click
    opener.scroll_into_view_if_needed()
    opener.click()
    page.get_by_text("cnn-shortcut reads 100% of other digits as 7").or_(page.get_by_text("mlp-shortcut reads")).first.wait_for()
    maps = page.locator(".st-key-shortcut_maps").first
    maps.scroll_into_view_if_needed()
    maps.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    n = len(CAPTUM_METHODS)
    for _ in range(20):  # Plotly paints the heatmaps' images after its layers exist: look again until they are drawn
        rgb = np.asarray(Image.open(io.BytesIO(steady_screenshot(page, maps))).convert("RGB"), np.float32)
        drawn = np.abs(rgb - 255).sum(-1) > 6
        cells = [(r, c) for r in _runs(drawn.mean(1)) for c in _runs(drawn.mean(0))]
        if len(cells) == 2 * n:
            break
        page.wait_for_timeout(300)
    assert len(cells) == 2 * n, cells  # two marked digits x every method, each map drawn on its own square
    for (r0, r1), (c0, c1) in cells[1:3] + cells[n + 1 : n + 3]:  # input x gradient and integrated gradients, both digits
        cell = rgb[r0:r1, c0:c1]
        red = (
            (cell[..., 0] > 90) & (cell[..., 0] - cell[..., 2] > 50) & (cell[..., 1] < 40)
        )  # the deepest red: the largest values
        ys, xs = np.nonzero(red)
        assert len(ys) > 0
        assert ys.min() > 0.8 * (r1 - r0) and xs.min() > 0.8 * (c1 - c0), (ys.min(), xs.min())  # only on the mark


def _column(board, name: str) -> list[float]:
    """The values of one column in the rows the table shows, read from the grid's accessible copy of its cells
    (the canvas has no text)."""
    heads = board.locator("[role=columnheader]")
    names = [heads.nth(i).inner_text().strip().lstrip("↑↓ ") for i in range(heads.count())]  # a sorted one: "↑ SRG"
    assert name in names, repr(names)
    k = names.index(name)
    rows = board.locator("[role=row]:has([role=gridcell])")
    return [float(rows.nth(i).locator("[role=gridcell]").nth(k).inner_text()) for i in range(min(rows.count(), 8))]


def test_clicking_a_column_sorts_the_leaderboard(page, server):
    from mnistdash.explain import faithfulness as fa
    from mnistdash.ui.explain.faithfulness import WIDTHS

    srg = [r["value"] for r in fa.rows(fa.load()) if r["metric"] == "SRG"]
    open_page(page, server, "Trust_the_maps?model=cnn", "Checking the checkers on the exact answer")
    board = page.locator("[data-testid='stDataFrame']").filter(has=page.locator("[role=columnheader]", has_text="SRG 95%"))
    board.wait_for(timeout=60_000)
    board.scroll_into_view_if_needed()
    assert _column(board, "SRG")[:2] != [min(srg), min(srg)]  # as built: by model, not by SRG
    assert board.bounding_box()["height"] > 200
    grey = np.asarray(Image.open(io.BytesIO(steady_screenshot(page, board))).convert("L"))
    assert (grey < 128).mean() > 0.005  # its numbers are drawn on the canvas
    assert page.get_by_text("On cnn, ").first.is_visible()  # the verdict for the model named in the link
    box = board.bounding_box()
    x = WIDTHS["model"] + WIDTHS["method"] + 2 * (WIDTHS["metric"] + WIDTHS["interval"]) + WIDTHS["metric"] / 3
    for order, expected in (("ascending", min(srg)), ("descending", max(srg))):  # a click, then a second click
        page.mouse.click(box["x"] + x, box["y"] + 17)  # the SRG header's label
        expect_first = round(expected, 3)
        for _ in range(50):
            shown = _column(board, "SRG")
            if shown and round(shown[0], 3) == expect_first:
                break
            page.wait_for_timeout(200)
        assert round(shown[0], 3) == expect_first, (order, shown)
        arrow = "↑" if order == "ascending" else "↓"
        assert board.locator("[role=columnheader]", has_text=f"{arrow} SRG").count() == 1  # the header says so
        steps = np.diff(shown)
        assert (steps >= -1e-9).all() if order == "ascending" else (steps <= 1e-9).all(), (order, shown)
    _the_shortcut_maps_show_the_mark(page)  # further down the same page
    assert_no_errors(page)


def test_the_training_digits_behind_an_answer_are_drawn(page, server):
    """The Explain page's training digits behind the mlp's answer (opened by the link's influence=1, the mlp picked):
    three methods (TracIn over its checkpoints too) x supporting and opposing, eight training digits each, every one
    drawn with ink; one opens its own view."""
    open_page(page, server, "Explain?digit=247&model=cnn&influence=1", "The training digits behind this answer")
    page.get_by_role("radiogroup", name="Network").get_by_text("mlp", exact=True).click()
    page.get_by_text("How they differ here: representer points and nearest neighbours share").wait_for(timeout=60_000)
    for method in ("representer", "nearest", "tracin"):
        for role in ("supports", "opposes"):
            grid = page.locator(f".st-key-behind_{method}_{role}_grid").first
            grid.wait_for(timeout=60_000)
            grid.scroll_into_view_if_needed()
            pictures = grid.locator("img")
            assert pictures.count() == 8, (method, role)
            inks = [_ink(pictures.nth(k).screenshot()) for k in range(8)]
            assert min(inks) > 0.03, (method, role, inks)  # a digit on each, not a blank square
            assert "(" in grid.inner_text()  # its index, label and score under it
    look = page.get_by_label("Look at a training digit")  # a training digit's own view, in a dialog
    look.scroll_into_view_if_needed()
    look.click()
    page.get_by_role("option").first.click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for(timeout=60_000)
    dialog.get_by_text("Likely mislabelled?").wait_for(timeout=60_000)
    assert "Training digit #" in dialog.inner_text() and "labelled" in dialog.inner_text()
    assert dialog.locator("[data-testid='stDataFrame']").count() == 1  # every model's reading (a canvas: no text)
    assert _ink(dialog.locator("img").first.screenshot()) > 0.03  # the digit drawn large
    assert_no_errors(page)
