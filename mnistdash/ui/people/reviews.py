"""The review store for the pages: opened once per server, crowd verdicts, the crowd column and the confirmed errors."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import streamlit as st

from mnistdash.config import class_name
from mnistdash.people import ReviewStore, StoreUnavailable, default_url, judged
from mnistdash.people.crowd import METHOD, in_words
from mnistdash.ui import cache


@st.cache_resource(show_spinner=False)
def _open(url: str) -> ReviewStore:
    return ReviewStore.open(url)  # a failure raises and is not cached: the next run tries again


def store() -> ReviewStore | str:
    """The open store, or the one line that says why it cannot be used."""
    try:
        return _open(default_url())
    except StoreUnavailable as exc:
        return str(exc)


@st.cache_resource(show_spinner=False)
def _gold(split: str) -> np.ndarray:
    return judged.gold_mask(split, cache.split(split).labels)


def verdicts(split: str) -> pd.DataFrame | str:
    """The crowd verdict per answered digit of `split` (fresh each run: other people answer meanwhile)."""
    s = store()
    if isinstance(s, str):
        return s
    try:
        return judged.verdicts_for(s, split, cache.split(split).labels, _gold(split))
    except StoreUnavailable as exc:
        return str(exc)


def crowd_text(v: pd.DataFrame) -> dict[int, str]:
    """index -> '2 people: 7 (likely)': how many answered, the crowd's answer, and how sure, in words."""
    return {int(r["index"]): in_words(int(r["n"]), str(r["crowd"]), float(r["agreement"]), class_name) for _, r in v.iterrows()}


def crowd_column(split: str, indices) -> list[str] | str:
    """The crowd column for these digits ('' where nobody answered), or the one-line reason there is none."""
    v = verdicts(split)
    if isinstance(v, str):
        return v
    text = crowd_text(v)
    return [text.get(int(i), "") for i in indices]


def show_unavailable(message: str) -> None:
    st.warning(f"People's judgements are not available: {message}", icon="🗄️")


def confirmed_section(split: str) -> None:
    """The confirmed label errors (weighted crowd disagrees with the label), with CSV and JSON downloads."""
    st.subheader("Confirmed label errors")
    v = verdicts(split)
    if isinstance(v, str):
        show_unavailable(v)
        return
    found = judged.confirmed_errors(v, split)
    st.caption(
        f'Digits people answered on the "You vs the models" page whose crowd answer differs from the given label '
        f"(weighted: {METHOD}; at least 2 people, 80% sure). {len(v):,} {split} digits have answers so far. "
        "Exports carry anonymous ids only; `mnistdash reviews export` has every answer."
    )
    if found.empty:
        st.info('No label error confirmed yet: play a round on the "You vs the models" page.', icon="🗳️")
        return
    st.dataframe(found, hide_index=True, width="stretch")
    with st.container(horizontal=True):
        st.download_button(
            "Download as CSV", found.to_csv(index=False), file_name=f"mnist-{split}-confirmed-label-errors.csv", mime="text/csv"
        )
        st.download_button(
            "Download as JSON",
            json.dumps(found.to_dict("records"), indent=1, default=int),
            file_name=f"mnist-{split}-confirmed-label-errors.json",
            mime="application/json",
        )
