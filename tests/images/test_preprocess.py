"""Any image -> the 28x28 digit the models see: centring, scaling, polarity, alpha, and errors."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from mnistdash.images.preprocess import ImageError, load_image, preprocess_file, to_mnist


def _centre_of_mass(img):
    ys, xs = np.indices(img.shape)
    return (ys * img).sum() / img.sum(), (xs * img).sum() / img.sum()


def _bbox(img, thr=0.2):
    rows, cols = np.flatnonzero((img > thr).any(1)), np.flatnonzero((img > thr).any(0))
    return rows[0], rows[-1], cols[0], cols[-1]


def test_mnist_digit_is_nearly_unchanged(test_split):
    digit = test_split.floats()[0]
    out = to_mnist(digit)
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert np.corrcoef(out.ravel(), digit.ravel())[0, 1] > 0.9


def test_off_centre_oversized_inverted_digit_comes_out_centred_and_upright(test_split):
    # A "7" drawn dark on white paper, big and pushed into a corner of a 400x300 photo.
    seven = test_split.floats()[0]
    big = np.asarray(Image.fromarray((seven * 255).astype(np.uint8)).resize((250, 250), Image.Resampling.BILINEAR)) / 255.0
    page = np.ones((300, 400), np.float32)
    page[40:290, 140:390] = 1 - big
    out = to_mnist((page * 255).astype(np.uint8))
    cy, cx = _centre_of_mass(out)
    assert abs(cy - 13.5) < 1.0 and abs(cx - 13.5) < 1.0
    r0, r1, c0, c1 = _bbox(out)
    assert max(r1 - r0, c1 - c0) + 1 in (19, 20, 21)
    assert out[0].max() == 0 and out[:, 0].max() == 0  # light ink on a dark background
    assert np.corrcoef(out.ravel(), to_mnist(seven).ravel())[0, 1] > 0.85  # upright, same digit


def test_tiny_digit_is_scaled_up_keeping_aspect(test_split):
    one = test_split.floats()[2]  # a "1": tall and thin
    small = np.zeros((200, 200), np.float32)
    small[90:97, 95:102] = np.asarray(Image.fromarray(one).resize((7, 7), Image.Resampling.BILINEAR))
    out = to_mnist(small)
    r0, r1, c0, c1 = _bbox(out)
    assert r1 - r0 + 1 >= 18 and c1 - c0 < r1 - r0


def test_blank_images_raise_no_digit_found():
    for blank in (np.zeros((280, 280)), np.ones((50, 80)), np.full((28, 28, 4), 0, np.uint8)):
        with pytest.raises(ImageError, match="no digit found"):
            to_mnist(blank)


def test_rgba_canvas_white_stroke_on_transparent_and_on_black():
    canvas = np.zeros((280, 280, 4), np.uint8)
    canvas[60:220, 130:150] = [255, 255, 255, 255]  # a vertical stroke, rest fully transparent
    out1 = to_mnist(canvas)
    canvas[..., 3] = 255  # now an opaque black background
    out2 = to_mnist(canvas)
    for out in (out1, out2):
        r0, r1, c0, c1 = _bbox(out)
        assert r1 - r0 >= 18 and c1 - c0 <= 6


def test_dark_stroke_on_transparent_png():
    rgba = np.zeros((100, 100, 4), np.uint8)
    rgba[20:80, 45:55] = [0, 0, 0, 255]
    out = to_mnist(rgba)
    assert out.max() == 1.0 and out[0].max() == 0


@pytest.mark.parametrize("mode,fmt", [("L", "PNG"), ("RGB", "JPEG"), ("RGBA", "PNG"), ("P", "GIF"), ("1", "BMP")])
def test_every_mode_and_format(tmp_path, test_split, mode, fmt):
    img = Image.fromarray((255 - test_split.images[3]).astype(np.uint8)).resize((140, 140)).convert(mode)
    path = tmp_path / f"digit.{fmt.lower()}"
    img.save(path, format=fmt)
    out = preprocess_file(path)
    assert out.shape == (28, 28) and 0.9 < out.max() <= 1.0


def test_bad_files_give_one_line_errors(tmp_path):
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("this is not a picture")
    buf = io.BytesIO()
    Image.new("L", (64, 64), 255).save(buf, format="PNG")
    (tmp_path / "cut.png").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    for name, pattern in (
        ("empty.png", "empty"),
        ("notes.txt", "not an image"),
        ("cut.png", "damaged or truncated"),
        ("gone.png", "not found"),
    ):
        with pytest.raises(ImageError, match=pattern) as info:
            load_image(tmp_path / name)
        assert "\n" not in str(info.value)


def test_enormous_image_is_refused(tmp_path):
    buf = io.BytesIO()
    Image.new("L", (6000, 6000), 0).save(buf, format="PNG")
    with pytest.raises(ImageError, match="too large"):
        load_image(buf.getvalue())


@pytest.mark.parametrize("width", [8, 10, 14])
@pytest.mark.parametrize("stroke", [[(140, 40), (140, 240)], [(60, 70), (220, 70)]], ids=["a 1", "the bar of a 7"])
def test_thin_straight_strokes_on_the_canvas_are_digits_not_ruled_lines(width, stroke):
    from PIL import ImageDraw

    im = Image.new("RGBA", (280, 280), (0, 0, 0, 255))
    ImageDraw.Draw(im).line(stroke, fill=(255, 255, 255, 255), width=width)
    digit = to_mnist(np.asarray(im))
    assert digit.shape == (28, 28) and digit.sum() > 10
