"""The person's anonymous id: random, kept in the URL (?who=...) so a reload keeps their answers and score."""

from __future__ import annotations

import re
import secrets

import streamlit as st

_KEY = "person_id"
_VALID = re.compile(r"[a-z0-9]{8,32}")


def person_id() -> str:
    """The id of this browser tab's person, created on first use; nothing that identifies anyone."""
    who = st.session_state.get(_KEY) or st.query_params.get("who", "")
    if not _VALID.fullmatch(who or ""):
        who = secrets.token_hex(6)
    st.session_state[_KEY] = who
    if st.query_params.get("who") != who:
        st.query_params["who"] = who
    return who
