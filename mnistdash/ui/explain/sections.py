"""The Explain page's sections: the exact linear decomposition, the networks' model x method grid with the
integrated-gradients completeness table, and the trust checks. The page calls one function a section."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import streamlit as st

from mnistdash.explain import CAPTUM_METHODS, METHODS, has_gradients, methods_for
from mnistdash.explain.checks import completeness_row, linear_sums
from mnistdash.plots.figures import symmetric_range
from mnistdash.ui import widgets
from mnistdash.ui.explain import trust
from mnistdash.ui.explain.attributions import (
    TwoAtOnce,
    exact_scores,
    grid_calls,
    randomization_scores,
    test_attribution,
    test_ig,
    two_at_once,
)
from mnistdash.ui.explain.faithfulness import digit_srg, srg_table
from mnistdash.ui.zoom import zoomable_mosaic
from mnistdash.zoo import registry
from mnistdash.zoo.registry import LINEAR_MODELS, TORCH_CLASSIFIERS

RANDOM_KEY = "explain_random"  # the randomized-weights section, opened on demand (the URL's random=1)
DEFAULT_METHODS = ["saliency", "input-x-gradient", "integrated-gradients", "occlusion"]  # shown before a click


def linear_section(models: dict, index, image: np.ndarray, probs: dict, second: dict, chosen) -> list[str]:
    """Linear models: the exact decomposition of one model's answer and its class B, and the sum check of all;
    returns the linear models present."""
    st.header("Linear models: exact contributions")
    linear = [n for n in LINEAR_MODELS if n in models]
    if linear:
        lin = st.selectbox(
            "Linear model", linear, index=linear.index("logreg-multinomial") if "logreg-multinomial" in linear else 0
        )
        model = models[lin]
        pred, other = int(probs[lin].argmax()), second[lin]
        a, b = model.contributions(image, pred), model.contributions(image, other)
        why_b = (
            "your choice" if chosen == other else "its runner-up" + (f": it predicts {chosen} itself" if chosen == pred else "")
        )
        st.markdown(
            f"`logit_c = Σ_i w_ci · x_i + b_c`: every pixel's share of the score, exactly. **{lin}** says **{pred}**; "
            f"the third map is why {pred} and not {other} ({why_b})."
        )
        zmax = symmetric_range(a, b, a - b)
        zoomable_mosaic(
            np.stack([a, b, a - b]),
            [f"toward {pred} (predicted)", f"toward {other}", f"{pred} minus {other}"],
            key="linear_maps",
            title=f"Exact pixel contributions (w·x) of {lin}, {widgets.digit_words(index)}",
            caption=f"Toward {pred} (its answer), toward {other}, and the difference; red pushes toward the class, blue away.",
            zmax=zmax,
            value_name="contribution",
            cell_px=230,
        )
        st.caption("Check: the map plus the bias equals the logit, to float precision.")
        st.dataframe(pd.DataFrame(linear_sums(models, linear, image)), hide_index=True, width="stretch")
    return linear


def _nets(models: dict) -> list[str]:
    return [n for n in TORCH_CLASSIFIERS + tuple(registry.imported()) if n in models]


def start_work(models: dict, index, probs: dict) -> TwoAtOnce:
    """Start the grid's maps of each network's answer (the methods picked last time) and the trust section's
    scores on the two cores, while the page draws what comes before them (network_section waits for them)."""
    methods = st.session_state.get("explain_methods", DEFAULT_METHODS) or []
    calls, randomized = trust_calls(models, [n for n in LINEAR_MODELS if n in models], index, probs)
    for n in _nets(models):
        mine = [m for m in methods if m in methods_for(models[n])]
        calls += grid_calls(n, index, mine, [int(probs[n].argmax())], [randomized[1]] if randomized[0] == n else [])
    return TwoAtOnce(calls, COSTLIEST_FIRST)


def network_section(models: dict, index, probs: dict, second: dict, started: TwoAtOnce | None = None) -> None:
    """Networks: a model x method grid of maps (predicted class, class B, or their difference), each map's SRG on
    this digit, then IG's completeness. `started`: the work start_work began, waited for first."""
    if started is not None:
        started.wait()
    st.header("Networks: model × method")
    nets = _nets(models)
    c1, c2 = st.columns([2, 3])
    which = c1.radio(
        "Explain",
        ["predicted class", "class B", "difference"],
        horizontal=True,
        key="explain_which",
        help="B: the class chosen above, or each model's own runner-up (never its own answer).",
    )
    methods = c2.pills(  # chips that wrap on a narrow column (a multiselect clipped its last one)
        "Methods",
        list(CAPTUM_METHODS),
        selection_mode="multi",
        default=DEFAULT_METHODS,  # the others are one click away: SmoothGrad and GradientSHAP cost 16 backward passes
        format_func=lambda m: METHODS[m].label,
        key="explain_methods",
    )
    if nets and methods:
        _compute_two_at_once(models, nets, index, probs, second, which, methods)
        maps, raws, titles, row_titles = [], [], [], []
        for n in nets:
            pred, other = int(probs[n].argmax()), second[n]
            for m in methods:
                if m not in methods_for(models[n]):  # an imported graph: no gradients, or a layer LRP has no rule for
                    maps.append(np.zeros((28, 28), np.float32))
                    raws.append(np.zeros((28, 28), np.float32))
                    need = "needs gradients" if not has_gradients(models[n]) else "a layer it has no rule for"
                    titles.append(f"{n} · {METHODS[m].label}: {need}, see occlusion")
                    title = f"{n} → {pred}"
                    continue
                if which == "predicted class":
                    raw, title = test_attribution(n, index, m, pred), f"{n} → {pred}"
                elif which == "difference":
                    raw = test_attribution(n, index, m, pred) - test_attribution(n, index, m, other)
                    title = f"{n}: {pred} − {other}"
                else:
                    raw, title = test_attribution(n, index, m, other), f"{n} → {other}"
                scale = symmetric_range(raw)
                maps.append(raw / scale)
                raws.append(raw)
                titles.append(f"{title} · {METHODS[m].label}")
            row_titles.append(title)
        st.caption(
            "Rows: models; columns: "
            + ", ".join(METHODS[m].label for m in methods)
            + ". Each map is scaled to its own range (hover shows the raw value); saliency and SmoothGrad are unsigned. "
            "Click a map to enlarge it."
        )
        zoomable_mosaic(
            np.stack(maps),
            titles,
            key="grid",
            title=f"Attribution maps ({which}), {widgets.digit_words(index)}",
            caption="Rows: models; columns: "
            + ", ".join(METHODS[m].label for m in methods)
            + ". Each map scaled to its own range; the CSV holds the raw values.",
            cols=len(methods),
            zmax=1.0,
            raw=np.stack(raws),
            value_name="attribution",
            cell_px=170,
            row_titles=row_titles,
            col_titles=[METHODS[m].label for m in methods],
        )

        for n in registry.imported():
            if n in nets:
                st.caption(f"Imported model {n}: explained by {models[n].explained_by}.")
        srg_table({n: digit_srg(n, index, int(probs[n].argmax()), methods) for n in nets}, methods)
        if "integrated-gradients" in methods:
            gaps = []
            for n in [n for n in nets if has_gradients(models[n])]:
                pred = int(probs[n].argmax())
                ig = test_ig(n, index, pred)
                gaps.append(completeness_row(n, pred, ig))
            missed = [row["model"] for row in gaps if row["within 1%"] != "yes"]
            ig_method = METHODS["integrated-gradients"]
            st.caption(
                "Integrated gradients, completeness: the map should sum to the change in the logit from a black image. "
                f"Steps are added where the sum misses (up to {ig_method.max_steps}, {ig_method.conv_max_steps} for the convnet) "
                "until the gap is within 1%."
            )
            if missed:
                st.warning(
                    f"Integrated gradients do not add up within 1% for {', '.join(missed)} on this digit, even at the step cap."
                )
            st.dataframe(pd.DataFrame(gaps), hide_index=True, width="stretch")


