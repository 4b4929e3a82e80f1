"""Property-based tests (Hypothesis) over every input path: an image of any size, mode, transparency,
animation, EXIF rotation, truncated or random bytes, a canvas array of any shape, an IDX or npz file
with a corrupt header comes back as a digit or as the one-line error, never anything else.

Derandomized and bounded (max_examples per test), so CI runs the same cases every time; CASES
counts them per input path and tests/conftest.py prints the count in the terminal summary.
"""

from __future__ import annotations

import gzip
import io
import tempfile
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from mnistdash.data import DataError, load_split, read_idx, write_idx
from mnistdash.images.preprocess import MAX_PIXELS, ImageError, load_image, preprocess_file, to_mnist, to_mnist_steps

CASES: Counter = Counter()
MAX_SIDE = 200  # generated images; the size limit itself is tested with explicit examples below
MODES = ["1", "L", "LA", "P", "PA", "RGB", "RGBA", "RGBX", "I", "I;16", "I;16B", "F", "CMYK", "YCbCr", "LAB", "HSV"]
FORMATS = ["PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP", "PPM", "ICO", "TGA"]
SIGNATURES = [b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"BM", b"RIFF\x00\x00\x00\x00WEBP", b"II*\x00"]


def fuzz(n: int):
    return settings(
        max_examples=n,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )


def digit_or_one_line_error(path: str, read, error=ImageError):
    """Run `read()`: a (28, 28) float32 digit in [0, 1], or `error` with a one-line message; nothing else."""
    CASES[path] += 1
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # a numpy warning is a path nobody thought through
        try:
            out = read()
        except error as exc:
            msg = str(exc)
            assert msg and "\n" not in msg and len(msg) < 400, msg
            assert "Traceback" not in msg
            return None
    return out


def assert_digit(digit) -> None:
    assert isinstance(digit, np.ndarray) and digit.shape == (28, 28) and digit.dtype == np.float32
    assert np.isfinite(digit).all() and digit.min() >= 0 and digit.max() <= 1


@st.composite
def drawings(draw, max_side: int = MAX_SIDE) -> np.ndarray:
    """(H, W) uint8: a background, 0-4 strokes (rectangles) of ink, optional noise; 1x1 up to max_side."""
    h, w = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    paper = draw(st.sampled_from([0, 255, 128]) | st.integers(0, 255))
    ink = draw(st.sampled_from([255 - paper, 0, 255]) | st.integers(0, 255))
    arr = np.full((h, w), paper, np.uint8)
    for _ in range(draw(st.integers(0, 4))):
        y0, y1 = sorted(draw(st.integers(0, h)) for _ in range(2))
        x0, x1 = sorted(draw(st.integers(0, w)) for _ in range(2))
        arr[y0 : y1 + 1, x0 : x1 + 1] = ink
    noise = draw(st.sampled_from([0, 0, 3, 30]))
    if noise:
        rng = np.random.default_rng(draw(st.integers(0, 2**16)))
        arr = np.clip(arr + rng.normal(0, noise, arr.shape), 0, 255).astype(np.uint8)
    return arr


def as_mode(arr: np.ndarray, mode: str, alpha: str = "opaque") -> Image.Image:
    """A drawing in any Pillow mode; `alpha` (for modes with one): opaque, the ink only, or a ramp."""
    image = Image.fromarray(arr, "L")
    image = image.convert("I").convert(mode) if mode.startswith("I;16") else image.convert(mode)
    if mode in ("LA", "RGBA", "PA") and alpha != "opaque":
        a = (arr != arr.flat[0]).astype(np.uint8) * 255 if alpha == "ink" else np.linspace(0, 255, arr.size).reshape(arr.shape)
        image.putalpha(Image.fromarray(a.astype(np.uint8), "L"))
    if mode == "P" and alpha == "ink":
        image.info["transparency"] = int(np.asarray(image).flat[0])
    return image


