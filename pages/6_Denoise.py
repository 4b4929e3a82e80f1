"""A denoising autoencoder: noisy digits, their reconstructions, and every classifier's accuracy before and after."""

import numpy as np
import streamlit as st

from mnistdash.robustness.noise import slider_range
from mnistdash.ui import cache, widgets
from mnistdash.ui.robustness import denoise
from mnistdash.zoo import registry

widgets.page_header(
    "Denoise",
    "Gaussian noise on the pixels, then a 784-256-128-256-784 autoencoder trained to undo it. Does cleaning help the classifiers?",
)
if not widgets.require_data():
    st.stop()
widgets.unavailable_notice(["denoiser"] + list(registry.classifiers()))
models = cache.models()
if "denoiser" not in models:
    st.error("The denoiser is unavailable, so this page cannot show reconstructions.")
    st.stop()

table = cache.artifact("denoise")  # accuracy of every classifier at the precomputed noise levels
lo, hi, step = slider_range(table["levels"]) if not isinstance(table, str) else (0.0, 1.0, 0.05)
c1, c2, c3 = st.columns(3)
sigma = c1.slider(
    "Noise level σ (on pixels in [0, 1])",
    lo,
    hi,
    min(max(0.5, lo), hi),
    step,
    key="den_sigma",
    bind="query-params",
    help=f"From {lo:g} to {hi:g}: the levels at which the accuracy curves below were precomputed.",
)
names = cache.classifiers()
model = c2.selectbox(
    "Classifier",
    names,
    index=names.index("mlp") if "mlp" in names else 0,
    key="den_model",
    bind="query-params",
    help="Reads the digits above, and its accuracy curves are drawn below.",
)
if c3.button("🎲 Other digits"):
    st.session_state["den_seed"] = int(np.random.default_rng().integers(1 << 30))

denoise.ten_digits(models, model, sigma)
denoise.accuracy_curves(table, model, sigma)