COSTLIEST_FIRST = (
    "integrated-gradients",
    "occlusion",
    "randomization",
    "exact",
    "gradient-shap",
    "smoothgrad",
    "deeplift",
    "lrp",
)


def _compute_two_at_once(models: dict, nets: list[str], index, probs: dict, second: dict, which: str, methods) -> None:
    """The grid's maps (those start_work did not compute: another class), then each row's SRG, on the server's two
    cores into the caches the grid reads (bench/explain_latency.py)."""
    calls = []
    for n in nets:
        pred, other = int(probs[n].argmax()), second[n]
        targets = {"predicted class": [pred], "class B": [other], "difference": [pred, other]}[which]
        calls += grid_calls(n, index, [m for m in methods if m in methods_for(models[n])], targets)
    two_at_once(calls, COSTLIEST_FIRST)
    two_at_once([("srg", functools.partial(digit_srg, n, index, int(probs[n].argmax()), methods)) for n in nets])


def trust_calls(models: dict, linear: list[str], index, probs: dict) -> tuple[list, tuple]:
    """The trust section's work for the models its pickers hold: (cost key, call) pairs that touch no network, and
    (network, call) for the randomized-weights check when it is open ((None, None) when not), which runs every
    method on the network, hooks included, so it goes with that network's maps (start_work)."""
    calls, randomized = [], (None, None)
    if linear:
        model = st.session_state.get(trust.EXACT_PICKER) or trust.default_linear(linear)
        if model in linear:
            calls.append(("exact", functools.partial(exact_scores, model, index, int(probs[model].argmax()), CAPTUM_METHODS)))
    nets = [n for n in TORCH_CLASSIFIERS if n in models]
    if nets and st.session_state.get(RANDOM_KEY):
        model = st.session_state.get(trust.RANDOM_PICKER) or nets[0]
        if model in nets:
            pred = int(probs[model].argmax())
            randomized = (model, functools.partial(randomization_scores, model, index, pred, tuple(CAPTUM_METHODS)))
    return calls, randomized


def trust_section(models: dict, linear: list[str], index, probs: dict) -> None:
    """Can the methods be trusted: against the exact linear answer, and under weight randomization."""
    st.header("Can the methods be trusted?")
    if linear:
        trust.exact_table(linear, index, probs)
    if any(n in models for n in TORCH_CLASSIFIERS):  # built-in networks: an imported graph's weights are not randomized
        # on demand: a network's every method, trained and scrambled, is 65-490 ms of a new digit's rerun
        section = st.expander(
            "Randomized weights: does each map change when the network's weights are scrambled?",
            key=RANDOM_KEY,
            on_change="rerun",
        )
        with section:
            if section.open:
                trust.randomization_table([n for n in TORCH_CLASSIFIERS if n in models], index, probs)
