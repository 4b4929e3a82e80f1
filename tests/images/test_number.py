"""A whole number in one picture: every digit's strokes kept, however its pen differs from its neighbours'."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage
from skimage.morphology import skeletonize

from mnistdash.images.preprocess import to_mnist_steps

SCALE = 4  # a 28 px MNIST digit drawn 112 px tall


def _big(digit: np.ndarray) -> np.ndarray:
    return np.asarray(Image.fromarray((digit * 255).astype(np.uint8)).resize((28 * SCALE,) * 2, Image.Resampling.BICUBIC)) > 100


def _first(test_split, label: int) -> np.ndarray:
    return test_split.floats()[int(np.flatnonzero(test_split.labels == label)[0])]


def test_a_thin_digit_between_thick_ones_keeps_its_strokes(test_split):
    # One opening sized by the thickest strokes on the page erased a digit written thinner than its neighbours.
    rng = np.random.default_rng(0)
    shapes = [_big(_first(test_split, d)) for d in (3, 5, 7)]
    thick = [ndimage.distance_transform_edt(~s) <= 5 for s in (shapes[0], shapes[2])]
    thin = ndimage.distance_transform_edt(~skeletonize(shapes[1])) <= 1.5
    alpha = np.zeros((28 * SCALE + 40, 3 * 28 * SCALE + 80), np.float32)
    for k, ink in enumerate([thick[0], thin, thick[1]]):
        alpha[20 : 20 + ink.shape[0], 20 + k * 28 * SCALE : 20 + (k + 1) * 28 * SCALE] = ink
    alpha = ndimage.gaussian_filter(alpha, 1.0)
    page = 0.92 - 0.8 * alpha + rng.normal(0, 0.02, alpha.shape)  # dark ink on paper with a camera's grain
    ink = to_mnist_steps((np.clip(page, 0, 1) * 255).astype(np.uint8), several=True).ink
    middle = (slice(20, 20 + 28 * SCALE), slice(20 + 28 * SCALE, 20 + 2 * 28 * SCALE))
    line = skeletonize(thin)
    kept = (ink[middle] > 0)[line].mean()
    assert kept > 0.6, f"only {kept:.0%} of the thin 5's strokes kept"  # 0% when opened by the thick digits' width
    assert (ink[:, 20 : 20 + 28 * SCALE] > 0).sum() > 0.8 * thick[0].sum()  # and the thick 3 whole


@pytest.mark.parametrize("label", [0, 6, 8])
def test_a_faint_pencil_digit_in_a_number_stays_whole(test_split, label):
    # A pencil's grey stroke on the paper's tooth, 0.1 darker than the paper at its darkest: cut at a blank
    # page's contrast (0.08) it kept 14-32% of its length.
    rng = np.random.default_rng(1)
    line = skeletonize(_big(_first(test_split, label)))
    stroke = ndimage.distance_transform_edt(~line) <= 1.5
    tooth = 1 - 0.5 * rng.random(stroke.shape)
    alpha = ndimage.gaussian_filter(stroke * tooth, 0.7)
    page = np.pad(1.0 - 0.1 * alpha / alpha.max(), 60, constant_values=1.0)
    steps = to_mnist_steps((page * 255).round().astype(np.uint8), several=True)
    pieces = ndimage.label(steps.crop > 0, structure=np.ones((3, 3)))[1]
    kept = (steps.ink[60:-60, 60:-60] > 0)[line].mean()
    assert pieces == 1 and kept > 0.9, f"{pieces} pieces, {kept:.0%} of the stroke kept"
