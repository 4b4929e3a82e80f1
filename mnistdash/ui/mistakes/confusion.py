"""The Errors page's first two tabs: a clickable confusion matrix with the digits behind a cell, and two models
compared digit by digit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from mnistdash.config import CLASS_NAMES, NAMED_CLASSES, class_name
from mnistdash.mistakes import confusion as errors
from mnistdash.plots.figures import confusion_figure, mark_cell
from mnistdash.ui import cache, url, widgets
from mnistdash.ui.grid import digit_grid
from mnistdash.ui.people import reviews


def defaults(names: list[str]) -> dict:
    """The matrix tab's state when the URL says nothing: the multinomial model on the test set, no cell."""
    return {"model": "logreg-multinomial" if "logreg-multinomial" in names else names[0], "split": "test", "cell": None}


def restore(names: list[str]) -> None:
    """The matrix tab's model, split and cell from the URL (a shared link opens the same cell)."""
    url.restore(
        "Errors",
        {
            "model": url.apply_choice("cm_model", names),
            "split": url.apply_choice("cm_split", ["test", "train"]),
            "cell": url.apply_cell("cm_cell"),
        },
        defaults(names),
    )
    st.session_state.setdefault("cm_model", defaults(names)["model"])


def selected_cell(chart: str) -> tuple[int, int] | None:
    """The selected (true, predicted) cell: a new click on the chart selects its cell; a click on the selected
    cell, which Plotly turns into an empty selection, keeps it."""
    event = st.session_state.get(chart) or {}
    points = [(int(round(p["y"])), int(round(p["x"]))) for p in event.get("selection", {}).get("points", [])]
    seen = st.session_state.setdefault("cm_seen", {})
    if points != seen.get(chart):
        seen[chart] = points
        if points:
            st.session_state["cm_cell"] = points[0]
    return st.session_state.get("cm_cell")


def matrix_tab(names: list[str]) -> None:
    """A model's confusion matrix (click a cell), its precision and recall per class, and the cell's digits."""
    c1, c2, c3 = st.columns(3)
    model = c1.selectbox("Model", names, key="cm_model")
    split = c2.radio("Split", ["test", "train"], horizontal=True, key="cm_split")
    normalized = c3.toggle("Row-normalized colours", key="cm_norm")
    labels = cache.split(split).labels
    probs = cache.probs(model, split)
    if len(probs) != len(labels):
        st.error(
            f"The stored {split} probabilities of {model} do not match the data ({len(probs)} vs {len(labels)} digits); run `mnistdash train`."
        )
        st.stop()
    cm = errors.confusion(labels, probs.argmax(1))
    precision, recall = errors.precision_recall(cm)
    widgets.min_width("cm_matrix", 420)
    widgets.min_width("cm_table", 300)
    with st.container(horizontal=True, key="cm_row"):  # the table wraps under the matrix on a narrow screen
        left, right = st.container(key="cm_matrix"), st.container(key="cm_table")
    with left:
        st.caption(
            f"{model} on the {split} set: accuracy {100 * np.trace(cm) / cm.sum():.2f}%, {cm.sum() - np.trace(cm)} errors. Click a cell."
        )
        chart = f"cm_{model}_{split}"
        cell = selected_cell(chart)
        figure = confusion_figure(cm, normalized) if cell is None else mark_cell(confusion_figure(cm, normalized), *cell)
        widgets.show(
            figure,
            key=chart,
            title=f"Confusion matrix of {model} on the {split} set" + (" (rows normalized)" if normalized else ""),
            caption=f"Rows: true label; columns: the answer. Accuracy {100 * np.trace(cm) / cm.sum():.2f}%.",
            on_select="rerun",
            selection_mode="points",
        )
    with right:
        st.dataframe(
            pd.DataFrame({"class": list(CLASS_NAMES), "precision": precision, "recall": recall, "support": cm.sum(1)}),
            hide_index=True,
            width="stretch",
            height="content",  # the ten rows, no blank one below
            column_config={
                "precision": st.column_config.NumberColumn(format="%.4f"),
                "recall": st.column_config.NumberColumn(format="%.4f"),
            },
        )
    state = {"model": model, "split": split, "cell": None if cell is None else f"{cell[0]}-{cell[1]}"}
    url.publish("Errors", state, defaults(names))
    if cell is None:
        st.info("Click a cell of the matrix to see its digits.", icon="👆")
    else:
        cell_digits(model, split, probs, *cell)


def cell_digits(model: str, split: str, probs: np.ndarray, true: int, pred: int) -> None:
    """The digits of one cell, with what people answered about them where anyone did."""
    labels = cache.split(split).labels
    members = errors.cell_members(labels, probs, true, pred)
    kind = "least confident correct first" if true == pred else "most confidently wrong first"
    st.subheader(
        f"True {class_name(true)}, predicted {class_name(pred)}: {len(members)} {'images' if NAMED_CLASSES else 'digits'} ({kind})"
    )
    crowd = reviews.crowd_column(split, members)
    caps = [f"#{i} · {class_name(true)}→{class_name(pred)} · p={probs[i, pred]:.2f}" for i in members]
    if isinstance(crowd, list):  # what people answered, where anyone did
        caps = [f"{c} · {w}" if w else c for c, w in zip(caps, crowd)]
    digit_grid(members, split, caps, key=f"cell_{model}_{split}_{true}_{pred}")


def compare_tab(names: list[str]) -> None:
    """Two models side by side: how many digits only one of them reads right, and those digits."""
    c1, c2, c3 = st.columns(3)
    a = c1.selectbox(
        "Model A", names, index=names.index("logreg-multinomial") if "logreg-multinomial" in names else 0, key="cmp_a"
    )
    b = c2.selectbox("Model B", names, index=names.index("cnn") if "cnn" in names else len(names) - 1, key="cmp_b")
    split = c3.radio("Split", ["test", "train"], horizontal=True, key="cmp_split")
    labels = cache.split(split).labels
    pa, pb = cache.probs(a, split), cache.probs(b, split)
    a_only, b_only = errors.disagreements(labels, pa, pb)
    both = int(((pa.argmax(1) != labels) & (pb.argmax(1) != labels)).sum())
    m1, m2, m3 = st.columns(3)
    m1.metric(f"{a} right, {b} wrong", len(a_only))
    m2.metric(f"{b} right, {a} wrong", len(b_only))
    m3.metric("both wrong", both)
    which = st.radio("Show", [f"{a} right, {b} wrong", f"{b} right, {a} wrong"], horizontal=True, key="cmp_which")
    idx, wrong = (a_only, pb) if which.startswith(f"{a} right") else (b_only, pa)
    caps = [f"#{i} · {labels[i]} read as {int(wrong[i].argmax())}" for i in idx]
    digit_grid(idx, split, caps, key=f"cmp_{a}_{b}_{split}_{which[:3]}", per_page=40)
