"""The likely-mislabelled table: rank, thumbnails, a verdict set in one click, an explain link, a CSV of the verdicts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from mnistdash import store
from mnistdash.config import NAMED_CLASSES, class_name
from mnistdash.mistakes import mislabels
from mnistdash.people.verdicts import VERDICTS, counted, explain_link, verdict_from_ticks
from mnistdash.plots.pictures import digit_uri
from mnistdash.ui import cache
from mnistdash.ui.people import reviews
from mnistdash.ui.people.person import person_id
from mnistdash.zoo import registry

# The table's own toolbar would offer a second CSV (of the shown rows, thumbnails and all): hidden, ours stays.
HIDE_TABLE_CSV = "<style>.st-key-mis_table button[aria-label='Download as CSV'] {display: none;}</style>"


def _thumb(image: np.ndarray) -> str:
    return digit_uri(image, factor=2)  # 56 x 56


@st.cache_data(show_spinner=False)
def ranking(split: str, extra: tuple[str, ...] = ()) -> tuple[np.ndarray, np.ndarray, np.ndarray] | str:
    """The mislabel ranking of a split (mislabels.rank: order, suspected label, score), or why it is missing."""
    try:
        probs = mislabels.judge_probs(split, extra=extra)
    except store.StoreError as exc:
        return str(exc)
    labels = cache.split(split).labels
    if len(probs) != len(labels):
        return f"the stored {split} probabilities do not match the data; run `mnistdash train`"
    return mislabels.rank(probs, labels)


def _marks(split: str):
    """This person's verdicts on `split` (read from the review store once per tab), and a function that writes
    every change to the store the moment it is made."""
    who = person_id()
    key = f"marks_{split}"
    if st.session_state.get(f"{key}_who") != who:
        s = reviews.store()
        stored = {} if isinstance(s, str) else _stored(s, who, split)
        st.session_state[key], st.session_state[f"{key}_who"] = stored, who
    marks = st.session_state[key]
    before = dict(marks)

    def saved(after: dict) -> None:
        changed = {i: after.get(i, "") for i in set(before) | set(after) if before.get(i, "") != after.get(i, "")}
        s = reviews.store()
        if not changed or isinstance(s, str):
            return
        try:
            for i, verdict in sorted(changed.items()):
                s.add_verdict(who, split, i, verdict)
        except reviews.StoreUnavailable as exc:
            reviews.show_unavailable(f"{exc} This verdict is kept in this tab only.")

    return marks, saved


def _stored(s, who: str, split: str) -> dict[int, str]:
    try:
        v = s.verdicts(who)
    except reviews.StoreUnavailable:
        return {}
    v = v[v["split"] == split]
    return {int(i): str(x) for i, x in zip(v["index"], v["verdict"])}


def render() -> None:
    c1, c2 = st.columns(2)
    split = c1.radio("Split", ["test", "train"], horizontal=True, key="mis_split")
    top = c2.slider("How many", 10, 200, 50, 10, key="mis_top")
    st.caption(
        "Test set: the averaged probabilities of the networks, which never saw these digits. Training set: "
        "5-fold cross-validated probabilities (each digit judged by an MLP trained without it). Score = "
        "p(suspected label) - p(given label). Tick a verdict in one click; download your marks as CSV; explain opens a test digit on the Explain page. "
        f"Same list from the command line: `mnistdash mislabels --split {split} --top {top}`."
    )
    extra = ()
    if split == "test" and registry.imported():
        if st.checkbox(
            f"Also average the imported models ({', '.join(registry.imported())})",
            key="mis_imported",
            help="Off: the built-in networks judge the labels. On: your models' test probabilities join the average.",
        ):
            extra = tuple(registry.imported())
    ranked = ranking(split, extra)
    if isinstance(ranked, str):
        st.warning(ranked)
        return
    order, suspected, score = ranked
    labels = cache.split(split).labels
    idx = order[:top]
    images = dict(zip(idx.tolist(), cache.split(split).images[idx].astype(np.float32) / 255))  # only the rows shown
    marks, saved = _marks(split)
    version = st.session_state.setdefault(f"mis_version_{split}", 0)
    crowd = reviews.crowd_column(
        split, idx
    )  # what people answered on the quiz, or why that is unavailable  # a new editor when a verdict replaces another
    frame = pd.DataFrame(
        {
            "digit": [_thumb(images[int(i)]) for i in idx],
            "index": idx,
            "given": [class_name(c) for c in labels[idx]] if NAMED_CLASSES else labels[idx],
            "suspected": [class_name(c) for c in suspected[idx]] if NAMED_CLASSES else suspected[idx],
            "score": np.round(score[idx], 3),
            **{v: [marks.get(int(i)) == v for i in idx] for v in VERDICTS},
            "explain": [explain_link(i, split) for i in idx],
            "crowd": crowd if isinstance(crowd, list) else [""] * len(idx),
        }
    )
    if isinstance(crowd, str):
        reviews.show_unavailable(f"{crowd} Verdicts are kept in this tab only.")
    with st.container(key="mis_table"):
        st.html(HIDE_TABLE_CSV)
        edited = st.data_editor(
            frame,
            key=f"mis_editor_{split}_{top}_{version}",
            hide_index=True,
            width="stretch",
            row_height=60,
            height=min(620, 64 * len(frame) + 40),
            disabled=["digit", "index", "given", "suspected", "score", "crowd", "explain"],
            column_config={
                "digit": st.column_config.ImageColumn("digit", width="small"),
                **{v: st.column_config.CheckboxColumn(v, help=f"one click: {v}", width="small") for v in VERDICTS},
                "crowd": st.column_config.TextColumn(
                    "crowd",
                    help="What people answered on the quiz: the weighted crowd answer, its agreement, how many answers",
                    width="small",
                ),
                "explain": st.column_config.LinkColumn(
                    "explain",
                    display_text="explain ↗",
                    help="Open this test digit on the Explain page (a new tab)",
                    width="small",
                ),
            },
            column_order=None if split == "test" else [c for c in frame.columns if c != "explain"],
        )
    replaced = False
    for row in edited.to_dict("records"):
        i = int(row["index"])
        ticks = [v for v in VERDICTS if row[v]]
        verdict = verdict_from_ticks(ticks, marks.get(i, ""))
        replaced |= len(ticks) > 1
        if verdict:
            marks[i] = verdict
        else:
            marks.pop(i, None)
    saved(marks)
    if replaced:  # two boxes ticked in a row: keep the new one, redraw the boxes from the verdicts
        st.session_state[f"mis_version_{split}"] = version + 1
        st.rerun()
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
        f"Download {counted(len(out), 'mark')} as CSV",
        out.to_csv(index=False),
        file_name=f"mnist-{split}-label-review.csv",
        mime="text/csv",
        disabled=out.empty,
    )
