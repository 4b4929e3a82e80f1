"""Linear lab page parts: cached artifacts and figures, the regularization path and the pairwise section."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from mnistdash import store
from mnistdash.lab import figures, results
from mnistdash.plots.figures import mark_cell, mosaic, symmetric_range
from mnistdash.ui import cache, widgets
from mnistdash.ui.grid import digit_grid


def readable(value: float) -> str:
    """A penalty strength as a plain decimal with two significant digits (0.0053, 12), never 5.3e-03."""
    return np.format_float_positional(float(value), precision=2, unique=False, fractional=False, trim="-")


PENALTIES = {"l2": "L2 (ridge): weights shrink smoothly", "l1": "L1 (lasso): weights drop to exactly zero"}


@st.cache_resource(show_spinner=False)
def lab_artifact(key: str) -> dict[str, np.ndarray] | str:
    """One lab artifact's arrays (checked against the manifest and for its fields), or the one-line reason why not."""
    try:
        arrays = results.load(key)
    except store.StoreError as exc:
        return str(exc)
    for a in arrays.values():
        a.setflags(write=False)
    return arrays


def available(key: str) -> dict[str, np.ndarray] | None:
    """The artifact, or None after one warning line saying what is wrong and what to do."""
    art = lab_artifact(key)
    if isinstance(art, str):
        st.warning(f"This experiment is unavailable: {art}", icon="⚠️")
        return None
    return art


@st.cache_resource(show_spinner=False)
def _path_figures(penalty: str, step: int):
    path = lab_artifact("lab-path")
    rows = np.flatnonzero(path["penalty"] == penalty)
    i = int(rows[step])
    maps = path["weights"][i].reshape(10, 28, 28).astype(np.float32)
    zmax = symmetric_range(maps, quantile=100)  # one symmetric scale for the ten maps
    if penalty == "l1":
        maps = np.where(maps == 0, np.nan, maps)  # only the pixels that survive are drawn
    grid = mosaic(maps, [f"{c}" for c in range(10)], cols=5, zmax=zmax, cell_px=120)
    extra = ("non-zero weights", path["nonzero"][rows]) if penalty == "l1" else None
    curve = figures.accuracy_curve(
        path["strength"][rows], path["train_accuracy"][rows], path["test_accuracy"][rows], step, "penalty strength λ", extra=extra
    )
    used = (path["weights"][i] != 0).any(0).reshape(28, 28).astype(np.float32)
    return grid, curve, used


def path_section() -> None:
    path = available("lab-path")
    if path is None:
        return
    penalty = st.radio("Penalty", list(PENALTIES), format_func=PENALTIES.get, horizontal=True, key="lab_penalty")
    rows = np.flatnonzero(path["penalty"] == penalty)
    step = st.select_slider(
        "Penalty strength λ, weak → strong (mean cross-entropy + λ·penalty)",
        options=list(range(len(rows))),
        value=len(rows) // 2,
        format_func=lambda j: readable(path["strength"][rows[j]]),
        key=f"lab_step_{penalty}",
    )
    i = int(rows[step])
    grid, curve, used = _path_figures(penalty, step)
    nz = int(path["nonzero"][i])
    st.markdown(
        f"**λ = {readable(path['strength'][i])}**: train {100 * path['train_accuracy'][i]:.2f}%, "
        f"test {100 * path['test_accuracy'][i]:.2f}%, **{nz:,}** of {path['weights'][i].size:,} weights non-zero"
    )
    left, right = st.columns([3, 2])
    with left:
        st.caption(
            "The ten weight maps on one symmetric scale (red pushes toward the digit, blue away)"
            + ("; with L1 only the surviving pixels are drawn." if penalty == "l1" else ".")
        )
        widgets.show(grid, key="lab_path_maps")
    with right:
        widgets.show(curve, key="lab_path_curve")
        if penalty == "l1":
            st.caption(f"Pixels any class still uses: {int(used.sum())} of 784")
            widgets.digit_image(
                used.astype(float), "white: pixels still used", alt="mask of the pixels the L1 model still uses", px=140
            )


