"""The Adversarial page's parts: the digit attacked, cached attacks with every model's reading and maps, the flip
search, the precomputed tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from mnistdash import store
from mnistdash.explain import METHODS
from mnistdash.robustness import attack
from mnistdash.robustness.attack import figures
from mnistdash.robustness.attack.build import load_tables
from mnistdash.ui import cache, widgets
from mnistdash.ui.zoom import zoomable_mosaic

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
    widgets.show(figures.accuracy_curves(names, eps, t["accuracy"]), key="adv_curves")
    te = float(t["transfer_eps"][0])
    st.subheader(f"Transfer at epsilon {te:g}: attacks made on one model, read by another")
    widgets.show(figures.transfer_heatmap(names, t["transfer"]), key="adv_transfer")
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


def chosen_digit(index: int) -> tuple[np.ndarray, int | None, str, str]:
    """(digit, label, caption, alt text): test digit `index`, or the digit last drawn on the Draw page where the
    person picks it (no label: the attack then pushes away from each model's own reading)."""
    drawn = st.session_state.get(DRAWN_KEY)
    source = "test digit"
    if drawn is not None:
        source = st.radio("Digit", ["test digit", "the digit you drew"], horizontal=True, key="adv_source")
    if source == "test digit":
        label = int(cache.split("test").labels[index])
        return cache.floats("test")[index], label, f"clean #{index}, label {label}", f"test digit {index}, labelled {label}"
    return (
        np.asarray(drawn, np.float32),
        None,
        "your drawing (no label)",
        "the digit you drew on the Draw page, 28 by 28",
    )


def attack_section(clean: np.ndarray, label: int | None, caption: str, alt: str, model: str, method: str, eps: float):
    """The clean and the adversarial digit, the change between them, every model's reading of it, and each
    model's input x gradient before and after."""
    adv = attacked(model, clean, label, method, eps)
    table = readings(clean, adv, label)
    own = table.set_index("model").loc[model]
    flipped = own["changed?"] == "changed"
    d1, d2, d3 = st.columns([1, 1.4, 2])
    widgets.digit_image(clean, caption, alt, container=d1, px=140)
    widgets.digit_image(
        adv,
        f"adversarial: <b>{model} reads {own['reads']}</b>" + (" (changed)" if flipped else " (unchanged)"),
        f"the digit after a {method.upper()} attack at epsilon {eps:g}; {model} reads {own['reads']}",
        container=d2,
        px=224,
    )
    with d3:
        zoomable_mosaic(
            np.stack([adv - clean]),
            ["change: adversarial − clean"],
            key="adv_delta",
            zmax=max(float(eps), 1e-3),
            value_name="change",
            cols=1,
            cell_px=200,
            min_figure_px=260,
        )
        st.caption(f"Every pixel moved by at most ε = {eps:g}; red brighter, blue darker.")
    if not flipped:
        st.info(f"{model} still reads {own['clean reading']} at ε = {eps:g}: raise epsilon or try PGD.", icon="🛡️")
    st.subheader("Every model's reading of the adversarial digit")
    st.caption("Rows in red: the models whose reading the attack changed.")
    st.dataframe(highlight_changed(table), hide_index=True, key="adv_readings")

    st.subheader(f"Input x gradient of {model}, before and after")
    zoomable_mosaic(
        ixg_pair(model, clean, label, method, eps),
        [f"clean: for class {own['clean reading']}", f"adversarial: for class {own['reads']}"],
        key="adv_ixg",
        value_name="attribution",
        cols=2,
        cell_px=200,
    )


def flip_search(clean: np.ndarray, label: int | None, searched: tuple, method: str) -> None:
    """On a click (and on later runs for the same digit and attack), the smallest flipping epsilon of every model."""
    st.subheader("The smallest epsilon that flips each model")
    if (
        st.button("Search every model (bisection in [0, 0.5])", key="adv_search")
        or st.session_state.get("adv_searched") == searched
    ):
        st.session_state["adv_searched"] = searched
        widgets.show(figures.flip_chart(smallest_flips(clean, label, method)), key="adv_flips")
    else:
        st.caption("Runs the attack ~10 times per model on this digit: a few seconds.")
