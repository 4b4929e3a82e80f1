"""Plotly figures of digits and maps: mosaics with hover values and one shared, zero-centred scale."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from mnistdash.config import CLASS_NAMES, NAMED_CLASSES
from mnistdash.plots import panels

DIVERGING = "RdBu_r"  # red = pushes toward the class, blue = pushes away, white = 0 (readable with every common
# colour deficiency: its ends stay far apart and its lightness rises toward 0 on both sides; tests/test_palette.py)
# One colour per class: Paul Tol's "muted" scheme and black. Under simulated protanopia, deuteranopia and tritanopia
# (Machado et al. 2009) its closest two colours stay >= 15 CIELAB units apart; the D3 scheme used before fell to 4.6
# under protanopia (its green and red, its brown and grey became one colour). tests/test_palette.py measures both.
CLASS_COLOURS = [
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
    "#000000",
]
GRAY = "gray"


def symmetric_range(*arrays: np.ndarray, quantile: float = 99.5) -> float:
    """One symmetric colour range for several maps (a high quantile of |values| keeps outliers from washing out)."""
    values = np.concatenate([np.abs(np.asarray(a, np.float32)).ravel() for a in arrays])
    zmax = float(np.percentile(values, quantile)) if values.size else 1.0
    return zmax if zmax > 0 else 1.0


def outline(xy: np.ndarray, name: str, size: int, width: float) -> go.Scatter:
    """Hollow black circles around points (N, 2): the nearest digits, or a selection (SVG: a few points, no WebGL context)."""
    return go.Scatter(
        x=xy[:, 0],
        y=xy[:, 1],
        mode="markers",
        name=name,
        hoverinfo="skip",
        marker=dict(size=size, color="rgba(0,0,0,0)", line=dict(width=width, color="black")),
    )


def mosaic(
    images: np.ndarray,  # (K, H, W)
    titles: Sequence[str],
    cols: int | None = None,
    diverging: bool = True,
    zmax: float | None = None,
    value_name: str = "weight",
    cell_px: int = 110,
    colorbar: bool = True,
    raw: np.ndarray | None = None,
    row_titles: Sequence[str] | None = None,
    col_titles: Sequence[str] | None = None,
    clickable: bool = False,
    min_figure_px: int = panels.MIN_FIGURE_PX,
    labels: Sequence[str] | None = None,
) -> go.Figure:
    """K images in a grid on one shared colour scale; hover: title, row, column, value.

    `raw` (K, H, W), when the images are rescaled for display, gives the values hover shows.
    `labels`, short texts drawn above the images, default to the titles (which hover always shows).
    `row_titles` and `col_titles` replace the per-image titles by headers (a model x method grid).
    Titles are wrapped, or replaced by image numbers, so none overlaps down to `min_figure_px` wide.
    `clickable` lays one trace of invisible square SVG markers over the images (heatmaps emit no clicks in
    Streamlit): one per pixel carrying the hover values when the grid is small, else a 3x3 lattice per image;
    its points' customdata start with the image's number. All images share one pair of axes and arrays
    travel as compact binary, so grids of a hundred images stay fast.
    """
    images = np.asarray(images, np.float32)
    k, h, w = images.shape
    cols = cols or min(k, 10)
    layout, grid = panels.grid_layout(
        k,
        cols,
        (h, w),
        [str(t) for t in (titles if labels is None else labels)],
        cell_px,
        row_titles,
        col_titles,
        min_figure_px,
        colorbar,
    )
    values = images if raw is None else np.asarray(raw, np.float32)
    shown = "%{z:.4g}" if raw is None else "%{customdata:.4g}"  # raw values travel only when they differ
    hover = "%{fullData.name}<br>" + value_name + " " + shown + "<extra></extra>"
    per_pixel = clickable and k * h * w <= panels.CLICKABLE_PIXELS
    traces = [  # every image on the same axes, placed by its offset: one subplot for the whole grid
        go.Heatmap(
            z=images[i],
            x0=grid.offsets[i][0],
            y0=grid.offsets[i][1],
            customdata=None if raw is None else values[i],
            name=str(titles[i]),
            coloraxis="coloraxis",
            hovertemplate=hover,
            hoverinfo="skip" if per_pixel else None,
        )
        for i in range(k)
    ]
    if clickable:
        traces.append(panels.click_targets(values, grid, titles, value_name, per_pixel))
    if diverging:
        zmax = zmax or symmetric_range(images)
        axis = dict(colorscale=DIVERGING, cmid=0, cmin=-zmax, cmax=zmax)
    else:
        axis = dict(colorscale=GRAY, cmin=0, cmax=zmax or float(images.max()) or 1.0)
    fig = go.Figure(
        data=traces,
        layout=go.Layout(
            **layout,
            coloraxis=dict(**axis, showscale=colorbar, colorbar=dict(thickness=12, len=0.9)),
            plot_bgcolor="rgba(0,0,0,0)",
            showlegend=False,
        ),
    )
    if clickable:
        fig.update_layout(clickmode="event+select", dragmode=False, hovermode="closest")
    return fig


def zoom_figure(
    image: np.ndarray, title: str, diverging: bool = True, zmax: float | None = None, value_name: str = "value", raw=None
) -> go.Figure:
    """One (H, W) map, large, with its value under the pointer; the same colours as the grid it came from."""
    image = np.asarray(image, np.float32)
    values = image if raw is None else np.asarray(raw, np.float32)
    if diverging:
        zmax = zmax or symmetric_range(image)
        scale = dict(colorscale=DIVERGING, zmid=0, zmin=-zmax, zmax=zmax)
    else:
        scale = dict(colorscale=GRAY, zmin=0, zmax=zmax or float(image.max()) or 1.0)
    fig = go.Figure(
        go.Heatmap(
            z=image,
            customdata=values,
            **scale,
            colorbar=dict(thickness=14),
            hovertemplate="row %{y}, col %{x}<br>" + value_name + " %{customdata:.4g}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", scaleanchor="x", constrain="domain", showgrid=False)
    fig.update_xaxes(constrain="domain", showgrid=False, side="top")
    fig.update_layout(title=dict(text=title, font=dict(size=14)), height=560, margin=dict(l=0, r=0, t=70, b=0))
    return fig


def probability_chart(probs: dict[str, np.ndarray], label: int | None = None) -> go.Figure:
    """Every model's ten class probabilities as one compact heatmap (models x classes) with the values written in."""
    names = list(probs)
    z = np.stack([probs[n] for n in names])  # (M, 10)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[str(c) for c in range(10)],
            y=names,
            colorscale="Blues",
            zmin=0,
            zmax=1,
            text=np.vectorize(lambda v: f"{v:.2f}" if v >= 0.005 else "")(z),
            texttemplate="%{text}",
            hovertemplate="%{y}<br>class %{x}: p = %{z:.4f}<extra></extra>",
            showscale=False,
        )
    )
    if label is not None:
        fig.add_shape(
            type="rect", x0=label - 0.5, x1=label + 0.5, y0=-0.5, y1=len(names) - 0.5, line=dict(color="#2ca02c", width=3)
        )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="class (green frame: true label)" if label is not None else "class", side="top", dtick=1)
    if NAMED_CLASSES:
        fig.update_xaxes(tickmode="array", tickvals=[str(c) for c in range(10)], ticktext=list(CLASS_NAMES), tickangle=-45)
        fig.update_traces(
            customdata=[list(CLASS_NAMES)] * len(names),
            hovertemplate="%{y}<br>%{customdata}: p = %{z:.4f}<extra></extra>",
            selector=dict(type="heatmap"),
        )
    fig.update_layout(
        height=34 * len(names) + 114, margin=dict(l=0, r=0, t=64 + panels.MODEBAR_PX, b=0)
    )  # toolbar clear of the title
    return fig


