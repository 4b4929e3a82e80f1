"""A drawing's strokes as a short text for the page's address, so that `Draw?strokes=...` reopens the drawing.

Points are kept to half a canvas pixel (0.025 of an MNIST pixel on the 280-pixel canvas); each stroke is its width,
its number of points and its points as zigzag varint steps from the one before; the bytes are deflated and written
as URL-safe base64. A digit of three strokes takes about 200-400 characters.
"""

from __future__ import annotations

import base64
import binascii
import zlib

PREFIX = "1"  # the format's version, the text's first character
_SCALE = 2  # units per canvas pixel
MAX_POINTS = 50_000


class StrokesError(ValueError):
    """A strokes text that cannot be read (cut short, edited, or from another format)."""


def encode(strokes: list[dict]) -> str:
    """[{'points': [[x, y], ...], 'width': w}, ...] (canvas pixels) -> text; '' for no strokes."""
    if not strokes:
        return ""
    out = bytearray()
    _varint(out, len(strokes))
    for stroke in strokes:
        points = stroke["points"]
        _varint(out, int(round(float(stroke["width"]))))
        _varint(out, len(points))
        last = (0, 0)
        for x, y in points:
            q = (int(round(float(x) * _SCALE)), int(round(float(y) * _SCALE)))
            _varint(out, _zig(q[0] - last[0]))
            _varint(out, _zig(q[1] - last[1]))
            last = q
    return PREFIX + base64.urlsafe_b64encode(zlib.compress(bytes(out), 9)).decode().rstrip("=")


def decode(text: str, size: int) -> list[dict]:
    """The strokes of `encode`'s text, on a canvas of `size` pixels; StrokesError says why a text is not one."""
    if not text or text[0] != PREFIX:
        raise StrokesError("is not a drawing from this version of the Draw page")
    try:
        raw = zlib.decompress(base64.urlsafe_b64decode(text[1:] + "=" * (-len(text[1:]) % 4)), bufsize=1 << 16)
    except (binascii.Error, ValueError, zlib.error) as exc:
        raise StrokesError("is damaged (cut short or edited)") from exc
    pos = 0

    def take() -> int:
        nonlocal pos
        value, shift = 0, 0
        while True:
            if pos >= len(raw) or shift > 35:
                raise StrokesError("is damaged (cut short or edited)")
            b = raw[pos]
            pos += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return value

    strokes, total = [], 0
    for _ in range(take()):
        width, n = take(), take()
        total += n
        if not 1 <= width <= size or n < 1 or total > MAX_POINTS:
            raise StrokesError("holds a stroke this canvas cannot draw")
        x = y = 0
        points = []
        for _ in range(n):
            x, y = x + _unzig(take()), y + _unzig(take())
            if not (-size * _SCALE <= x <= 2 * size * _SCALE and -size * _SCALE <= y <= 2 * size * _SCALE):
                raise StrokesError("holds points far outside the canvas")
            points.append([x / _SCALE, y / _SCALE])
        strokes.append({"points": points, "width": width})
    if pos != len(raw):
        raise StrokesError("is damaged (cut short or edited)")
    return strokes


def _zig(v: int) -> int:
    return (v << 1) if v >= 0 else ((-v << 1) - 1)


def _unzig(v: int) -> int:
    return (v >> 1) if not v & 1 else -((v + 1) >> 1)


def _varint(out: bytearray, v: int) -> None:
    while True:
        b = v & 0x7F
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return
