"""mnistdash home: what the dashboard is, the model leaderboard, a strip of test digits, the pages."""

import numpy as np
import streamlit as st

from mnistdash.config import CLASS_NAMES, DATASET, NAMED_CLASSES
from mnistdash.plots.figures import error_bars
from mnistdash.ui import cache, leaderboard, widgets
from mnistdash.zoo import registry


def scrollable(markdown: str) -> str:
    """A wide markdown table that scrolls sideways on a narrow screen instead of being cut off."""
    return f"<div style='overflow-x:auto'>\n\n{markdown}\n\n</div>"


widgets.page_header(
    "mnistdash", f"What {'MNIST' if DATASET == 'mnist' else DATASET} classifiers have learned, and why they decide as they do."
)

sizes = cache.split_sizes() or {"train": 0, "test": 0}
if DATASET != "mnist" or NAMED_CLASSES:  # another dataset: say what it is, not what MNIST is
    classes = ", ".join(CLASS_NAMES) if NAMED_CLASSES else "0-9"
    st.markdown(
        f"You are looking at the **{DATASET}** dataset ({sizes['train']:,} training and {sizes['test']:,} test images, "
        f"classes {classes}) and the classifiers trained on it: their **weights as pictures**, the **per-pixel "
        "contributions** behind every decision, a **canvas** to test them, **clickable confusion matrices**, likely "
        "mislabelled images and **2-D maps** of the test set."
    )
else:
    st.markdown(
        "How can a *linear* model read handwriting 92% of the time? Here you can look inside ten "
        "classifiers trained on MNIST's 60,000 digits, from templates and logistic regression to a "
        "convnet: their **weights as pictures**, the **per-pixel contributions** behind every decision "
        "(exact for linear models, Captum attributions for the networks), a **canvas** to test them "
        "with your own handwriting, **clickable confusion matrices** and likely mislabelled digits, "
        "a network's **2-D map** of the test set beside t-SNE, and a **denoising autoencoder**."
    )

with st.container(horizontal=True):  # wraps on a narrow screen
    for path, label, icon in widgets.PAGES[1:]:
        st.page_link(path, label=label, icon=icon)

st.subheader("Leaderboard")
st.caption(
    f"Accuracy on the {sizes['test']:,} {DATASET} test images, as `mnistdash evaluate` recomputes it; time to predict one image on this server."
)
widgets.unavailable_notice(registry.all_models(), cache.file_problems())  # checksums only: no torch yet
board = st.empty()  # shown at once from the manifest, then again with live timings
board.markdown(scrollable(leaderboard.markdown(leaderboard.table())), unsafe_allow_html=True)

st.subheader("Some test digits")
if widgets.require_data():
    st.info(
        "**A first step:** click the number under a digit to see how every model reads it and which pixels decide; "
        "then draw your own on *Draw a digit*.",
        icon="👉",
    )
    test = cache.split("test")
    if st.button("🎲 Shuffle"):
        st.session_state["home_seed"] = int(np.random.default_rng().integers(1 << 30))
    rng = np.random.default_rng(st.session_state.get("home_seed", 0))
    picks = rng.choice(len(test), 16, replace=False)
    with st.container(horizontal=True, key="home_digits"):  # wraps on a narrow screen
        for i in picks:
            with st.container(width=96, gap=None):
                label = int(test.labels[i])
                widgets.digit_image(cache.floats("test")[i], "", alt=f"test digit {i}, labelled {label}", px=84)
                st.page_link(
                    "pages/2_Explain.py", label=f"#{i}: {label}", query_params={"digit": int(i)}, help=f"Explain test digit #{i}"
                )

errors = leaderboard.test_errors()
if errors:
    st.subheader("How many test digits each model reads wrong")
    widgets.show(error_bars(errors, sizes["test"]), key="home_errors")  # also loads the charting code for the next page

latency = leaderboard.latency_ms()  # loads the models: torch is imported here, after the page is up
widgets.unavailable_notice([n for n in cache.errors() if n not in cache.file_problems()])
board.markdown(
    scrollable(leaderboard.markdown(leaderboard.table(latency, {**cache.file_problems(), **cache.errors()}))),
    unsafe_allow_html=True,
)
