"""The Explain page's trust tables: this digit's scores beside their spread over a sample of test digits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from mnistdash.explain import CAPTUM_METHODS, METHODS
from mnistdash.explain.trust import (
    EXACT_PASS,
    RANDOM_PASS,
    TRUST_KEY,
    cascade_medians,
    exact_spread,
    passing_shares,
    random_spread,
    spread_rows,
)
from mnistdash.plots.figures import cascade_curves
from mnistdash.ui import cache, widgets
from mnistdash.ui.explain.attributions import exact_scores, randomization_scores

LABELS = {m: METHODS[m].label for m in CAPTUM_METHODS}
EXACT_PICKER, RANDOM_PICKER = "trust_linear", "rand_model"  # the tables' model pickers
WHY_EXACT = (
    "Why input × gradient and integrated gradients are exact here: a linear logit f(x) = w·x + b has the gradient w "
    "everywhere, so x · ∇f = w·x exactly, and integrated gradients from a black image average that same constant "
    "gradient along the path, which gives w·x again."
)


def _sample() -> tuple[dict | None, str]:
    """(the trust artifact or None, a phrase naming the sample, or the one line saying why it is missing)."""
    art = cache.artifact(TRUST_KEY)
    if isinstance(art, str):
        return None, f"No spread over a sample of digits ({art}); rebuild it with `mnistdash trust`."
    return art, f"{len(art['index'])} seeded test digits"


def _shares(art: dict, kind: str) -> pd.DataFrame:
    models, methods, shares = passing_shares(art, kind)
    cells = np.vectorize(lambda s: f"{100 * s:.0f}%")(shares) if shares.size else shares
    return pd.DataFrame(cells, index=models, columns=[LABELS.get(m, m) for m in methods])


def default_linear(linear: list[str]) -> str:
    return "logreg-multinomial" if "logreg-multinomial" in linear else linear[0]


def exact_table(linear: list[str], index: int, probs: dict[str, np.ndarray]) -> None:
    """Each method's correlation with the exact w·x on a linear model: this digit, and over the sample."""
    st.subheader("Against the exact answer")
    model = st.selectbox("Linear model to check on", linear, index=linear.index(default_linear(linear)), key=EXACT_PICKER)
    pred = int(probs[model].argmax())
    this = exact_scores(model, index, pred, CAPTUM_METHODS)
    art, sample = _sample()
    has = art is not None and model in art["linear_models"]
    st.caption(
        f"Correlation of each method's map with `w · x`, the true contribution of each pixel, for {model}'s answer: "
        f"on this digit (class {pred}) and, over {sample if art is not None else 'a sample'}, its median, its 10th to "
        f"90th percentile and the share of digits where it reaches {EXACT_PASS}."
    )
    st.markdown(WHY_EXACT)
    if art is None:
        st.caption(sample)
    rows = spread_rows(exact_spread(art, model) if has else None, {m: s["correlation"] for m, s in this.items()}, LABELS)
    for row, s in zip(rows, this.values()):
        row["relative L1 error, this digit"] = round(s["relative_l1_error"], 4)
    st.markdown(
        "How closely each method's map matches the exact answer: a correlation of 1 is a perfect match, higher is better."
    )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if art is not None:
        st.caption(f"Share of the {sample} where the correlation reaches {EXACT_PASS}, every linear model:")
        st.dataframe(_shares(art, "exact"), width="stretch")


def randomization_table(nets: list[str], index: int, probs: dict[str, np.ndarray]) -> None:
    """Each method's rank correlation before and after randomizing a network: this digit, and over the sample."""
    model = st.selectbox("Network", nets, key=RANDOM_PICKER)
    pred = int(probs[model].argmax())
    this = randomization_scores(model, index, pred, tuple(CAPTUM_METHODS))
    art, sample = _sample()
    has = art is not None and model in art["networks"]
    st.caption(
        "Rank correlation of |map| between the trained network and the same network with every layer re-initialized "
        "(Adebayo et al. 2018), within the ink: near 1 would mean the map shows the input, not the model. A method passes "
        f"on a digit below {RANDOM_PASS}. Over all pixels, methods that multiply by the input keep the digit's silhouette "
        "whatever the weights."
    )
    if art is None:
        st.caption(sample)
    rows = spread_rows(random_spread(art, model) if has else None, {m: ink for m, (_, ink) in this.items()}, LABELS)
    for row, (every, _) in zip(rows, this.values()):
        row["all pixels, this digit"] = round(every, 3)
    st.markdown(
        "How much each map stays the same when the network's weights are scrambled: a map worth trusting changes, "
        "so lower is better."
    )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if art is not None:
        st.caption(f"Share of the {sample} where the map changes (ink correlation below {RANDOM_PASS}), every network:")
        st.dataframe(_shares(art, "random"), width="stretch")
        cascade_chart(art, model)


def cascade_chart(art: dict, model: str) -> None:
    """The cascade: layers re-initialized one at a time from the output down, each method's median over the sample."""
    got = cascade_medians(art, model)
    if got is None:
        st.caption(f"No cascading randomization for {model} in the artifact; rebuild it with `mnistdash trust`.")
        return
    layers, medians = got
    st.markdown(
        f"**Layer by layer.** The same check with {model}'s layers re-initialized one at a time, from the output down "
        f"(cascading randomization, Adebayo et al. 2018), median over {art['cascade_ink'].shape[-1]} digits. A map that "
        "follows the model falls as soon as the top layer is scrambled; one that stays high shows the digit, not "
        "what the network learned."
    )
    widgets.show(
        cascade_curves(layers, medians, LABELS, RANDOM_PASS),
        key=f"cascade_{model}",
        title=f"Cascading randomization of {model}: each map's similarity to the trained model's",
    )
