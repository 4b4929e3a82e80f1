"""A 2-D map of the test set as a light picture (a dot per digit in its class colour, class numbers at their
centres) with a drawn digit's star and its nearest digits ringed: one PNG per stroke instead of a WebGL scatter."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from mnistdash.plots.figures import CLASS_COLOURS

SIZE = 400  # px, square
PAD = 14  # px around the points


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)], np.float32)


@dataclass
class Frame:
    """Map coordinates -> pixel positions (y up on the map, down in the picture)."""

    lo: np.ndarray  # (2,)
    hi: np.ndarray  # (2,)
    size: int = SIZE

    def px(self, xy: np.ndarray) -> np.ndarray:
        """(N, 2) or (2,) map positions -> pixel positions (same shape), clipped to the picture."""
        xy = np.asarray(xy, np.float64)
        span = np.maximum(self.hi - self.lo, 1e-9)
        u = PAD + (xy - self.lo) / span * (self.size - 2 * PAD)
        u = np.clip(u, 0, self.size - 1)
        return np.stack([u[..., 0], self.size - 1 - u[..., 1]], -1)


def base_map(coords: np.ndarray, labels: np.ndarray, size: int = SIZE) -> tuple[Image.Image, Frame]:
    """Every point of `coords` (N, 2) as a 2x2 dot in its class's colour (softened), each class's number at its median."""
    frame = Frame(coords.min(0).astype(np.float64), coords.max(0).astype(np.float64), size)
    canvas = np.full((size, size, 3), 255, np.float32)
    palette = np.stack([_rgb(c) for c in CLASS_COLOURS]) * 0.75 + 255 * 0.25  # (10, 3) lighter: the star stands out
    p = np.round(frame.px(coords)).astype(int)  # (N, 2) x, y
    for dy in (0, 1):
        for dx in (0, 1):
            canvas[np.clip(p[:, 1] + dy, 0, size - 1), np.clip(p[:, 0] + dx, 0, size - 1)] = palette[labels]
    image = Image.fromarray(canvas.astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=20)
    for c in range(10):
        if (labels == c).any():
            x, y = frame.px(np.median(coords[labels == c], axis=0))
            dark = tuple(int(v) for v in _rgb(CLASS_COLOURS[c]) * 0.6)  # readable on white
            draw.text((x, y), str(c), fill=dark, font=font, anchor="mm", stroke_width=3, stroke_fill="white")
    return image, frame


def _star(x: float, y: float, r: float) -> list[tuple[float, float]]:
    angles = -np.pi / 2 + np.arange(10) * np.pi / 5
    radii = np.where(np.arange(10) % 2 == 0, r, r * 0.45)
    return [(x + rr * np.cos(a), y + rr * np.sin(a)) for a, rr in zip(angles, radii)]


def with_point(base: Image.Image, frame: Frame, point: np.ndarray, neighbours: np.ndarray) -> Image.Image:
    """A copy of the base map with `neighbours` (k, 2) ringed in black and `point` (2,) as a gold star."""
    image = base.copy()
    draw = ImageDraw.Draw(image)
    for x, y in frame.px(neighbours):
        draw.ellipse((x - 6, y - 6, x + 6, y + 6), outline="black", width=2)
    x, y = frame.px(point)
    draw.polygon(_star(x, y, 14), fill="gold", outline="black", width=2)
    return image
