"""A Plotly figure leaves the app as PNG, SVG (vector) and CSV, each with a title and caption that say what it is.

Plotly's own static export (kaleido) drives a Chrome on the server, and the dashboard promises no system
dependency, so the figure is redrawn with matplotlib (already installed with Captum) from its own traces and
layout: heatmaps (one map, mosaics of maps on one pair of axes, matrices with numbers in their cells), bars,
lines and markers, shapes, annotations, subplots by axis domain and a second y axis. A map of pixels stays
vector in the SVG (one square per pixel) up to VECTOR_CELLS squares; past that it is embedded as an image
at its own resolution. The CSV holds the numbers behind the figure, one row per value, after two lines that
say what it is. Everything here runs without streamlit; `mnistdash.ui.widgets.show` offers it under each figure.
"""

from __future__ import annotations

import csv
import io
import re
import textwrap
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from matplotlib import colors as mcolors
from matplotlib import rc_context, transforms
from matplotlib.figure import Figure
from plotly.colors import get_colorscale

WIDTH_PX, HEIGHT_PX = 800, 450  # a figure without its own size, as a wide Streamlit column shows it
PNG_SCALE = 2  # PNG pixels per figure pixel
VECTOR_CELLS = 40_000  # heatmap squares drawn one by one in the SVG; past this, embedded as an image
FORMATS = {"png": "image/png", "svg": "image/svg+xml", "csv": "text/csv"}
_PT = 0.75  # points per CSS pixel
_SYMBOLS = {"circle": "o", "square": "s", "diamond": "D", "x": "x", "cross": "P", "triangle-up": "^", "star": "*"}
_DASHES = {"dash": "--", "dot": ":", "dashdot": "-.", "longdash": "--", "solid": "-"}


def render(fig: go.Figure, fmt: str, title: str, caption: str = "") -> bytes:
    """The figure as `fmt` ('png', 'svg' or 'csv') bytes, titled and captioned."""
    if fmt == "csv":
        return to_csv(fig, title, caption).encode()
    if fmt not in ("png", "svg"):
        raise ValueError(f"cannot export a figure as {fmt!r}; use one of {', '.join(FORMATS)}")
    out = io.BytesIO()
    with rc_context({"svg.fonttype": "none"}):  # text stays text in the SVG: searchable, editable in slides
        drawn = draw(fig, title, caption)
        drawn.savefig(out, format=fmt, dpi=100 * PNG_SCALE if fmt == "png" else 100, metadata=_metadata(fmt, title, caption))
    return out.getvalue()


def file_name(title: str, fmt: str) -> str:
    """A safe file name from a title: 'Explain: cnn, digit #7' -> 'explain-cnn-digit-7.png'."""
    slug = re.sub(r"[^a-z0-9]+", "-", plain(title).lower()).strip("-")[:80] or "mnistdash-figure"
    return f"{slug}.{fmt}"


def plain(text: object) -> str:
    """Plotly's HTML-ish text as plain text: <br> becomes a newline, other tags go."""
    return re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>", "\n", str(text or ""))).strip()


def figure_title(fig: go.Figure) -> str:
    """The figure's own title, as plain text ('' when it has none)."""
    return plain(fig.layout.title.text) if fig.layout.title and fig.layout.title.text else ""


# ---- CSV ---------------------------------------------------------------------------------------------