def encode(image: Image.Image, fmt: str, **kw) -> bytes:
    """The image saved as `fmt`, or the example skipped where Pillow cannot write that mode as that format."""
    buf = io.BytesIO()
    try:
        image.save(buf, format=fmt, **kw)
    except (OSError, ValueError, KeyError, TypeError):
        assume(False)
    return buf.getvalue()


# ---- images: objects, files, animation, EXIF, truncation, random bytes -----------------------------


@fuzz(400)
@given(
    drawings(),
    st.sampled_from(MODES),
    st.sampled_from(["opaque", "ink", "ramp"]),
    st.sampled_from([None, 0.3, 0.9]),
    st.booleans(),
)
@example(np.zeros((1, 1), np.uint8), "L", "opaque", None, False)
@example(np.full((2, 2), 255, np.uint8), "RGB", "opaque", None, False)
@example(np.array([[0, 255], [255, 0]], np.uint8), "L", "opaque", None, False)
def test_any_image_in_any_mode(arr, mode, alpha, threshold, invert):
    image = as_mode(arr, mode, alpha)
    digit = digit_or_one_line_error("image objects", lambda: to_mnist_steps(image, threshold, invert).digit)
    if digit is not None:
        assert_digit(digit)


@fuzz(400)
@given(drawings(), st.sampled_from(MODES), st.sampled_from(FORMATS), st.sampled_from(["opaque", "ink"]), st.integers(0, 9))
def test_any_saved_file_with_any_exif_rotation(arr, mode, fmt, alpha, orientation):
    image = as_mode(arr, mode, alpha)
    kw = {}
    if orientation and fmt in ("JPEG", "PNG", "WEBP", "TIFF"):
        exif = Image.Exif()
        exif[0x0112] = orientation  # 1-8 rotations and flips; 0 and 9 are invalid
        kw["exif"] = exif.tobytes()
    data = encode(image, fmt, **kw)
    digit = digit_or_one_line_error("saved files", lambda: preprocess_file(data))
    if digit is not None:
        assert_digit(digit)


@fuzz(80)
@given(st.lists(drawings(max_side=80), min_size=1, max_size=4), st.sampled_from(["GIF", "WEBP", "PNG"]), st.data())
def test_animated_images_read_their_first_frame(frames, fmt, data):
    shape = frames[0].shape
    images = [Image.fromarray(np.resize(f, shape), "L").convert("RGB") for f in frames]
    durations = data.draw(st.integers(10, 500))
    blob = encode(images[0], fmt, save_all=True, append_images=images[1:], duration=durations, loop=0)
    digit = digit_or_one_line_error("animations", lambda: preprocess_file(blob))
    if digit is not None:
        assert_digit(digit)


@fuzz(250)
@given(
    drawings(max_side=60),
    st.sampled_from(FORMATS),
    st.floats(0, 1, exclude_max=True),
    st.lists(st.integers(0, 2**20), max_size=4),
)
def test_truncated_and_damaged_files(arr, fmt, keep, flips):
    data = bytearray(encode(Image.fromarray(arr, "L").convert("RGB" if fmt == "JPEG" else "L"), fmt))
    for pos in flips:  # flip bits at a few places
        data[pos % len(data)] ^= 0xFF
    cut = bytes(data[: int(keep * len(data))])
    digit = digit_or_one_line_error("damaged files", lambda: preprocess_file(cut))
    if digit is not None:
        assert_digit(digit)


@fuzz(400)
@given(st.sampled_from(SIGNATURES), st.binary(max_size=3000))
@example(b"", b"")
@example(b"\x89PNG\r\n\x1a\n", b"")
def test_random_bytes(prefix, payload):
    data = prefix + payload
    digit = digit_or_one_line_error("random bytes", lambda: preprocess_file(data, "the upload"))
    if digit is not None:
        assert_digit(digit)


