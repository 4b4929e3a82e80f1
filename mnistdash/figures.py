"""Plotly figures of digits and maps: mosaics with hover values and one shared, zero-centred scale."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

DIVERGING = "RdBu_r"
CLASS_COLOURS = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
]  # red = pushes toward the class, blue = pushes away, white = 0
GRAY = "gray"


def symmetric_range(*arrays: np.ndarray, quantile: float = 99.5) -> float:
    """One symmetric colour range for several maps (a high quantile of |values| keeps outliers from washing out)."""
    values = np.concatenate([np.abs(np.asarray(a, np.float32)).ravel() for a in arrays])
    zmax = float(np.percentile(values, quantile)) if values.size else 1.0
    return zmax if zmax > 0 else 1.0


def title_note(x: float, y: float, text: str) -> dict:
    """A small title above a plot of a grid, placed in paper coordinates."""
    return dict(x=x, y=y, xref="paper", yref="paper", text=text, showarrow=False, yanchor="bottom", font=dict(size=11))


def outline(xy: np.ndarray, name: str, size: int, width: float) -> go.Scattergl:
    """Hollow black circles around points (N, 2): the nearest digits, or a selection."""
    return go.Scattergl(
        x=xy[:, 0],
        y=xy[:, 1],
        mode="markers",
        name=name,
        hoverinfo="skip",
        marker=dict(size=size, color="rgba(0,0,0,0)", line=dict(width=width, color="black")),
    )


def grid_axes(n: int, cols: int, title_space: float = 0.18) -> tuple[dict, list[tuple[str, str]], list[tuple[float, float]]]:
    """Layout entries for n small square plots in a grid, built directly (make_subplots is ~10x slower).

    Returns (layout axes, (xref, yref) per plot, title anchor (x, y) in paper coordinates per plot).
    """
    rows = -(-n // cols)
    layout, refs, anchors = {}, [], []
    cw, rh = 1.0 / cols, 1.0 / rows
    for i in range(n):
        r, c = divmod(i, cols)
        suffix = "" if i == 0 else str(i + 1)
        x_dom = [c * cw + 0.004, (c + 1) * cw - 0.004]
        y_dom = [1 - (r + 1) * rh, 1 - r * rh - rh * title_space]
        layout[f"xaxis{suffix}"] = dict(domain=x_dom, anchor=f"y{suffix}", visible=False, constrain="domain")
        layout[f"yaxis{suffix}"] = dict(
            domain=y_dom, anchor=f"x{suffix}", visible=False, autorange="reversed", scaleanchor=f"x{suffix}", constrain="domain"
        )
        refs.append((f"x{suffix}", f"y{suffix}"))
        anchors.append(((x_dom[0] + x_dom[1]) / 2, y_dom[1]))
    return layout, refs, anchors


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
) -> go.Figure:
    """K images in a grid on one shared colour scale; hover: image, row, column, value.

    `raw` (K, H, W), when the images are rescaled for display, gives the values hover shows.
    Arrays travel as compact binary, so grids of a hundred images stay fast.
    """
    images = np.asarray(images, np.float32)
    k, h, w = images.shape
    cols = cols or min(k, 10)
    rows = -(-k // cols)
    axes, refs, anchors = grid_axes(k, cols)
    shown = "%{z:.4g}" if raw is None else "%{customdata:.4g}"
    traces, notes = [], []
    for i in range(k):
        xref, yref = refs[i]
        traces.append(
            go.Heatmap(
                z=images[i],
                customdata=None if raw is None else np.asarray(raw[i], np.float32),
                xaxis=xref,
                yaxis=yref,
                name=str(titles[i]),
                coloraxis="coloraxis",
                hovertemplate="%{fullData.name}<br>row %{y}, col %{x}<br>" + value_name + " " + shown + "<extra></extra>",
            )
        )
        notes.append(title_note(*anchors[i], str(titles[i])))
    if diverging:
        zmax = zmax or symmetric_range(images)
        axis = dict(colorscale=DIVERGING, cmid=0, cmin=-zmax, cmax=zmax)
    else:
        axis = dict(colorscale=GRAY, cmin=0, cmax=zmax or float(images.max()) or 1.0)
    layout = go.Layout(
        **axes,
        coloraxis=dict(**axis, showscale=colorbar, colorbar=dict(thickness=12, len=0.9)),
        annotations=notes,
        height=int(rows * cell_px * 1.2 + 30),
        margin=dict(l=0, r=0, t=10, b=0),
        plot_bgcolor="rgba(0,0,0,0)",
    )
    return go.Figure(data=traces, layout=layout)


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
    fig.update_layout(height=34 * len(names) + 70, margin=dict(l=0, r=0, t=50, b=0))
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
            hovertemplate="true %{customdata[0]}, predicted %{customdata[1]}<br>%{customdata[2]} digits<extra>click to see them</extra>",
            showlegend=False,
            name="cells",
            text=[f"{100 * s:.1f}% of the row" for s in share.ravel()],
        )
    )
    fig.update_xaxes(
        title="predicted", range=[-0.5, 9.5], tickmode="array", tickvals=list(range(10)), side="top", fixedrange=True
    )
    fig.update_yaxes(
        title="true label", range=[9.5, -0.5], tickmode="array", tickvals=list(range(10)), fixedrange=True, scaleanchor="x"
    )
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
