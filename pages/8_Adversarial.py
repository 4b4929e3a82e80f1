"""Adversarial examples: FGSM and PGD against a chosen model, every model's reading, and how far each one holds."""

import streamlit as st

from mnistdash.ui import cache, widgets
from mnistdash.ui.robustness import attack
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
clean, label, caption, alt = attack.chosen_digit(index)
c1, c2, c3 = st.columns(3)
model = c1.selectbox(
    "Attacked model", names, index=names.index("cnn") if "cnn" in names else 0, key="adv_model", bind="query-params"
)
method = c2.radio(
    "Attack",
    ["PGD", "FGSM"],
    horizontal=True,
    key="adv_method",
    bind="query-params",
    help="PGD: 10 smaller steps, each kept within eps. FGSM: one step of eps along the gradient's sign.",
).lower()
# The default opens on a change that flips the convnet (PGD at 0.2 turns test digit 0, a 7, into another digit):
# at FGSM 0.1 no model changed its mind, and the page showed nothing happening.
eps = c3.slider("Epsilon (largest change of any pixel)", 0.0, attack.SLIDER_MAX, 0.2, 0.01, key="adv_eps", bind="query-params")

attack.attack_section(clean, label, caption, alt, model, method, float(eps))
attack.flip_search(clean, label, (index if label is not None else "drawn", method), method)
attack.precomputed_section()