@st.cache_resource(show_spinner=False)
def _pair_matrix():
    pairs = lab_artifact("lab-pairs")
    return figures.pair_matrix_figure(results.pair_matrix(pairs, "test_accuracy"), results.pair_matrix(pairs, "train_accuracy"))


def _clicked_cell(event) -> tuple[int, int] | None:
    """(row, column) of the pair matrix's selected cell, or None."""
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    return (int(round(points[0]["y"])), int(round(points[0]["x"]))) if points else None


def _selected_pair() -> tuple[int, int] | None:
    """The pair cell last clicked: a new click selects its cell; an empty selection (Plotly's answer to a click on
    the framed cell, or to the matrix redrawn with its frame) keeps it."""
    cell = _clicked_cell(st.session_state.get("lab_pairs"))
    if cell != st.session_state.get("lab_pairs_seen"):
        st.session_state["lab_pairs_seen"] = cell
        if cell is not None:
            st.session_state["lab_pair_cell"] = cell
    return st.session_state.get("lab_pair_cell")


def pairs_section() -> None:
    pairs = available("lab-pairs")
    if pairs is None:
        return
    left, right = st.columns([3, 2])
    with left:
        st.caption("Test accuracy (%) of each pair's own linear classifier. Click a cell to look inside that pair.")
        chosen = _selected_pair()  # read before drawing, so the matrix shows it framed
        matrix = (
            _pair_matrix() if chosen is None else mark_cell(go.Figure(_pair_matrix()), *chosen)
        )  # a copy: the cached one stays clean
        widgets.show(matrix, key="lab_pairs", on_select="rerun", selection_mode="points")
    with right:
        separable = int((pairs["train_accuracy"] >= 1.0).sum())
        st.markdown(f"**{separable} of 45** pairs are separated without a single training error.")
        st.markdown("Ten digits from pairwise and one-vs-all classifiers:")
        st.dataframe(pd.DataFrame(figures.method_table_rows(pairs)), hide_index=True, width="stretch")
        st.caption(
            "One-vs-one: each of the 45 classifiers votes for one of its two digits; most votes wins (ties: smaller digit)."
        )
    cell = chosen
    if cell is None:
        st.info("Click a cell of the matrix to see that pair's weights, projections and misread digits.", icon="👆")
        return
    a, b = sorted(cell)
    if a == b:
        st.info("The diagonal is a digit against itself; click a cell off the diagonal.", icon="👆")
        return
    pair_detail(pairs, results.pair_index(pairs, a, b))


@st.cache_resource(show_spinner=False)
def _pair_figures(i: int):
    """Pair i's weight map, the histogram of its test projections, and its wrong-side test digits."""
    pairs = lab_artifact("lab-pairs")
    a, b = int(pairs["a"][i]), int(pairs["b"][i])
    labels = cache.split("test").labels
    idx, scores, wrong = results.pair_projection(pairs, i, cache.floats("test"), labels)
    weights = mosaic(pairs["weights"][i].reshape(1, 28, 28), [f"{a} vs {b}"], cols=1, cell_px=230)
    return weights, figures.projection_histogram(scores, labels[idx], a, b), wrong


def pair_detail(pairs: dict[str, np.ndarray], i: int) -> None:
    a, b = int(pairs["a"][i]), int(pairs["b"][i])
    weights, histogram, wrong = _pair_figures(i)
    st.subheader(
        f"{a} vs {b}: train {100 * pairs['train_accuracy'][i]:.2f}%, test {100 * pairs['test_accuracy'][i]:.2f}%, "
        f"{len(wrong)} test digits on the wrong side"
    )
    c1, c2 = st.columns([1, 2])
    with c1:
        st.caption(f"Weights: red pushes toward {a}, blue toward {b}")
        widgets.show(weights, key="lab_pair_map")
    with c2:
        widgets.show(histogram, key="lab_pair_hist")
    labels = cache.split("test").labels
    caps = [f"#{j} · a {labels[j]} read as {b if labels[j] == a else a}" for j in wrong]
    digit_grid(wrong, "test", caps, key=f"lab_wrong_{a}_{b}", per_page=30)
