"""Weights as pictures: linear weight maps beside templates, pair contrasts, MLP units, CNN filters."""

import streamlit as st

from mnistdash.ui import cache, widgets
from mnistdash.ui.weights import tabs
from mnistdash.zoo.registry import LINEAR_MODELS

widgets.page_header(
    "Weights",
    "What each model has learned, drawn as 28x28 pictures. Red pushes toward a class, blue away from it, white is zero.",
)
if not widgets.require_data():
    st.stop()
widgets.unavailable_notice(LINEAR_MODELS + ("mlp", "mlp-deep", "cnn"))
models = cache.models()
linear = [n for n in LINEAR_MODELS if n in models]

# Only the open tab runs and is drawn (the four together were ~200 small plots); the tab is kept in the URL.
tab_linear, tab_pair, tab_mlp, tab_cnn = st.tabs(
    ["Linear models", "Pair contrast", "MLP units", "CNN filters"], key="tab", bind="query-params"
)
with tab_linear:
    if tab_linear.open:
        tabs.linear(models, linear)
with tab_pair:
    if tab_pair.open:
        tabs.pair(models, linear)
with tab_mlp:
    if tab_mlp.open:
        tabs.mlp(models)
with tab_cnn:
    if tab_cnn.open:
        tabs.cnn(models)
