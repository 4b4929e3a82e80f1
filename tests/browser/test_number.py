"""A photo of a whole number uploaded on the Draw page with another file that is not an image, in a real browser:
the number reads 2026 with a crop per digit, the bad file gets its own line while the number is still read, and
its last digit opens in Explain."""

from __future__ import annotations

import numpy as np
import pytest

from tests.browser.harness import assert_no_errors, open_page, wait_idle

pytestmark = pytest.mark.browser


def _photo_of_2026(path) -> None:
    from mnistdash.data import load_split
    from mnistdash.images.families import number_strip, render

    split = load_split("test")
    picks = [int(np.flatnonzero(split.labels == d)[k]) for d, k in ((2, 0), (0, 0), (2, 1), (6, 0))]
    rng = np.random.default_rng(1)
    path.write_bytes(render(number_strip([split.floats()[i] for i in picks], rng), "phone", rng))


def test_upload_a_number_and_a_bad_file(page, server, tmp_path):
    number, bad = tmp_path / "2026.jpg", tmp_path / "notes.png"
    _photo_of_2026(number)
    bad.write_text("hello, not an image")

    open_page(page, server, "Draw", "Stroke width")
    page.get_by_text("upload", exact=True).click()
    wait_idle(page)
    page.get_by_text("A number: several digits in a row").click()
    wait_idle(page)
    page.locator("input[type=file]").set_input_files([str(number), str(bad)])
    read = page.get_by_test_id("number-read")
    read.wait_for(timeout=60_000)
    wait_idle(page)
    assert read.get_attribute("data-number") == "2026", read.inner_text()
    for k, digit in enumerate("2026"):
        cell = page.locator(f".st-key-number_digit_{k}")
        assert cell.get_by_text(f"digit {k + 1}: {digit}").count() == 1
        images = cell.locator("img")
        assert images.count() == 3
        # The crop as a person sees it: loaded, and holding ink (not a blank square).
        shown = images.first.evaluate(
            """img => { const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
                        const g = c.getContext('2d'); g.drawImage(img, 0, 0);
                        const d = g.getImageData(0, 0, c.width, c.height).data; let lit = 0;
                        for (let i = 0; i < d.length; i += 4) if (d[i] > 128) lit++;
                        return [img.complete, c.width, lit / (c.width * c.height)]; }"""
        )
        assert shown[0] and shown[1] >= 28 and 0.03 < shown[2] < 0.8, shown
    batch = page.locator(".st-key-upload_batch")
    batch.wait_for(timeout=30_000)
    text = batch.inner_text()
    assert "2026.jpg" in text and "notes.png" in text
    assert_no_errors(page)

    # One digit of the number opened in Explain: the page explains that digit (its pixels, the models' answer).
    page.get_by_text("4: 6", exact=True).click()
    wait_idle(page)
    page.get_by_role("button", name="Explain it in full").click()
    page.get_by_text("digit 4 of the number in 2026.jpg").first.wait_for(timeout=90_000)
    wait_idle(page)
    shown = page.locator("img[alt^='your digit: digit 4 of the number']")
    assert shown.count() == 1
    ink = shown.evaluate(
        """img => { const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
                    const g = c.getContext('2d'); g.drawImage(img, 0, 0);
                    const d = g.getImageData(0, 0, c.width, c.height).data; let lit = 0;
                    for (let i = 0; i < d.length; i += 4) if (d[i] > 128) lit++;
                    return lit / (c.width * c.height); }"""
    )
    assert 0.05 < ink < 0.6, ink  # a digit, not a blank square or a test digit's frame
    assert page.get_by_text("on cnn → 6").count() >= 1  # the focus map's caption names the cnn's answer
    assert_no_errors(page)
