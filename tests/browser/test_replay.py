"""The Training replay page in a real browser: its weight maps are drawn (checked by their pixels) and change when
the slider moves, the address keeps the checkpoint, and a digit learned last opens on the Explain page."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from tests.browser.harness import assert_no_errors, open_page, steady_screenshot, wait_idle

pytestmark = pytest.mark.browser

DONE = "Learned last, and forgotten on the way"  # the page's last section


def _rgb(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), np.float32)


def _coloured(rgb: np.ndarray) -> tuple[float, float]:
    """The shares of clearly red and clearly blue pixels: weights that push toward a class and away from it."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return float(((r - b > 60) & (r - g > 40)).mean()), float(((b - r > 60) & (b - g > 20)).mean())


def test_the_slider_replays_the_weight_maps_and_a_late_digit_opens_on_explain(page, server):
    open_page(page, server, "Replay", DONE)
    maps = page.locator(".st-key-replay_maps .js-plotly-plot").first
    maps.scroll_into_view_if_needed()
    before = _rgb(steady_screenshot(page, maps))
    red, blue = _coloured(before)
    assert red > 0.02 and blue > 0.02, (red, blue)  # ten maps drawn in both colours, not a blank figure
    shown = page.get_by_text(re.compile(r"The ten weight maps of logreg-multinomial at iteration \d+")).first.inner_text()
    thumb = page.get_by_role("slider").first
    thumb.focus()
    for _ in range(8):
        page.keyboard.press("ArrowLeft")
    page.wait_for_url(re.compile(r"replay_step=\d+"), timeout=30_000)
    wait_idle(page)
    step = re.search(r"replay_step=(\d+)", page.url).group(1)  # the last key press's checkpoint
    # eight presses are several reruns of the fragment: wait for the one of the last press, not an earlier one's text
    page.get_by_text(f"The ten weight maps of logreg-multinomial at iteration {step}").first.wait_for(timeout=30_000)
    wait_idle(page)
    later = page.get_by_text(re.compile(r"The ten weight maps of logreg-multinomial at iteration \d+")).first.inner_text()
    assert later != shown and f"iteration {step}" in later
    after = _rgb(steady_screenshot(page, maps))
    assert after.shape == before.shape
    assert np.abs(after - before).mean() > 3, np.abs(after - before).mean()  # the maps themselves changed
    assert min(_coloured(after)) > 0.01

    page.reload()  # the address keeps the checkpoint
    page.get_by_text(DONE).first.wait_for(timeout=60_000)
    wait_idle(page)
    assert page.get_by_text(f"logreg-multinomial at iteration {step}").count() >= 1

    grid = page.locator(".st-key-replay_late_grid")
    grid.scroll_into_view_if_needed()
    caption = grid.locator("figcaption").first.inner_text()
    index = re.match(r"#(\d+)", caption).group(1)
    grid.get_by_role("button", name="explain").first.click()
    page.wait_for_url(re.compile(rf"Explain\?digit={index}"), timeout=60_000)
    page.get_by_text(f"#{index}").first.wait_for(timeout=60_000)
    assert_no_errors(page)


def test_the_networks_replay_their_first_layer_units(page, server):
    open_page(page, server, "Replay?replay_model=mlp", DONE)
    page.get_by_text(re.compile(r"first-layer units 0-19 \(of 100\) of mlp at step \d+")).first.wait_for(timeout=30_000)
    maps = page.locator(".st-key-replay_maps .js-plotly-plot").first
    maps.scroll_into_view_if_needed()
    red, blue = _coloured(_rgb(steady_screenshot(page, maps)))
    assert red > 0.02 and blue > 0.02, (red, blue)  # twenty units drawn, not blank
    assert page.get_by_text(re.compile(r"mlp reads it")).count() >= 1  # the digit followed through training
    assert_no_errors(page)
    for model, what in (("mlp-deep", r"units 0-19 \(of 500\)"), ("cnn", r"5x5 filters 0-19 \(of 32\)")):
        open_page(page, server, f"Replay?replay_model={model}&replay_step=10", DONE)  # kept at every checkpoint
        page.get_by_text(re.compile(rf"first-layer {what} of {model} at step \d+")).first.wait_for(timeout=30_000)
        maps = page.locator(".st-key-replay_maps .js-plotly-plot").first
        maps.scroll_into_view_if_needed()
        red, blue = _coloured(_rgb(steady_screenshot(page, maps)))
        assert red > 0.02 and blue > 0.02, (model, red, blue)
        assert_no_errors(page)
