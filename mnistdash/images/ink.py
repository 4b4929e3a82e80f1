"""Find a digit's ink on a photo of paper: divide out the light, threshold, keep the strokes.

The steps, each a pure function of arrays (H, W) in [0, 1]:
1. `ink_is_light`: which way the ink departs from the paper (the residual's longer tail).
2. `flatten`: the paper's illumination, a grey closing wider than any stroke, divided out, so
   gradients, vignettes and shadows become flat white paper (ink dark).
3. 1 - flat is the ink's strength; `noise_floor` says what the paper's grain reaches (higher where
   the light is low), `otsu` picks the threshold above it.
4. `digit_mask`: an opening by a disc half a stroke wide drops what is much thinner than the
   strokes (grain, specks, rules crossing the digit; in a number, each piece by its own strokes' width,
   `open_each`); long thin pieces (ruled lines) are dropped;
   the piece with the most ink near the centre is the digit, with the pieces close to it (a 5's bar).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

BACKGROUND_WINDOW = 0.25  # the light is estimated over this fraction of the shorter side
POLARITY_WINDOWS = (0.25, 0.5)  # the local medians that polarity is judged against, also of the shorter side
POLARITY_MARGIN = 0.08  # one tail longer than the other by this (per median): the ink's side
POLARITY_SIDE, NUMBER_POLARITY_SIDE = 64, 128  # polarity is read this many px wide: one digit, a number
MIN_WINDOW = 15  # pixels; wider than the strokes of a 28x28 digit
ADAPTIVE_SIDE = 100  # images at least this large on each side get a window fitted to their strokes
LEVEL_OFF = 0.1  # the filled ink grows less than this per window for two windows (each 1.35 times wider): the strokes are filled
NOISY = 0.004  # a robust deviation between neighbours above this is a photo's noise
LOW_STEPS = 0.53  # the mean of a unit Gaussian's smallest three quarters in absolute value
NOISE_SIGMAS = 5.0  # ink must stand this many noise deviations above the paper
OPENING = 0.5  # the opening's radius, a fraction of the strokes' half-width
RULE_LENGTH = 0.1  # a ruled line's piece spans at least this fraction of the shorter side...
RULE_ASPECT = 12.0  # ...and is this many times longer than thick (a written 1 is about 7)
NEAR_MAIN = 0.35  # pieces within this fraction of the digit's size belong to it
MIN_PIECE = 0.05  # pieces smaller than this fraction of the digit's main stroke are specks
MIN_OWN_OPENING = 0.01  # in a number, pieces with at least this share of the ink are opened by their own width


def _shrink(image: np.ndarray, side: int) -> np.ndarray:
    """An image block-averaged until its longer side is at most `side` (kept as is when smaller)."""
    step = max(1, int(np.ceil(max(image.shape) / side)))
    cut = image[: image.shape[0] // step * step, : image.shape[1] // step * step]
    return cut.reshape(cut.shape[0] // step, step, cut.shape[1] // step, step).mean(axis=(1, 3))


def _tail_margin(small: np.ndarray, fraction: float) -> float:
    """How much further the light tail than the dark tail departs from a local median over `fraction` of the side."""
    window = max(5, int(fraction * min(small.shape)))
    residual = small - ndimage.median_filter(small, size=window, mode="nearest")
    return float(np.percentile(residual, 99.5) + np.percentile(residual, 0.5))


def ink_is_light(gray: np.ndarray, side: int = POLARITY_SIDE) -> bool:
    """True when the ink is lighter than the paper: the minority that departs from the local median.

    Read at most `side` px wide, where a median keeps the edges of shadows (a mean would not) and removes the
    strokes, so what is left in the residual is the ink. A number's digits are a quarter of one digit's size on
    the page: read at NUMBER_POLARITY_SIDE, where their strokes are still more than a speck. Two medians, over a quarter and a half of the page:
    a shadow band narrower than half the window is removed by the median too and looks like ink of its
    shade; it rarely fools both. When neither tail is clearly longer, the paper is what lies at the border.
    """
    small = _shrink(gray, side)
    margin = sum(_tail_margin(small, f) for f in POLARITY_WINDOWS)
    if abs(margin) > POLARITY_MARGIN * len(POLARITY_WINDOWS):
        return margin > 0
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    return bool(np.median(border) < 0.5)  # a tiny digit: the paper is the border


def background_window(page: np.ndarray) -> int:
    """The light's window (odd, px) for dark ink on light paper (H, W): wide enough to fill the strokes, and no
    wider, so that a shadow wider than the strokes stays in the light (a wider window fills a shadow band's corners
    with paper's light and keeps them as ink).

    The strokes' scale is where the ink filled by a grey closing stops growing: the black top-hat's mean grows with
    the window until the window spans the strokes, then levels off (for two windows running), until it grows again
    at the scale of shadows.
    Measured on the page at most 320 px wide; the window is that scale with half again as margin, between
    MIN_WINDOW and BACKGROUND_WINDOW of the shorter side.
    """
    largest = max(MIN_WINDOW, int(BACKGROUND_WINDOW * min(page.shape))) // 2 * 2 + 1
    small = _shrink(page, 320)
    factor = page.shape[0] / small.shape[0]
    sizes = np.unique(np.geomspace(3, largest / factor, 12).astype(int) // 2 * 2 + 1)
    filled = np.array([(_closing(small, int(s)) - small).mean() for s in sizes])
    ahead = np.append(filled[2:], [np.inf, np.inf])[: len(filled)]  # two windows on
    for size, now, then, after in zip(sizes, filled, filled[1:], ahead):
        if now > 0 and then <= now * (1 + LEVEL_OFF) and after <= now * (1 + LEVEL_OFF) ** 2:
            return int(np.clip(int(size * factor * 1.5) // 2 * 2 + 1, MIN_WINDOW, largest))
    return largest


def flatten(gray: np.ndarray, light_ink: bool, window: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Dark-ink-on-light (H, W) with the paper's light divided out (paper 1, ink below), and that light."""
    page = 1.0 - gray if light_ink else gray
    smooth = ndimage.gaussian_filter(page, 1.0) if min(page.shape) >= 100 else page
    if window is None:
        window = max(MIN_WINDOW, int(BACKGROUND_WINDOW * min(page.shape))) // 2 * 2 + 1
    light = _closing(smooth, window)  # strokes filled with paper
    light = ndimage.gaussian_filter(light, 2.0, mode="nearest")  # no blocky steps, and a shadow's hard edge stays hard
    light = np.maximum(light, 1e-3)
    return np.clip(page / light, 0, 1).astype(np.float32), light


def is_noisy(gray: np.ndarray) -> bool:
    """True for a photo's grain and sensor noise, false for a drawing or a clean scan (flat areas exactly flat).

    The noise is read from the differences between neighbours: the mean of the smallest three quarters of them
    (edges are the largest), in units of a Gaussian's deviation. A median would do, but on an 8-bit JPEG whose
    dark areas were smoothed the median difference is 0 even where the grain is plain to see.
    """
    steps = np.abs(np.diff(gray, axis=1)).ravel()
    low = steps[steps <= np.percentile(steps, 75)]
    return bool(low.mean() / (LOW_STEPS * np.sqrt(2)) > NOISY)


def _closing(page: np.ndarray, window: int) -> np.ndarray:
    """A grey closing whose windows may hang over the edge (what lies outside is ignored).

    scipy's padding would make a light that falls toward an edge look brighter there than it is
    (the windows at the edge only see the brighter inside), and the paper there look like ink.
    """
    half = window // 2
    big = float(np.abs(page).max()) + 1.0
    padded = np.pad(page, half, constant_values=-big)  # ignored by the max
    grown = ndimage.maximum_filter(padded, size=window, mode="constant", cval=-big)
    closed = ndimage.minimum_filter(grown, size=window, mode="constant", cval=big)
    return closed[half : half + page.shape[0], half : half + page.shape[1]]


def noise_floor(strength: np.ndarray, light: np.ndarray) -> np.ndarray:
    """(H, W) the ink strength that paper grain and sensor noise reach: NOISE_SIGMAS robust deviations.

    Noise is even in the photo's own units, so after dividing by the light it is larger where the
    light is low: the floor rises in dark corners and shadows.
    """
    darkening = strength * light  # (H, W) in the photo's units
    centre = np.median(darkening)
    sigma = 1.4826 * np.median(np.abs(darkening - centre))
    return (centre + NOISE_SIGMAS * sigma) / light


def otsu(values: np.ndarray) -> float:
    """Otsu's threshold of values in [0, 1]: the cut that best separates two classes."""
    hist, edges = np.histogram(values, bins=256, range=(0, 1))
    p = hist / max(hist.sum(), 1)
    w0 = np.cumsum(p)
    mu = np.cumsum(p * (edges[:-1] + edges[1:]) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mu[-1] * w0 - mu) ** 2 / (w0 * (1 - w0))
    if not np.isfinite(between).any():  # a single value throughout: nothing to separate
        return 0.5
    return float(edges[int(np.nanargmax(between)) + 1])


def stroke_radius(mask: np.ndarray) -> float:
    """Half the width of the thickest strokes of a mask (the 98th percentile of its distance map)."""
    if not mask.any():
        return 0.0
    return float(np.percentile(ndimage.distance_transform_edt(mask)[mask], 98))


def open_by_disc(mask: np.ndarray, radius: float) -> np.ndarray:
    """The mask without parts thinner than 2*radius (an opening by a disc, through distance maps)."""
    core = ndimage.distance_transform_edt(mask) > radius
    if not core.any():
        return core
    return ndimage.distance_transform_edt(~core) <= radius


def open_each(mask: np.ndarray, radius: float) -> np.ndarray:
    """The mask opened piece by piece: each connected piece by a disc of OPENING times its own strokes' half-width,
    at most `radius`. A number's digits need not share one pen's width (a thin 5 beside a thick 7), and one opening
    sized by the thickest digit erases the thin one. Pieces too small to hold a digit get `radius` itself."""
    out = open_by_disc(mask, radius) if radius >= 1.0 else mask.copy()
    labels, count = ndimage.label(mask, structure=np.ones((3, 3)))
    if count == 0:
        return out
    area = ndimage.sum_labels(mask, labels, np.arange(1, count + 1))
    for k, box in enumerate(ndimage.find_objects(labels), 1):
        if area[k - 1] < MIN_OWN_OPENING * mask.sum():
            continue
        part = np.pad(labels[box] == k, 1)  # padded: the distance map sees paper around the piece
        own = min(radius, OPENING * stroke_radius(part))
        opened = (open_by_disc(part, own) if own >= 1.0 else part)[1:-1, 1:-1]
        out[box] = np.where(labels[box] == k, opened, out[box])
    return out


def digit_mask(mask: np.ndarray, noisy: bool = True, several: bool = False) -> tuple[np.ndarray, float]:
    """The digit's strokes in a thresholded ink mask, and the radius of the opening used (none on a
    clean image such as a drawing: nothing there is thinner than the strokes but the strokes).
    `several`: every piece of ink that is not a ruled line and not a speck (a number's digits), not one digit's;
    each piece is opened by its own strokes' width (open_each)."""
    radius = OPENING * stroke_radius(mask) if noisy else 0.0
    if several and radius >= 1.0:
        opened = open_each(mask, radius)
    else:
        opened = open_by_disc(mask, radius) if radius >= 1.0 else mask
    labels, count = ndimage.label(opened, structure=np.ones((3, 3)))
    if count == 0:
        return opened, radius
    h, w = mask.shape
    index = np.arange(1, count + 1)
    area = ndimage.sum_labels(opened, labels, index)
    boxes = ndimage.find_objects(labels)
    centres = np.array(ndimage.center_of_mass(opened, labels, index)).reshape(-1, 2)
    off = np.hypot((centres[:, 0] - h / 2) / h, (centres[:, 1] - w / 2) / w)  # 0 at the centre, ~0.7 in a corner
    border = np.array([b[0].start == 0 or b[1].start == 0 or b[0].stop == h or b[1].stop == w for b in boxes])
    length = np.array([max(b[0].stop - b[0].start, b[1].stop - b[1].start) for b in boxes])
    wide = np.array([b[1].stop - b[1].start >= 2 * (b[0].stop - b[0].start) for b in boxes])
    # A ruled line: long, thin and lying flat, on a photo. A drawing has no rules, and a drawn 1 or the bar
    # of a 7 is just as long and thin.
    rule = noisy & wide & (length >= RULE_LENGTH * min(h, w)) & (length >= RULE_ASPECT * area / length)
    score = area * (1 - off) * np.where(border, 0.5, 1.0) * ~rule
    if not score.any():
        return np.zeros_like(mask), radius
    main = int(score.argmax())
    if several:
        keep = np.concatenate([[False], ~rule & (area >= MIN_PIECE * area[main])])
        return keep[labels], radius
    (r0, r1), (c0, c1) = (boxes[main][0].start, boxes[main][0].stop), (boxes[main][1].start, boxes[main][1].stop)
    reach = NEAR_MAIN * max(r1 - r0, c1 - c0)
    keep = np.zeros(count + 1, bool)
    for i, box in enumerate(boxes):
        if rule[i]:
            continue
        gap_r = max(r0 - box[0].stop, box[0].start - r1, 0)
        gap_c = max(c0 - box[1].stop, box[1].start - c1, 0)
        keep[i + 1] = i == main or (area[i] >= MIN_PIECE * area[main] and max(gap_r, gap_c) <= reach)
    return keep[labels], radius
