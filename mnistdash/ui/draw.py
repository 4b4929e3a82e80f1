"""Figures of the Draw page: a row of probability bars per model, maps over the input, the 2-D map."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from mnistdash.figures import CLASS_COLOURS, DIVERGING


def probability_bars(probs: dict[str, np.ndarray]) -> go.Figure:
    names = list(probs)
    fig = make_subplots(
        rows=1,
        cols=len(names),
        subplot_titles=[f"{n}: <b>{int(probs[n].argmax())}</b>" for n in names],
        shared_yaxes=True,
        horizontal_spacing=0.012,
    )
    for i, n in enumerate(names, start=1):
        p = probs[n]
        colors = ["#d62728" if c == int(p.argmax()) else "#9ecae1" for c in range(10)]
        fig.add_trace(
            go.Bar(
                x=list(range(10)),
                y=p,
                marker_color=colors,
                hovertemplate=f"{n}<br>class %{{x}}: %{{y:.3f}}<extra></extra>",
                showlegend=False,
            ),
            1,
            i,
        )
        fig.update_xaxes(tickmode="array", tickvals=list(range(10)), tickfont=dict(size=9), row=1, col=i)
    fig.update_yaxes(range=[0, 1], row=1, col=1, title="probability")
    fig.update_annotations(font_size=12)
    fig.update_layout(height=230, margin=dict(l=0, r=0, t=30, b=0), bargap=0.15)
    return fig


def overlay_maps(digit: np.ndarray, maps: dict[str, np.ndarray], titles: list[str]) -> go.Figure:
    """Each model's map (own symmetric scale, red toward its answer) with the digit's outline on top."""
    names = list(maps)
    fig = make_subplots(rows=1, cols=len(names), subplot_titles=titles, horizontal_spacing=0.01)
    for i, n in enumerate(names, start=1):
        m = maps[n]
        zmax = float(np.abs(m).max()) or 1.0
        fig.add_trace(
            go.Heatmap(
                z=m,
                colorscale=DIVERGING,
                zmid=0,
                zmin=-zmax,
                zmax=zmax,
                showscale=False,
                hovertemplate=f"{n}<br>row %{{y}}, col %{{x}}<br>contribution %{{z:.4g}}<extra></extra>",
            ),
            1,
            i,
        )
        fig.add_trace(
            go.Contour(
                z=digit,
                contours=dict(start=0.5, end=0.5, coloring="lines"),
                line=dict(color="black", width=1),
                showscale=False,
                hoverinfo="skip",
            ),
            1,
            i,
        )
        fig.update_xaxes(visible=False, constrain="domain", row=1, col=i)
        fig.update_yaxes(
            visible=False, autorange="reversed", scaleanchor=f"x{i if i > 1 else ''}", constrain="domain", row=1, col=i
        )
    fig.update_annotations(font_size=11)
    fig.update_layout(height=190, margin=dict(l=0, r=0, t=28, b=0))
    return fig


def map_with_point(codes: np.ndarray, labels: np.ndarray, point: np.ndarray, neighbours: np.ndarray) -> go.Figure:
    """The test set on the bottleneck's 2-D layer (WebGL), the drawn digit as a star."""
    fig = go.Figure()
    for c in range(10):
        sel = labels == c
        fig.add_trace(
            go.Scattergl(
                x=codes[sel, 0],
                y=codes[sel, 1],
                mode="markers",
                name=str(c),
                marker=dict(size=3, opacity=0.5, color=CLASS_COLOURS[c]),
                hoverinfo="skip",
            )
        )
    fig.add_trace(
        go.Scattergl(
            x=codes[neighbours, 0],
            y=codes[neighbours, 1],
            mode="markers",
            name="nearest",
            marker=dict(size=9, color="rgba(0,0,0,0)", line=dict(width=2, color="black")),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[point[0]],
            y=[point[1]],
            mode="markers",
            name="your digit",
            marker=dict(symbol="star", size=22, color="gold", line=dict(width=2, color="black")),
        )
    )
    fig.update_layout(height=430, margin=dict(l=0, r=0, t=10, b=0), legend=dict(itemsizing="constant"))
    return fig
