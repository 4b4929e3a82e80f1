"""In a real browser: the drawing component's models agree with the server on the same drawings, and the answers
change while the pen is still down, then match the server's once it is lifted."""

from __future__ import annotations

import base64
import io
import time

import numpy as np
import pytest
from PIL import Image

from tests.browser.harness import assert_no_errors, canvas_box, open_page, stroke, wait_idle

pytestmark = pytest.mark.browser

# The browser runs the linear models in float64 from the same float32 weights and the networks' exported ONNX graphs
# in onnxruntime-web (float32); the server in float32, and the convnet in bfloat16 on CPUs that have it (then its
# probabilities differ by up to about 0.005).
PROB_TOLERANCE = 1e-4
BF16_TOLERANCE = 0.02
DIGIT_TOLERANCE = 1e-5

# Drawings (strokes of points on the 280 px canvas) of several digits, rendered by the browser's own canvas.
DRAWINGS = {
    "1": [[(140, 40 + 10 * i) for i in range(21)]],
    "7": [[(60 + 10 * i, 60) for i in range(17)], [(220 - 6 * i, 60 + 10 * i) for i in range(20)]],
    "0": [[(140 + 60 * np.sin(t), 140 - 90 * np.cos(t)) for t in np.linspace(0, 2 * np.pi, 40)]],
    "4": [[(90, 40), (80, 150), (200, 150)], [(170, 60), (170, 250)]],
    "tiny": [[(20, 20), (30, 25)]],
}
RENDER = """async (strokes) => {
  const c = document.createElement('canvas'); c.width = c.height = 280;
  const ctx = c.getContext('2d'); ctx.fillStyle = '#000'; ctx.fillRect(0, 0, 280, 280);
  ctx.strokeStyle = '#fff'; ctx.lineCap = ctx.lineJoin = 'round'; ctx.lineWidth = 20;
  for (const s of strokes) { ctx.beginPath(); ctx.moveTo(...s[0]); for (const p of s.slice(1)) ctx.lineTo(...p); ctx.stroke(); }
  const digit = window.__mnistdashDraw.toDigit(ctx.getImageData(0, 0, 280, 280));
  return {png: c.toDataURL('image/png'), digit: Array.from(digit), probs: await window.__mnistdashDraw.readAll(digit)};
}"""