def rows(fig: go.Figure) -> list[dict]:
    """The numbers behind the figure, one dict per value: series, kind, x, y, value, row, col, text (and raw: the
    value a map scaled for its colours stands for)."""
    out = []
    for i, trace in enumerate(fig.data):
        if _invisible(trace):
            continue
        series = plain(trace.name) or f"{trace.type} {i + 1}"
        if trace.type == "heatmap":
            z = _z(trace)
            xs, ys = _centres(trace, "x", z.shape[1]), _centres(trace, "y", z.shape[0])
            text = _cell_text(trace, z.shape)
            raw = np.asarray(trace.customdata, float) if trace.customdata is not None else None
            raw = raw if raw is not None and raw.shape == z.shape else None  # the values a scaled map stands for
            for r in range(z.shape[0]):
                for c in range(z.shape[1]):
                    out.append(
                        dict(series=series, kind="heatmap", x=xs[c], y=ys[r], value=_num(z[r, c]), row=r, col=c, text=text[r][c])
                        | ({"raw": _num(raw[r, c])} if raw is not None else {})
                    )
        elif trace.type == "histogram":
            edges, counts = _bins(trace)
            for j, n in enumerate(counts):
                out.append(
                    dict(
                        series=series,
                        kind="histogram",
                        x=(edges[j] + edges[j + 1]) / 2,
                        value=int(n),
                        text=f"[{edges[j]:.4g}, {edges[j + 1]:.4g})",
                    )
                )
        elif trace.type in ("bar", "scatter", "scattergl"):
            x, y = _seq(trace.x), _seq(trace.y)
            n = max(len(x), len(y))
            x = x or list(range(n))
            y = y or list(range(n))
            text = _texts(trace, n)
            for j in range(n):
                value = y[j] if trace.type != "bar" or trace.orientation != "h" else x[j]
                out.append(dict(series=series, kind=trace.type, x=x[j], y=y[j], value=_num(value), text=plain(text[j])))
    return out


def to_csv(fig: go.Figure, title: str, caption: str = "") -> str:
    """The figure's numbers as CSV: two lines that say what it is (`# title`, `# caption`), then a header and a
    row per value (read it with `pandas.read_csv(path, skiprows=2)`)."""
    buf = io.StringIO()
    buf.write(f"# {_one_line(title)}\n# {_one_line(caption)}\n")
    table = rows(fig)
    columns = ["series", "kind", "x", "y", "value", "row", "col", "text"] + (["raw"] if any("raw" in r for r in table) else [])
    writer = csv.DictWriter(buf, columns, lineterminator="\n")
    writer.writeheader()
    for row in table:
        writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in columns})
    return buf.getvalue()


# ---- drawing ----------------------------------------------------------------------------------------


def draw(fig: go.Figure, title: str, caption: str = "") -> Figure:
    """The Plotly figure redrawn as a matplotlib Figure (no pyplot: safe in a server thread), with the title
    above and the caption below."""
    layout = fig.layout
    w = float(layout.width or WIDTH_PX)
    h = float(layout.height or HEIGHT_PX)
    m = layout.margin
    ml, mr, mt, mb = (float(v if v is not None else d) for v, d in ((m.l, 80), (m.r, 80), (m.t, 100), (m.b, 80)))
    if _shows_ticks(fig, "y"):  # room for tick labels, as Plotly's automargin makes it
        ml = max(ml, 60.0)
    if _shows_ticks(fig, "x"):
        mb = max(mb, 48.0)
    mr, mt = max(mr, 40.0), max(mt, 10.0)
    heading = [plain(title)] + ([figure_title(fig)] if figure_title(fig) and figure_title(fig) != plain(title) else [])
    heading_lines = sum(len(_wrap(t, w, 13)) for t in heading)
    caption_lines = _wrap(caption, w, 10) if caption else []
    top_px, bottom_px = 12 + 20 * heading_lines, (10 + 15 * len(caption_lines)) if caption_lines else 6
    total_h = h + top_px + bottom_px
    out = Figure(figsize=(w / 100, total_h / 100), dpi=100, facecolor="white")
    out.text(
        0.5, 1 - 8 / total_h, "\n".join("\n".join(_wrap(t, w, 13)) for t in heading), ha="center", va="top", fontsize=13 * _PT
    )
    if caption_lines:
        out.text(8 / w, (bottom_px - 6) / total_h, "\n".join(caption_lines), ha="left", va="top", fontsize=10 * _PT, color="#333")
    pw, ph = max(w - ml - mr, 10), max(h - mt - mb, 10)
    paper = transforms.Affine2D().scale(pw / w, ph / total_h).translate(ml / w, (bottom_px + mb) / total_h) + out.transFigure
    canvas = _Canvas(out, layout, paper, (w, total_h, ml, mb + bottom_px, pw, ph))
    bars: dict[object, list] = {}
    for trace in fig.data:
        if not _invisible(trace) and trace.type == "bar":
            bars.setdefault(canvas.axes(trace), []).append(trace)
    for i, trace in enumerate(fig.data):
        if _invisible(trace):
            continue
        ax = canvas.axes(trace)
        if trace.type == "histogram":
            _histogram(ax, trace, i)
        elif trace.type == "heatmap":
            _heatmap(ax, trace, canvas)
        elif trace.type == "bar":
            group = bars[ax]
            _bar(ax, trace, canvas, group.index(trace), len(group), layout.barmode or "group")
        elif trace.type in ("scatter", "scattergl"):
            _scatter(ax, trace, canvas, i)
    canvas.limits()
    for shape in layout.shapes or ():
        _shape(shape, canvas)
    for note in layout.annotations or ():
        _annotation(note, canvas)
    canvas.ticks()
    for ax in canvas.made.values():
        handles, labels = ax.get_legend_handles_labels()
        if len(labels) > 1 and layout.showlegend is not False:
            ax.legend(fontsize=9 * _PT, frameon=False)
    return out


