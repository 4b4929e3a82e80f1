"""Explain a digit: every model's probabilities, exact linear contributions, and attribution maps."""

import streamlit as st

from mnistdash.explain import METHODS, methods_for
from mnistdash.plots.figures import mosaic
from mnistdash.ui import cache, url, widgets
from mnistdash.ui.explain import sections as explain_views
from mnistdash.ui.explain.attributions import test_attribution
from mnistdash.ui.explain.compare import chosen_class, comparison_picker
from mnistdash.ui.explain.faithfulness import STRIP_KEY, digit_section
from mnistdash.ui.explain.influence import INFLUENCE_KEY, influence_section
from mnistdash.zoo import registry

widgets.page_header("Explain a digit", "Which pixels push each model toward its answer, and away from the one it did not give.")
if not widgets.require_data():
    st.stop()
widgets.unavailable_notice(registry.classifiers())
models = cache.models()
names = cache.classifiers()
if not names:
    st.error("No classifier could be loaded; see the notices above.")
    st.stop()

url_defaults = {
    "model": "cnn" if "cnn" in names else names[0],
    "method": "input-x-gradient",
    "strip": "0",
    "random": "0",
    "influence": "0",
}
url.restore(
    "Explain",
    {
        "digit": lambda v: (st.session_state.update({widgets.SOURCE_KEY: "test"}), url.apply_digit(v, len(cache.split("test"))))[
            1
        ],
        "model": url.apply_choice("explain_model", names),
        "method": url.apply_choice("explain_method", list(METHODS)),
        "strip": url.apply_open(STRIP_KEY),
        "random": url.apply_open(explain_views.RANDOM_KEY),
        "influence": url.apply_open(INFLUENCE_KEY),
    },
    url_defaults,
)
index, image, label, digit_caption = widgets.explain_digit()
yours = isinstance(index, str)
st.sidebar.subheader("The map beside the digit")
st.session_state.setdefault("explain_model", url_defaults["model"])
focus = st.sidebar.selectbox("Model", names, key="explain_model")
focus_methods = methods_for(models[focus])
if (
    st.session_state.get("explain_method") not in focus_methods
):  # 'exact': linear models only; a graph run by onnxruntime: occlusion only
    st.session_state["explain_method"] = "input-x-gradient" if "input-x-gradient" in focus_methods else focus_methods[0]
focus_method = st.sidebar.selectbox("Method", focus_methods, format_func=lambda m: METHODS[m].label, key="explain_method")
url.publish(
    "Explain",
    {
        "digit": None if yours else index,
        "model": focus,
        "method": focus_method,
        "strip": url.opened(STRIP_KEY),
        "random": url.opened(explain_views.RANDOM_KEY),
        "influence": url.opened(INFLUENCE_KEY),
    },
    url_defaults,
)
probs = {n: models[n].predict_proba(image[None])[0] for n in names}
focus_pred = int(probs[focus].argmax())
focus_map = test_attribution(focus, index, focus_method, focus_pred)  # before the work below: its hooks, if any
started = explain_views.start_work(models, index, probs)  # the grid's maps, on the two cores while the top is drawn

widgets.min_width("explain_probs", 420)
with st.container(horizontal=True, key="explain_top"):  # the chart wraps under the digit on a narrow screen
    with st.container(width=190):
        alt = f"your digit: {digit_caption}" if yours else f"test digit {index}, a handwritten {label}"
        widgets.digit_image(image, digit_caption, alt=alt, px=168, download="explain_digit")
        widgets.show(
            mosaic(focus_map[None], [""], value_name="attribution", cell_px=150, colorbar=False),
            key="focus_map",
            toolbar=False,
            title=f"{METHODS[focus_method].label} map of {focus}, {widgets.digit_words(index)}",
            caption=f"{focus} reads {focus_pred}; red pixels push toward {focus_pred}, blue away.",
        )
        st.caption(f"{METHODS[focus_method].label} on {focus} → {focus_pred} (red: toward it)")
    c2 = st.container(key="explain_probs")
with c2:
    second = comparison_picker(index, probs, label)  # model -> its class B, never its own prediction
chosen = chosen_class(index)

linear = explain_views.linear_section(models, index, image, probs, second, chosen)
explain_views.network_section(models, index, probs, second, started)
explain_views.trust_section(models, linear, index, probs)
strip = st.expander(  # on demand: every method of the focus model, its maps and curves, is ~200 ms of a new digit
    f"This digit, pixels removed in each map's order ({focus}, class {focus_pred}): every method's deletion strip",
    key=STRIP_KEY,
    on_change="rerun",
)
with strip:
    if strip.open:
        digit_section(focus, index, focus_pred)
influence_section(models, index, probs)
st.page_link(
    "pages/10_Trust_the_maps.py",
    label="Which map to trust, every method scored on every model, and a planted shortcut as ground truth: Trust the maps",
    icon="⚖️",
)
