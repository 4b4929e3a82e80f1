"""Grids of small plots: titles that fit (text widths, wrapping, the narrowest width drawn at) and click targets."""

from __future__ import annotations

from collections.abc import Sequence

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
) -> tuple[dict, list[tuple[str, str]], bool]:
    """Layout of k square (h, w) plots in a grid whose titles never overlap, down to min_figure_px wide.

    With row and column headers the cells carry no titles; otherwise each cell is titled above its plot
    (wrapped to its width, or its number when a title cannot fit). Returns (layout entries,
    (xref, yref) per plot, whether cell numbers stand in for titles).
    """
    h, w = shape
    rows = -(-k // cols)
    headed = row_titles is not None and col_titles is not None
    row_notes = [wrap(str(t), 90, 3) or str(t) for t in row_titles] if headed else []
    left = max((text_px(t) for t in row_notes), default=0) + (10 if headed else 0)
    paper_px = min_figure_px - left - (COLORBAR_PX if colorbar else 0)
    col_width = paper_px / cols - 4
    col_notes = (fit(col_titles, col_width) or [str(i) for i in range(cols)]) if headed else []
    labels, numbered = ([""] * k, False) if headed else cell_labels(titles, cols, paper_px)
    title_px = max((lines(t) for t in labels), default=0) * LINE_PX + 2 if any(labels) else 4
    top = MODEBAR_PX + max((lines(t) for t in col_notes), default=0) * LINE_PX
    row_px = cell_px + title_px
    height = rows * row_px + top + 4
    paper_h = rows * row_px
    layout, refs, notes = {}, [], []
    cw = 1.0 / cols
    for i in range(k):
        r, c = divmod(i, cols)
        suffix = "" if i == 0 else str(i + 1)
        x_dom = [c * cw + 0.004, (c + 1) * cw - 0.004]
        y_top = 1 - (r * row_px + title_px) / paper_h
        y_dom = [1 - (r + 1) * row_px / paper_h + 2 / paper_h, y_top]
        layout[f"xaxis{suffix}"] = dict(
            domain=x_dom, anchor=f"y{suffix}", visible=False, range=[-0.5, w - 0.5], constrain="domain"
        )
        layout[f"yaxis{suffix}"] = dict(
            domain=y_dom,
            anchor=f"x{suffix}",
            visible=False,
            range=[h - 0.5, -0.5],
            scaleanchor=f"x{suffix}",
            constrain="domain",
            constraintoward="top",
        )
        refs.append((f"x{suffix}", f"y{suffix}"))
        if labels[i]:
            notes.append(_note(sum(x_dom) / 2, y_top, labels[i], yanchor="bottom"))
    for c, text in enumerate(col_notes):
        notes.append(_note((c + 0.5) * cw, 1.0, text, yanchor="bottom"))
    for r, text in enumerate(row_notes):
        y_mid = 1 - (r * row_px + title_px + cell_px / 2) / paper_h
        notes.append(_note(0, y_mid, text, xanchor="right", xshift=-6, align="right"))
    layout.update(annotations=notes, height=int(height), margin=dict(l=int(left), r=0, t=int(top), b=4))
    return layout, refs, numbered


def columns_that_fit(titles: Sequence[str], paper_px: float = MIN_FIGURE_PX, max_lines: int = 2) -> int:
    """The most columns (at most one per title) whose titles, wrapped, all fit side by side in paper_px."""
    for cols in range(len(titles), 1, -1):
        if fit(titles, paper_px / cols - 4, max_lines) is not None:
            return cols
    return 1


def title_note(x: float, y: float, text: str) -> dict:
    """A small title whose bottom sits at (x, y) in paper coordinates."""
    return _note(x, y, text, yanchor="bottom")


CLICKABLE_PIXELS = 25_000  # up to this many pixels in a grid, every pixel is a click target with its value


def click_targets(values: np.ndarray, ref: tuple[str, str], name: str, value_name: str, per_pixel: bool) -> go.Scattergl:
    """Invisible square markers over one (H, W) image that turn a click on it into a selection."""
    h, w = values.shape
    step = 1 if per_pixel else max(1, round(max(h, w) / 3))
    rows, cols = np.mgrid[step // 2 : h : step, step // 2 : w : step]
    rows, cols = rows.ravel(), cols.ravel()
    if per_pixel:
        template = "%{fullData.name}<br>row %{y}, col %{x}<br>" + value_name + " %{customdata:.4g}<extra>click to enlarge</extra>"
    else:
        template = "%{fullData.name}<extra>click to enlarge</extra>"
    return go.Scattergl(
        x=cols,
        y=rows,
        customdata=values[rows, cols],
        xaxis=ref[0],
        yaxis=ref[1],
        name=name,
        mode="markers",
        marker=dict(symbol="square", size=6 if per_pixel else 24, color="rgba(0,0,0,0)", opacity=0.01),
        hovertemplate=template,
        showlegend=False,
    )
