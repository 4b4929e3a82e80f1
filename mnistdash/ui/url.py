"""The URL carries each page's state (digit, model, method, cell): shared links open on it, Back restores it.

A page calls `restore` before its widgets, with one function per query parameter that applies a value
to session_state (returning a one-line problem for a bad value), and `publish` after them, with the
state; values at their default are left out, so `Explain?digit=247` is a whole link. `publish` writes
the query string only when the state changed; Streamlit then pushes a browser history entry, and Back
reruns the page with the earlier query string, which `restore` applies because it differs from what
this session last wrote.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from mnistdash.ui import widgets
from mnistdash.ui.widgets import URL_WRITTEN as _WRITTEN  # page -> the query params this session last saw or wrote there


def restore(page: str, appliers: dict[str, Callable[[str | None], str | None]], defaults: dict | None = None) -> None:
    """Apply the URL's parameters to session_state when they are new to this session (a link, Back).

    A parameter left out of a link means its default (`defaults`), as `publish` leaves defaults out; a
    page opened from the sidebar has no parameters at all and keeps this session's state. Coming back to
    the page from another one (Back after a link out) applies its parameters again even when this session
    wrote them: Streamlit dropped the page's widget values when it left, so the URL is what holds them.
    """
    params = st.query_params.to_dict()
    written = st.session_state.setdefault(_WRITTEN, {})
    if widgets.arrived() and params and not set(params) & set(appliers) and written.get(page):
        # Back from another page: Streamlit reruns this page with the other page's query string (seen with
        # Errors?cell=5-3 -> Explain?digit=7 -> Back), so the view this session last showed here is restored.
        params = dict(written[page])
    if written.get(page) == params and not widgets.arrived():
        return  # our own state, or a rerun from a widget: the widgets already hold it
    written[page] = params
    if not params:
        return
    for key, apply in appliers.items():
        if key in params:
            problem = apply(params[key])
            if problem:
                st.warning(f"The link's `{key}={params[key]}` {problem}; showing the page without it.", icon="🔗")
        elif defaults and key in defaults:
            apply(defaults[key])


def publish(page: str, state: dict[str, object], defaults: dict | None = None) -> None:
    """Write the page's state to the URL (one history entry per change), leaving out None and defaults.

    Nothing else stays: a shared link carries the view, never the person's quiz id (mnistdash.ui.people.person)."""
    defaults = defaults or {}
    params = {k: str(v) for k, v in state.items() if v is not None and (k not in defaults or v != defaults[k])}
    written = st.session_state.setdefault(_WRITTEN, {})
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
    written[page] = params


# ---- appliers shared by pages ------------------------------------------------------------------


def apply_digit(value: str | None, n: int) -> str | None:
    """A test digit index from the URL: point the digit picker at it, in index mode."""
    if value is None or not value.isdigit() or not 0 <= int(value) < n:
        return f"is not a test digit index (0-{n - 1})"
    widgets.set_digit(int(value))
    st.session_state["digit_mode"] = "index"
    return None


def apply_choice(key: str, options: list[str]) -> Callable[[str | None], str | None]:
    """An applier that sets the widget `key` to the value when it is one of `options`."""

    def apply(value: str | None) -> str | None:
        if value not in options:
            return f"is not one of {', '.join(options)}"
        st.session_state[key] = value
        return None

    return apply


def apply_open(key: str) -> Callable[[str | None], str | None]:
    """An applier for a section opened on demand (an expander with `key`): '1' opens it, '0' closes it."""

    def apply(value: str | None) -> str | None:
        if value not in ("0", "1"):
            return "is not 0 or 1"
        st.session_state[key] = value == "1"
        return None

    return apply


def opened(key: str) -> str:
    """The URL's value for a section opened on demand: '1' open, '0' closed (the default, left out)."""
    return "1" if st.session_state.get(key) else "0"


def apply_cell(key: str) -> Callable[[str | None], str | None]:
    """An applier that sets `key` to a confusion cell written as 'true-predicted', e.g. '3-5' (None: no cell)."""

    def apply(value: str | None) -> str | None:
        cell = None if value is None else parse_cell(value)
        if cell is None and value is not None:
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
