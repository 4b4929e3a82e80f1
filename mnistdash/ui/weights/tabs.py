"""The Weights page's four tabs, one function each: linear weight maps beside templates, a pair's contrast, the
MLPs' first-layer units, the convnet's filters and feature maps. Each draws into the open tab."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mnistdash.config import class_name
from mnistdash.plots import weights
from mnistdash.plots.figures import symmetric_range
from mnistdash.ui import cache, widgets
from mnistdash.ui.weights import notes
from mnistdash.ui.zoom import zoomable_mosaic

TEMPLATES = ("class means", "class minus rest")


@st.cache_resource
def templates() -> dict[str, np.ndarray]:
    """The plain class means and the 'mean of the class minus mean of the rest' templates of the training digits."""
    train = cache.split("train")
    x, y = train.images, train.labels  # uint8, summed in chunks: no 188 MB float copy held by the server
    return {"class means": weights.class_means(x, y), "class minus rest": weights.contrast_templates(x, y)}


def linear(models: dict, linear: list[str]) -> None:
    """One linear model's ten weight maps, and beside them the templates or other linear models a person picks."""
    if not linear:
        st.info("No linear model could be loaded.")
        return
    model_name = st.selectbox(
        "Linear model", linear, index=linear.index("logreg-multinomial") if "logreg-multinomial" in linear else 0
    )
    st.markdown(
        f"**{model_name}**: the weight of every pixel for every class 0-9 (one shared symmetric colour scale). "
        "Click a map to enlarge it."
    )
    zoomable_mosaic(
        models[model_name].weight_images,
        [f"class {class_name(c)}" for c in range(10)],
        key="w_main",
        title=f"Weights of {model_name}, one map per class",
        value_name="weight",
        cols=5,
        cell_px=170,
    )
    notes.why_static()
    extra = st.multiselect(
        "Side by side",
        list(TEMPLATES) + [n for n in linear if n != model_name],
        default=list(TEMPLATES),
        help="Compare with the plain averages of each class, the 'mean of the class minus mean of the rest' templates, or another linear model.",
    )
    for name in extra:
        if name == "class means":
            imgs, colours = templates()[name], notes.class_mean_colours()
        elif name in TEMPLATES:
            imgs, colours = templates()[name], dict(value_name="value")
        else:
            imgs, colours = models[name].weight_images, dict(value_name="weight")
        st.markdown(f"**{name}**")
        zoomable_mosaic(
            imgs, [f"{name}, class {class_name(c)}" for c in range(10)], key=f"w_{name}", labels=list("0123456789"), **colours
        )


def pair(models: dict, linear: list[str]) -> None:
    """`w_a - w_b` of one linear model beside the two classes' means and their difference."""
    if not linear:
        return
    c1, c2, c3 = st.columns(3)
    pair_model = c1.selectbox("Model", linear, key="pair_model")
    a = c2.selectbox("Toward class", list(range(10)), index=3, format_func=class_name)
    b = c3.selectbox("Away from class", list(range(10)), index=8, format_func=class_name)
    w = models[pair_model].weight_images
    means = templates()["class means"]
    diff = w[a] - w[b]
    st.markdown(f"`w_{a} - w_{b}`: red pixels push the decision toward **{a}**, blue toward **{b}**.")
    zoomable_mosaic(
        np.stack([w[a], w[b], diff]),
        [f"w_{a}", f"w_{b}", f"w_{a} - w_{b}"],
        key="pair_w",
        zmax=symmetric_range(w[a], w[b], diff),
        cell_px=230,
        value_name="weight",
    )
    st.markdown(f"Class means of **{a}** and **{b}** (grey, as on every tab), and their difference (red: more ink in {a}).")
    left, right = st.columns([2, 1])
    with left:
        zoomable_mosaic(
            np.stack([means[a], means[b]]),
            [f"mean {a}", f"mean {b}"],
            key="pair_means",
            cell_px=230,
            min_figure_px=300,
            **notes.class_mean_colours(),
        )
    with right:
        zoomable_mosaic(
            (means[a] - means[b])[None],
            [f"mean {a} - mean {b}"],
            key="pair_mean_diff",
            cell_px=230,
            min_figure_px=150,
            value_name="ink difference",
        )


def mlp(models: dict) -> None:
    """Every first-layer unit of an MLP as its 784 input weights, sorted and filtered by the class it feeds."""
    mlps = [n for n in ("mlp", "mlp-deep") if n in models]
    if not mlps:
        st.info("No MLP could be loaded.")
        return
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
        "Each image is one hidden unit's 784 input weights; '→ k' is the class it pushes most through the layers above. "
        "Hover for the unit's number; click to enlarge."
    )
    if len(imgs):
        shown = titles[:limit]
        zoomable_mosaic(
            imgs[:limit],
            shown,
            key="mlp_units",
            value_name="weight",
            cell_px=90,
            labels=[t[t.index("→") :] if "→" in t else t for t in shown],
        )


def cnn(models: dict) -> None:
    """The convnet's first-layer filters, and one test digit's feature maps after a chosen conv layer."""
    if "cnn" not in models:
        st.info("The convnet could not be loaded.")
        return
    filt = weights.cnn_filters(models["cnn"])
    st.markdown(
        f"**{len(filt)} first-layer filters** ({filt.shape[1]}x{filt.shape[2]}), numbered: what the convnet looks for "
        "first. Click one to enlarge it."
    )
    zoomable_mosaic(filt, [f"filter {i}" for i in range(len(filt))], key="cnn_filters", cols=8, cell_px=90, value_name="weight")
    idx = st.number_input("Feature maps of test digit #", 0, 9999, 0, key="fmap_idx")
    block = st.radio("After conv layer", [1, 2, 3], horizontal=True)
    digit = cache.floats("test")[idx]
    fmaps = weights.cnn_feature_maps(models["cnn"], digit, block - 1)
    c1, c2 = st.columns([1, 5])
    label = int(cache.split("test").labels[idx])
    widgets.digit_image(digit, f"#{idx}, label {label}", alt=f"test digit {idx}, labelled {label}", container=c1)
    with c2:
        zoomable_mosaic(
            fmaps,
            [f"map {i}" for i in range(len(fmaps))],
            key="cnn_fmaps",
            cols=16,
            diverging=False,
            value_name="activation",
            cell_px=60,
            min_figure_px=380,
        )
