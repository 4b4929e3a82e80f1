"""The 2-D maps as Plotly figures: every test digit a point, coloured by a grouping, with a selection ringed on top;
and reading a box or lasso selection back into map positions."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from mnistdash.config import class_name
from mnistdash.plots.figures import CLASS_COLOURS

COLOURINGS = ("true label", "predicted label", "correct / wrong")


def groups(colour_by: str, labels: np.ndarray, preds: np.ndarray) -> list[tuple[str, np.ndarray, str]]:
    """(name, positions, colour) of each trace: the ten classes by true or predicted label, or right and wrong."""
    if colour_by == "correct / wrong":
        masks = [("correct", preds == labels, "#9ecae1"), ("wrong", preds != labels, "#d62728")]
    else:
        values = labels if colour_by == "true label" else preds
        masks = [(class_name(c), values == c, CLASS_COLOURS[c]) for c in range(10)]
    return [(name, np.flatnonzero(mask), colour) for name, mask, colour in masks]


def scatter(
    coords: np.ndarray,
    traces: list[tuple[str, np.ndarray, str]],
    index: np.ndarray,
    labels: np.ndarray,
    preds: np.ndarray,
    selected: np.ndarray,
) -> go.Figure:
    """One WebGL trace per group (trace k holds the map positions traces[k][1], for reading selections back).

    With a selection, the other points fade and the selected ones are drawn on top in their own colours, ringed."""
    fig = go.Figure()
    for name, pos, colour in traces:
        fig.add_trace(
            go.Scattergl(
                x=coords[pos, 0],
                y=coords[pos, 1],
                mode="markers",
                name=name,
                marker=dict(size=4 if name != "wrong" else 6, opacity=0.12 if len(selected) else 0.6, color=colour),
                customdata=np.stack([pos, index[pos], labels[pos], preds[pos]], -1),
                hovertemplate="#%{customdata[1]}<br>label %{customdata[2]}, predicted %{customdata[3]}<extra></extra>",
            )
        )
    if len(selected):
        colours = {int(p): c for _, pos, c in traces for p in pos[np.isin(pos, selected)]}
        fig.add_trace(
            go.Scattergl(
                x=coords[selected, 0],
                y=coords[selected, 1],
                mode="markers",
                name="selected",
                hoverinfo="skip",
                marker=dict(size=8, color=[colours[int(p)] for p in selected], line=dict(width=1.5, color="black")),
            )  # a ring no class has
        )
    fig.update_layout(
        height=520, margin=dict(l=0, r=0, t=34, b=0), dragmode="select", legend=dict(itemsizing="constant")
    )  # a plain drag selects a box
    return fig


def positions(event, traces: list[tuple[str, np.ndarray, str]]) -> list[int]:
    """Map positions of the selected points of a Streamlit selection event, from each point's trace and its index
    in that trace (the ringed 'selected' trace on top is not one of `traces` and is ignored)."""
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    out = set()
    for p in points:
        curve, k = p.get("curve_number"), p.get("point_index", p.get("point_number"))
        if curve is not None and k is not None and curve < len(traces) and k < len(traces[curve][1]):
            out.add(int(traces[curve][1][k]))
    return sorted(out)