def confusion_figure(cm: np.ndarray, normalized: bool = False, title: str = "") -> go.Figure:
    """Confusion matrix heatmap with an invisible square-marker scatter on top that makes cells clickable.

    Plotly heatmaps emit no click selections in Streamlit; scatter points do. Both axis ranges are
    fixed so the markers stay on their cells. Each point's customdata is (true, predicted, count).
    """
    counts = cm.astype(np.float64)
    z = counts / np.maximum(counts.sum(1, keepdims=True), 1) if normalized else counts
    off = z.copy()
    np.fill_diagonal(off, np.nan)  # colour the errors; the diagonal would drown them
    if normalized:
        text = [[f"{100 * z[t, p]:.1f}%" if cm[t, p] else "" for p in range(10)] for t in range(10)]
    else:
        text = [[f"{int(cm[t, p])}" if cm[t, p] else "" for p in range(10)] for t in range(10)]
    shade = off if normalized else np.log1p(off)
    fig = go.Figure()
    fig.add_trace(
        go.Heatmap(
            z=shade,
            x=list(range(10)),
            y=list(range(10)),
            colorscale=[[0, "#ffffff"], [1, "#f03b20"]],  # light enough for black numbers on every cell
            zmin=0,
            zmax=float(np.nanmax(shade)) or 1.0,
            textfont=dict(color="black"),
            showscale=False,
            hoverinfo="skip",
            text=text,
            texttemplate="%{text}",
        )
    )
    diag = np.full_like(z, np.nan)
    np.fill_diagonal(diag, 1.0)
    fig.add_trace(
        go.Heatmap(
            z=diag,
            x=list(range(10)),
            y=list(range(10)),
            colorscale=[[0, "#c7e9c0"], [1, "#c7e9c0"]],
            textfont=dict(color="black"),
            showscale=False,
            hoverinfo="skip",
            text=text,
            texttemplate="%{text}",
        )
    )
    tt, pp = np.meshgrid(range(10), range(10), indexing="ij")
    share = counts / np.maximum(counts.sum(1, keepdims=True), 1)
    fig.add_trace(
        go.Scatter(
            x=pp.ravel(),
            y=tt.ravel(),
            mode="markers",
            marker=dict(symbol="square", size=34, color="rgba(0,0,0,0)", opacity=0.01),
            customdata=np.stack([tt.ravel(), pp.ravel(), cm.ravel()], -1),
            hovertext=[f"true {CLASS_NAMES[t]}, predicted {CLASS_NAMES[p]}" for t, p in zip(tt.ravel(), pp.ravel())],
            hovertemplate="%{hovertext}<br>%{customdata[2]} images<extra>click to see them</extra>",
            showlegend=False,
            name="cells",
            text=[f"{100 * s:.1f}% of the row" for s in share.ravel()],
        )
    )
    ticks = dict(tickmode="array", tickvals=list(range(10)), ticktext=list(CLASS_NAMES))
    fig.update_xaxes(
        title="predicted", range=[-0.5, 9.5], side="top", fixedrange=True, tickangle=-45 if NAMED_CLASSES else 0, **ticks
    )
    fig.update_yaxes(title="true label", range=[9.5, -0.5], fixedrange=True, scaleanchor="x", **ticks)
    fig.update_layout(height=470, margin=dict(l=0, r=0, t=40, b=0), title=title, clickmode="event+select", dragmode=False)
    return fig


