"""Phone photos of ink on paper: the synthetic set read through the upload path, and each step."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from mnistdash.draw.live import read_digit
from mnistdash.images.photos import KINDS, photo_set, render_photo
from mnistdash.images.preprocess import ImageError, load_image, to_mnist, to_mnist_steps

N_PHOTOS = 120  # bench/photo_accuracy.py reads 200 of the same set


@pytest.fixture(scope="module")
def photos(test_split):
    return photo_set(test_split.floats(), test_split.labels, N_PHOTOS, seed=0)


def _paper(h=480, w=360, seed=1):
    """Off-white paper (h, w) under a strong gradient with grain: no ink at all."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:h, 0:w] / max(h, w)
    return np.clip(0.35 + 0.6 * (0.6 * xs + 0.4 * ys) + rng.normal(0, 0.02, (h, w)), 0, 1).astype(np.float32)


def _jpeg(gray: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray((np.clip(gray, 0, 1) * 255).astype(np.uint8)).save(buf, format="JPEG", quality=70)
    return buf.getvalue()


def test_photo_set_is_seeded_and_has_every_kind(test_split, photos):
    again = photo_set(test_split.floats(), test_split.labels, 6, seed=0)
    assert [p.jpeg for p in again] == [p.jpeg for p in photos[:6]]
    assert {p.kind for p in photos} == set(KINDS)
    image = load_image(photos[0].jpeg)
    assert photos[0].jpeg.startswith(b"\xff\xd8\xff") and 300 <= min(image.size) and max(image.size) <= 600


def test_photo_set_reads_through_the_upload_path(committed_models, photos):
    # The Draw page's upload: load_image(bytes, name) then read_digit, the path `mnistdash predict` shares.
    right = {kind: [] for kind in KINDS}
    for i, photo in enumerate(photos):
        image = load_image(photo.jpeg, f"photo{i}.jpg")
        try:
            reading = read_digit(committed_models, image, ["cnn"], with_maps=False)
        except ImageError:  # "no digit found" on a photo of a digit counts as read wrong
            right[photo.kind].append(False)
            continue
        right[photo.kind].append(int(reading.probs["cnn"].argmax()) == photo.label)
    overall = np.mean([r for rs in right.values() for r in rs])
    assert overall >= 0.95, {k: np.mean(v) for k, v in right.items()}
    for kind, rs in right.items():
        assert np.mean(rs) >= 0.9, (kind, np.mean(rs))


def test_steps_are_shown_in_order(photos):
    steps = to_mnist_steps(load_image(photos[1].jpeg))
    assert steps.original.shape == steps.flat.shape == steps.ink.shape
    assert steps.digit.shape == (28, 28) and steps.crop.ndim == 2
    assert not steps.light_ink and 0 < steps.threshold < 1
    # Flattening: the paper is near white everywhere, the gradient and shadow are gone.
    paper = steps.ink == 0
    assert np.percentile(steps.flat[paper], 5) > 0.8 and np.percentile(steps.original[paper], 5) < 0.6
    assert np.array_equal(steps.digit, to_mnist(load_image(photos[1].jpeg)))


@pytest.mark.parametrize("gray", [_paper(), 1 - _paper()], ids=["light paper", "dark paper"])
def test_a_lighting_gradient_without_ink_is_no_digit(gray):
    with pytest.raises(ImageError, match="no digit found") as info:
        to_mnist(load_image(_jpeg(gray)))
    assert "\n" not in str(info.value)


def test_ruled_lines_alone_are_no_digit():
    page = _paper(seed=2)
    for y in range(17, page.shape[0], 34):
        page[y : y + 3] *= 0.6  # blue-grey rules, a little blurred by the JPEG
    with pytest.raises(ImageError, match="no digit found"):
        to_mnist(load_image(_jpeg(page)))


def test_ruled_lines_do_not_reach_the_digit(test_split):
    rng = np.random.default_rng(3)
    steps = to_mnist_steps(render_photo(test_split.floats()[0], "lines", rng))  # a 7
    rows = np.flatnonzero(steps.ink.any(axis=1))
    cols = np.flatnonzero(steps.ink.any(axis=0))
    assert cols[-1] - cols[0] < 0.8 * steps.ink.shape[1]  # the rules span the page; the kept ink does not
    assert rows[-1] - rows[0] < 0.8 * steps.ink.shape[0]


def test_both_polarities_read_the_same(committed_models, photos):
    photo = photos[2]
    gray = np.asarray(load_image(photo.jpeg).convert("L"), np.float32) / 255
    dark_ink, light_ink = to_mnist_steps(gray), to_mnist_steps(1 - gray)
    assert not dark_ink.light_ink and light_ink.light_ink
    assert np.corrcoef(dark_ink.digit.ravel(), light_ink.digit.ravel())[0, 1] > 0.95
    probs = committed_models["cnn"].predict_proba(np.stack([dark_ink.digit, light_ink.digit]))
    assert list(probs.argmax(1)) == [photo.label, photo.label]


def test_invert_and_threshold_overrides(photos):
    image = load_image(photos[0].jpeg)
    auto = to_mnist_steps(image)
    flipped = to_mnist_steps(image, invert=True)
    assert flipped.light_ink != auto.light_ink
    low, high = to_mnist_steps(image, threshold=0.2), to_mnist_steps(image, threshold=0.7)
    assert low.threshold == pytest.approx(0.2) and high.threshold == pytest.approx(0.7)
    assert (low.ink > 0).sum() > (high.ink > 0).sum()


def test_canvas_drawing_is_read_as_before():
    canvas = np.zeros((280, 280, 4), np.uint8)
    canvas[60:220, 130:150] = [255, 255, 255, 255]  # a white "1" on the black canvas
    steps = to_mnist_steps(canvas)
    assert steps.light_ink and steps.flat.min() == 0 and steps.flat.max() == 1
    assert np.array_equal(steps.ink > 0, canvas[..., 0] > 0)  # exactly the stroke, nothing else


def test_predict_reads_a_saved_jpeg_photo(tmp_path, photos):
    photo = photos[3]
    path = tmp_path / "phone photo.jpg"
    path.write_bytes(photo.jpeg)
    out = subprocess.run(
        [sys.executable, "-m", "mnistdash.jobs.cli", "predict", str(path), "--model", "cnn", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)[0]["label"] == photo.label
