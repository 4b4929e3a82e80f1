"""A grid of digits, each with a button that opens it on the Explain page."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mnistdash.ui import cache
from mnistdash.ui.widgets import digit_image, set_digit
from mnistdash.ui.zoom import enlarge_picker


def digit_grid(indices: np.ndarray, split: str, captions: list[str], key: str, per_page: int = 60) -> None:
    """Digits of `split` with captions; test digits get a button to explain them."""
    total = len(indices)
    if total == 0:
        st.info("No digits here.")
        return
    pages = -(-total // per_page)
    page = st.number_input(f"Page (of {pages}, {per_page} digits each)", 1, pages, 1, key=f"{key}_page") if pages > 1 else 1
    start = (page - 1) * per_page
    shown = indices[start : start + per_page]
    images = cache.split(split).images[shown].astype(np.float32) / 255  # (n, 28, 28) only the digits shown
    enlarge_picker(images, captions[start : start + len(shown)], key=f"zoom_{key}")
    with st.container(key=f"{key}_grid", horizontal=True):  # fixed-width cells that wrap on a narrow screen
        for j, i in enumerate(int(i) for i in shown):
            with st.container(width=96, gap=None):
                caption = captions[start + j]
                digit_image(images[j], caption, alt=f"{split} digit {caption}", px=84)
                if split == "test" and st.button("explain", key=f"{key}_x_{i}", help=f"open test digit #{i} on the Explain page"):
                    set_digit(i)
                    st.switch_page("pages/2_Explain.py", query_params={"digit": i})  # one history entry: Back returns here
