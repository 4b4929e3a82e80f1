"""The probability chart of the Explain page as a class picker: click a class to make it B of "why A and not B"."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mnistdash.config import class_name
from mnistdash.explain.contrast import clicked_class, comparison_class
from mnistdash.plots.figures import clickable_classes, probability_chart
from mnistdash.ui import widgets

RUNNER_UP = "each model's runner-up"


def _key(index: int) -> str:
    return f"compare_{index}"  # per digit: a new digit starts from each model's runner-up


def _take_click(chart_key: str, key: str) -> None:
    cls = clicked_class(st.session_state.get(chart_key))
    if cls is not None:
        st.session_state[key] = cls


def _reset(key: str) -> None:
    st.session_state[key] = None


def comparison_picker(index: int, probs: dict[str, np.ndarray], label: int | None) -> dict[str, int]:
    """Draw the clickable chart and the B control; return each model's comparison class (never its prediction)."""
    key = _key(index)
    chosen = st.session_state.get(key)
    chart_key = f"probs_{index}_{chosen}"  # a fresh chart per choice: no stale selection to click away first
    fig = clickable_classes(probability_chart(probs, label), list(probs), chosen)
    widgets.show(fig, key=chart_key, on_select=lambda: _take_click(chart_key, key), selection_mode="points")
    c1, c2 = st.columns([3, 2])
    c1.selectbox(
        "Compare with class B (or click a class in the chart)",
        [None, *range(10)],
        format_func=lambda c: RUNNER_UP if c is None else class_name(c),
        key=key,
        help="The 'why A and not B' class. A model that itself predicts B is compared with its own runner-up instead.",
    )
    c2.button(
        f"↺ {RUNNER_UP}",
        on_click=_reset,
        args=(key,),
        disabled=st.session_state.get(key) is None,
        key=f"compare_reset_{index}",
        help="Compare every model's answer with its own second most likely class.",
    )
    chosen = st.session_state.get(key)
    return {n: comparison_class(p, chosen) for n, p in probs.items()}


def chosen_class(index: int) -> int | None:
    """The class the person chose as B for this digit, or None for each model's runner-up."""
    return st.session_state.get(_key(index))