class _Canvas:
    """The matplotlib axes of a Plotly figure's axis pairs, made on first use, and its reference frames."""

    def __init__(self, fig: Figure, layout, paper, box):
        self.fig, self.layout, self.paper, self.box = fig, layout, paper, box
        self.made: dict[tuple[str, str], object] = {}
        self.categories: dict[str, list] = {}  # axis name -> categories in order of first use
        self.scales: dict[str, object] = {}  # coloraxis name -> the mappable that drew its colour bar

    def axis(self, name: str):
        """layout.xaxis2 for 'x2'."""
        return self.layout[f"{name[0]}axis{name[1:]}"]

    def axes(self, trace):
        """The matplotlib axes a trace is drawn on."""
        return self.pair(trace.xaxis or "x", trace.yaxis or "y")

    def pair(self, xa: str, ya: str):
        """The matplotlib axes of the Plotly axes ('x2', 'y2'), made and styled on first use."""
        if (xa, ya) in self.made:
            return self.made[(xa, ya)]
        yl = self.axis(ya)
        if yl.overlaying:  # a second y axis on the same plot
            ax = self.pair(xa, yl.overlaying).twinx()
        else:
            w, h, left, bottom, pw, ph = self.box
            xd, yd = (self.axis(xa).domain or (0, 1)), (yl.domain or (0, 1))
            ax = self.fig.add_axes(
                ((left + xd[0] * pw) / w, (bottom + yd[0] * ph) / h, (xd[1] - xd[0]) * pw / w, (yd[1] - yd[0]) * ph / h)
            )
        self.made[(xa, ya)] = ax
        _style(ax, self.axis(xa), "x")
        _style(ax, yl, "y")
        if yl.scaleanchor == xa:
            ax.set_aspect("equal", adjustable="box", anchor="N" if yl.constraintoward == "top" else "C")
        return ax

    def coords(self, name: str, values: Sequence) -> np.ndarray:
        """Positions on axis `name`: numbers as they are, categories by their order of first use."""
        values = list(values)
        if values and all(isinstance(v, int | float | np.integer | np.floating) or v is None for v in values):
            return np.array([np.nan if v is None else v for v in values], float)
        known = self.categories.setdefault(name, [])
        for v in values:
            if v not in known:
                known.append(v)
        return np.array([known.index(v) for v in values], float)

    def ticks(self):
        for (xa, ya), ax in self.made.items():
            for name, set_ticks, set_labels in ((xa, ax.set_xticks, ax.set_xticklabels), (ya, ax.set_yticks, ax.set_yticklabels)):
                if name in self.categories and self.axis(name).tickvals is None:
                    set_ticks(range(len(self.categories[name])))
                    set_labels([plain(c) for c in self.categories[name]], fontsize=9 * _PT)

    def limits(self) -> None:
        """Each axis's own range (drawing autoscales), and a reversed one where Plotly reverses it."""
        for (xa, ya), ax in self.made.items():
            for name, set_lim, inverted, invert in (
                (xa, ax.set_xlim, ax.xaxis_inverted, ax.invert_xaxis),
                (ya, ax.set_ylim, ax.yaxis_inverted, ax.invert_yaxis),
            ):
                axis = self.axis(name)
                if axis.range is not None:
                    lo, hi = axis.range
                    set_lim(*((10**lo, 10**hi) if axis.type == "log" else (lo, hi)))
                elif axis.autorange == "reversed" and not inverted():
                    invert()

    def frame(self, xref: str | None, yref: str | None):
        """The transform for a shape or annotation's (xref, yref): data, axis domain or paper on each side."""
        return transforms.blended_transform_factory(self._one(xref or "paper", "x"), self._one(yref or "paper", "y"))

    def _one(self, ref: str, side: str):
        if ref == "paper":
            return self.paper
        name, _, domain = ref.partition(" ")
        for (xa, ya), ax in self.made.items():
            if (xa if side == "x" else ya) == name:
                return ax.transAxes if domain else ax.transData
        return self.paper


