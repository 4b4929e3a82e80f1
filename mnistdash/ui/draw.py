"""Figures of the Draw page: a row of probability bars per model, maps over the input, the 2-D map."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from mnistdash import panels
from mnistdash.figures import CLASS_COLOURS, DIVERGING, outline


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


def overlay_maps(digit: np.ndarray, maps: dict[str, np.ndarray], titles: list[str]) -> go.Figure:
    """Each model's map (own symmetric scale, red toward its answer) with the digit's outline on top."""
    names = list(maps)
    cols = panels.columns_that_fit(titles)
    layout, refs, _ = panels.grid_layout(len(names), cols, digit.shape, titles, cell_px=150, colorbar=False)
    traces = []
    for i, name in enumerate(names):
        m = maps[name]
        zmax = float(np.abs(m).max()) or 1.0
        xref, yref = refs[i]
        traces.append(
            go.Heatmap(
                z=m,
                xaxis=xref,
                yaxis=yref,
                colorscale=DIVERGING,
                zmid=0,
                zmin=-zmax,
                zmax=zmax,
                showscale=False,
                hovertemplate=f"{name}<br>row %{{y}}, col %{{x}}<br>contribution %{{z:.4g}}<extra></extra>",
            )
        )
        traces.append(
            go.Contour(
                z=digit,
                xaxis=xref,
                yaxis=yref,
                contours=dict(start=0.5, end=0.5, coloring="lines"),
                line=dict(color="black", width=1),
                showscale=False,
                hoverinfo="skip",
            )
        )
    return go.Figure(data=traces, layout=go.Layout(**layout))


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
    fig.add_trace(outline(codes[neighbours], "nearest", size=9, width=2))
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