def clickable_classes(fig: go.Figure, names: Sequence[str], chosen: int | None = None) -> go.Figure:
    """Make every cell of `probability_chart` clickable (an invisible square-marker scatter, since heatmaps
    emit no selections; both ranges fixed), each point's x its class; frame the `chosen` class in orange."""
    cls, rows = np.meshgrid(range(10), range(len(names)))
    fig.add_trace(
        go.Scatter(
            x=[str(c) for c in cls.ravel()],
            y=[names[r] for r in rows.ravel()],
            mode="markers",
            marker=dict(symbol="square", size=26, color="rgba(0,0,0,0)", opacity=0.01),
            hovertemplate="%{y}<br>class %{x}<extra>click: compare with this class</extra>",
            showlegend=False,
            name="classes",
        )
    )
    if chosen is not None:
        frame = dict(color="#ff7f0e", width=3, dash="dot")
        fig.add_shape(type="rect", x0=chosen - 0.45, x1=chosen + 0.45, y0=-0.45, y1=len(names) - 0.55, line=frame)
    fig.update_xaxes(range=[-0.5, 9.5], fixedrange=True)
    fig.update_yaxes(range=[len(names) - 0.5, -0.5], autorange=False, fixedrange=True)
    fig.update_layout(clickmode="event+select", dragmode=False)
    return fig


