"""Every view is a link and every figure a file, in a real browser: each page's address survives a reload with its
view, the Draw page's drawing travels in its address, 'Copy link to this view' copies the address (without the
person's quiz id), and a figure's PNG, SVG and CSV downloads are valid files that hold what the figure shows."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
from PIL import Image

from mnistdash import store
from mnistdash.data import load_split
from mnistdash.ui.lessons import Lesson, lessons
from tests.browser.harness import CANVAS, assert_no_errors, canvas_box, open_page, stroke, wait_idle

pytestmark = pytest.mark.browser


def _checked(name):
    return lambda page: page.get_by_role("radio", name=name).is_checked()


def _tab(name):
    return lambda page: page.get_by_role("tab", name=name).get_attribute("aria-selected") == "true"


def _text(text):
    return lambda page: page.get_by_text(text).first.is_visible()


def _combobox(label, value):
    return lambda page: page.get_by_role("combobox", name=label).input_value() == value


def _quiz_digit(page):
    return page.locator("img[alt^='quiz digit ']").get_attribute("src")


def _lesson_step():
    read = lambda key: store.load_artifact(key)  # noqa: E731
    hard = next(
        x for x in lessons(store.read_manifest(), read, load_split("test").labels) if isinstance(x, Lesson) and x.key == "hard"
    )
    return f"2. {hard.steps[1].title}"


ROUND_TRIPS = {  # every page: an address with a view that is not its default, and what shows that view
    "": ("classifiers have learned", _text("classifiers have learned")),
    "Lessons?lesson=hard&step=2": (None, "lesson"),
    "Weights?tab=CNN+filters": (None, _tab("CNN filters")),
    "Explain?digit=247": ("#247", _text("#247")),
    "Draw": ("Draw a digit on the canvas", _text("Draw a digit on the canvas")),  # its drawing: the test below
    "Errors?cell=5-3": ("True 5, predicted 3", _text("True 5, predicted 3")),
    "Embedding?emb_colour=correct+%2F+wrong": ("t-SNE of the pixels", _checked("correct / wrong")),
    "Denoise?den_model=cnn&den_sigma=0.3": ("Accuracy on all 10,000", _combobox("Classifier", "cnn")),
    "Linear_lab?lab_tab=Pairwise+separability": ("How can a linear model", _tab("Pairwise separability")),
    "Adversarial?adv_method=FGSM&adv_eps=0.1": ("reading of the adversarial digit", _checked("FGSM")),
    "You_vs_the_models?round=0000002a-0": ("Digit 1 of", _quiz_digit),
    "Trust_the_maps?model=mlp": ("Model to sum up", _combobox("Model to sum up", "mlp")),
    "Microscope?layer=conv2&unit=12": ("unit 12", _text("unit 12")),  # the cnn: its default model
    "Replay?replay_model=logreg-ovr&replay_step=9&replay_digit=8": ("ovr at iteration 9", _text("test digit #8")),
}


def _params(url: str) -> dict:
    return {k: v for k, v in parse_qs(urlparse(url).query).items() if k != "who"}


def test_every_pages_view_survives_a_reload(page, server):
    step = _lesson_step()
    for address, (wait_text, shows) in ROUND_TRIPS.items():
        if shows == "lesson":
            wait_text, shows = step, _text(step)
        open_page(page, server, address, wait_text)
        before = shows(page)
        assert before, address
        page.reload()
        page.get_by_test_id("stApp").wait_for(timeout=90_000)
        if wait_text:
            page.get_by_text(wait_text).first.wait_for(timeout=90_000)
        wait_idle(page)
        assert_no_errors(page)
        assert _params(page.url) == _params(f"{server.url}/{address}"), (address, page.url)
        assert shows(page) == before, address  # the same view (for the quiz: the same first digit)


def _canvas_pixels(page) -> np.ndarray:
    uri = page.locator(CANVAS).first.evaluate("c => c.toDataURL('image/png')")
    import base64

    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("L"), float)


def test_a_drawing_travels_in_the_address(page, server, browser):
    open_page(page, server, "Draw", "Draw a digit on the canvas")
    box = canvas_box(page)
    at = lambda fx, fy: (box["x"] + fx * box["width"], box["y"] + fy * box["height"])  # noqa: E731
    stroke(page, [at(0.5, 0.15 + 0.035 * i) for i in range(21)])  # a 1: its bar, then its flag
    stroke(page, [at(0.5 - 0.015 * i, 0.15 + 0.015 * i) for i in range(11)])
    page.wait_for_url(lambda u: "strokes=" in u, timeout=30_000)
    page.get_by_text("what the models see").first.wait_for(timeout=60_000)
    wait_idle(page)
    drawn, link = _canvas_pixels(page), page.url
    assert drawn.mean() > 2  # ink on the canvas
    other = browser.new_context(viewport={"width": 1500, "height": 1100}).new_page()  # someone the link was sent to
    try:
        other.goto(link)
        other.get_by_text("what the models see").first.wait_for(timeout=90_000)
        wait_idle(other)
        assert_no_errors(other)
        again = _canvas_pixels(other)
        assert np.abs(again - drawn).mean() < 1.0, "the link's drawing differs from the one drawn"
        assert other.get_by_role("button", name="Undo").is_enabled()  # strokes, not a picture: Undo works
        other.get_by_role("button", name="Undo").click()
        other.wait_for_url(lambda u: _params(u).get("strokes") != _params(link).get("strokes"), timeout=30_000)
        assert "strokes=" in other.url  # one stroke left
    finally:
        other.context.close()
    open_page(page, server, "Draw?strokes=1damaged", "The link's drawing is damaged")
    assert_no_errors(page)


def test_copy_link_copies_the_view_and_never_the_quiz_id(page, server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    open_page(page, server, "Adversarial?adv_method=FGSM&adv_eps=0.1", "reading of the adversarial digit")
    page.get_by_role("button", name="Copy link to this view").click()
    page.get_by_text("Copied").first.wait_for(timeout=10_000)
    assert page.evaluate("navigator.clipboard.readText()") == page.url
    open_page(page, server, "You_vs_the_models", "Start a round")
    page.get_by_role("button", name="Start a round").click()
    page.get_by_text("Digit 1 of").first.wait_for(timeout=60_000)
    page.wait_for_url(lambda u: "who=" in u and "round=" in u, timeout=30_000)
    page.get_by_role("button", name="Copy link to this view").click()
    page.get_by_text("Copied").first.wait_for(timeout=10_000)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "round=" in copied and "who=" not in copied, copied


def test_a_figure_downloads_as_png_svg_and_csv(page, server):
    open_page(page, server, "Denoise?den_model=cnn&den_sigma=0.3", "Accuracy on all 10,000")
    files = {}
    for fmt in ("PNG", "SVG", "CSV"):
        with page.expect_download(timeout=60_000) as got:
            page.locator(".st-key-den_curve__export").get_by_role("button", name=fmt).click()
        files[fmt] = open(got.value.path(), "rb").read()
        assert got.value.suggested_filename.endswith("." + fmt.lower())
    lines = files["CSV"].decode().splitlines()
    assert lines[0].startswith("# ") and "cnn" in lines[0] + lines[1]
    rows = list(csv.DictReader(lines[2:]))
    series = {r["series"] for r in rows}
    assert series == {"cnn, noisy", "cnn, denoised"}, series
    curves = store.load_artifact("denoise")
    i = [str(m) for m in curves["models"]].index("cnn")
    denoised = [float(r["value"]) for r in rows if r["series"] == "cnn, denoised"]
    assert np.allclose(denoised, 100 * np.asarray(curves["denoised"][i], float), atol=1e-4)
    png = Image.open(io.BytesIO(files["PNG"])).convert("RGB")
    rgb = np.asarray(png, int)
    assert (
        png.width >= 1000 and ((rgb[..., 1] > rgb[..., 0] + 60) & (rgb[..., 1] > rgb[..., 2] + 20)).sum() > 200
    )  # the green curve
    root = ET.fromstring(files["SVG"])
    assert root.tag.endswith("svg") and b"cnn" in files["SVG"]
    assert_no_errors(page)


def test_a_shared_round_goes_on_where_a_reload_left_it(page, server):
    open_page(page, server, "You_vs_the_models?round=0000beef-01", "Digit 1 of")
    first = _quiz_digit(page)
    for n in (2, 3):  # two answers, slower than the throttle's limit
        page.wait_for_timeout(700)
        page.locator(".st-key-quiz_key_3 button").click()
        page.get_by_text(f"Digit {n} of").first.wait_for(timeout=30_000)
        wait_idle(page)
    page.reload()
    page.get_by_text("Digit 3 of").first.wait_for(timeout=90_000)  # not digit 1 again: no digit answered twice
    assert _quiz_digit(page) != first
    assert_no_errors(page)
