"""The test set in 2-D: the bottleneck network's own 2-unit layer beside a t-SNE of the pixels."""

import streamlit as st

from mnistdash.maps.figures import COLOURINGS
from mnistdash.ui import cache, embedding, widgets

widgets.page_header(
    "2-D maps",
    "Every test digit as a point: where a network with a 2-unit layer puts it, and where t-SNE of the raw pixels does. "
    "Box- or lasso-select in either map.",
)
if not widgets.require_data():
    st.stop()
widgets.unavailable_notice(["bottleneck"])
emb = cache.artifact("embedding")
if isinstance(emb, str):
    st.error(f"The 2-D maps are unavailable: {emb}")
    st.stop()

index = emb["index"]  # test digits on the maps
labels = cache.split("test").labels[index]
names = [n for n in cache.classifiers() if cache.probs(n, "test") is not None]
c1, c2 = st.columns(2)
colour_by = c1.radio("Colour by", list(COLOURINGS), horizontal=True, key="emb_colour", bind="query-params")
model = c2.selectbox(
    "Model for predictions",
    names,
    index=names.index("bottleneck") if "bottleneck" in names else 0,
    key="emb_model",
    bind="query-params",
)
preds = cache.probs(model, "test")[index].argmax(1) if names else labels

embedding.both_maps(emb, labels, preds, colour_by)
embedding.selection_grid(index, labels, preds, model)
