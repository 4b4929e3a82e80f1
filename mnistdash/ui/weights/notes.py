"""The Weights page's explanations: why unregularized weight maps look like static, and where to go next."""

from __future__ import annotations

import streamlit as st

from mnistdash.plots import weights
from mnistdash.ui import cache


@st.cache_data(show_spinner=False)
def _rarely_inked_count(share: float) -> int:
    return int(weights.rarely_inked(cache.split("train").images, share).sum())  # uint8: no float copy of 60,000 digits


def why_static() -> None:
    """Why linear weight maps fitted with little or no penalty look like noise, with the border pixels counted."""
    share = 0.001
    rare = _rarely_inked_count(share)
    n_train = len(cache.split("train").labels)
    with st.expander("Why do these weights look like static?"):
        st.markdown(
            "- **Neighbouring pixels move together.** A stroke is several pixels wide, so raising one pixel's weight and "
            "lowering its neighbour's leaves almost every score unchanged.\n"
            "- **So many weight maps are equally good.** The data cannot tell them apart, and the fit settles on one of "
            "them with pixel-to-pixel noise in it.\n"
            f"- **Border pixels are unconstrained.** {rare} of the 784 pixels are inked in fewer than "
            f"{100 * share:g}% of the {n_train:,} training digits: nothing in the data pins their weights down, so they keep "
            "whatever the optimizer left there.\n"
            "- **Regularization smooths them.** A penalty on the size of the weights (L2) picks, among the equally good "
            "maps, the smallest one: noise cancels out and the maps start to look like the class templates beside them."
        )
        regularization_path_link()


def regularization_path_link() -> None:
    """The link to the Linear lab, where a slider walks the L2 and L1 regularization paths."""
    st.page_link(
        "pages/7_Linear_lab.py",
        label="See the static turn into smooth templates along the regularization path (Linear lab)",
        icon="🧪",
    )


def class_mean_colours() -> dict:
    """The one colour scheme for class means on every tab: ink on a grey scale from 0 (black) to 1 (white)."""
    return dict(diverging=False, zmax=1.0, value_name="mean ink")
