"""Adversarial examples: FGSM and PGD against a chosen model, every model's reading, and how far each one holds."""

import numpy as np
import streamlit as st

from mnistdash.robustness.attack.figures import flip_chart
from mnistdash.ui import cache, widgets
from mnistdash.ui.robustness import attack
from mnistdash.ui.zoom import zoomable_mosaic
from mnistdash.zoo import registry

widgets.page_header(
    "Adversarial examples",
    "Small, deliberate pixel changes (FGSM, PGD; L-infinity) that change what a model reads, and whether the others follow.",
)
if not widgets.require_data():
    st.stop()
widgets.unavailable_notice(list(registry.classifiers()))
names = cache.differentiable()  # attacks follow gradients
if not names:
    st.error("No classifier could be loaded, so nothing can be attacked.")
    st.stop()
index = widgets.digit_picker()
drawn = st.session_state.get(attack.DRAWN_KEY)
source = "test digit"
if drawn is not None:
    source = st.radio("Digit", ["test digit", "the digit you drew"], horizontal=True, key="adv_source")
if source == "test digit":
    clean, label = cache.floats("test")[index], int(cache.split("test").labels[index])
    name, alt = f"clean #{index}, label {label}", f"test digit {index}, labelled {label}"
else:
    clean, label = np.asarray(drawn, np.float32), None  # no label: the attack pushes away from each model's reading
    name, alt = "your drawing (no label)", "the digit you drew on the Draw page, 28 by 28"
c1, c2, c3 = st.columns(3)
model = c1.selectbox("Attacked model", names, index=names.index("cnn") if "cnn" in names else 0, key="adv_model")
method = c2.radio(
    "Attack",
    ["PGD", "FGSM"],
    horizontal=True,
    key="adv_method",
    help="PGD: 10 smaller steps, each kept within eps. FGSM: one step of eps along the gradient's sign.",
).lower()
# The default opens on a change that flips the convnet (PGD at 0.2 turns test digit 0, a 7, into another digit):
# at FGSM 0.1 no model changed its mind, and the page showed nothing happening.
eps = c3.slider("Epsilon (largest change of any pixel)", 0.0, attack.SLIDER_MAX, 0.2, 0.01, key="adv_eps")

adv = attack.attacked(model, clean, label, method, float(eps))
table = attack.readings(clean, adv, label)
own = table.set_index("model").loc[model]
flipped = own["changed?"] == "changed"
d1, d2, d3 = st.columns([1, 1.4, 2])
widgets.digit_image(clean, name, alt, container=d1, px=140)
widgets.digit_image(
    adv,
    f"adversarial: <b>{model} reads {own['reads']}</b>" + (" (changed)" if flipped else " (unchanged)"),
    f"the digit after a {method.upper()} attack at epsilon {eps:g}; {model} reads {own['reads']}",
    container=d2,
    px=224,
)
with d3:
    zoomable_mosaic(
        np.stack([adv - clean]),
        ["change: adversarial − clean"],
        key="adv_delta",
        zmax=max(float(eps), 1e-3),
        value_name="change",
        cols=1,
        cell_px=200,
        min_figure_px=260,
    )
    st.caption(f"Every pixel moved by at most ε = {eps:g}; red brighter, blue darker.")
if not flipped:
    st.info(f"{model} still reads {own['clean reading']} at ε = {eps:g}: raise epsilon or try PGD.", icon="🛡️")
st.subheader("Every model's reading of the adversarial digit")
st.caption("Rows in red: the models whose reading the attack changed.")
st.dataframe(attack.highlight_changed(table), hide_index=True, key="adv_readings")

st.subheader(f"Input x gradient of {model}, before and after")
maps = attack.ixg_pair(model, clean, label, method, float(eps))
zoomable_mosaic(
    maps,
    [f"clean: for class {own['clean reading']}", f"adversarial: for class {own['reads']}"],
    key="adv_ixg",
    value_name="attribution",
    cols=2,
    cell_px=200,
)

st.subheader("The smallest epsilon that flips each model")
searched = (index if label is not None else "drawn", method)
if st.button("Search every model (bisection in [0, 0.5])", key="adv_search") or st.session_state.get("adv_searched") == searched:
    st.session_state["adv_searched"] = searched
    widgets.show(flip_chart(attack.smallest_flips(clean, label, method)), key="adv_flips")
else:
    st.caption("Runs the attack ~10 times per model on this digit: a few seconds.")

attack.precomputed_section()
