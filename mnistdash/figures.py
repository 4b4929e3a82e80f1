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
    """K images tiled into one heatmap (fast even for hundreds), hover: image, row, column, value.

    `raw` (K, H, W), when the images are rescaled for display, gives the values hover shows.
    """
    images = np.asarray(images, np.float32)
    raw = images if raw is None else np.asarray(raw, np.float32)
    k, h, w = images.shape
    cols = cols or min(k, 10)
    rows = -(-k // cols)
    gap, vgap = 2, max(2, round(h / 3.5))  # room for each image's title above it
    big = np.full((rows * (h + vgap) - vgap, cols * (w + gap) - gap), np.nan, np.float32)
    custom = np.full(big.shape + (4,), np.nan, np.float32)
    name_idx = np.full(big.shape, -1, np.int32)
    for i in range(k):
        r, c = divmod(i, cols)
        y0, x0 = r * (h + vgap), c * (w + gap)
        big[y0 : y0 + h, x0 : x0 + w] = images[i]
        yy, xx = np.indices((h, w))
        custom[y0 : y0 + h, x0 : x0 + w] = np.stack([np.full((h, w), i), yy, xx, raw[i]], -1)
        name_idx[y0 : y0 + h, x0 : x0 + w] = i
    text = np.where(name_idx >= 0, np.asarray(list(titles) + [""], dtype=object)[name_idx], "")
    if diverging:
        zmax = zmax or symmetric_range(images)
        scale = dict(colorscale=DIVERGING, zmid=0, zmin=-zmax, zmax=zmax)
    else:
        scale = dict(colorscale=GRAY, zmin=0 if zmax is None else -0.0, zmax=zmax or float(np.nanmax(big)) or 1.0)
    fig = go.Figure(
        go.Heatmap(
            z=big,
            customdata=custom,
            text=text,
            hovertemplate="%{text}<br>row %{customdata[1]}, col %{customdata[2]}<br>"
            + value_name
            + " %{customdata[3]:.4g}<extra></extra>",
            hoverongaps=False,
            showscale=colorbar,
            colorbar=dict(thickness=12, len=0.9),
            **scale,
        )
    )
    for i, title in enumerate(titles):
        r, c = divmod(i, cols)
        fig.add_annotation(
            x=c * (w + gap) + (w - 1) / 2,
            y=r * (h + gap) - 1.2,
            text=title,
            showarrow=False,
            yanchor="bottom",
            font=dict(size=11),
        )
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", constrain="domain")
    fig.update_layout(
        height=int(rows * cell_px * (h + vgap) / 28 + 40),
        margin=dict(l=0, r=0, t=24, b=0),
        plot_bgcolor="rgba(0,0,0,0)",
    )
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
    fig.update_layout(height=34 * len(names) + 70, margin=dict(l=0, r=0, t=50, b=0))
    return fig


def digit_figure(image: np.ndarray, title: str = "", height: int = 220) -> go.Figure:
    fig = go.Figure(
        go.Heatmap(
            z=image,
            colorscale=GRAY,
            zmin=0,
            zmax=1,
            showscale=False,
            hovertemplate="row %{y}, col %{x}<br>ink %{z:.3f}<extra></extra>",
        )
    )
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", constrain="domain")
    fig.update_layout(title=title, height=height, margin=dict(l=0, r=0, t=30 if title else 0, b=0))
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
