"""Linear lab: why a linear model reads ~92% of MNIST, with four experiments to steer."""

import streamlit as st

from mnistdash.ui import widgets
from mnistdash.ui.lab import artifacts as lab
from mnistdash.ui.lab import views as lab_views

widgets.page_header(
    "Linear lab",
    "Why a linear model reads most handwritten digits: regularization, pairwise separability, and what it needs to see.",
)
if not widgets.require_data():
    st.stop()
lab_views.opening_answer()
lab_views.fit_note()

tab_path, tab_pairs, tab_sees = st.tabs(
    ["Regularization path", "Pairwise separability", "What it sees"], key="lab_tab", bind="query-params"
)
with tab_path:
    lab.path_section()
with tab_pairs:
    lab.pairs_section()
with tab_sees:
    st.subheader("Principal components")
    lab_views.pca_section()
    st.subheader("Deskewed digits")
    lab_views.deskew_section()
    st.subheader("How few pixels")
    lab_views.pixels_section()