def _png(uri: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGBA"))


def test_browser_and_server_read_the_same_drawings_alike(page, server):
    from mnistdash.images.drawing import canvas_digit
    from mnistdash.zoo import load_all, registry

    models, _ = load_all(list(registry.classifiers()))
    open_page(page, server, "Draw", "Stroke width")
    _wait_for_ort(page)
    for name, strokes in DRAWINGS.items():
        got = page.evaluate(RENDER, [[list(map(float, p)) for p in s] for s in strokes])
        digit = canvas_digit(_png(got["png"]))
        assert np.abs(np.array(got["digit"]) - digit.ravel()).max() < DIGIT_TOLERANCE, name
        assert set(got["probs"]) == set(registry.classifiers())
        for model, p in got["probs"].items():
            server_p = models[model].predict_proba(digit[None])[0]
            tolerance = BF16_TOLERANCE if getattr(models[model], "use_bf16", False) else PROB_TOLERANCE
            assert np.abs(np.array(p) - server_p).max() < tolerance, (name, model)
            assert int(np.argmax(p)) == int(server_p.argmax()), (name, model)


def _wait_for_ort(page) -> None:
    """The networks run through onnxruntime-web (not the plain-JS fallback) once it has loaded."""
    live = page.locator("[data-testid='draw-live']:is([data-net-path='onnxruntime-web'], [data-net-path='plain-js'])")
    live.wait_for(timeout=60_000)  # the component sits in a shadow root: Playwright's locators reach it
    assert live.get_attribute("data-net-path") == "onnxruntime-web"


def _live(page) -> dict[str, str]:
    answers = page.get_by_test_id("draw-live").get_attribute("data-answers") or ""
    return dict(pair.split(":") for pair in answers.split())


def _server_answers(page, models=(), timeout_s: float = 30.0) -> dict[str, str]:
    """The last column of the stroke-by-stroke table: every model's answer the server computed; waits (up to
    timeout_s) until the table has a row for each of `models` (the table can render after the verdict)."""
    deadline = time.monotonic() + timeout_s
    while True:
        answers = _timeline(page)
        if set(models) <= set(answers) or time.monotonic() > deadline:
            return answers
        page.wait_for_timeout(200)


def _timeline(page) -> dict[str, str]:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("[data-testid='stroke-timeline'] tbody tr")].map(
        (tr) => [tr.querySelector('code').textContent, [...tr.querySelectorAll('td')].pop().querySelector('span').textContent]))"""
    )


def test_answers_change_during_the_stroke_then_match_the_server(page, server):
    open_page(page, server, "Draw", "Stroke width")
    _wait_for_ort(page)
    box = canvas_box(page)
    x0, y0 = box["x"], box["y"]
    page.mouse.move(x0 + 60, y0 + 60)
    page.mouse.down()
    for i in range(1, 17):  # the bar of a 7, pen still down
        page.mouse.move(x0 + 60 + 10 * i, y0 + 60, steps=2)
    page.wait_for_timeout(150)
    bar, bar_verdict = _live(page), page.get_by_test_id("draw-live-verdict").inner_text()
    for i in range(1, 20):  # the diagonal, pen still down
        page.mouse.move(x0 + 220 - 6 * i, y0 + 60 + 10 * i, steps=2)
    page.wait_for_timeout(150)
    seven, seven_verdict = _live(page), page.get_by_test_id("draw-live-verdict").inner_text()
    assert page.get_by_test_id("draw-verdict").count() == 0  # nothing reached the server yet
    assert bar and seven and bar != seven, (bar, seven)
    assert (bar_verdict, seven_verdict) != ("7", "7") and seven_verdict == "7"  # the live headline changed mid-stroke
    assert len(seven) == 9 and list(seven.values()).count("7") >= 6, seven
    page.mouse.up()
    page.get_by_test_id("draw-verdict").wait_for(timeout=60_000)
    wait_idle(page)
    served = _server_answers(page, seven)
    assert seven == _live(page)  # the release adds no ink
    assert all(served[m] == a for m, a in seven.items()), (served, seven)
    assert page.get_by_test_id("draw-verdict").inner_text().strip() == seven_verdict  # the server's headline agrees
    # another stroke, then Undo: the live answers go back with the drawing
    stroke(page, [(x0 + 80 + 8 * i, y0 + 170) for i in range(15)])
    page.locator("[data-testid='stroke-timeline'][data-strokes='2']").wait_for(timeout=60_000)
    wait_idle(page)
    assert _live(page) == {m: a for m, a in _server_answers(page).items() if m in seven}
    page.get_by_role("button", name="↶ Undo").click()
    page.locator("[data-testid='stroke-timeline'][data-strokes='1']").wait_for(timeout=60_000)
    wait_idle(page)
    assert _live(page) == seven
    assert page.get_by_test_id("draw-verdict").inner_text().strip() == "7"
    assert_no_errors(page)


def test_without_onnxruntime_web_the_networks_fall_back_to_plain_js(page, server):
    page.route("**/app/static/onnxruntime-web/**", lambda route: route.abort())  # as if the vendored files were gone
    open_page(page, server, "Draw", "Stroke width")
    page.locator("[data-testid='draw-live'][data-net-path='plain-js']").wait_for(timeout=60_000)
    page.wait_for_function("() => Object.keys(window.__mnistdashNets).length > 0", timeout=60_000)  # the layers came
    wait_idle(page)
    box = canvas_box(page)
    stroke(page, [(box["x"] + 140, box["y"] + 40 + 10 * i) for i in range(21)])
    page.get_by_test_id("draw-verdict").wait_for(timeout=60_000)
    wait_idle(page)
    served = _server_answers(page, _live(page))
    assert _live(page) == served and len(served) == 9, (_live(page), served)  # the networks too, as plain JS
