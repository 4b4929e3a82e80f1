"""The likely-mislabelled table: rank, thumbnails, a verdict a person sets, and a CSV of the verdicts."""

from __future__ import annotations

import base64
import io

import numpy as np
import pandas as pd
import streamlit as st
from PIL import Image

from mnistdash import mislabels, store
from mnistdash.ui import cache

VERDICTS = ["", "label wrong", "model wrong", "unsure"]


def _thumb(image: np.ndarray) -> str:
    buf = io.BytesIO()
    Image.fromarray((np.clip(image, 0, 1) * 255).astype(np.uint8)).resize((56, 56), Image.Resampling.NEAREST).save(
        buf, format="PNG"
    )
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


@st.cache_data(show_spinner=False)
def _ranking(split: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | str:
    try:
        probs = mislabels.judge_probs(split)
    except store.StoreError as exc:
        return str(exc)
    labels = cache.split(split).labels
    if len(probs) != len(labels):
        return f"the stored {split} probabilities do not match the data; run `mnistdash train`"
    return mislabels.rank(probs, labels)


def render() -> None:
    c1, c2 = st.columns(2)
    split = c1.radio("Split", ["test", "train"], horizontal=True, key="mis_split")
    top = c2.slider("How many", 10, 200, 50, 10, key="mis_top")
    st.caption(
        "Test set: the averaged probabilities of the networks, which never saw these digits. Training set: "
        "5-fold cross-validated probabilities (each digit judged by an MLP trained without it). Score = "
        "p(suspected label) - p(given label). Mark each one; download your marks as CSV. "
        f"Same list from the command line: `mnistdash mislabels --split {split} --top {top}`."
    )
    ranking = _ranking(split)
    if isinstance(ranking, str):
        st.warning(ranking)
        return
    order, suspected, score = ranking
    images, labels = cache.floats(split), cache.split(split).labels
    idx = order[:top]
    marks = st.session_state.setdefault(f"marks_{split}", {})
    frame = pd.DataFrame(
        {
            "digit": [_thumb(images[i]) for i in idx],
            "index": idx,
            "given": labels[idx],
            "suspected": suspected[idx],
            "score": np.round(score[idx], 3),
            "verdict": [marks.get(int(i), "") for i in idx],
        }
    )
    edited = st.data_editor(
        frame,
        key=f"mis_editor_{split}_{top}",
        hide_index=True,
        width="stretch",
        row_height=60,
        height=min(620, 64 * len(frame) + 40),
        disabled=["digit", "index", "given", "suspected", "score"],
        column_config={
            "digit": st.column_config.ImageColumn("digit", width="small"),
            "verdict": st.column_config.SelectboxColumn("verdict", options=VERDICTS, help="label wrong / model wrong"),
        },
    )
    for i, v in zip(edited["index"], edited["verdict"]):
        if v:
            marks[int(i)] = v
        else:
            marks.pop(int(i), None)
    out = pd.DataFrame(
        [
            {
                "split": split,
                "index": i,
                "given": int(labels[i]),
                "suspected": int(suspected[i]),
                "score": round(float(score[i]), 4),
                "verdict": v,
            }
            for i, v in sorted(marks.items())
        ],
        columns=["split", "index", "given", "suspected", "score", "verdict"],
    )
    st.download_button(
        f"Download {len(out)} marks as CSV",
        out.to_csv(index=False),
        file_name=f"mnist-{split}-label-review.csv",
        mime="text/csv",
        disabled=out.empty,
    )
