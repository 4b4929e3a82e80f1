"""The Draw page's "What would make it a ...?": pick a class and a model, see the least ink to add as a faint overlay
on the digit the models see, to trace, with the model's new probabilities (mnistdash.draw.counterfactual does the search)."""

from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st

from mnistdash.draw import counterfactual as cf
from mnistdash.draw.live import Reading
from mnistdash.explain import has_gradients
from mnistdash.plots.pictures import overlay_png
from mnistdash.ui import widgets
from mnistdash.zoo.registry import LINEAR_MODELS

_RESULTS = "cf_results"  # (model, target, digit hash) -> Counterfactual, for this session's drawings
_ASKED = "cf_asked"  # a class or model was just picked: search now, even for a network


def _asked() -> None:
    st.session_state[_ASKED] = True


def _result(model_name: str, model, digit: np.ndarray, target: int):
    """This session's search for the digit, run now if asked or instant (a linear model); None if it waits for a click."""
    key = (model_name, target, hashlib.sha1(digit.tobytes()).hexdigest())
    results = st.session_state.setdefault(_RESULTS, {})
    asked = st.session_state.pop(_ASKED, False)
    if key not in results:
        if not (asked or model_name in LINEAR_MODELS):
            return None
        with st.spinner(f"Searching for the least ink that makes {model_name} read {target} ..."):
            results.clear()  # only the latest drawing's answers are kept
            results[key] = cf.search(model, digit, target)
    return results[key]


def _top(probs: np.ndarray, n: int = 3) -> str:
    order = np.argsort(-probs)[:n]
    return ", ".join(f"{int(c)}: {100 * probs[c]:.0f}%" for c in order)


def show(reading: Reading, models: dict, names: list[str]) -> None:
    """The target and model pickers, then the overlay, the new answer and what the search found."""
    st.subheader("What would make it a ...?")
    st.caption(
        f"The least ink to ADD (pixels only brightened, within {cf.RADIUS} pixels of your strokes) for a model to read "
        "another digit. Linear models: the fewest pixels, straight from the weights (often scattered: such a model weighs "
        f"each pixel alone). Networks: a short gradient search in smooth blobs (at most {cf.TIME_LIMIT:g} s). Trace the orange on the canvas."
    )
    names = [n for n in names if has_gradients(models[n])]  # the search follows gradients (imported onnxruntime graphs: none)
    c1, c2 = st.columns([3, 2])
    target = c1.segmented_control("Make it a", list(range(10)), key="cf_target", on_change=_asked)
    name = c2.selectbox(
        "for the model", names, index=names.index("cnn") if "cnn" in names else 0, key="cf_model", on_change=_asked
    )
    if target is None:
        st.caption("Pick the digit you want the model to read.")
        return
    digit, now = reading.digit, reading.probs[name]
    if int(now.argmax()) == target:
        st.info(f"{name} already reads {target} ({100 * now[target]:.0f}%).", icon="✅")
        return
    result = _result(name, models[name], digit, int(target))
    if result is None:
        st.button("Search for this drawing", key="cf_search", on_click=_asked, help="Your drawing changed since the last search")
        return
    c1, c2 = st.columns([1, 2])
    with c1:
        alt = f"your digit with the ink that makes {name} read {target} in orange"
        c1.markdown(
            f"<figure style='margin:0 0 1rem 0'><img data-testid='cf-overlay' src='{overlay_png(digit, result.added)}' alt='{alt}' "
            f"style='width:100%;max-width:196px;image-rendering:pixelated'><figcaption style='font-size:0.8rem'>in orange: the ink to add</figcaption></figure>",
            unsafe_allow_html=True,
        )
    with c2:
        bound = (
            f"; no fewer than {result.fewest} pixels can do it (a bound from the weights)" if result.fewest is not None else ""
        )
        line = (
            f"{result.pixels} pixels brightened, {result.ink:.1f} of ink added (your digit holds {float(digit.sum()):.1f}){bound}. "
            f"Search: {result.method}, {1000 * result.seconds:.0f} ms, {result.steps} steps."
        )
        runner = int(np.argsort(-np.where(np.arange(10) == target, -1, result.probs))[0])
        if result.small:
            st.markdown(
                f"With the orange ink, **{name}** reads **{target}** at {100 * result.probs[target]:.0f}%, ahead of "
                f"{runner} ({100 * result.probs[runner]:.0f}%) by more than the {100 * cf.LEAD:.0f} points that count as clear "
                f"(was {int(now.argmax())} at {100 * now.max():.0f}%)."
            )
        elif result.flipped and not result.clear:
            st.warning(
                f"Close, not clear: with the orange ink {name} gives {target} {100 * result.probs[target]:.0f}% and "
                f"{runner} {100 * result.probs[runner]:.0f}%, a lead under the {100 * cf.LEAD:.0f} points that count as a clear answer.",
                icon="🔍",
            )
        elif result.flipped:
            st.warning(
                f"No small change found: {name} reads {target} only with {result.ink:.0f} of added ink, more than {cf.MAX_INK:.0f}.",
                icon="🔍",
            )
        else:
            st.warning(
                f"No small change found: the closest the search got, {name} gives {target} {100 * result.probs[target]:.0f}% "
                f"against {runner} {100 * result.probs[runner]:.0f}%.",
                icon="🔍",
            )
        st.caption(f"{line} Its probabilities with the ink: {_top(result.probs)}.")
        widgets.digit_image(
            np.clip(digit + result.added, 0, 1),
            f"what {name} sees with the ink",
            alt=f"your digit with the added ink, as {name} sees it",
            px=112,
        )
