"""Seeded synthetic phone photos of MNIST digits: dark ink on light paper, uneven light, JPEG.

Each photo: a digit written in dark ink on off-white paper (300-600 px), lit unevenly (a gradient
and a vignette), sometimes crossed by a soft shadow band or printed with ruled lines, with paper
grain, sensor noise, defocus blur, a slight rotation and JPEG compression. The same seed gives the
same bytes, so the tests and bench/photo_accuracy.py read the same set.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import ndimage

KINDS = ("plain", "shadow", "lines")


@dataclass(frozen=True)
class Photo:
    jpeg: bytes  # the photo as a phone would save it
    label: int  # the digit written
    kind: str  # one of KINDS
    index: int  # its index in the MNIST test split


def _lighting(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """A multiplicative light field (h, w): a linear gradient in a random direction and a vignette."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    ys, xs = ys / h - 0.5, xs / w - 0.5
    angle = rng.uniform(0, 2 * np.pi)
    along = xs * np.cos(angle) + ys * np.sin(angle)  # about -0.7 .. 0.7
    dark, bright = rng.uniform(0.38, 0.6), rng.uniform(0.95, 1.05)
    ramp = (along - along.min()) / (np.ptp(along) + 1e-6)
    field = dark + (bright - dark) * ramp
    cy, cx = rng.uniform(-0.3, 0.3, size=2)
    field *= 1 - rng.uniform(0.1, 0.3) * ((ys - cy) ** 2 + (xs - cx) ** 2) * 2
    return field


def _shadow(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """A soft shadow band (h, w) across the page, darkening to 0.35-0.6 of the light inside it."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, np.pi)
    along = (xs - w / 2) * np.cos(angle) + (ys - h / 2) * np.sin(angle)
    diag = float(np.hypot(h, w))
    centre = rng.uniform(-0.25, 0.25) * diag
    half = rng.uniform(0.14, 0.25) * diag
    soft = rng.uniform(0.02, 0.05) * diag
    inside = 1 / (1 + np.exp(-(half - np.abs(along - centre)) / soft))  # 1 inside the band, 0 outside
    return 1 - (1 - rng.uniform(0.35, 0.6)) * inside


def _ruled_lines(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """Darkness (h, w) in [0, 1] of a ruled page's horizontal lines."""
    lines = np.zeros((h, w), np.float32)
    gap = int(rng.integers(24, 46))
    thick = int(rng.integers(1, 4))
    for y in range(int(rng.integers(0, gap)), h, gap):
        lines[y : y + thick] = 1.0
    return lines * rng.uniform(0.3, 0.55)


def render_photo(digit: np.ndarray, kind: str, rng: np.random.Generator) -> Image.Image:
    """A (28, 28) MNIST digit (white on black, floats) -> an RGB phone photo of it written on paper."""
    if kind not in KINDS:
        raise ValueError(f"unknown photo kind {kind!r}; choose one of {', '.join(KINDS)}")
    h, w = int(rng.integers(360, 601)), int(rng.integers(300, 481))
    pad = int(0.2 * max(h, w))  # drawn larger, rotated, then cropped: no empty corners
    bh, bw = h + 2 * pad, w + 2 * pad
    # The ink: the digit scaled so its 20-px body spans 35-65% of the shorter side.
    side = int(min(h, w) * rng.uniform(0.35, 0.65) * 28 / 20)
    alpha = np.asarray(Image.fromarray((digit * 255).astype(np.uint8)).resize((side, side), Image.Resampling.BICUBIC))
    ink = np.zeros((bh, bw), np.float32)
    top = bh // 2 - side // 2 + int(rng.uniform(-0.1, 0.1) * h)
    left = bw // 2 - side // 2 + int(rng.uniform(-0.1, 0.1) * w)
    ink[top : top + side, left : left + side] = alpha / 255.0 * rng.uniform(0.75, 0.95)
    marks = _ruled_lines(bh, bw, rng) if kind == "lines" else np.zeros((bh, bw), np.float32)
    angle = rng.uniform(-7, 7)
    ink, marks = (ndimage.rotate(a, angle, reshape=False, order=1) for a in (ink, marks))
    ink, marks = ink[pad : pad + h, pad : pad + w], marks[pad : pad + h, pad : pad + w]

    paper = np.array([rng.uniform(225, 250), rng.uniform(220, 245), rng.uniform(205, 235)], np.float32) / 255
    ink_rgb = np.array([rng.uniform(10, 50), rng.uniform(10, 50), rng.uniform(30, 90)], np.float32) / 255
    line_rgb = np.array([120, 150, 200], np.float32) / 255
    grain = ndimage.gaussian_filter(rng.normal(0, 1, (h, w)).astype(np.float32), 1.5) * rng.uniform(0.03, 0.06)
    rgb = paper * (1 + grain[..., None])
    rgb = rgb * (1 - marks[..., None]) + line_rgb * marks[..., None]
    rgb = rgb * (1 - ink[..., None]) + ink_rgb * ink[..., None]
    light = _lighting(h, w, rng)
    if kind == "shadow":
        light = light * _shadow(h, w, rng)
    rgb = rgb * light[..., None]
    rgb = ndimage.gaussian_filter(rgb, (rng.uniform(0.6, 1.8),) * 2 + (0,))  # defocus
    rgb = rgb + rng.normal(0, rng.uniform(0.01, 0.03), rgb.shape).astype(np.float32)  # sensor noise
    return Image.fromarray((np.clip(rgb, 0, 1) * 255).round().astype(np.uint8), mode="RGB")


def photo_set(images: np.ndarray, labels: np.ndarray, n: int = 200, seed: int = 0) -> list[Photo]:
    """n photos of test digits chosen by the seed, kinds in turn (plain, shadow, lines), as JPEG bytes."""
    rng = np.random.default_rng(seed)
    picks = rng.permutation(len(images))[:n]  # the first n of one order: a smaller set is a prefix
    photos = []
    for i, index in enumerate(picks):
        kind = KINDS[i % len(KINDS)]
        image = render_photo(images[index], kind, rng)
        buf = io.BytesIO()
        image.save(buf, format="JPEG", quality=int(rng.integers(55, 86)))
        photos.append(Photo(buf.getvalue(), int(labels[index]), kind, int(index)))
    return photos