def mark_cell(fig: go.Figure, true: int, pred: int) -> go.Figure:
    """Outline one cell (true row, predicted column) of a confusion figure: the selected one."""
    fig.add_shape(
        type="rect", x0=pred - 0.5, x1=pred + 0.5, y0=true - 0.5, y1=true + 0.5, line=dict(color="black", width=3), layer="above"
    )
    return fig


def error_bars(errors: dict[str, int], total: int) -> go.Figure:
    """How many of `total` test digits each classifier reads wrong, fewest at the top (a light SVG bar chart)."""
    names = sorted(errors, key=errors.get)
    counts = [errors[n] for n in names]
    fig = go.Figure(
        go.Bar(
            x=counts,
            y=names,
            orientation="h",
            text=[f"{c:,} ({100 * c / total:.2f}%)" for c in counts],
            textposition="outside",
            marker_color="#d62728",
            hovertemplate="%{y}: %{x:,} of " + f"{total:,}" + " read wrong<extra></extra>",
        )
    )
    fig.update_layout(
        height=40 + 26 * len(names),
        margin=dict(l=0, r=0, t=10, b=30),
        xaxis=dict(title=f"test digits read wrong, of {total:,}", range=[0, max(counts, default=1) * 1.3], fixedrange=True),
        yaxis=dict(autorange="reversed", fixedrange=True),
    )
    return fig


def probability_bars(probs: dict[str, np.ndarray]) -> go.Figure:
    """Each model's ten probabilities as bars, its answer in red; as many per row as have titles that fit at 800 px."""
    names = list(probs)
    titles = [f"{name}: <b>{int(probs[name].argmax())}</b>" for name in names]
    cols = panels.columns_that_fit(titles)
    rows = -(-len(names) // cols)
    wrapped = panels.fit(titles, panels.MIN_FIGURE_PX / cols - 4) or titles
    title_px = max(panels.lines(t) for t in wrapped) * panels.LINE_PX + 4
    bar_px, tick_px = 90, 18
    row_px = title_px + bar_px + tick_px
    paper_h = rows * row_px
    layout, traces, notes = {}, [], []
    for i, name in enumerate(names):
        r, c = divmod(i, cols)
        suffix = "" if i == 0 else str(i + 1)
        dom = [c / cols + 0.006, (c + 1) / cols - 0.006]
        top = 1 - (r * row_px + title_px) / paper_h
        layout[f"xaxis{suffix}"] = dict(
            domain=dom, anchor=f"y{suffix}", tickmode="array", tickvals=list(range(10)), tickfont=dict(size=9), fixedrange=True
        )
        layout[f"yaxis{suffix}"] = dict(
            domain=[top - bar_px / paper_h, top],
            anchor=f"x{suffix}",
            range=[0, 1],
            showticklabels=c == 0,
            fixedrange=True,
            matches=None if i == 0 else "y",
        )
        p = probs[name]
        top_class = int(p.argmax())
        traces.append(
            go.Bar(
                x=list(range(10)),
                y=p,
                xaxis=f"x{suffix}",
                yaxis=f"y{suffix}",
                showlegend=False,
                marker_color=["#d62728" if k == top_class else "#9ecae1" for k in range(10)],
                hovertemplate=f"{name}<br>class %{{x}}: %{{y:.3f}}<extra></extra>",
            )
        )
        notes.append(panels.title_note(sum(dom) / 2, top, wrapped[i]))
    return go.Figure(
        data=traces,
        layout=go.Layout(
            **layout,
            annotations=notes,
            height=paper_h + panels.MODEBAR_PX,
            margin=dict(l=0, r=0, t=panels.MODEBAR_PX, b=0),
            bargap=0.15,
        ),
    )


def noise_curves(levels: np.ndarray, noisy: np.ndarray, denoised: np.ndarray, model: str, sigma: float) -> go.Figure:
    """One classifier's test accuracy (%) across noise levels, on the noisy digits (dotted) and after denoising,
    with the chosen level as a dashed line."""
    fig = go.Figure()
    for kind, accuracy, dash in (("noisy", noisy, "dot"), ("denoised", denoised, None)):
        fig.add_trace(
            go.Scatter(
                x=levels,
                y=100 * np.asarray(accuracy),
                name=f"{model}, {kind}",
                line=dict(color=CLASS_COLOURS[0 if kind == "noisy" else 3], dash=dash),
                hovertemplate="σ %{x:.2f}: %{y:.2f}%<extra>" + model + " " + kind + "</extra>",
            )
        )
    fig.add_vline(x=sigma, line=dict(color="gray", dash="dash"))
    fig.update_layout(
        height=420,
        xaxis_title="noise σ",
        yaxis_title="test accuracy (%)",
        margin=dict(l=0, r=0, t=30, b=0),
        legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0),
    )
    return fig


