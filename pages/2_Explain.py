"""Explain a digit: every model's probabilities, exact linear contributions, and attribution maps."""

import numpy as np
import pandas as pd
import streamlit as st

from mnistdash.config import CLASSIFIERS, LINEAR_MODELS, TORCH_CLASSIFIERS
from mnistdash.explain import CAPTUM_METHODS, METHODS
from mnistdash.figures import probability_chart, symmetric_range
from mnistdash.ui import cache, widgets
from mnistdash.ui.explain_cache import exact_scores, randomization_scores, test_attribution, test_ig_gap
from mnistdash.ui.zoom import zoomable_mosaic

widgets.page_header("Explain a digit", "Which pixels push each model toward its answer, and away from the one it did not give.")
if not widgets.require_data():
    st.stop()
widgets.unavailable_notice(CLASSIFIERS)
models = cache.models()
names = cache.classifiers()
if not names:
    st.error("No classifier could be loaded; see the notices above.")
    st.stop()

widgets.digit_from_url()
index = widgets.digit_picker()
image = cache.floats("test")[index]
label = int(cache.split("test").labels[index])
probs = {n: models[n].predict_proba(image[None])[0] for n in names}
consensus = np.mean([probs[n] for n in names], axis=0)
runner_up = int(np.argsort(-consensus)[1])

c1, c2 = st.columns([1, 3])
with c1:
    st.image(widgets.upscale(image, 6), caption=f"test digit #{index}, labelled {label}")
with c2:
    widgets.show(probability_chart(probs, label), key="probs")

second = st.sidebar.selectbox(
    "Compare with class",
    list(range(10)),
    index=runner_up,
    key=f"second_{index}",
    help="The 'why A and not B' class; by default the runner-up of all models together.",
)

# ---- Linear models: the exact decomposition --------------------------------------------------
st.header("Linear models: exact contributions")
linear = [n for n in LINEAR_MODELS if n in models]
if linear:
    lin = st.selectbox("Linear model", linear, index=linear.index("logreg-multinomial") if "logreg-multinomial" in linear else 0)
    model = models[lin]
    pred = int(probs[lin].argmax())
    a, b = model.contributions(image, pred), model.contributions(image, second)
    st.markdown(
        f"`logit_c = Σ_i w_ci · x_i + b_c`: every pixel's share of the score, exactly. **{lin}** says **{pred}**; "
        f"the third map is why {pred} and not {second}."
    )
    zmax = symmetric_range(a, b, a - b)
    zoomable_mosaic(
        np.stack([a, b, a - b]),
        [f"toward {pred} (predicted)", f"toward {second}", f"{pred} minus {second}"],
        key="linear_maps",
        zmax=zmax,
        value_name="contribution",
        cell_px=230,
    )
    rows = []
    for n in linear:
        m = models[n]
        logits = m.logits(image[None])[0]
        p = int(logits.argmax())
        total = float(m.contributions(image, p).sum() + m.intercept_[p])
        rows.append(
            {
                "model": n,
                "predicted": p,
                "sum of map + bias": f"{total:.6f}",
                "logit": f"{logits[p]:.6f}",
                "|difference|": f"{abs(total - logits[p]):.1e}",
            }
        )
    st.caption("Check: the map plus the bias equals the logit, to float precision.")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

# ---- Networks: model x method grid ------------------------------------------------------------
st.header("Networks: model × method")
nets = [n for n in TORCH_CLASSIFIERS if n in models]
c1, c2 = st.columns([2, 3])
which = c1.radio("Explain", ["predicted class", f"class {second}", "difference"], horizontal=True)
methods = c2.multiselect(
    "Methods",
    list(CAPTUM_METHODS),
    default=[m for m in CAPTUM_METHODS if m != "smoothgrad"],  # SmoothGrad is one click away; it costs 16 backward passes
    format_func=lambda m: METHODS[m].label,
)
if nets and methods:
    maps, raws, titles, row_titles = [], [], [], []
    for n in nets:
        pred = int(probs[n].argmax())
        for m in methods:
            if which == "predicted class":
                raw, title = test_attribution(n, index, m, pred), f"{n} → {pred}"
            elif which == "difference":
                raw = test_attribution(n, index, m, pred) - test_attribution(n, index, m, second)
                title = f"{n}: {pred} − {second}"
            else:
                raw, title = test_attribution(n, index, m, second), f"{n} → {second}"
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
        cols=len(methods),
        zmax=1.0,
        raw=np.stack(raws),
        value_name="attribution",
        cell_px=170,
        row_titles=row_titles,
        col_titles=[METHODS[m].label for m in methods],
    )

    if "integrated-gradients" in methods:
        gaps = []
        for n in nets:
            pred = int(probs[n].argmax())
            total, delta = test_ig_gap(n, index, pred)
            gaps.append(
                {
                    "model": n,
                    "class": pred,
                    "sum of IG map": f"{total:.4f}",
                    "f(x) - f(black)": f"{delta:.4f}",
                    "completeness gap": f"{abs(total - delta):.4f}",
                }
            )
        st.caption(
            "Integrated gradients, completeness: the map should sum to the change in the logit from a black image (32 steps)."
        )
        st.dataframe(pd.DataFrame(gaps), hide_index=True, width="stretch")

# ---- Checks of the methods ------------------------------------------------------------------
st.header("Can the methods be trusted?")
c1, c2 = st.columns(2)
with c1:
    st.subheader("Against the exact answer")
    if linear:
        ref = "logreg-multinomial" if "logreg-multinomial" in linear else linear[0]
        pred = int(probs[ref].argmax())
        scores = exact_scores(ref, index, pred, tuple(CAPTUM_METHODS))
        st.caption(f"On {ref}, where `w · x` is the true contribution of each pixel, for this digit and class {pred}.")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "method": METHODS[m].label,
                        "correlation with w·x": round(s["correlation"], 4),
                        "relative L1 error": round(s["relative_l1_error"], 4),
                    }
                    for m, s in scores.items()
                ]
            ),
            hide_index=True,
            width="stretch",
        )
with c2:
    st.subheader("Randomized weights")
    if nets:
        ref = st.selectbox("Network", nets, key="rand_model")
        pred = int(probs[ref].argmax())
        rs = randomization_scores(ref, index, pred, tuple(CAPTUM_METHODS))
        st.caption(
            "Rank correlation of |map| between the trained network and the same network with every layer re-initialized "
            "(Adebayo et al. 2018). Over all pixels, methods that multiply by the input keep the digit's silhouette whatever the "
            "weights; within the ink, a correlation near 1 would mean the map shows the input, not the model."
        )
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "method": METHODS[m].label,
                        "all pixels": round(every, 3),
                        "ink pixels": round(ink, 3),
                        "verdict": "follows the model ✔" if ink < 0.5 else "shows the input ✘",
                    }
                    for m, (every, ink) in rs.items()
                ]
            ),
            hide_index=True,
            width="stretch",
        )
