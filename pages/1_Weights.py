"""Weights as pictures: linear weight maps beside templates, pair contrasts, MLP units, CNN filters."""

import numpy as np
import streamlit as st

from mnistdash import weights
from mnistdash.config import LINEAR_MODELS
from mnistdash.figures import mosaic, symmetric_range
from mnistdash.ui import cache, widgets

widgets.page_header(
    "Weights",
    "What each model has learned, drawn as 28x28 pictures. Red pushes toward a class, blue away from it, white is zero.",
)
if not widgets.require_data():
    st.stop()
widgets.unavailable_notice(LINEAR_MODELS + ("mlp", "mlp-deep", "cnn"))
models = cache.models()
linear = [n for n in LINEAR_MODELS if n in models]
train = cache.split("train")


@st.cache_resource
def templates() -> dict[str, np.ndarray]:
    x, y = cache.floats("train"), train.labels
    return {"class means": weights.class_means(x, y), "class minus rest": weights.contrast_templates(x, y)}


tab_linear, tab_pair, tab_mlp, tab_cnn = st.tabs(["Linear models", "Pair contrast", "MLP units", "CNN filters"])

with tab_linear:
    if not linear:
        st.info("No linear model could be loaded.")
    else:
        model_name = st.selectbox(
            "Linear model", linear, index=linear.index("logreg-multinomial") if "logreg-multinomial" in linear else 0
        )
        st.markdown(f"**{model_name}**: the weight of every pixel for every class (one shared symmetric colour scale).")
        widgets.show(
            mosaic(models[model_name].weight_images, [f"class {c}" for c in range(10)], value_name="weight"), key="w_main"
        )
        extra = st.multiselect(
            "Side by side",
            ["class means", "class minus rest"] + [n for n in linear if n != model_name],
            default=["class means", "class minus rest"],
            help="Compare with the plain averages of each class, the 'mean of the class minus mean of the rest' templates, or another linear model.",
        )
        for name in extra:
            if name in templates():
                imgs = templates()[name]
                diverging = name != "class means"
            else:
                imgs, diverging = models[name].weight_images, True
            st.markdown(f"**{name}**")
            widgets.show(
                mosaic(imgs, [f"class {c}" for c in range(10)], diverging=diverging, value_name="value"), key=f"w_{name}"
            )

with tab_pair:
    if linear:
        c1, c2, c3 = st.columns(3)
        pair_model = c1.selectbox("Model", linear, key="pair_model")
        a = c2.selectbox("Toward digit", list(range(10)), index=3)
        b = c3.selectbox("Away from digit", list(range(10)), index=8)
        w = models[pair_model].weight_images
        means = templates()["class means"]
        diff = w[a] - w[b]
        st.markdown(f"`w_{a} - w_{b}`: red pixels push the decision toward **{a}**, blue toward **{b}**.")
        zmax = symmetric_range(w[a], w[b], diff)
        widgets.show(
            mosaic(np.stack([w[a], w[b], diff]), [f"w_{a}", f"w_{b}", f"w_{a} - w_{b}"], zmax=zmax, cell_px=230), key="pair_w"
        )
        widgets.show(
            mosaic(
                np.stack([means[a], means[b], means[a] - means[b]]),
                [f"mean {a}", f"mean {b}", f"mean {a} - mean {b}"],
                cell_px=230,
            ),
            key="pair_means",
        )

with tab_mlp:
    mlps = [n for n in ("mlp", "mlp-deep") if n in models]
    if not mlps:
        st.info("No MLP could be loaded.")
    else:
        c1, c2, c3 = st.columns(3)
        mlp_name = c1.selectbox("Network", mlps)
        sort = c2.radio(
            "Sort units by",
            ["norm", "class"],
            horizontal=True,
            format_func=lambda s: {"norm": "weight norm", "class": "class they feed most"}[s],
        )
        imgs, titles, fav = weights.mlp_units(models[mlp_name], sort)
        only = c3.selectbox("Show units feeding", ["all classes"] + list(range(10)))
        if only != "all classes":
            keep = np.flatnonzero(fav == only)
            imgs, titles = imgs[keep], [titles[i] for i in keep]
        limit = st.slider("How many units", 1, len(imgs), min(len(imgs), 100)) if len(imgs) > 1 else len(imgs)
        st.caption(
            "Each image is one hidden unit's 784 input weights; '→ k' is the class it pushes most through the layers above."
        )
        if len(imgs):
            widgets.show(mosaic(imgs[:limit], titles[:limit], value_name="weight", cell_px=90), key="mlp_units")

with tab_cnn:
    if "cnn" not in models:
        st.info("The convnet could not be loaded.")
    else:
        filt = weights.cnn_filters(models["cnn"])
        st.markdown(f"**{len(filt)} first-layer filters** ({filt.shape[1]}x{filt.shape[2]}): what the convnet looks for first.")
        widgets.show(mosaic(filt, [f"filter {i}" for i in range(len(filt))], cols=16, cell_px=60), key="cnn_filters")
        idx = st.number_input("Feature maps of test digit #", 0, 9999, 0, key="fmap_idx")
        block = st.radio("After conv layer", [1, 2, 3], horizontal=True)
        fmaps = weights.cnn_feature_maps(models["cnn"], cache.floats("test")[idx], block - 1)
        c1, c2 = st.columns([1, 5])
        fm_label = int(cache.split("test").labels[idx])
        widgets.digit_image(cache.floats("test")[idx], f"#{idx}, label {fm_label}", alt=f"test digit {idx}, labelled {fm_label}", container=c1)
        with c2:
            widgets.show(
                mosaic(
                    fmaps, [f"map {i}" for i in range(len(fmaps))], cols=16, diverging=False, value_name="activation", cell_px=60
                ),
                key="cnn_fmaps",
            )