def _style(ax, axis, side: str) -> None:
    set_label = ax.set_xlabel if side == "x" else ax.set_ylabel
    which = ax.xaxis if side == "x" else ax.yaxis
    ax.tick_params(labelsize=9 * _PT)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    if axis.visible is False:
        which.set_visible(False)
        ax.spines["bottom" if side == "x" else "left"].set_visible(False)
        return
    if axis.title and axis.title.text:
        set_label(plain(axis.title.text), fontsize=10 * _PT)
    if axis.type == "log":
        (ax.set_xscale if side == "x" else ax.set_yscale)("log")
    if axis.tickvals is not None:
        (ax.set_xticks if side == "x" else ax.set_yticks)(list(axis.tickvals))
        if axis.ticktext is not None:
            (ax.set_xticklabels if side == "x" else ax.set_yticklabels)([plain(t) for t in axis.ticktext])
    if axis.showticklabels is False:
        which.set_ticklabels([])
    if axis.showgrid is not False and side == "y":
        ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
        ax.set_axisbelow(True)


def _heatmap(ax, trace, canvas: _Canvas) -> None:
    z = _z(trace)
    cmap, lo, hi, scale = _colour_scale(trace, z, canvas.layout)
    xs = _centres(trace, "x", z.shape[1], canvas)
    ys = _centres(trace, "y", z.shape[0], canvas)
    xe, ye = _edges(xs), _edges(ys)
    if z.size <= VECTOR_CELLS:
        mesh = ax.pcolormesh(
            xe, ye, np.ma.masked_invalid(z), cmap=cmap, vmin=lo, vmax=hi, shading="flat", antialiased=False, linewidth=0
        )
    else:
        mesh = ax.imshow(
            np.ma.masked_invalid(z), cmap=cmap, vmin=lo, vmax=hi, interpolation="nearest", aspect="auto",
            extent=(xe[0], xe[-1], ye[-1], ye[0]), origin="upper",  # row 0 at ye[0], whichever way the axis runs
        )  # fmt: skip
    text = _cell_text(trace, z.shape)
    if any(any(row) for row in text):
        size = (trace.textfont.size if trace.textfont and trace.textfont.size else 12) * _PT
        for r in range(z.shape[0]):
            for c in range(z.shape[1]):
                if text[r][c] and np.isfinite(z[r, c]):  # Plotly writes no text on an empty cell
                    rgb = cmap(0 if hi == lo else (z[r, c] - lo) / (hi - lo))[:3]
                    ink = "black" if np.dot(rgb, (0.299, 0.587, 0.114)) > 0.5 else "white"
                    ax.text(xs[c], ys[r], text[r][c], ha="center", va="center", fontsize=size, color=ink)
    if scale is not None and scale not in canvas.scales:
        canvas.scales[scale] = mesh
        canvas.fig.colorbar(mesh, ax=ax, fraction=0.03, pad=0.01, shrink=0.9).ax.tick_params(labelsize=8 * _PT)


