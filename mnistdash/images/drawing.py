"""A canvas drawing -> the 28x28 digit, by a recipe short enough that the drawing component repeats it in the browser.

MNIST's own steps for clean light-on-dark ink: cropped to the ink, the longer side scaled to 20 px by area
averaging (each output pixel the mean of the input it covers), normalized to its peak, then placed in 28x28 with
its centre of mass at the centre. mnistdash/ui/draw/components/draw.js does the same in float64 arithmetic; a
test checks that both give the same digit and the same answers.
"""

from __future__ import annotations

import numpy as np

from mnistdash.images.preprocess import MIN_CONTRAST, MIN_INK_PIXELS, NO_DIGIT, ImageError, to_gray


def _area_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) weights: output pixel i is the mean of input [i * n_in / n_out, (i + 1) * n_in / n_out)."""
    m = np.zeros((n_out, n_in), np.float64)
    step = n_in / n_out
    for i in range(n_out):
        a, b = i * step, (i + 1) * step
        for j in range(int(np.floor(a)), min(n_in, int(np.ceil(b)))):
            m[i, j] = (min(b, j + 1) - max(a, j)) / step
    return m


def _round(x: float) -> int:
    """Half up, as JavaScript's Math.round (Python's round is half to even)."""
    return int(np.floor(x + 0.5))


def canvas_digit(image: np.ndarray) -> np.ndarray:
    """A canvas picture (H, W, 4) RGBA or (H, W) grey, light ink on black -> (28, 28) float32 in [0, 1]."""
    gray = to_gray(np.asarray(image))
    ink = gray > MIN_CONTRAST
    if ink.sum() < MIN_INK_PIXELS:
        raise ImageError(NO_DIGIT)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    crop = gray[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].astype(np.float64)
    h, w = crop.shape
    scale = 20.0 / max(h, w)
    sh, sw = max(1, _round(h * scale)), max(1, _round(w * scale))
    small = _area_matrix(h, sh) @ crop @ _area_matrix(w, sw).T
    small /= small.max()
    total = small.sum()
    ys, xs = np.indices(small.shape)
    cy, cx = (ys * small).sum() / total, (xs * small).sum() / total  # centre of mass inside the small picture
    top, left = 14 - _round(cy), 14 - _round(cx)  # where the small picture's corner lands in the 28x28
    digit = np.zeros((28, 28), np.float64)
    y0, x0 = max(0, top), max(0, left)
    y1, x1 = min(28, top + sh), min(28, left + sw)
    if y1 > y0 and x1 > x0:
        digit[y0:y1, x0:x1] = small[y0 - top : y1 - top, x0 - left : x1 - left]
    return np.clip(digit, 0, 1).astype(np.float32)
