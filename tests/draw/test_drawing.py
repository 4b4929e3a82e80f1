"""The canvas recipe (mnistdash.images.drawing) and the browser's copy of the models (mnistdash.draw.browser_models)."""

from __future__ import annotations

import base64

import numpy as np
import pytest
from PIL import Image, ImageDraw

from mnistdash.draw.browser_models import linear_payload
from mnistdash.images.drawing import _area_matrix, canvas_digit
from mnistdash.images.preprocess import ImageError
from mnistdash.zoo.registry import LINEAR_MODELS


def _canvas(points, width=20) -> np.ndarray:
    img = Image.new("RGBA", (280, 280), (0, 0, 0, 255))
    ImageDraw.Draw(img).line(points, fill=(255, 255, 255, 255), width=width, joint="curve")
    return np.asarray(img)


def test_area_matrix_rows_average_what_they_cover():
    m = _area_matrix(7, 3)
    assert np.allclose(m.sum(1), 1.0)
    assert np.allclose(m.sum(0), 3 / 7)  # every input pixel counted once in all
    assert np.allclose(_area_matrix(5, 5), np.eye(5))


def test_a_drawn_bar_becomes_an_mnist_digit():
    digit = canvas_digit(_canvas([(140, 40), (140, 240)]))
    assert digit.shape == (28, 28) and digit.dtype == np.float32
    assert digit.max() == pytest.approx(1.0) and digit.min() >= 0
    rows = np.flatnonzero(digit.any(1))
    assert rows[-1] - rows[0] + 1 == 20  # the longer side at 20 px
    ys, xs = np.indices(digit.shape)
    assert abs((ys * digit).sum() / digit.sum() - 14) <= 0.5 and abs((xs * digit).sum() / digit.sum() - 14) <= 0.5


def test_a_blank_canvas_or_a_speck_is_no_digit():
    with pytest.raises(ImageError, match="no digit"):
        canvas_digit(np.zeros((280, 280, 4), np.uint8) + np.array([0, 0, 0, 255], np.uint8))
    speck = np.zeros((280, 280), np.float32)
    speck[5, 5] = 1
    with pytest.raises(ImageError, match="no digit"):
        canvas_digit(speck)


def test_the_payload_holds_the_committed_weights_exactly():
    from mnistdash.zoo import load_all

    models, _ = load_all(list(LINEAR_MODELS))
    payload = linear_payload(models, list(LINEAR_MODELS) + ["cnn"])
    assert [p["name"] for p in payload] == [n for n in LINEAR_MODELS if n in models]
    digit = canvas_digit(_canvas([(80, 60), (200, 60), (120, 240)]))
    for p in payload:
        m = models[p["name"]]
        W = np.frombuffer(base64.b64decode(p["W"]), "<f4").reshape(10, 784)
        b = np.frombuffer(base64.b64decode(p["b"]), "<f4")
        assert np.array_equal(W, m.coef_) and np.array_equal(b, m.intercept_)
        x = (digit.ravel() > 0.5).astype(np.float64) if p["binarize"] else digit.ravel().astype(np.float64)
        z = (W.astype(np.float64) @ x + b) / p["T"]  # what draw.js computes
        prob = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        assert np.abs(prob - m.predict_proba(digit[None])[0]).max() < 1e-4


def test_the_networks_onnx_payload_reads_like_the_server():
    import onnxruntime as ort

    from mnistdash.draw.browser_models import onnx_payload
    from mnistdash.zoo import load_all
    from mnistdash.zoo.registry import TORCH_CLASSIFIERS

    models, _ = load_all(list(TORCH_CLASSIFIERS))
    payload = onnx_payload(list(LINEAR_MODELS) + list(TORCH_CLASSIFIERS))
    assert [p["name"] for p in payload] == list(TORCH_CLASSIFIERS)  # the networks only, never a linear model
    digit = canvas_digit(_canvas([(80, 60), (200, 60), (120, 240)]))
    for p in payload:
        session = ort.InferenceSession(base64.b64decode(p["onnx"]), providers=["CPUExecutionProvider"])
        z = session.run(["logits"], {"pixels": digit[None, None].astype(np.float32)})[0][0].astype(np.float64)
        prob = np.exp(z - z.max()) / np.exp(z - z.max()).sum()  # what draw.js computes from the logits
        tolerance = 0.02 if getattr(models[p["name"]], "use_bf16", False) else 1e-4
        assert np.abs(prob - models[p["name"]].predict_proba(digit[None])[0]).max() < tolerance, p["name"]
