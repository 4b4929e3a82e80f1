"""The Training replay page's figures: accuracy and loss over training with the checkpoint shown marked, and one
digit's ten probabilities over training. The x axis is the checkpoints, labelled with their iterations."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from mnistdash.config import class_name
from mnistdash.plots.figures import CLASS_COLOURS
from mnistdash.plots.panels import MODEBAR_PX


def _axis(fig: go.Figure, steps: np.ndarray, labels: int = 8, title: str = "L-BFGS iterations", **where) -> None:
    """An axis of checkpoints, evenly spaced (the checkpoints are log-spaced in iterations, so this reads as a log
    scale with the start at 0), about `labels` of them labelled with their iteration counts."""
    every = max(1, round(len(steps) / labels))
    shown = [k for k in range(len(steps)) if k % every == 0]
    if len(steps) - 1 - shown[-1] < every / 2 and len(shown) > 1:
        shown.pop()  # no two labels on top of each other at the end
    shown.append(len(steps) - 1)
    fig.update_xaxes(
        tickmode="array",
        tickvals=shown,
        ticktext=["start" if steps[k] == 0 else str(int(steps[k])) for k in shown],
        tickangle=0,
        range=[-0.5, len(steps) - 0.5],
        title=title,
        **where,
    )


def _marker(k: int, axis: str = "") -> dict:
    """The dashed line at checkpoint k, across the plot on x axis `axis` ('' or '2')."""
    return dict(
        type="line",
        x0=k,
        x1=k,
        y0=0,
        y1=1,
        xref=f"x{axis}",
        yref=f"y{axis} domain",
        line=dict(color="#444", width=1.5, dash="dash"),
    )


def curves(arrays: dict, k: int, title: str = "L-BFGS iterations", word: str = "iteration") -> go.Figure:
    """Accuracy (left) and log loss (right) on the training and test digits at every checkpoint, checkpoint k
    marked. Two plots on one figure's axes by domain (plotly's make_subplots and add_vline took 60 ms of a
    slider step; this takes a few)."""
    steps = np.asarray(arrays["steps"])
    x = np.arange(len(steps))
    traces = []
    for axis, metric in (("", "accuracy"), ("2", "loss")):
        for split, colour, dash in (("train", CLASS_COLOURS[0], "dot"), ("test", CLASS_COLOURS[3], "solid")):
            y = np.asarray(arrays[f"{split}_{metric}"], np.float64) * (100 if metric == "accuracy" else 1)
            digits, unit = (2, "%") if metric == "accuracy" else (4, "")
            traces.append(
                go.Scatter(
                    x=x,
                    y=y,
                    xaxis=f"x{axis}",
                    yaxis=f"y{axis}",
                    mode="lines+markers",
                    name=f"{split} digits",
                    legendgroup=split,
                    showlegend=axis == "",
                    line=dict(color=colour, dash=dash),
                    marker=dict(size=4),
                    customdata=steps,
                    hovertemplate=f"{split}, {word} %{{customdata}}: %{{y:.{digits}f}}{unit}<extra></extra>",
                )
            )
    fig = go.Figure(
        data=traces,
        layout=dict(
            xaxis=dict(domain=[0, 0.44], anchor="y"),
            xaxis2=dict(domain=[0.56, 1], anchor="y2"),
            yaxis=dict(anchor="x", title="% read right"),
            yaxis2=dict(anchor="x2", title="mean -log p(label)"),
            shapes=[_marker(k), _marker(k, "2")],
            annotations=[
                dict(text=t, x=x0, y=1.0, xref="paper", yref="paper", xanchor="center", yanchor="bottom", showarrow=False)
                for t, x0 in (("accuracy", 0.22), ("log loss", 0.78))
            ],
            height=330,
            margin=dict(l=0, r=0, t=40 + MODEBAR_PX, b=0),
            legend=dict(orientation="h", yanchor="bottom", y=1.12, x=0),
            hovermode="closest",
        ),
    )
    _axis(fig, steps, labels=5, title=title.split(" (")[0])  # both x axes
    return fig


def probability_paths(
    steps: np.ndarray,
    probs: np.ndarray,
    label: int | None,
    k: int,
    title: str = "L-BFGS iterations (each reads all the training digits)",
    word: str = "iteration",
) -> go.Figure:
    """probs (K, 10): one digit's probability of each class at every checkpoint; the label's line thick, the
    checkpoint shown marked."""
    steps = np.asarray(steps)
    x = np.arange(len(steps))
    fig = go.Figure()
    for c in range(10):
        own = c == label
        fig.add_trace(
            go.Scatter(
                x=x,
                y=probs[:, c],
                mode="lines",
                name=f"{class_name(c)}" + (" (label)" if own else ""),
                line=dict(color=CLASS_COLOURS[c % len(CLASS_COLOURS)], width=4 if own else 1.5),
                customdata=steps,
                hovertemplate=f"class {class_name(c)}, {word} %{{customdata}}: p = %{{y:.3f}}<extra></extra>",
            )
        )
    fig.add_shape(_marker(k))
    _axis(fig, steps, title=title)
    fig.update_yaxes(title="probability", range=[-0.02, 1.02])
    fig.update_layout(height=320, margin=dict(l=0, r=0, t=10 + MODEBAR_PX, b=0), hovermode="closest")
    return fig
