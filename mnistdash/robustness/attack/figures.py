"""The Adversarial page's pictures: the smallest flipping epsilon per model as bars, accuracy against epsilon,
and the transfer matrix of attacks made on one model and read by another."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from mnistdash.robustness.attack.core import MAX_EPS

NEVER = "#bdbdbd"  # bars of models the search never flipped within its range


def flip_chart(flips: dict[str, float | None]) -> go.Figure:
    """The smallest flipping epsilon per model; a model never flipped within [0, MAX_EPS] is a grey bar so marked."""
    names = list(flips)
    limit = MAX_EPS
    found = [flips[n] if flips[n] is not None else limit for n in names]
    text = [f"{flips[n]:.3f}" if flips[n] is not None else f"never flipped up to {limit:g}" for n in names]
    colours = ["#d62728" if flips[n] is not None else NEVER for n in names]
    fig = go.Figure(
        go.Bar(
            x=found,
            y=names,
            orientation="h",
            text=text,
            textposition="auto",
            marker=dict(color=colours, pattern=dict(shape=["" if flips[n] is not None else "/" for n in names])),
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(
        height=60 + 32 * len(names),
        xaxis_title="smallest epsilon that flips (L-inf)",
        xaxis_range=[0, limit * 1.02],
        yaxis_autorange="reversed",
        margin=dict(l=0, r=0, t=10, b=0),
    )
    return fig


def accuracy_curves(names: list[str], epsilons: np.ndarray, accuracy: np.ndarray) -> go.Figure:
    """Each model's accuracy (%) against epsilon, one line a model (`accuracy` is models x epsilons, in [0, 1])."""
    fig = go.Figure(
        [
            go.Scatter(
                x=epsilons,
                y=100 * accuracy[i],
                name=n,
                mode="lines+markers",
                hovertemplate="eps %{x:.2f}: %{y:.1f}%<extra>" + n + "</extra>",
            )
            for i, n in enumerate(names)
        ]
    )
    fig.update_layout(
        height=420, xaxis_title="epsilon (L-inf, pixels on [0, 1])", yaxis_title="accuracy (%)", margin=dict(l=0, r=0, t=10, b=0)
    )
    return fig


def transfer_heatmap(names: list[str], transfer: np.ndarray) -> go.Figure:
    """Accuracy (%) of the model in each column on attacks made on the model in each row."""
    heat = go.Figure(
        go.Heatmap(
            z=100 * transfer,
            x=names,
            y=names,
            colorscale="Viridis",
            zmin=0,
            zmax=100,
            text=np.round(100 * transfer).astype(int),
            texttemplate="%{text}",
            hovertemplate="made on %{y}, read by %{x}: %{z:.1f}%<extra></extra>",
            colorbar=dict(title="accuracy %"),
        )
    )
    heat.update_layout(
        height=520,
        xaxis_title="read by",
        yaxis_title="attack made on",
        yaxis_autorange="reversed",
        margin=dict(l=0, r=0, t=10, b=0),
    )
    return heat
