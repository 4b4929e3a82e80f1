"""Grids of small plots: titles that fit (text widths, wrapping, the narrowest width drawn at) and click targets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

FONT_PX = 11  # titles and headers of small plots
CHAR_PX = 6.4  # widest mean character of 11 px Source Sans (digits and capitals), with room to spare
LINE_PX = 15  # one line of 11 px text, leading included
MODEBAR_PX = 30  # Plotly's toolbar sits in the top margin, above every title
MIN_FIGURE_PX = 460  # a full-width figure in an 800 px window with the sidebar open
COLORBAR_PX = 70  # a colour bar with its tick labels


def text_px(text: str) -> float:
    """Width in px of the widest line of `text` (lines split at <br>)."""
    return max((len(line.replace("<b>", "").replace("</b>", "")) for line in text.split("<br>")), default=0) * CHAR_PX


def lines(text: str) -> int:
    return text.count("<br>") + 1 if text else 0


def _pieces(text: str) -> list[str]:
    """Words, each keeping a trailing hyphen, so 'template-contrast' can break after its hyphen."""
    out = []
    for word in text.split(" "):
        parts = word.split("-")
        out += [p + "-" for p in parts[:-1]] + [parts[-1]]
    return [p for p in out if p]


def wrap(text: str, max_px: float, max_lines: int = 3) -> str | None:
    """`text` broken at spaces and hyphens into lines no wider than max_px; None if it cannot fit."""
    if text_px(text) <= max_px:
        return text
    rows: list[str] = []
    for piece in _pieces(text):
        if rows:
            joiner = "" if rows[-1].endswith("-") else " "
            if text_px(rows[-1] + joiner + piece) <= max_px:
                rows[-1] += joiner + piece
                continue
        if text_px(piece) > max_px:
            return None
        rows.append(piece)
    return "<br>".join(rows) if len(rows) <= max_lines else None


def fit(labels: Sequence[str], max_px: float, max_lines: int = 3) -> list[str] | None:
    """Every label wrapped to max_px, or None when one of them cannot be."""
    out = [wrap(str(t), max_px, max_lines) for t in labels]
    return None if any(t is None for t in out) else out


def cell_labels(titles: Sequence[str], cols: int, paper_px: float) -> tuple[list[str], bool]:
    """Labels for a grid's cells that never overlap at paper_px: the titles (wrapped), else the cell numbers.

    Returns (labels, whether they are the numbers); the full titles stay in the hover text either way.
    """
    width = paper_px / cols - 4
    wrapped = fit(titles, width, max_lines=2)
    if wrapped is not None:
        return wrapped, False
    numbers = [str(i) for i in range(len(titles))]
    return (numbers, True) if fit(numbers, width, 1) is not None else ([""] * len(titles), True)


def _note(x: float, y: float, text: str, **kw) -> dict:
    """A text at (x, y) in paper coordinates, centred on x (Plotly's 'auto' anchor would push side ones outward)."""
    return (
        dict(xref="paper", yref="paper", showarrow=False, font=dict(size=FONT_PX), xanchor="center")
        | kw
        | dict(x=x, y=y, text=text)
    )


def _data_note(x: float, y: float, text: str, **kw) -> dict:
    """A text at (x, y) in the grid's data coordinates (pixels), so it stays on its image at any width."""
    return _note(x, y, text, **kw) | dict(xref="x", yref="y")


@dataclass(frozen=True)
class Grid:
    """Where k (h, w) images sit on one pair of axes: image i's top-left pixel centre at offsets[i] (x, y)."""

    offsets: list[tuple[float, float]]
    width: float  # data units (pixels), gaps included
    height: float
    numbered: bool  # cell numbers stand in for titles that could not fit
    unit: float  # px per pixel at full size


def grid_layout(
    k: int,
    cols: int,
    shape: tuple[int, int],
    titles: Sequence[str],
    cell_px: int,
    row_titles: Sequence[str] | None = None,
    col_titles: Sequence[str] | None = None,
    min_figure_px: int = MIN_FIGURE_PX,
    colorbar: bool = True,
) -> tuple[dict, Grid]:
    """Layout of k (h, w) images tiled on ONE pair of axes, each cell_px tall, whose titles never overlap
    down to min_figure_px wide.

    One subplot however many images: Plotly's cost grows with subplots (a grid of 100 took seconds to
    draw). Titles and headers are annotations in data coordinates, so they stay on their images when the
    grid is scaled down to fit a narrow column; the bands that hold them are sized for the narrowest width.
    With row and column headers the cells carry no titles; otherwise each cell is titled above its image
    (wrapped to its width, or its number when a title cannot fit), and row headers alone label the rows.
    """
    h, w = shape
    rows = -(-k // cols)
    headed = row_titles is not None and col_titles is not None
    row_notes = [wrap(str(t), 90, 3) or str(t) for t in row_titles] if row_titles is not None else []
    left = max((text_px(t) for t in row_notes), default=0) + (10 if row_notes else 0)
    unit = cell_px / h  # px per pixel at full size
    gap = 4 / unit  # between columns, in pixels of the images
    grid_w = cols * w + (cols - 1) * gap
    narrow = min(unit, (min_figure_px - left - (COLORBAR_PX if colorbar else 0)) / grid_w)  # px per pixel, narrowest
    slot_px = (w + gap) * narrow
    col_notes = (fit(col_titles, slot_px - 4) or [str(i) for i in range(cols)]) if headed else []
    labels, numbered = ([""] * k, False) if headed else cell_labels(titles, cols, slot_px * cols)
    title_px = max((lines(t) for t in labels), default=0) * LINE_PX + 2 if any(labels) else 4
    band = title_px / narrow  # above each row of images, in pixels of the images
    top = MODEBAR_PX + max((lines(t) for t in col_notes), default=0) * LINE_PX
    pitch = h + band
    grid_h = rows * pitch
    offsets, notes = [], []
    for i in range(k):
        r, c = divmod(i, cols)
        x0, y0 = c * (w + gap), r * pitch + band
        offsets.append((x0, y0))
        if labels[i]:
            notes.append(_data_note(x0 + (w - 1) / 2, y0 - 0.5, labels[i], yanchor="bottom"))
    for c, text in enumerate(col_notes):
        notes.append(_data_note(c * (w + gap) + (w - 1) / 2, -0.5, text, yanchor="bottom"))
    for r, text in enumerate(row_notes):
        notes.append(_data_note(-0.5, r * pitch + band + (h - 1) / 2, text, xanchor="right", xshift=-6, align="right"))
    axis = dict(visible=False, showgrid=False, zeroline=False, fixedrange=True)
    layout = dict(
        xaxis=axis | dict(range=[-0.5, grid_w - 0.5], constrain="domain"),
        yaxis=axis | dict(range=[grid_h - 0.5, -0.5], scaleanchor="x", constrain="domain", constraintoward="top"),
        annotations=notes,
        height=int(grid_h * unit + top + 4),
        margin=dict(l=int(left), r=0, t=int(top), b=4),
    )
    return layout, Grid(offsets, grid_w, grid_h, numbered, unit)


def columns_that_fit(titles: Sequence[str], paper_px: float = MIN_FIGURE_PX, max_lines: int = 2) -> int:
    """The most columns (at most one per title) whose titles, wrapped, all fit side by side in paper_px."""
    for cols in range(len(titles), 1, -1):
        if fit(titles, paper_px / cols - 4, max_lines) is not None:
            return cols
    return 1


def title_note(x: float, y: float, text: str) -> dict:
    """A small title whose bottom sits at (x, y) in paper coordinates."""
    return _note(x, y, text, yanchor="bottom")


# Up to this many pixels in a grid, every pixel is a click target that carries its row, column and value in
# hover; past it, a coarse lattice per image. The targets are one SVG trace per figure: a WebGL trace
# (Scattergl) costs the page a WebGL context per figure, browsers keep about 16, and past that the oldest
# figure goes blank; an SVG point is a DOM node instead (7,840 of them took 0.8 s to draw), hence the limit.
CLICKABLE_PIXELS = 3_000


def click_targets(values: np.ndarray, grid: Grid, titles: Sequence[str], value_name: str, per_pixel: bool) -> go.Scatter:
    """One trace of invisible square SVG markers over every (H, W) image of `values` (K, H, W) laid out by
    `grid`, turning a click on an image into a selection; each point's customdata is (image, row, col, value)."""
    k, h, w = values.shape
    step = 1 if per_pixel else max(1, round(max(h, w) / 3))
    rows, cols = (a.ravel() for a in np.mgrid[step // 2 : h : step, step // 2 : w : step])
    image = np.repeat(np.arange(k), len(rows))
    r, c = np.tile(rows, k), np.tile(cols, k)
    x0, y0 = (np.array([o[j] for o in grid.offsets])[image] for j in (0, 1))
    names = [str(t).replace("<br>", " ") for t in titles]
    if per_pixel:
        template = (
            "%{text}<br>row %{customdata[1]}, col %{customdata[2]}<br>"
            + value_name
            + " %{customdata[3]:.4g}<extra>click to enlarge</extra>"
        )
    else:
        template = "%{text}<extra>click to enlarge</extra>"
    return go.Scatter(
        x=x0 + c,
        y=y0 + r,
        text=[names[i] for i in image],
        customdata=np.stack([image, r, c, values[image, r, c]], -1).astype(np.float32),
        name="click targets",
        mode="markers",
        marker=dict(symbol="square", size=max(4.0, step * grid.unit), color="rgba(0,0,0,0)", opacity=0.01),  # tiles each image
        hovertemplate=template,
        showlegend=False,
    )
