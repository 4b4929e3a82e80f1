"""Plotly figures of the Linear lab: accuracy curves, the clickable pair matrix, projections on a pair's weights."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from mnistdash.plots.figures import CLASS_COLOURS

TRAIN, TEST = "#7f7f7f", "#1f77b4"


def accuracy_curve(
    x: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    current: int,
    x_title: str,
    reference: float | None = None,
    extra: tuple[str, np.ndarray] | None = None,
) -> go.Figure:
    """Train and test accuracy against a log-scaled x, the current point ringed; `extra` (name, values) on a right axis."""
    fig = go.Figure()
    fig.add_scatter(x=x, y=100 * np.asarray(train), name="train", mode="lines+markers", line=dict(color=TRAIN))
    fig.add_scatter(x=x, y=100 * np.asarray(test), name="test", mode="lines+markers", line=dict(color=TEST))
    if extra is not None:
        fig.add_scatter(x=x, y=extra[1], name=extra[0], mode="lines+markers", yaxis="y2", line=dict(color="#d62728", dash="dot"))
        fig.update_layout(yaxis2=dict(title=extra[0], overlaying="y", side="right", type="log", dtick=1, showgrid=False))
    fig.add_scatter(
        x=[x[current]],
        y=[100 * test[current]],
        name="shown",
        mode="markers",
        marker=dict(size=16, color="rgba(0,0,0,0)", line=dict(width=3, color="black")),
        hovertemplate=f"shown: {x_title} %{{x:~g}}, test %{{y:.2f}}%<extra></extra>",
    )
    if reference is not None:
        fig.add_hline(
            y=100 * reference,
            line=dict(color="#2ca02c", dash="dash"),
            annotation_text=f"raw pixels {100 * reference:.2f}%",
            annotation_position="bottom right",
        )
    fig.update_xaxes(type="log", title=x_title, tickformat="~g")  # 0.0001, not 100μ
    fig.update_layout(
        yaxis=dict(title="accuracy (%)"),
        height=340,
        margin=dict(l=0, r=0, t=40, b=0),
        legend=dict(orientation="h", y=1.02, yanchor="bottom"),
    )
    return fig


def pair_matrix_figure(test: np.ndarray, train: np.ndarray) -> go.Figure:
    """10x10 pair test accuracies (text) with an invisible square-marker scatter that makes cells clickable
    (Plotly heatmaps emit no click selections in Streamlit; scatter points do; both axis ranges are fixed)."""
    errors = 100 - 100 * test  # colour by test error: the hard pairs stand out
    text = [["" if r == c else f"{100 * test[r, c]:.1f}" for c in range(10)] for r in range(10)]
    fig = go.Figure(
        go.Heatmap(
            z=errors,
            x=list(range(10)),
            y=list(range(10)),
            colorscale=[[0, "#ffffff"], [1, "#f03b20"]],
            zmin=0,
            zmax=float(np.nanmax(errors)) or 1.0,
            text=text,
            texttemplate="%{text}",
            textfont=dict(color="black"),
            showscale=False,
            hoverinfo="skip",
        )
    )
    rr, cc = np.meshgrid(range(10), range(10), indexing="ij")
    off = rr.ravel() != cc.ravel()
    r, c = rr.ravel()[off], cc.ravel()[off]
    fig.add_scatter(
        x=c,
        y=r,
        mode="markers",
        marker=dict(symbol="square", size=34, color="rgba(0,0,0,0)", opacity=0.01),
        customdata=np.stack([r, c, 100 * train[r, c], 100 * test[r, c]], -1),
        hovertemplate="%{customdata[0]} vs %{customdata[1]}<br>train %{customdata[2]:.2f}%, test %{customdata[3]:.2f}%<extra>click to look inside</extra>",
        showlegend=False,
        name="pairs",
    )
    axis = dict(range=[-0.5, 9.5], tickmode="array", tickvals=list(range(10)), fixedrange=True)
    fig.update_xaxes(title="digit b", side="top", **axis)
    fig.update_yaxes(title="digit a", autorange=False, scaleanchor="x", **{**axis, "range": [9.5, -0.5]})
    fig.update_layout(height=430, margin=dict(l=0, r=0, t=40, b=0), clickmode="event+select", dragmode=False)
    return fig


def projection_histogram(scores: np.ndarray, labels: np.ndarray, a: int, b: int) -> go.Figure:
    """Both classes' test digits projected on the pair's weight vector; the threshold (0) as a line."""
    fig = go.Figure()
    edges = np.linspace(float(scores.min()), float(scores.max()), 61)
    for digit, side in ((a, "> 0"), (b, "< 0")):
        fig.add_histogram(
            x=scores[labels == digit],
            name=f"{digit} (should be {side})",
            xbins=dict(start=edges[0], end=edges[-1], size=edges[1] - edges[0]),
            marker_color=CLASS_COLOURS[digit],
            opacity=0.6,
        )
    fig.add_vline(x=0, line=dict(color="black", width=2), annotation_text="threshold")
    fig.update_layout(barmode="overlay", height=300, margin=dict(l=0, r=0, t=10, b=0), legend=dict(orientation="h", y=1.15))
    fig.update_xaxes(title=f"w·x + b  (positive: {a}, negative: {b})")
    fig.update_yaxes(title="test digits")
    return fig


def method_table_rows(pairs: dict[str, np.ndarray]) -> list[dict]:
    return [
        {"method": str(m), "train (%)": round(100 * float(tr), 2), "test (%)": round(100 * float(te), 2)}
        for m, tr, te in zip(pairs["method"], pairs["method_train_accuracy"], pairs["method_test_accuracy"])
    ]