@pytest.mark.parametrize("size", [(1, 1), (2, 2), (7, 40), (1, 5000), (5000, 1), (5000, 5000), (5001, 5000)])
def test_the_size_limit_and_past_it(size, tmp_path):
    w, h = size
    arr = np.zeros((h, w), np.uint8)
    arr[h // 4 : max(h // 4 + 1, 3 * h // 4), w // 2 : w // 2 + max(1, w // 10)] = 255  # a "1", however small
    path = tmp_path / "big.png"
    Image.fromarray(arr, "L").save(path)
    digit = digit_or_one_line_error("sizes", lambda: preprocess_file(path))
    if min(w, h) < 8 or w * h > MAX_PIXELS:  # too small to hold a digit, or past the limit: the one-line error
        assert digit is None
    else:
        assert_digit(digit)
        assert digit.sum() > 0  # the limit itself is read
    if w * h > MAX_PIXELS:
        with pytest.raises(ImageError, match="too large"):
            load_image(path)


# ---- the canvas: arrays of any shape and type ----------------------------------------------------


@st.composite
def arrays(draw) -> np.ndarray:
    """A canvas array: (H, W), (H, W, C) for C in 1-5, or another rank; uint8, ints, bools or floats (NaN too)."""
    arr = draw(drawings(max_side=120))
    shape = draw(st.sampled_from(["hw", "hw1", "hw3", "hw4", "hw2", "hw5", "flat", "4d", "28"]))
    if shape == "28":
        arr = np.resize(arr, (28, 28))
    elif shape.startswith("hw") and len(shape) == 3:
        c = int(shape[2])
        arr = np.repeat(arr[..., None], c, axis=2)
        if c == 4:
            arr[..., 3] = draw(st.sampled_from([255, 0])) if draw(st.booleans()) else (arr[..., 0] != arr.flat[0]) * 255
    elif shape == "flat":
        arr = arr.ravel()
    elif shape == "4d":
        arr = arr[None, ..., None]
    kind = draw(st.sampled_from(["uint8", "float01", "float255", "bool", "int64", "nan"]))
    if kind == "float01":
        arr = arr.astype(np.float32) / 255
    elif kind == "float255":
        arr = arr.astype(np.float64)
    elif kind == "bool":
        arr = arr > 127
    elif kind == "int64":
        arr = arr.astype(np.int64) * draw(st.sampled_from([1, -1, 300]))
    elif kind == "nan":
        arr = arr.astype(np.float32) / 255
        arr.flat[draw(st.integers(0, arr.size - 1))] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
    return arr


@fuzz(200)
@given(arrays())
@example(np.zeros((280, 280, 4), np.uint8))
@example(np.zeros((1, 1, 4), np.uint8))
@example(np.full((28, 28), 255, np.uint8))
def test_canvas_arrays_through_read_digit(committed_models, arr):
    from mnistdash.draw.live import read_digit
    from mnistdash.zoo import registry

    names = [n for n in registry.classifiers() if n in committed_models]
    reading = digit_or_one_line_error("canvas arrays", lambda: read_digit(committed_models, arr, names, with_maps=False))
    if reading is not None:
        assert_digit(reading.digit)
        assert all(p.shape == (10,) and np.isfinite(p).all() and abs(p.sum() - 1) < 1e-4 for p in reading.probs.values())
    digit = digit_or_one_line_error("canvas arrays", lambda: to_mnist(arr))
    if digit is not None:
        assert_digit(digit)


# ---- datasets: IDX and npz with corrupt headers and random bytes -----------------------------------


@st.composite
def idx_files(draw) -> bytes:
    """A small valid IDX file, then damaged: header bytes changed, cut, padded, or gzipped and then damaged."""
    shape = draw(st.lists(st.integers(0, 6), min_size=1, max_size=3))
    arr = np.arange(int(np.prod(shape)), dtype=np.uint8).reshape(shape)
    with tempfile.TemporaryDirectory() as d:
        write_idx(Path(d) / "x", arr)
        data = bytearray((Path(d) / "x").read_bytes())
    for pos, value in draw(st.lists(st.tuples(st.integers(0, 15), st.integers(0, 255)), max_size=3)):  # the header
        if pos < len(data):
            data[pos] = value
    data = bytes(data)
    how = draw(st.sampled_from(["as is", "cut", "padded", "gzip", "gzip damaged", "random"]))
    if how == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    elif how == "padded":
        data += draw(st.binary(min_size=1, max_size=20))
    elif how.startswith("gzip"):
        data = bytearray(gzip.compress(data, mtime=0))
        if how == "gzip damaged":
            for pos in draw(st.lists(st.integers(0, 2**16), min_size=1, max_size=3)):
                data[pos % len(data)] ^= draw(st.integers(1, 255))
            data = data[: draw(st.integers(2, len(data)))]
        data = bytes(data)
    elif how == "random":
        data = draw(st.sampled_from([b"", b"\x00\x00\x08", b"\x1f\x8b"])) + draw(st.binary(max_size=200))
    return data


@fuzz(500)
@given(idx_files())
@example(b"\x00\x00\x08\x04" + b"\xff" * 16)  # four dims of 2**32 - 1: their product overflows int64
@example(b"\x00\x00\x08\xff" + b"\x00" * 1020)  # 255 dims of 0
@example(b"\x1f\x8b\x08\x00" + b"\x00" * 30)  # a gzip header, then nothing inflatable
def test_idx_files_with_corrupt_headers(data):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "t10k-images-idx3-ubyte"
        path.write_bytes(data)
        arr = digit_or_one_line_error("IDX files", lambda: read_idx(path), DataError)
    if arr is not None:
        assert isinstance(arr, np.ndarray) and arr.dtype == np.uint8


@st.composite
def npz_pairs(draw) -> tuple[bytes, bytes]:
    """Kannada-style X/y npz files: arrays of any small shape and dtype, then possibly cut or damaged."""

    def one(default_shape):
        shape = draw(st.sampled_from([default_shape, (), (3,), (2, 28, 28), (2, 5, 5), (0, 28, 28), (2, 28, 28, 1)]))
        dtype = draw(st.sampled_from(["uint8", "int64", "float32", "float64", "<U3", "bool", "complex64", "int8"]))
        values = np.random.default_rng(draw(st.integers(0, 99))).integers(-300, 300, size=shape)
        buf = io.BytesIO()
        if draw(st.booleans()):
            np.savez(buf, values.astype(dtype))
        else:
            np.savez(buf, **{draw(st.sampled_from(["images", "x", "arr_1"])): values.astype(dtype)})
        data = bytearray(buf.getvalue())
        how = draw(st.sampled_from(["as is", "as is", "cut", "flipped", "random"]))
        if how == "cut":
            data = data[: draw(st.integers(0, len(data)))]
        elif how == "flipped":
            for pos in draw(st.lists(st.integers(0, 2**16), min_size=1, max_size=3)):
                data[pos % len(data)] ^= 0xFF
        elif how == "random":
            data = draw(st.sampled_from([b"", b"PK\x03\x04", b"\x93NUMPY"])) + draw(st.binary(max_size=200))
        return bytes(data)

    return one((2, 28, 28)), one((2,))


@fuzz(300)
@given(npz_pairs())
def test_npz_datasets_with_any_content(pair):
    with tempfile.TemporaryDirectory() as d:
        Path(d, "X_kannada_MNIST_test.npz").write_bytes(pair[0])
        Path(d, "y_kannada_MNIST_test.npz").write_bytes(pair[1])
        split = digit_or_one_line_error("npz files", lambda: load_split("test", d), DataError)
    if split is not None:
        assert split.images.dtype == np.uint8 and split.images.shape[1:] == (28, 28)
        assert split.labels.dtype == np.int64 and len(split.labels) == len(split.images)
        assert len(split.labels) == 0 or (split.labels.min() >= 0 and split.labels.max() <= 9)