def _colour_scale(trace, z: np.ndarray, layout):
    """(colormap, low, high, colour bar id or None) of a heatmap, from the trace or its coloraxis."""
    owner = layout[trace.coloraxis] if trace.coloraxis else trace
    prefix = "c" if trace.coloraxis else "z"
    scale = owner.colorscale
    stops = get_colorscale(scale) if isinstance(scale, str) else (scale or get_colorscale("plasma"))
    stops = [(float(p), _rgba(c)) for p, c in stops]
    if owner.reversescale:
        stops = [(1 - p, c) for p, c in reversed(stops)]
    cmap = mcolors.LinearSegmentedColormap.from_list("plotly", stops)
    lo, hi, mid = (owner[prefix + k] for k in ("min", "max", "mid"))
    finite = z[np.isfinite(z)]
    lo = float(finite.min()) if lo is None and finite.size else lo
    hi = float(finite.max()) if hi is None and finite.size else hi
    if mid is not None and owner[prefix + "min"] is None and owner[prefix + "max"] is None and finite.size:
        half = float(np.abs(finite - mid).max()) or 1.0
        lo, hi = mid - half, mid + half
    shown = owner.showscale is not False
    return cmap, lo, hi, ((trace.coloraxis or id(trace)) if shown else None)


def _histogram(ax, trace, index: int) -> None:
    edges, counts = _bins(trace)
    colour = trace.marker.color if trace.marker and isinstance(trace.marker.color, str) else None
    ax.stairs(counts, edges, fill=True, color=_rgba(colour) if colour else _default(index),
              alpha=trace.opacity if trace.opacity is not None else 1, label=plain(trace.name) or None)  # fmt: skip


def _bins(trace) -> tuple[np.ndarray, np.ndarray]:
    """A histogram trace's bin edges and counts, from its xbins (or numpy's choice when it has none)."""
    x = np.asarray([v for v in _seq(trace.x) if v is not None], float)
    b = trace.xbins
    if b and b.start is not None and b.end is not None and b.size:
        edges = np.arange(b.start, b.end + b.size * 0.5, b.size)
    else:
        edges = np.histogram_bin_edges(x, "auto")
    return edges, np.histogram(x, edges)[0]


def _bar(ax, trace, canvas: _Canvas, k: int, n: int, mode: str) -> None:
    horizontal = trace.orientation == "h"
    where, value = (_seq(trace.y), _seq(trace.x)) if horizontal else (_seq(trace.x), _seq(trace.y))
    value = np.array([np.nan if v is None else v for v in value], float)
    canvas_name = (trace.yaxis or "y") if horizontal else (trace.xaxis or "x")
    pos = canvas.coords(canvas_name, where or list(range(len(value))))
    width = 0.8 if mode != "group" else 0.8 / n
    pos = pos + (((k - (n - 1) / 2) * width) if mode == "group" else 0)
    colour = trace.marker.color if trace.marker else None
    colour = [_rgba(c) for c in colour] if isinstance(colour, list | tuple) else (_rgba(colour) if colour else _default(k))
    kw = dict(color=colour, alpha=trace.opacity if trace.opacity is not None else 1, label=plain(trace.name) or None)
    drawn = ax.barh(pos, value, height=width, **kw) if horizontal else ax.bar(pos, value, width=width, **kw)
    if trace.text is not None and trace.textposition not in ("none",):
        labels = _texts(trace, len(value))
        ax.bar_label(drawn, labels=[plain(t) for t in labels], fontsize=9 * _PT, padding=2)


