"""The Adversarial page's parts: cached attacks, every model's reading, the flip search, the precomputed tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from mnistdash import store
from mnistdash.explain import METHODS
from mnistdash.robustness import attack
from mnistdash.robustness.attack.build import load_tables
from mnistdash.ui import cache, widgets

SLIDER_MAX = 0.3


DRAWN_KEY = "drawn_digit"  # the Draw page leaves its last 28x28 digit here


def target(digit: np.ndarray, label: int | None, model: str) -> int:
    """The class an attack pushes away from: the given label, or for a drawn digit the model's own reading."""
    return int(label) if label is not None else int(cache.models()[model].predict_proba(digit[None])[0].argmax())


@st.cache_data(max_entries=500, show_spinner="Attacking ...")
def attacked(model: str, digit: np.ndarray, label: int | None, method: str, eps: float) -> np.ndarray:
    """(28, 28): the adversarial copy of `digit` made against `model`, away from `label` (or its reading)."""
    return attack.adversarial(cache.models()[model], digit[None], [target(digit, label, model)], method, eps)[0]


def readings(clean: np.ndarray, adv: np.ndarray, label: int | None) -> pd.DataFrame:
    """Every classifier's reading of the adversarial digit, with its confidence and whether it changed."""
    rows = []
    for name in cache.differentiable():
        model = cache.models()[name]
        p_clean, p_adv = model.predict_proba(np.stack([clean, adv]))
        reads = int(p_adv.argmax())
        rows.append(
            {
                "model": name,
                "reads": reads,
                "confidence": f"{p_adv.max():.1%}",
                "clean reading": int(p_clean.argmax()),
                "changed?": "changed" if reads != int(p_clean.argmax()) else "same",
                "right?": "no label" if label is None else "right" if reads == label else "wrong",
            }
        )
    return pd.DataFrame(rows)


@st.cache_data(max_entries=200, show_spinner="Searching the smallest epsilon for every model ...")
def smallest_flips(digit: np.ndarray, label: int | None, method: str) -> dict[str, float | None]:
    """Per classifier: the smallest epsilon (bisection in [0, 0.5]) that changes its reading of the digit."""
    return {
        name: attack.smallest_flip(cache.models()[name], digit, target(digit, label, name), method)
        for name in cache.differentiable()
    }


def highlight_changed(table: pd.DataFrame):
    """The readings table with the rows whose reading the attack changed in light red."""
    changed = table["changed?"] == "changed"
    return table.style.apply(lambda row: ["background-color: #fde0dd" if changed[row.name] else "" for _ in row], axis=1)


@st.cache_data(max_entries=500, show_spinner=False)
def ixg_pair(model: str, clean: np.ndarray, label: int | None, method: str, eps: float) -> np.ndarray:
    """(2, 28, 28): input x gradient of the clean and of the adversarial digit, each for the class the model reads."""
    clf = cache.models()[model]
    adv = attacked(model, clean, label, method, eps)
    explainer = METHODS["input-x-gradient"](clf)
    targets = [int(t) for t in clf.predict_proba(np.stack([clean, adv])).argmax(1)]
    return explainer.attribute(np.stack([clean, adv]), targets)


def tables() -> dict[str, np.ndarray] | str:
    try:
        return load_tables()
    except store.StoreError as exc:
        return str(exc)


def precomputed_section() -> None:
    """Accuracy against epsilon, the transfer matrix and the denoiser table, or one warning line."""
    t = tables()
    if isinstance(t, str):
        st.warning(f"The precomputed attack tables are unavailable: {t}")
        return
    names, eps = [str(n) for n in t["models"]], t["epsilons"]
    n_digits = len(t["index"])
    st.subheader(f"Accuracy under PGD (L-inf, 10 steps) on {n_digits:,} test digits")
    fig = go.Figure(
        [
            go.Scatter(
                x=eps,
                y=100 * t["accuracy"][i],
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
    widgets.show(fig, key="adv_curves")
    te = float(t["transfer_eps"][0])
    st.subheader(f"Transfer at epsilon {te:g}: attacks made on one model, read by another")
    heat = go.Figure(
        go.Heatmap(
            z=100 * t["transfer"],
            x=names,
            y=names,
            colorscale="Viridis",
            zmin=0,
            zmax=100,
            text=np.round(100 * t["transfer"]).astype(int),
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
    widgets.show(heat, key="adv_transfer")
    st.subheader(f"Does the denoiser undo the attack? (epsilon {te:g}, each model's own attack)")
    diag = np.diag(t["transfer"])
    st.dataframe(
        pd.DataFrame(
            {
                "model": names,
                "attacked": [f"{v:.1%}" for v in diag],
                "attacked, then denoised": ["n/a" if np.isnan(v) else f"{v:.1%}" for v in t["denoised"]],
            }
        ),
        hide_index=True,
    )
