"""Where models fail: clickable confusion matrices, two models compared, likely mislabelled digits."""

import streamlit as st

from mnistdash.ui import cache, widgets
from mnistdash.ui.mistakes import confusion, mislabel_table
from mnistdash.ui.people import reviews
from mnistdash.zoo import registry

widgets.page_header(
    "Errors",
    "Click a cell of the confusion matrix to see the digits behind it; compare two models; find digits whose label is probably wrong.",
)
if not widgets.require_data():
    st.stop()
widgets.unavailable_notice(registry.classifiers())
names = [n for n in cache.classifiers() if cache.probs(n, "test") is not None]
if not names:
    st.error("No classifier with precomputed probabilities; run `mnistdash train`.")
    st.stop()
confusion.restore(names)

tab_cm, tab_cmp, tab_lab = st.tabs(["Confusion matrix", "Compare two models", "Likely mislabelled"])
with tab_cm:
    confusion.matrix_tab(names)
with tab_cmp:
    confusion.compare_tab(names)
with tab_lab:
    mislabel_table.render()
    reviews.confirmed_section(st.session_state.get("mis_split", "test"))