def _scatter(ax, trace, canvas: _Canvas, index: int) -> None:
    y = _seq(trace.y)
    x = _seq(trace.x) or list(range(len(y)))
    xs, ys = canvas.coords(trace.xaxis or "x", x), canvas.coords(trace.yaxis or "y", y)
    mode = trace.mode or ("lines+markers" if len(xs) < 20 else "lines")
    label = plain(trace.name) if trace.showlegend is not False and trace.name else None
    line = trace.line
    if "lines" in mode:
        ax.plot(
            xs, ys, color=_rgba(line.color) if line and line.color else _default(index), linewidth=(line.width or 2) * _PT,
            linestyle=_DASHES.get(line.dash, "-") if line and line.dash else "-", label=label,
        )  # fmt: skip
        label = None
    if "markers" in mode:
        marker = trace.marker
        size = marker.size if marker and marker.size is not None else 6
        size = (np.asarray(size, float) * _PT) ** 2
        colour = marker.color if marker else None
        kw = {}
        if isinstance(colour, list | tuple | np.ndarray) and len(colour) and not isinstance(colour[0], str):
            stops = get_colorscale(marker.colorscale) if isinstance(marker.colorscale, str) else marker.colorscale
            kw = dict(c=np.asarray(colour, float), vmin=marker.cmin, vmax=marker.cmax)
            if stops:
                kw["cmap"] = mcolors.LinearSegmentedColormap.from_list("m", [(float(p), _rgba(c)) for p, c in stops])
        elif isinstance(colour, list | tuple | np.ndarray):
            kw = dict(color=[_rgba(c) for c in colour])
        else:
            own = colour or (line.color if line and line.color else None)  # Plotly colours markers as their line
            kw = dict(color=_rgba(own) if own else _default(index))
        symbol = _SYMBOLS.get(str(marker.symbol).replace("-open", ""), "o") if marker and marker.symbol else "o"
        hollow = bool(marker and marker.symbol and "open" in str(marker.symbol))
        if hollow or (
            marker and marker.color is not None and _rgba(marker.color if isinstance(marker.color, str) else "black")[3] == 0
        ):
            edge = _rgba(marker.line.color) if marker.line and marker.line.color else kw.get("color", "black")
            kw = dict(facecolors="none", edgecolors=edge, linewidths=(marker.line.width or 1) * _PT if marker.line else 1)
        opacity = marker.opacity if marker and isinstance(marker.opacity, int | float) else (trace.opacity or 1)
        ax.scatter(xs, ys, s=size, marker=symbol, alpha=opacity, label=label, linewidths=kw.pop("linewidths", 0), **kw)
    if "text" in mode and trace.text is not None:
        texts = _texts(trace, len(xs))
        for xi, yi, t in zip(xs, ys, texts):
            ax.annotate(plain(t), (xi, yi), fontsize=9 * _PT, ha="center", va="bottom", xytext=(0, 3), textcoords="offset points")


def _shape(shape, canvas: _Canvas) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    trans = canvas.frame(shape.xref, shape.yref)
    line = shape.line
    kw = dict(
        transform=trans,
        color=_rgba(line.color) if line and line.color else (0.27, 0.27, 0.27, 1),
        linewidth=(line.width if line and line.width is not None else 2) * _PT,
        linestyle=_DASHES.get(line.dash, "-") if line and line.dash else "-",
        clip_on=False,
        zorder=5,
    )
    if shape.type == "line":
        canvas.fig.add_artist(Line2D([shape.x0, shape.x1], [shape.y0, shape.y1], **kw))
    elif shape.type == "rect":
        kw["edgecolor"] = kw.pop("color")
        fill = _rgba(shape.fillcolor) if shape.fillcolor else (0, 0, 0, 0)
        rect = Rectangle((shape.x0, shape.y0), shape.x1 - shape.x0, shape.y1 - shape.y0, facecolor=fill, **kw)
        canvas.fig.add_artist(rect)


def _annotation(note, canvas: _Canvas) -> None:
    trans = canvas.frame(note.xref, note.yref)
    if note.xshift or note.yshift:
        trans = transforms.offset_copy(
            trans, fig=canvas.fig, x=(note.xshift or 0) * _PT, y=(note.yshift or 0) * _PT, units="points"
        )
    ha = {"left": "left", "right": "right"}.get(note.xanchor, "center")
    va = {"top": "top", "bottom": "bottom"}.get(note.yanchor, "center")
    size = (note.font.size if note.font and note.font.size else 12) * _PT
    colour = _rgba(note.font.color) if note.font and note.font.color else "black"
    canvas.fig.text(note.x or 0, note.y or 0, plain(note.text), transform=trans, ha=ha, va=va, fontsize=size, color=colour,
                    multialignment={"left": "left", "right": "right"}.get(note.align, "center"))  # fmt: skip


