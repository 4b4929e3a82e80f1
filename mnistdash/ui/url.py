"""The URL carries each page's state (digit, model, method, cell): shared links open on it, Back restores it.

A page calls `restore` before its widgets, with one function per query parameter that applies a value
to session_state (returning a one-line problem for a bad value), and `publish` after them, with the
state as strings. `publish` writes the query string only when the state changed; Streamlit then
pushes a browser history entry, and Back reruns the page with the earlier query string, which
`restore` applies because it differs from what this session last wrote.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from mnistdash.ui import widgets

_WRITTEN = "url_written"  # page -> the query params this session last saw or wrote there


def restore(page: str, appliers: dict[str, Callable[[str], str | None]]) -> None:
    """Apply the URL's parameters to session_state when they are new to this session (a link, Back)."""
    params = st.query_params.to_dict()
    written = st.session_state.setdefault(_WRITTEN, {})
    if written.get(page) == params:
        return  # our own state, or a rerun from a widget: the widgets already hold it
    written[page] = params
    for key, apply in appliers.items():
        if key in params:
            problem = apply(params[key])
            if problem:
                st.warning(f"The link's `{key}={params[key]}` {problem}; showing the page without it.", icon="🔗")


def publish(page: str, state: dict[str, object]) -> None:
    """Write the page's state to the URL (one history entry per change); None values are left out."""
    params = {k: str(v) for k, v in state.items() if v is not None}
    written = st.session_state.setdefault(_WRITTEN, {})
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
    written[page] = params


def link(page: str, **params: object) -> str:
    """A relative link to a page with state, e.g. link("Explain", digit=247) -> 'Explain?digit=247'."""
    query = "&".join(f"{k}={v}" for k, v in params.items() if v is not None)
    return f"{page}?{query}" if query else page


# ---- appliers shared by pages ------------------------------------------------------------------


def apply_digit(value: str, n: int) -> str | None:
    """A test digit index from the URL: point the digit picker at it, in index mode."""
    if not value.isdigit() or not 0 <= int(value) < n:
        return f"is not a test digit index (0-{n - 1})"
    widgets.set_digit(int(value))
    st.session_state["digit_mode"] = "index"
    return None


def apply_choice(key: str, options: list[str]) -> Callable[[str], str | None]:
    """An applier that sets the widget `key` to the value when it is one of `options`."""

    def apply(value: str) -> str | None:
        if value not in options:
            return f"is not one of {', '.join(options)}"
        st.session_state[key] = value
        return None

    return apply


def apply_cell(key: str) -> Callable[[str], str | None]:
    """An applier that sets `key` to a confusion cell written as 'true-predicted', e.g. '3-5'."""

    def apply(value: str) -> str | None:
        cell = parse_cell(value)
        if cell is None:
            return "is not a cell like 3-5 (true label, predicted class)"
        st.session_state[key] = cell
        return None

    return apply


def parse_cell(value: str) -> tuple[int, int] | None:
    """'3-5' -> (true 3, predicted 5); None for anything else."""
    parts = value.split("-")
    if len(parts) == 2 and all(p.isdigit() and int(p) < 10 for p in parts):
        return int(parts[0]), int(parts[1])
    return None
