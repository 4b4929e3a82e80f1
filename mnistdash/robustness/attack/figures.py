"""The Adversarial page's pictures: the smallest flipping epsilon per model as bars."""

from __future__ import annotations

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