# ---- values -----------------------------------------------------------------------------------------


def _z(trace) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in trace.z], float)


def _centres(trace, side: str, n: int, canvas: _Canvas | None = None) -> np.ndarray:
    given = trace[side]
    if given is not None and len(given):
        return canvas.coords(trace[f"{side}axis"] or side, list(given)) if canvas else np.asarray(list(given), dtype=object)
    start = trace[f"{side}0"] if trace[f"{side}0"] is not None else 0
    step = trace[f"d{side}"] if trace[f"d{side}"] is not None else 1
    return start + step * np.arange(n, dtype=float)


def _edges(centres: np.ndarray) -> np.ndarray:
    c = np.asarray(centres, float)
    if len(c) == 1:
        return np.array([c[0] - 0.5, c[0] + 0.5])
    mid = (c[:-1] + c[1:]) / 2
    return np.concatenate([[c[0] - (mid[0] - c[0])], mid, [c[-1] + (c[-1] - mid[-1])]])


def _cell_text(trace, shape: tuple[int, int]) -> list[list[str]]:
    if trace.text is None or not (trace.texttemplate or trace.textinfo):
        return [[""] * shape[1] for _ in range(shape[0])]
    text = list(trace.text)
    return [[plain(text[r][c]) for c in range(shape[1])] for r in range(shape[0])]


def _seq(values) -> list:
    if values is None:
        return []
    return [v.item() if isinstance(v, np.generic) else v for v in (values.tolist() if isinstance(values, np.ndarray) else values)]


def _texts(trace, n: int) -> list:
    """A trace's text per point: its list, or its one text repeated."""
    return _seq(trace.text) if isinstance(trace.text, list | tuple | np.ndarray) else [trace.text] * n


def _num(v):
    return "" if v is None or (isinstance(v, float) and not np.isfinite(v)) else (float(v) if not isinstance(v, str) else v)


def _shows_ticks(fig: go.Figure, side: str) -> bool:
    """Whether any axis on this side shows tick labels (then the export leaves room for them)."""
    axes = [fig.layout[k] for k in fig.layout if k.startswith(f"{side}axis")] or [fig.layout[f"{side}axis"]]
    return any(a.visible is not False and a.showticklabels is not False for a in axes)


def _invisible(trace) -> bool:
    """Hidden, or only transparent click targets (the mosaics' selection layer)."""
    if trace.visible in (False, "legendonly"):
        return True
    if trace.type in ("scatter", "scattergl") and trace.marker and (trace.mode or "") == "markers":
        colour = trace.marker.color
        if isinstance(colour, str) and _rgba(colour)[3] == 0 and not (trace.marker.line and trace.marker.line.color):
            return True
    return False


def _rgba(colour) -> tuple[float, float, float, float]:
    """A Plotly colour ('#d62728', 'rgb(1, 2, 3)', 'rgba(0,0,0,0.5)', 'gray') as an RGBA tuple in 0-1."""
    text = str(colour).strip()
    found = re.fullmatch(r"rgba?\(([^)]*)\)", text.replace(" ", ""))
    if found:
        parts = [float(p) for p in found.group(1).split(",")]
        return (parts[0] / 255, parts[1] / 255, parts[2] / 255, parts[3] if len(parts) > 3 else 1.0)
    return mcolors.to_rgba(text)


def _default(k: int):
    return mcolors.to_rgba(("#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3")[k % 6])


def _wrap(text: str, width_px: float, font_px: float) -> list[str]:
    chars = max(20, int(width_px / (font_px * 0.55)))
    return [line for para in plain(text).split("\n") for line in (textwrap.wrap(para, chars) or [""])]


def _one_line(text: str) -> str:
    return " ".join(plain(text).split())


def _metadata(fmt: str, title: str, caption: str) -> dict:
    if fmt == "png":
        return {"Title": _one_line(title), "Description": _one_line(caption), "Software": "mnistdash"}
    return {"Title": _one_line(title), "Description": _one_line(caption)}
