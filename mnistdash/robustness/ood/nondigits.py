"""Seeded non-digits made here (letters, scribbles, noise, shapes, in both polarities), read like uploads."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from mnistdash.config import SEED
from mnistdash.images.preprocess import ImageError, to_mnist

KINDS = ("letters", "scribbles", "noise", "shapes")
# Letters whose shapes no digit shares (no O, I, S, Z, B, G, L, T, Q, D).
LETTERS = "AEFHKMNRWXVYP"
SHAPES = ("square", "triangle", "star", "cross", "grid", "bars")
SIDE = 112  # the canvas each non-digit is drawn on, as a person's upload might be


def _letter(rng: np.random.Generator) -> Image.Image:
    font = ImageFont.load_default(size=int(rng.integers(70, 100)))
    img = Image.new("L", (SIDE, SIDE), 0)
    ImageDraw.Draw(img).text((SIDE / 2, SIDE / 2), str(rng.choice(list(LETTERS))), fill=255, font=font, anchor="mm")
    if rng.random() < 0.5:
        img = img.filter(ImageFilter.MaxFilter(int(rng.choice([3, 5]))))  # a thicker pen
    return img.rotate(float(rng.uniform(-15, 15)), resample=Image.Resampling.BILINEAR)


def _scribble(rng: np.random.Generator) -> Image.Image:
    img = Image.new("L", (SIDE, SIDE), 0)
    points = [tuple(rng.uniform(12, SIDE - 12, 2)) for _ in range(int(rng.integers(8, 16)))]
    ImageDraw.Draw(img).line(points, fill=255, width=int(rng.integers(5, 10)), joint="curve")
    return img


def _noise(rng: np.random.Generator) -> Image.Image:
    which = rng.integers(3)
    if which == 0:  # uniform noise
        arr = rng.random((SIDE, SIDE))
    elif which == 1:  # salt and pepper, dense
        arr = (rng.random((SIDE, SIDE)) < rng.uniform(0.1, 0.4)).astype(float)
    else:  # blotches: blurred noise
        small = rng.random((int(rng.integers(6, 14)),) * 2)
        arr = np.asarray(Image.fromarray((small * 255).astype(np.uint8)).resize((SIDE, SIDE), Image.Resampling.BICUBIC)) / 255.0
    return Image.fromarray((np.clip(arr, 0, 1) * 255).astype(np.uint8), mode="L")


def _star(c: float, r: float, turn: float) -> list[tuple[float, float]]:
    return [
        (
            c + (r if k % 2 == 0 else r * 0.4) * math.cos(turn + k * math.pi / 5),
            c + (r if k % 2 == 0 else r * 0.4) * math.sin(turn + k * math.pi / 5),
        )
        for k in range(10)
    ]


def _shape(rng: np.random.Generator) -> Image.Image:
    img = Image.new("L", (SIDE, SIDE), 0)
    d = ImageDraw.Draw(img)
    kind = SHAPES[rng.integers(len(SHAPES))]
    c, r, w = SIDE / 2, float(rng.uniform(30, 48)), int(rng.integers(6, 12))
    if kind == "square":
        d.rectangle((c - r, c - r * rng.uniform(0.6, 1.0), c + r, c + r), fill=255)
    elif kind == "triangle":
        d.polygon([(c, c - r), (c - r, c + r * 0.8), (c + r, c + r * 0.8)], fill=255)
    elif kind == "star":
        d.polygon(_star(c, r, float(rng.uniform(0, math.pi))), fill=255)
    elif kind == "cross":
        d.line((c - r, c - r, c + r, c + r), fill=255, width=w)
        d.line((c - r, c + r, c + r, c - r), fill=255, width=w)
        d.line((c - r, c, c + r, c), fill=255, width=w)
    elif kind == "grid":
        for t in np.linspace(c - r, c + r, int(rng.integers(3, 5))):
            d.line((t, c - r, t, c + r), fill=255, width=w // 2 + 2)
            d.line((c - r, t, c + r, t), fill=255, width=w // 2 + 2)
    else:  # bars: several parallel thick stripes
        for t in np.linspace(c - r, c + r, int(rng.integers(3, 6))):
            d.line((c - r, t, c + r, t), fill=255, width=w)
    return img.rotate(float(rng.uniform(-20, 20)), resample=Image.Resampling.BILINEAR)


MAKERS = {"letters": _letter, "scribbles": _scribble, "noise": _noise, "shapes": _shape}


def make_images(kind: str, n: int, seed: int = SEED) -> list[Image.Image]:
    """n seeded images of one kind, SIDE x SIDE; every second one dark ink on white paper (the other polarity)."""
    rng = np.random.default_rng([seed, KINDS.index(kind)])
    out = []
    for i in range(n):
        img = MAKERS[kind](rng)
        out.append(Image.eval(img, lambda v: 255 - v) if i % 2 else img)
    return out


def nondigits(kind: str, n: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """(digits (M, 28, 28) of the images preprocessing read, refused (n,) bool): refused ones found "no digit" and count as caught."""
    digits, refused = [], np.zeros(n, bool)
    for i, img in enumerate(make_images(kind, n, seed)):
        try:
            digits.append(to_mnist(img))
        except ImageError:
            refused[i] = True
    return (np.stack(digits) if digits else np.zeros((0, 28, 28), np.float32)), refused
