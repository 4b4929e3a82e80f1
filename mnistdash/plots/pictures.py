"""Pictures as PNG: one data-URI encoder for every <img> the pages write (they carry alt text, st.image does not),
digits as crisp thumbnails, the maps' sheet and a photo's filmstrip."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from mnistdash.plots.figures import DIVERGING

FILM_CELL = 160  # px of each frame's cell in a photo's filmstrip
MAP_SCALE = 5  # px per pixel of each contribution map in the maps' picture


def png_uri(image: Image.Image | np.ndarray) -> str:
    """A PIL image (or a uint8 array) as a PNG data URI for an <img> with alt text."""
    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def upscale(image: np.ndarray, factor: int = 4) -> np.ndarray:
    """A (H, W) float digit in [0, 1] as a crisp uint8 image, each pixel a factor x factor block."""
    return (np.kron(np.clip(image, 0, 1), np.ones((factor, factor))) * 255).astype(np.uint8)


def digit_uri(image: np.ndarray, factor: int = 3) -> str:
    """A (28, 28) float digit as a crisp PNG data URI."""
    return png_uri(upscale(image, factor))


def _diverging_lut() -> np.ndarray:
    """(256, 3) uint8: the diverging colour scale (blue, white, red) sampled at 256 steps."""
    from plotly.colors import get_colorscale, sample_colorscale, unlabel_rgb

    rgb = sample_colorscale(get_colorscale(DIVERGING), list(np.linspace(0, 1, 256)))
    return np.array([unlabel_rgb(c) for c in rgb], np.float32).round().astype(np.uint8)


_LUT = _diverging_lut()


def maps_picture(digit: np.ndarray, maps: dict[str, np.ndarray], titles: list[str], columns: int = 5) -> Image.Image:
    """The maps of `overlay_maps` as one light picture: each map on its own symmetric scale (red toward the model's
    answer), the digit's outline (its 0.5 level) in black, the title above; a grid of `columns`."""
    cell, title_px, gap = 28 * MAP_SCALE, 24, 12
    columns = max(1, min(columns, len(maps)))
    rows = -(-len(maps) // columns)
    sheet = Image.new("RGB", (columns * (cell + gap) - gap, rows * (cell + title_px + gap)), "white")
    pen = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=15)
    inside = np.kron(digit > 0.5, np.ones((MAP_SCALE, MAP_SCALE), bool))
    edge = inside & ~(np.roll(inside, 1, 0) & np.roll(inside, -1, 0) & np.roll(inside, 1, 1) & np.roll(inside, -1, 1))
    for i, (m, title) in enumerate(zip(maps.values(), titles)):
        zmax = float(np.abs(m).max()) or 1.0
        level = np.clip(np.round((m / zmax + 1) * 127.5), 0, 255).astype(np.uint8)
        tile = np.kron(_LUT[level], np.ones((MAP_SCALE, MAP_SCALE, 1), np.uint8))
        tile[edge] = 0
        x, y = (i % columns) * (cell + gap), (i // columns) * (cell + title_px + gap)
        sheet.paste(Image.fromarray(tile, "RGB"), (x, y + title_px))
        pen.text((x + cell / 2, y + title_px - 4), title, fill=(17, 17, 17), font=font, anchor="ms")
    return sheet


def filmstrip(frames: list[np.ndarray], labels: list[str], columns: int = 3) -> Image.Image:
    """Arrays (H, W) in [0, 1] in a grid of FILM_CELL-px cells on white, each fitted and labelled beneath
    (a 28x28 one kept as crisp pixels); a grid rather than a row, so it reads in a narrow column."""
    font = ImageFont.load_default(size=22)
    below, gap = 30, 10
    rows = -(-len(frames) // columns)
    strip = Image.new("L", (columns * (FILM_CELL + gap) - gap, rows * (FILM_CELL + below)), 255)
    draw = ImageDraw.Draw(strip)
    for i, (image, label) in enumerate(zip(frames, labels)):
        tile = Image.fromarray((np.clip(image, 0, 1) * 255).astype(np.uint8), mode="L")
        scale = FILM_CELL / max(tile.size)
        crisp = Image.Resampling.NEAREST if max(tile.size) <= 28 else Image.Resampling.BILINEAR
        tile = tile.resize((max(1, round(tile.width * scale)), max(1, round(tile.height * scale))), crisp)
        x, y = (i % columns) * (FILM_CELL + gap), (i // columns) * (FILM_CELL + below)
        left, top = x + (FILM_CELL - tile.width) // 2, y + (FILM_CELL - tile.height) // 2
        strip.paste(tile, (left, top))
        draw.rectangle((left - 1, top - 1, left + tile.width, top + tile.height), outline=150)  # white paper on white
        draw.text((x + FILM_CELL / 2, y + FILM_CELL + 3), label, fill=40, font=font, anchor="mt")
    return strip


INK = np.array([255, 140, 0], np.float32)  # a counterfactual's added ink, orange over the white digit


def overlay_png(digit: np.ndarray, added: np.ndarray, factor: int = 8) -> str:
    """The (28, 28) digit in grey with the added ink blended in orange over it, as a crisp PNG data URI."""
    grey = np.repeat(np.clip(digit, 0, 1)[..., None] * 200, 3, -1)  # (28, 28, 3), grey so the orange reads
    alpha = np.clip(added, 0, 1)[..., None] * 0.85
    rgb = grey * (1 - alpha) + INK * alpha
    return png_uri(np.kron(rgb, np.ones((factor, factor, 1))).astype(np.uint8))


def diverging_uri(values: np.ndarray, px: int = 112) -> str:
    """A (H, W) signed array (weights) as a crisp PNG data URI about `px` wide: blue below 0, red above, on a
    symmetric scale set by its largest magnitude."""
    top = float(np.abs(values).max()) or 1.0
    level = np.clip(np.round((values / top + 1) * 127.5), 0, 255).astype(np.uint8)
    factor = max(1, px // values.shape[1])
    return png_uri(np.kron(_LUT[level], np.ones((factor, factor, 1), np.uint8)))
