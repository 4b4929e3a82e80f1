"""The 2-D maps page's parts: the two maps side by side with one selection shared between them, and the grid of
the selected digits (odd ones first)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mnistdash.maps import figures
from mnistdash.maps.selection import odd_first
from mnistdash.ui import widgets
from mnistdash.ui.grid import digit_grid

SEL_KEY = "emb_selection"  # positions into the maps' index, shared by both maps
MAPS = (("bottleneck", "The bottleneck network's 2-unit layer"), ("tsne", "t-SNE of the pixels"))


def selected() -> np.ndarray:
    return np.asarray(st.session_state.get(SEL_KEY, []), dtype=np.int64)


def both_maps(emb: dict, labels: np.ndarray, preds: np.ndarray, colour_by: str) -> None:
    """The two maps; whichever map's box or lasso selection changed since the last run decides the selection
    both show (a rerun draws it ringed in each)."""
    chosen = selected()
    traces = figures.groups(colour_by, labels, preds)
    widgets.min_width("emb_left", 380)
    widgets.min_width("emb_right", 380)
    with st.container(horizontal=True):  # the two maps wrap one under the other on a narrow screen
        columns = st.container(key="emb_left"), st.container(key="emb_right")
    events = {}
    for column, (name, title) in zip(columns, MAPS, strict=True):
        with column:
            st.markdown(f"**{title}**")  # titles above the plot: the toolbar never covers them
            fig = figures.scatter(emb[name], traces, emb["index"], labels, preds, chosen)
            events[name] = widgets.show(fig, key=f"emb_{name}", on_select="rerun", selection_mode=("box", "lasso"))
    changed = None
    for name, event in events.items():
        pos = figures.positions(event, traces)
        if st.session_state.get(f"emb_last_{name}") != pos:
            st.session_state[f"emb_last_{name}"] = pos
            changed = pos or changed
    if changed is not None and changed != chosen.tolist():
        st.session_state[SEL_KEY] = changed
        st.rerun()


def selection_grid(index: np.ndarray, labels: np.ndarray, preds: np.ndarray, model: str) -> None:
    """The selected digits as a grid, labels rare in the selection and wrong readings first; a hint without one."""
    chosen = selected()
    if not len(chosen):
        st.info("Drag a box or a lasso over a region of either map to see its digits here.", icon="👆")
        return
    st.subheader(f"{len(chosen)} selected digits (ringed in orange in both maps)")
    if st.button("Clear selection"):
        st.session_state[SEL_KEY] = []
        st.rerun()
    counts = np.bincount(labels[chosen], minlength=10)
    st.caption(
        "Labels in the selection: "
        + ", ".join(f"{c}: {n}" for c, n in enumerate(counts) if n)
        + f". Odd ones first: labels rare in the selection, then digits {model} reads wrong."
    )
    ordered = chosen[odd_first(labels[chosen], preds[chosen])]
    digits = index[ordered]
    digit_grid(
        digits,
        "test",
        [f"#{i} · {labels[p]}→{preds[p]}" for p, i in zip(ordered, digits, strict=True)],
        key="emb_sel",
        per_page=50,
    )
