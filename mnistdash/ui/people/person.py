"""The person's anonymous id: random, kept in a cookie of this site (and in the quiz's own address, ?who=...)
so a reload keeps their answers and score; never in the links of other pages, which people share."""

from __future__ import annotations

import re
import secrets

import streamlit as st

_KEY = "person_id"
COOKIE = "mnistdash_who"
_VALID = re.compile(r"[a-z0-9]{8,32}")


def _cookie() -> str:
    try:
        value = st.context.cookies.get(COOKIE, "")
    except Exception:  # noqa: BLE001  (no browser request behind this run, as in AppTest)
        return ""
    return value if isinstance(value, str) else ""


def person_id(in_url: bool = False) -> str:
    """The id of this browser's person, created on first use; nothing that identifies anyone.

    Read from this session, the quiz address's `who`, or the cookie, in that order; a new id is written to the
    cookie (a year, this site only). `in_url` puts it in the address too: the quiz's own page, whose link is
    the person's way back to their score.
    """
    who = st.session_state.get(_KEY) or (st.query_params.get("who", "") if in_url else "") or _cookie()
    if not _VALID.fullmatch(who or ""):
        who = secrets.token_hex(6)
    st.session_state[_KEY] = who
    if _cookie() != who and not st.session_state.get(f"{_KEY}_cookie_set") == who:
        st.session_state[f"{_KEY}_cookie_set"] = who
        st.html(
            f"<script>document.cookie = '{COOKIE}={who}; path=/; max-age=31536000; SameSite=Lax';</script>",
            unsafe_allow_javascript=True,
        )
    if in_url and st.query_params.get("who") != who:
        st.query_params["who"] = who
    return who
