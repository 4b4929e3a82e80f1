"""Microscope: every hidden unit and channel of the networks, what it responds to and what breaks without it. A
layer's grid of units leads to each unit's own view; `?model=cnn&layer=conv2&unit=12` opens one."""

import streamlit as st

from mnistdash.explain.microscope import NETWORKS
from mnistdash.ui import cache, url, widgets
from mnistdash.ui.microscope import LAYER, MODEL, UNIT, artifact, default_model, layer_grid, layer_names, shown, unit_view

widgets.page_header(
    "Microscope",
    "Every hidden unit of the networks: the training digits that excite it, the picture it looks for, the classes "
    "it answers to, and what the network gets wrong without it.",
)
models = cache.models()
names = shown()
missing = [n for n in NETWORKS if n in models and n not in names]
if missing:
    st.caption(f"No microscope figures for {', '.join(missing)}: run `mnistdash train --only microscope`.")
if not names:
    st.warning("No network here has its microscope figures; run `mnistdash train --only microscope`.")
    st.stop()

defaults = {"model": default_model(names)}


def _apply_layer(value: str | None) -> str | None:
    options = layer_names(st.session_state.get(MODEL, defaults["model"]))
    if value is None:
        st.session_state[LAYER] = options[0]
        return None
    if value not in options:
        return f"is not a layer of this network ({', '.join(options)})"
    st.session_state[LAYER] = value
    return None


def _apply_unit(value: str | None) -> str | None:
    if value is None:
        st.session_state[UNIT] = None
        return None
    if not value.isdigit():
        return "is not a unit number"
    st.session_state[UNIT] = int(value)  # its range is checked against the layer below
    return None


url.restore(
    "Microscope",
    {"model": url.apply_choice(MODEL, names), "layer": _apply_layer, "unit": _apply_unit},
    {**defaults, "layer": None, "unit": None},
)
st.session_state.setdefault(MODEL, defaults["model"])
model = st.sidebar.selectbox("Network", names, key=MODEL)
options = layer_names(model)
if st.session_state.get(LAYER) not in options:
    st.session_state[LAYER] = options[0]
layer = st.sidebar.selectbox("Layer", options, key=LAYER)
units = len(artifact(model)[f"{layer}/top"])
if st.session_state.get(UNIT) is not None and not 0 <= st.session_state[UNIT] < units:
    st.warning(f"Layer {layer} of {model} has units 0-{units - 1}, not {st.session_state[UNIT]}; showing the whole layer.")
    st.session_state[UNIT] = None
unit = st.sidebar.number_input(
    f"Unit (0-{units - 1}; empty: the whole layer)", 0, units - 1, value=None, step=1, key=UNIT, placeholder="all units"
)
url.publish("Microscope", {"model": model, "layer": layer, "unit": unit}, {**defaults, "layer": options[0], "unit": None})
if unit is None:
    st.subheader(f"{model} · layer {layer}")
    layer_grid(model, layer)
else:
    unit_view(model, layer, int(unit))