def cascade_curves(layers: Sequence[str], medians: dict[str, np.ndarray], labels: dict[str, str], passing: float) -> go.Figure:
    """Cascading randomization: per method, the median ink rank correlation with the trained network's map as layers
    are re-initialized from the output down (1 at the left: nothing changed yet), with the passing line dashed."""
    steps = ["trained"] + [f"+ {name}" for name in layers]
    fig = go.Figure()
    for k, (method, values) in enumerate(medians.items()):
        fig.add_trace(
            go.Scatter(
                x=steps,
                y=[1.0, *np.asarray(values, float)],
                name=labels.get(method, method),
                mode="lines+markers",
                line=dict(color=CLASS_COLOURS[k % len(CLASS_COLOURS)]),
                hovertemplate="%{x}: %{y:.2f}<extra>" + labels.get(method, method) + "</extra>",
            )
        )
    fig.add_hline(y=passing, line=dict(color="gray", dash="dash"))
    fig.update_layout(
        height=440,
        xaxis_title="layers re-initialized, from the output down",
        yaxis_title="rank correlation within the ink",
        yaxis=dict(range=[-0.2, 1.05]),
        margin=dict(l=0, r=0, t=10, b=0),
        legend=dict(orientation="h", y=-0.22, yanchor="top", x=0),  # below: above it the toolbar hid a name
    )
    return fig


def before_after_bars(
    before: np.ndarray, after: np.ndarray, names: tuple[str, str], y_title: str, y_range: tuple[float, float], title: str = ""
) -> go.Figure:
    """Two values per class side by side in percent (a network as trained and with units switched off): light blue
    before, red after."""
    classes = [str(c) for c in CLASS_NAMES[: len(before)]]
    fig = go.Figure(
        [
            go.Bar(x=classes, y=100 * before, name=names[0], marker_color="#9ecae1", hovertemplate="%{y:.2f}%"),
            go.Bar(x=classes, y=100 * after, name=names[1], marker_color="#d62728", hovertemplate="%{y:.2f}%"),
        ]
    )
    fig.update_layout(
        barmode="group",
        height=280 if title else 240,
        margin=dict(l=10, r=10, t=30 if title else 10, b=30),
        title=dict(text=title, font=dict(size=14)) if title else None,
        xaxis_title="class",
        yaxis=dict(title=y_title, range=list(y_range)),
        legend=dict(orientation="h", y=-0.3),
    )
    return fig
