"""The Microscope page in a real browser: a layer's grid drawn (checked by its pixels), a click on a unit opens its own
view by link, and the view's pictures and charts are drawn."""

from __future__ import annotations

import io
import time

import numpy as np
import pytest
from PIL import Image

from tests.browser.harness import assert_no_errors, choose, open_page, steady_screenshot

pytestmark = pytest.mark.browser


def _grey(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), np.float32)


def test_the_layer_grid_opens_a_unit_page_by_link(page, server):
    open_page(page, server, "Microscope?model=cnn&layer=conv2", "cnn · layer conv2")
    tiles = page.locator("a.ms-unit")
    tiles.first.wait_for(timeout=30_000)  # the grid's component draws its tiles after the page's text
    assert tiles.count() == 64
    grid = page.locator(".ms-grid").first
    grid.scroll_into_view_if_needed()
    grey = _grey(steady_screenshot(page, grid))
    assert (grey < 40).mean() > 0.2 and (grey > 200).mean() > 0.02  # digits: white ink on black squares, drawn
    first = _grey(tiles.nth(12).screenshot())
    assert first.std() > 30  # unit 12's tile is a picture, not a blank square

    tiles.nth(12).click()
    page.get_by_text("cnn · layer conv2 · channel 12").first.wait_for(timeout=60_000)
    assert page.url.endswith("Microscope?layer=conv2&unit=12")  # the link as the page writes it: one history entry
    pictures = page.locator(".ms-look img")
    pictures.first.wait_for(timeout=30_000)
    assert pictures.count() == 2  # free and with the prior (no input weights past the first layer)
    for i in range(2):
        pictures.nth(i).scroll_into_view_if_needed()
        assert _grey(pictures.nth(i).screenshot()).std() > 10  # a picture with structure, not a flat square
    page.locator(".st-key-ms_ablation .js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    assert page.get_by_text("Accuracy per class on the test digits").count() >= 1
    assert_no_errors(page)

    page.go_back()  # the grid again
    page.locator("a.ms-unit").first.wait_for(timeout=60_000)
    assert page.url.endswith("Microscope?layer=conv2")


def _until(holds, seconds: float = 30) -> None:
    """Wait until `holds()` (the section is a fragment: its rerun shows no status widget to wait on)."""
    deadline = time.time() + seconds
    while not holds():
        assert time.time() < deadline, "timed out"
        time.sleep(0.2)


def test_switching_units_off_on_draw_changes_an_answer(page, server):
    """A drawn 7, the section opened, the bottleneck network's 2-unit code picked and the button that switches off the
    units the answer leans on most (both: the layer has 2): the answer read without them changes (with its code zeroed
    the network reads every digit as the same class, 5), and the units are listed with links to the Microscope."""
    from tests.browser.harness import canvas_box, stroke, wait_idle

    open_page(page, server, "Draw", "Stroke width")
    box = canvas_box(page)
    at = lambda x, y: (box["x"] + x * box["width"] / 280, box["y"] + y * box["height"] / 280)  # noqa: E731
    stroke(page, [at(60 + 10 * i, 60) for i in range(17)])
    stroke(page, [at(220 - 6 * i, 60 + 10 * i) for i in range(20)])
    page.get_by_text("Switch units off: the network's answer without them").first.wait_for(timeout=60_000)
    wait_idle(page)
    opener = page.get_by_text("Switch units off: the network's answer without them").first
    opener.scroll_into_view_if_needed()
    opener.click()
    network = page.get_by_label("Network", exact=True).last  # the section's own picker
    network.wait_for(timeout=30_000)
    choose(page, network, "bottleneck")
    layer = page.get_by_label("Layer", exact=True).last
    _until(lambda: layer.input_value().startswith("1: hidden layer 1: 500 units"))  # the bottleneck's layers now
    choose(page, layer, "3: the 2-unit code", exact=False)
    _until(lambda: layer.input_value().startswith("3: the 2-unit code"))
    wait_idle(page)
    page.get_by_role("button", name="Switch off the 5 units that matter most for this digit").click()
    answer = page.get_by_test_id("ablate-answer")
    answer.wait_for(timeout=30_000)
    text = answer.inner_text()
    assert "With 2 units of layer 3 off" in text and "bottleneck changes its answer: 7" in text and "→ 5" in text, text
    links = page.locator("a[href*='Microscope?model=bottleneck&layer=3&unit=']")
    links.first.wait_for(timeout=30_000)
    assert links.count() == 2
    assert_no_errors(page)
