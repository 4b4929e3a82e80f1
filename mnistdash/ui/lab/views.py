"""Linear lab page parts: what a linear model sees (PCA-k with a reconstruction, deskewing, top-k pixels) and the answer."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mnistdash.lab import answer, figures, results
from mnistdash.lab.deskew import deskew
from mnistdash.plots.figures import mosaic
from mnistdash.ui import cache, widgets
from mnistdash.ui.lab.artifacts import available, lab_artifact


def opening_answer() -> None:
    """The page's short answer, every figure in it read from the artifacts."""
    arts = {k: lab_artifact(f"lab-{k}") for k in ("pairs", "pca", "deskew", "pixels", "path")}
    sentences = answer.answer(**{k: None if isinstance(v, str) else v for k, v in arts.items()})
    st.markdown("#### How can a linear model read handwriting?")
    if sentences:
        st.markdown(" ".join(sentences))
    else:
        st.warning("No lab results to answer with; run `mnistdash train --only lab`.", icon="⚠️")


def fit_note() -> None:
    """What the lab's models were fitted on, read from the manifest."""
    info = cache.manifest().get("artifacts", {}).get("lab-path")
    if info and "n_train" in info:
        st.caption(
            f"Every model on this page is fitted by `mnistdash train --only lab` on {info['n_train']:,} training digits "
            f"(a seeded random subset) and scored on {info['n_test']:,} test digits; the app trains nothing on a click."
        )


@st.cache_resource(show_spinner=False)
def _pca_curve(step: int):
    pca = lab_artifact("lab-pca")
    return figures.accuracy_curve(
        pca["k"],
        pca["train_accuracy"],
        pca["test_accuracy"],
        step,
        "principal components k",
        reference=float(pca["raw_test_accuracy"]),
    )


def pca_section() -> None:
    pca = available("lab-pca")
    if pca is None:
        return
    ks = [int(k) for k in pca["k"]]
    c1, c2 = st.columns([3, 1])
    step = c1.select_slider(
        "First k principal components",
        options=list(range(len(ks))),
        value=len(ks) // 2,
        format_func=lambda j: str(ks[j]),
        key="lab_pca_k",
    )
    index = int(c2.number_input("Test digit to rebuild", 0, len(cache.split("test")) - 1, 0, key="lab_pca_digit"))
    k = ks[step]
    left, right = st.columns([3, 1])
    with left:
        widgets.show(_pca_curve(step), key="lab_pca_curve")
    with right:
        digit = cache.floats("test")[index]
        rebuilt = results.reconstruct(pca, digit, k)
        kept = float(pca["variance_ratio"][:k].sum())
        st.caption(f"Test digit #{index} and its rebuild from {k} components ({100 * kept:.1f}% of the pixel variance)")
        with st.container(horizontal=True):
            widgets.digit_image(digit, "original", alt=f"test digit {index}", px=112)
            widgets.digit_image(
                np.clip(rebuilt, 0, 1), f"k = {k}", alt=f"test digit {index} rebuilt from {k} principal components", px=112
            )
        st.markdown(f"Test accuracy on {k} components: **{100 * pca['test_accuracy'][step]:.2f}%**")


def deskew_section() -> None:
    art = available("lab-deskew")
    if art is None:
        return
    raw, straight = (float(v) for v in art["test_accuracy"])
    c1, c2, c3 = st.columns(3)
    c1.metric("raw pixels, test", f"{100 * raw:.2f}%")
    c2.metric("deskewed, test", f"{100 * straight:.2f}%", f"{100 * (straight - raw):+.2f} points")
    c3.metric("errors removed", f"{100 * (straight - raw) / max(1 - raw, 1e-9):.0f}%")
    figure = _deskewed_digits()
    if figure is not None:
        st.caption("Test digits the raw-pixel model misreads and the same model reads right once the digit is deskewed:")
        widgets.show(figure, key="lab_deskew_digits")


@st.cache_resource(show_spinner=False)
def _deskewed_digits():
    """Ten test digits that deskewing fixes, before (top) and after (bottom), or None if there are none."""
    art = lab_artifact("lab-deskew")
    fixed = np.flatnonzero((art["pred_raw"] != art["labels"]) & (art["pred_deskewed"] == art["labels"]))[:10]
    if not len(fixed):
        return None
    before = cache.floats("test")[fixed]
    titles = [f"#{i} raw: read {art['pred_raw'][i]}" for i in fixed] + [f"#{i} deskewed: read {art['labels'][i]}" for i in fixed]
    labels = [f"{art['pred_raw'][i]}" for i in fixed] + [f"{art['labels'][i]}" for i in fixed]  # what the model reads
    images = np.concatenate([before, deskew(before)])
    return mosaic(
        images,
        titles,
        cols=10,
        diverging=False,
        zmax=1.0,
        value_name="ink",
        colorbar=False,
        cell_px=90,
        labels=labels,
        row_titles=["raw<br>read as", "deskewed<br>read as"],
    )


@st.cache_resource(show_spinner=False)
def _pixels_curve(step: int):
    art = lab_artifact("lab-pixels")
    return figures.accuracy_curve(art["k"], art["train_accuracy"], art["test_accuracy"], step, "pixels kept k")


def pixels_section() -> None:
    art = available("lab-pixels")
    if art is None:
        return
    ks = [int(k) for k in art["k"]]
    step = st.select_slider(
        "Keep the top-k pixels by weight magnitude",
        options=list(range(len(ks))),
        value=2,
        format_func=lambda j: str(ks[j]),
        key="lab_pixels_k",
    )
    left, right = st.columns([3, 1])
    with left:
        widgets.show(_pixels_curve(step), key="lab_pixels_curve")
    with right:
        mask = art["masks"][step].reshape(28, 28).astype(np.float32)
        st.caption(f"The {ks[step]} pixels kept (white), refitted on those alone")
        widgets.digit_image(mask, "white: pixels kept", alt=f"mask of the {ks[step]} pixels kept", px=140)
        st.markdown(f"Test accuracy: **{100 * art['test_accuracy'][step]:.2f}%**")
