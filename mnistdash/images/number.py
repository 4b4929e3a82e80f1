"""A whole number in one picture (a ZIP code, a year): find each digit, left to right, as a (28, 28) digit.

The ink comes from the same reading pipeline as one digit (mnistdash.images.preprocess, with every piece kept).
Its connected pieces are the atoms; touching digits are one piece (cut where the column profile has a
valley) and a broken digit (the hat of a 5) is several. scikit-image has connected components (as scipy has) but no splitting of touching characters: that part is
written here, the way OCR systems segment a line: cut candidates at the column profile's valleys, and the
pieces joined into digits where the classifier reads them most confidently (recognition-based segmentation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import ndimage

from mnistdash.images.preprocess import NO_DIGIT, ImageError, _centred, to_mnist_steps

SPECK = 0.08  # a group with less ink than this fraction of the largest group's is a speck
DIGIT_ASPECT = 0.8  # a digit is at most about this wide for its height (a 0 or a 4); a 1 is much narrower
CUT_EDGE = 0.15  # a cut lies at least this fraction of a digit's width inside a piece
MAX_CUTS = 6  # candidate cuts per piece
MAX_ATOMS = 8  # a digit is made of at most this many pieces (a piece cut at up to MAX_CUTS, or a broken stroke)
WIDEST = 1.8  # no digit is wider than this many digit widths
TOUCHING = 1.25  # a digit wider than this many digit widths is likely two
SHORT = 0.6  # a digit shorter than this fraction of the row's height is likely a broken-off stroke
SHORT_PENALTY, WIDE_PENALTY, JOIN_PENALTY, CUT_PENALTY = 3.0, 1.5, 3.0, 2.0  # in log-probability
SPLIT_WIDTH = 0.9  # only pieces wider than this many digit widths may be touching digits (a 1 touching a 3 is ~1)
DIGIT_BONUS = 1.0  # each digit read adds this (log-probability): a sum of logs alone always prefers fewer, wider digits
MAX_DIGITS = 20


@dataclass
class FoundDigit:
    box: tuple[int, int, int, int]  # left, top, right, bottom in the image's pixels (right and bottom exclusive)
    crop: np.ndarray  # (h, w) its ink, 0 on paper
    digit: np.ndarray  # (28, 28) what the models see


@dataclass
class Number:
    ink: np.ndarray  # (H, W) the picture's ink, at the pipeline's working size
    scale: float  # the image's pixels per working pixel
    digits: list[FoundDigit]


def _candidate_cuts(profile: np.ndarray, digit_width: float) -> list[int]:
    """Columns inside a span where touching digits may meet: the lowest local minima of its column profile,
    away from its edges (a 1 beside a 4 meets it a fifth of a digit in), one per valley."""
    smooth = ndimage.uniform_filter1d(profile.astype(np.float32), 3)
    edge = max(2, int(CUT_EDGE * digit_width))
    inside = range(edge, len(smooth) - edge)
    minima = sorted((c for c in inside if smooth[c] <= smooth[c - 1] and smooth[c] <= smooth[c + 1]), key=lambda c: smooth[c])
    kept: list[int] = []
    for c in minima:
        if len(kept) < MAX_CUTS and all(abs(c - k) >= edge for k in kept):
            kept.append(int(c))
    return sorted(kept)


Atom = tuple[int, int, int]  # a connected piece of ink's label and the columns [left, right) of it taken


def _atoms(labels: np.ndarray, ink: np.ndarray, digit_width: float, keep: list[int]) -> list[Atom]:
    """The pieces a number is made of, left to right: each connected piece of ink, cut at its candidate cuts
    where it is wider than a digit (touching digits)."""
    boxes = ndimage.find_objects(labels)
    out = []
    for label in keep:
        left, right = boxes[label - 1][1].start, boxes[label - 1][1].stop
        cuts = []
        if right - left > SPLIT_WIDTH * digit_width:
            profile = np.where(labels[:, left:right] == label, ink[:, left:right], 0).sum(axis=0)
            cuts = _candidate_cuts(profile, digit_width)
        edges = [left, *(left + c for c in cuts), right]
        out += [(label, a, b) for a, b in zip(edges[:-1], edges[1:])]
    centre = [(a + b) / 2 for _, a, b in out]
    return [out[k] for k in np.argsort(centre, kind="stable")]


def _piece(labels: np.ndarray, ink: np.ndarray, atoms: list[Atom]):
    """The ink of some atoms cropped to itself and its box (left, top, right, bottom), or None if empty."""
    left, right = min(a[1] for a in atoms), max(a[2] for a in atoms)
    window = labels[:, left:right]
    mask = np.zeros(window.shape, bool)
    for label, a, b in atoms:
        mask[:, a - left : b - left] |= window[:, a - left : b - left] == label
    piece = np.where(mask, ink[:, left:right], 0.0).astype(np.float32)
    rows, cols = np.flatnonzero(piece.any(axis=1)), np.flatnonzero(piece.any(axis=0))
    if len(rows) == 0:
        return None
    crop = piece[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    return crop, (left + int(cols[0]), int(rows[0]), left + int(cols[-1]) + 1, int(rows[-1]) + 1)


def _segment(labels: np.ndarray, ink: np.ndarray, atoms: list[Atom], height: float, digit_width: float, read) -> list[list[Atom]]:
    """The best way to join consecutive atoms into digits (dynamic programming): each digit scores DIGIT_BONUS plus
    the log of the reader's top probability, less penalties for a digit much shorter than the row (a broken-off stroke), much
    wider than a digit (two read as one), or joining pieces of ink that each stand the row's full height (two
    digits side by side); and each cut through one piece of ink costs CUT_PENALTY."""
    n = len(atoms)
    boxes_of = ndimage.find_objects(labels)
    tall = {a[0]: boxes_of[a[0] - 1][0].stop - boxes_of[a[0] - 1][0].start >= SHORT * height for a in atoms}
    keep, crops, boxes = [], [], []
    for i in range(n):
        for j in range(i + 1, min(n, i + MAX_ATOMS) + 1):
            got = _piece(labels, ink, atoms[i:j])
            if got is not None and (j == i + 1 or got[1][2] - got[1][0] <= WIDEST * digit_width):
                keep.append((i, j))
                crops.append(_centred(got[0]))
                boxes.append(got[1])
    probs = read(np.stack(crops)) if crops else np.zeros((0, 10))
    score = {}
    for (i, j), p, (left, top, right, bottom) in zip(keep, probs, boxes):
        joined = max(0, len({a[0] for a in atoms[i:j] if tall[a[0]]}) - 1)
        penalty = SHORT_PENALTY * ((bottom - top) < SHORT * height) + WIDE_PENALTY * ((right - left) > TOUCHING * digit_width)
        cut = CUT_PENALTY * (i > 0 and atoms[i - 1][0] == atoms[i][0])
        score[i, j] = DIGIT_BONUS + float(np.log(max(float(np.max(p)), 1e-6))) - penalty - JOIN_PENALTY * joined - cut
    best, back = np.full(n + 1, -np.inf), np.zeros(n + 1, int)
    best[0] = 0.0
    for j in range(1, n + 1):
        for i in range(max(0, j - MAX_ATOMS), j):
            if (i, j) in score and best[i] + score[i, j] > best[j]:
                best[j], back[j] = best[i] + score[i, j], i
    if not np.isfinite(best[n]):
        return [[a] for a in atoms]
    out, j = [], n
    while j > 0:
        i = int(back[j])
        out.append(atoms[i:j])
        j = i
    return out[::-1]


def find_digits(image: Image.Image | np.ndarray, read=None) -> Number:
    """Any picture of one or several digits in a row -> each digit, left to right; ImageError if there is no ink.

    `read` (digits (N, 28, 28) -> probabilities (N, 10)), a classifier's predict_proba, decides where touching
    digits are cut and broken ones joined; without it each connected piece of ink is one digit."""
    from mnistdash.images.preprocess import to_gray

    steps = to_mnist_steps(image, several=True)
    ink = steps.ink
    scale = max(to_gray(image).shape) / max(ink.shape)
    labels, count = ndimage.label(ink > 0, structure=np.ones((3, 3)))
    areas = ndimage.sum_labels(ink > 0, labels, np.arange(1, count + 1))
    keep = [k + 1 for k in range(count) if areas[k] >= SPECK * areas.max()]
    if len(keep) > MAX_DIGITS * 2:
        raise ImageError(
            f"found {len(keep)} pieces of ink, more than a number of {MAX_DIGITS} digits; crop the picture to the number"
        )
    boxes = ndimage.find_objects(labels)
    height = float(max(boxes[k - 1][0].stop - boxes[k - 1][0].start for k in keep)) if keep else 1.0  # the tallest piece
    digit_width = DIGIT_ASPECT * height
    atoms = _atoms(labels, ink, digit_width, keep)
    groups = _segment(labels, ink, atoms, height, digit_width, read) if read is not None else [[a] for a in atoms]
    found = []
    for group in groups[:MAX_DIGITS]:
        got = _piece(labels, ink, group)
        if got is not None:
            crop, box = got
            found.append(FoundDigit(tuple(int(round(v * scale)) for v in box), crop, _centred(crop)))
    if not found:
        raise ImageError(NO_DIGIT)
    return Number(ink, scale, found)
