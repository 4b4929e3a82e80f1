"""A denoising autoencoder: noisy digits, their reconstructions, and every classifier's accuracy before and after."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from mnistdash.config import CLASSIFIERS
from mnistdash.data import noisy
from mnistdash.figures import CLASS_COLOURS, mosaic
from mnistdash.ui import cache, widgets

widgets.page_header(
    "Denoise",
    "Gaussian noise on the pixels, then a 784-256-128-256-784 autoencoder trained to undo it. Does cleaning help the classifiers?",
)
if not widgets.require_data():
    st.stop()
widgets.unavailable_notice(["denoiser"] + list(CLASSIFIERS))
models = cache.models()
if "denoiser" not in models:
    st.error("The denoiser is unavailable, so this page cannot show reconstructions.")
    st.stop()

c1, c2, c3 = st.columns(3)
sigma = c1.slider("Noise level σ (on pixels in [0, 1])", 0.0, 1.0, 0.5, 0.05, key="den_sigma")
names = cache.classifiers()
model = c2.selectbox("Classifier reading the digits", names, index=names.index("mlp") if "mlp" in names else 0, key="den_model")
if c3.button("🎲 Other digits"):
    st.session_state["den_seed"] = int(np.random.default_rng().integers(1 << 30))
rng = np.random.default_rng(st.session_state.get("den_seed", 0))
idx = rng.choice(len(cache.split("test")), 10, replace=False)
clean = cache.floats("test")[idx]
labels = cache.split("test").labels[idx]
noisy_x = noisy(clean, sigma, seed=int(idx[0]))
recon = models["denoiser"].denoise(noisy_x)
clf = models[model]
p_clean, p_noisy, p_recon = (clf.predict_proba(x).argmax(1) for x in (clean, noisy_x, recon))


def titles(pred):
    return [f"{'✔' if p == y else '✘'} read {p}" for p, y in zip(pred, labels)]


st.markdown(
    f"**Clean** (labels {', '.join(map(str, labels))}), **noisy** (σ = {sigma}), **denoised**: what {model} reads in each."
)
widgets.show(
    mosaic(
        np.concatenate([clean, noisy_x, recon]),
        titles(p_clean) + titles(p_noisy) + titles(p_recon),
        cols=10,
        diverging=False,
        zmax=1.0,
        value_name="ink",
        cell_px=95,
    ),
    key="den_grid",
)
m1, m2, m3 = st.columns(3)
m1.metric("clean, read right", f"{(p_clean == labels).sum()} / 10")
m2.metric("noisy, read right", f"{(p_noisy == labels).sum()} / 10")
m3.metric("denoised, read right", f"{(p_recon == labels).sum()} / 10")

st.subheader("Accuracy on all 10,000 test digits across noise levels")
table = cache.artifact("denoise")
if isinstance(table, str):
    st.warning(f"The precomputed accuracy table is unavailable: {table}")
else:
    levels = table["levels"]
    shown = st.multiselect(
        "Classifiers",
        list(table["models"]),
        default=[m for m in ("logreg-multinomial", "mlp", "cnn") if m in table["models"]],
        key="den_models",
    )
    fig = go.Figure()
    for k, name in enumerate(shown):
        i = list(table["models"]).index(name)
        colour = CLASS_COLOURS[k % len(CLASS_COLOURS)]
        fig.add_trace(
            go.Scatter(
                x=levels,
                y=100 * table["noisy"][i],
                name=f"{name}, noisy",
                line=dict(color=colour, dash="dot"),
                hovertemplate="σ %{x}: %{y:.2f}%<extra>" + name + " noisy</extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=levels,
                y=100 * table["denoised"][i],
                name=f"{name}, denoised",
                line=dict(color=colour),
                hovertemplate="σ %{x}: %{y:.2f}%<extra>" + name + " denoised</extra>",
            )
        )
    fig.add_vline(x=sigma, line=dict(color="gray", dash="dash"))
    fig.update_layout(height=420, xaxis_title="noise σ", yaxis_title="test accuracy (%)", margin=dict(l=0, r=0, t=10, b=0))
    widgets.show(fig, key="den_curve")
    j = int(np.argmin(np.abs(levels - 0.5)))
    rows = [
        f"| {n} | {100 * table['noisy'][i, 0]:.2f}% | {100 * table['noisy'][i, j]:.2f}% | {100 * table['denoised'][i, j]:.2f}% |"
        for i, n in enumerate(table["models"])
    ]
    st.markdown(f"At σ = {levels[j]:.1f}:\n\n| model | clean | noisy | denoised |\n|---|---|---|---|\n" + "\n".join(rows))
