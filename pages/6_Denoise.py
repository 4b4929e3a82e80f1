"""A denoising autoencoder: noisy digits, their reconstructions, and every classifier's accuracy before and after."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from mnistdash.data import noisy
from mnistdash.plots.figures import CLASS_COLOURS
from mnistdash.robustness.noise import nearest_level, slider_range
from mnistdash.ui import cache, widgets
from mnistdash.ui.zoom import zoomable_mosaic
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
    help=f"From {lo:g} to {hi:g}: the levels at which the accuracy curves below were precomputed.",
)
names = cache.classifiers()
model = c2.selectbox(
    "Classifier",
    names,
    index=names.index("mlp") if "mlp" in names else 0,
    key="den_model",
    help="Reads the digits above, and its accuracy curves are drawn below.",
)
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


def titles(row: str, pred):
    return [f"{row}: label {y}, {model} reads {p}" for p, y in zip(pred, labels)]


def marks(pred):
    return [f"{'✔' if p == y else '✘'} {p}" for p, y in zip(pred, labels)]


st.markdown(
    f"Ten test digits (labels {', '.join(map(str, labels))}) in three rows: **clean**, with **noise** of σ = {sigma}, and "
    f"**denoised** by the autoencoder; above each digit ✔ or ✘ and the class {model} reads. Click a digit to enlarge it."
)
zoomable_mosaic(
    np.concatenate([clean, noisy_x, recon]),
    titles("clean", p_clean) + titles("noisy", p_noisy) + titles("denoised", p_recon),
    key="den_grid",
    labels=marks(p_clean) + marks(p_noisy) + marks(p_recon),  # ✔/✘ and what the classifier reads
    row_titles=["clean", f"noisy<br>σ = {sigma:g}", "denoised"],
    cols=10,
    diverging=False,
    zmax=1.0,
    value_name="ink",
    cell_px=95,
    colorbar=False,
)
m1, m2, m3 = st.columns(3)
m1.metric("clean, read right", f"{(p_clean == labels).sum()} / 10")
m2.metric("noisy, read right", f"{(p_noisy == labels).sum()} / 10")
m3.metric("denoised, read right", f"{(p_recon == labels).sum()} / 10")

st.subheader("Accuracy on all 10,000 test digits across noise levels")
if isinstance(table, str):
    st.warning(f"The precomputed accuracy table is unavailable: {table}")
elif model not in list(table["models"]):
    st.info(f"{model} has no precomputed accuracy curves; run `mnistdash train --only denoiser` to rebuild them.")
else:
    levels = table["levels"]
    i = list(table["models"]).index(model)
    fig = go.Figure()
    for kind, dash in (("noisy", "dot"), ("denoised", None)):
        fig.add_trace(
            go.Scatter(
                x=levels,
                y=100 * table[kind][i],
                name=f"{model}, {kind}",
                line=dict(color=CLASS_COLOURS[0 if kind == "noisy" else 3], dash=dash),
                hovertemplate="σ %{x:.2f}: %{y:.2f}%<extra>" + model + " " + kind + "</extra>",
            )
        )
    fig.add_vline(x=sigma, line=dict(color="gray", dash="dash"))
    fig.update_layout(
        height=420,
        xaxis_title="noise σ",
        yaxis_title="test accuracy (%)",
        margin=dict(l=0, r=0, t=30, b=0),
        legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0),
    )
    widgets.show(fig, key="den_curve")
if not isinstance(table, str):
    levels = table["levels"]
    j = nearest_level(levels, sigma)
    at = f"{levels[j]:.2f}".rstrip("0").rstrip(".")
    note = (
        f"At σ = {at}, the slider's level"
        if abs(float(levels[j]) - sigma) < 1e-6
        else f"At σ = {at}, the precomputed level nearest to the slider's {sigma:g}"
    )
    rows = [
        f"| {'**' + n + '**' if n == model else n} | {100 * table['noisy'][i, 0]:.2f}% | {100 * table['noisy'][i, j]:.2f}% "
        f"| {100 * table['denoised'][i, j]:.2f}% |"
        for i, n in enumerate(table["models"])
    ]
    st.markdown(f"{note}:\n\n| model | clean | noisy | denoised |\n|---|---|---|---|\n" + "\n".join(rows))
