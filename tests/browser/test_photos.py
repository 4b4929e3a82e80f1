"""A phone photo of a digit uploaded on the Draw page, in a real browser: the filmstrip and the answer."""

from __future__ import annotations

import re

import pytest

from tests.browser.harness import assert_no_errors, open_page, wait_idle

pytestmark = pytest.mark.browser

FRAMES = ["original", "background removed", "ink found", "crop", "28x28"]


def _answers(page) -> str:
    return str(page.locator("[data-testid='stMarkdownContainer']").all_inner_texts())


def test_upload_a_photo_shows_its_steps_and_reads_it(page, server, tmp_path):
    from mnistdash.data import load_split
    from mnistdash.images.photos import photo_set

    split = load_split("test")
    photo = photo_set(split.floats(), split.labels, 3, seed=0)[1]  # a shadow across the page
    path = tmp_path / "phone photo.jpg"
    path.write_bytes(photo.jpeg)

    open_page(page, server, "Draw", "Stroke width")
    page.get_by_text("upload", exact=True).click()
    wait_idle(page)
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_text("The steps: " + " → ".join(FRAMES)).wait_for(timeout=60_000)
    wait_idle(page)
    strip = page.get_by_test_id("photo-filmstrip").locator("img")
    assert strip.count() == 1 and strip.evaluate("img => img.complete && img.naturalWidth >= 400")  # five frames
    assert page.get_by_text("Ink: dark on light").count() == 1
    assert re.search(rf"cnn\s*{photo.label}\b", _answers(page)), _answers(page)
    assert_no_errors(page)

    # Invert: the paper is now read as ink; whatever it makes of that, no traceback and one line at most.
    page.get_by_text("Invert", exact=True).click()
    wait_idle(page)
    assert page.get_by_test_id("stException").count() == 0
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0 or "\n" not in errors.first.inner_text().strip()
    page.get_by_text("Invert", exact=True).click()
    page.get_by_text("Ink: dark on light").wait_for(timeout=60_000)
    page.wait_for_function(  # the answers are drawn after the ink line: wait for the cnn's to read the label again
        "re => [...document.querySelectorAll(\"[data-testid='stMarkdownContainer']\")].some(e => new RegExp(re).test(e.innerText))",
        arg=rf"cnn\s*{photo.label}\b",
        timeout=60_000,
    )
    wait_idle(page)
    assert re.search(rf"cnn\s*{photo.label}\b", _answers(page)), _answers(page)
