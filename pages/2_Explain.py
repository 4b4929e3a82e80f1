"""Explain a digit: every model's probabilities, exact linear contributions, and attribution maps."""

import numpy as np
import pandas as pd
import streamlit as st

from mnistdash.config import CLASSIFIERS, IMPORTED, LINEAR_MODELS, TORCH_CLASSIFIERS
from mnistdash.explain import CAPTUM_METHODS, METHODS, has_gradients
from mnistdash.figures import mosaic, symmetric_range
from mnistdash.ui import cache, trust, url, widgets
from mnistdash.ui.compare import chosen_class, comparison_picker
from mnistdash.ui.explain_cache import test_attribution, test_ig
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

url_defaults = {"model": "cnn" if "cnn" in names else names[0], "method": "input-x-gradient"}
url.restore(
    "Explain",
    {
        "digit": lambda v: (st.session_state.update({widgets.SOURCE_KEY: "test"}), url.apply_digit(v, len(cache.split("test"))))[1],
        "model": url.apply_choice("explain_model", names),
        "method": url.apply_choice("explain_method", list(METHODS)),
    },
    url_defaults,
)
index, image, label, digit_caption = widgets.explain_digit()
yours = isinstance(index, str)
st.sidebar.subheader("The map beside the digit")
st.session_state.setdefault("explain_model", url_defaults["model"])
focus = st.sidebar.selectbox("Model", names, key="explain_model")
focus_methods = list(METHODS) if focus in LINEAR_MODELS else list(CAPTUM_METHODS) if has_gradients(models[focus]) else ["occlusion"]
if st.session_state.get("explain_method") not in focus_methods:  # 'exact': linear models only; a graph run by onnxruntime: occlusion only
    st.session_state["explain_method"] = "input-x-gradient" if "input-x-gradient" in focus_methods else focus_methods[0]
focus_method = st.sidebar.selectbox("Method", focus_methods, format_func=lambda m: METHODS[m].label, key="explain_method")
url.publish("Explain", {"digit": None if yours else index, "model": focus, "method": focus_method}, url_defaults)
probs = {n: models[n].predict_proba(image[None])[0] for n in names}

widgets.min_width("explain_probs", 420)
with st.container(horizontal=True, key="explain_top"):  # the chart wraps under the digit on a narrow screen
    with st.container(width=190):
        alt = f"your digit: {digit_caption}" if yours else f"test digit {index}, a handwritten {label}"
        widgets.digit_image(image, digit_caption, alt=alt, px=168)
        focus_pred = int(probs[focus].argmax())
        focus_map = test_attribution(focus, index, focus_method, focus_pred)
        widgets.show(mosaic(focus_map[None], [""], value_name="attribution", cell_px=150, colorbar=False), key="focus_map", toolbar=False)
        st.caption(f"{METHODS[focus_method].label} on {focus} → {focus_pred} (red: toward it)")
    c2 = st.container(key="explain_probs")
with c2:
    second = comparison_picker(index, probs, label)  # model -> its class B, never its own prediction
chosen = chosen_class(index)

# ---- Linear models: the exact decomposition --------------------------------------------------
st.header("Linear models: exact contributions")
linear = [n for n in LINEAR_MODELS if n in models]
if linear:
    lin = st.selectbox("Linear model", linear, index=linear.index("logreg-multinomial") if "logreg-multinomial" in linear else 0)
    model = models[lin]
    pred, other = int(probs[lin].argmax()), second[lin]
    a, b = model.contributions(image, pred), model.contributions(image, other)
    why_b = "your choice" if chosen == other else "its runner-up" + (f": it predicts {chosen} itself" if chosen == pred else "")
    st.markdown(
        f"`logit_c = Σ_i w_ci · x_i + b_c`: every pixel's share of the score, exactly. **{lin}** says **{pred}**; "
        f"the third map is why {pred} and not {other} ({why_b})."
    )
    zmax = symmetric_range(a, b, a - b)
    zoomable_mosaic(
        np.stack([a, b, a - b]),
        [f"toward {pred} (predicted)", f"toward {other}", f"{pred} minus {other}"],
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
nets = [n for n in TORCH_CLASSIFIERS + tuple(IMPORTED) if n in models]
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
    default=[m for m in CAPTUM_METHODS if m != "smoothgrad"],  # SmoothGrad is one click away; it costs 16 backward passes
    format_func=lambda m: METHODS[m].label,
    key="explain_methods",
)
if nets and methods:
    maps, raws, titles, row_titles = [], [], [], []
    for n in nets:
        pred, other = int(probs[n].argmax()), second[n]
        for m in methods:
            if m != "occlusion" and not has_gradients(models[n]):  # an imported graph onnxruntime runs: no gradients
                maps.append(np.zeros((28, 28), np.float32))
                raws.append(np.zeros((28, 28), np.float32))
                titles.append(f"{n} · {METHODS[m].label}: needs gradients, see occlusion")
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
        cols=len(methods),
        zmax=1.0,
        raw=np.stack(raws),
        value_name="attribution",
        cell_px=170,
        row_titles=row_titles,
        col_titles=[METHODS[m].label for m in methods],
    )

    for n in IMPORTED:
        if n in nets:
            st.caption(f"Imported model {n}: explained by {models[n].explained_by}.")
    if "integrated-gradients" in methods:
        gaps = []
        for n in [n for n in nets if has_gradients(models[n])]:
            pred = int(probs[n].argmax())
            ig = test_ig(n, index, pred)
            gaps.append(
                {
                    "model": n,
                    "class": pred,
                    "sum of IG map": f"{ig.total:.4f}",
                    "f(x) - f(black)": f"{ig.delta:.4f}",
                    "completeness gap": f"{ig.gap:.4f} ({100 * ig.relative_gap:.2f}%)",
                    "steps": ig.steps,
                    "within 1%": "yes" if ig.met else "NO: the map does not add up; read it with care",
                }
            )
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

# ---- Checks of the methods ------------------------------------------------------------------
st.header("Can the methods be trusted?")
if linear:
    trust.exact_table(linear, index, probs)
if any(n in models for n in TORCH_CLASSIFIERS):  # built-in networks: an imported graph's weights are not randomized
    trust.randomization_table([n for n in TORCH_CLASSIFIERS if n in models], index, probs)
