"""The Draw page's "Switch units off": pick a network, a layer and units (or the 5 the answer leans on most, by
gradient x activation), and see the network read the drawing without them after every stroke
(mnistdash.explain.microscope does the zeroing)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mnistdash.draw.live import Reading
from mnistdash.explain import microscope as ms
from mnistdash.plots.figures import before_after_bars
from mnistdash.ui import widgets
from mnistdash.ui.microscope import link
from mnistdash.zoo.base import softmax

OPEN = "draw_ablate"  # the section, opened on demand
MODEL, LAYER = "ablate_model", "ablate_layer"


def units_key(model: str, layer: str) -> str:
    return f"ablate_units_{model}_{layer}"


def _most_needed(module, digit: np.ndarray, layer: ms.Layer, key: str) -> None:
    base = int(ms.ablated_logits(module, digit, layer, []).argmax())
    st.session_state[key] = ms.most_needed(module, digit, layer, base)


def show(reading: Reading, models: dict) -> None:
    section = st.expander("Switch units off: the network's answer without them", key=OPEN, on_change="rerun")
    with section:
        if not section.open:
            return
        nets = [n for n in ms.NETWORKS if n in models]
        if not nets:
            st.info(f"None of {', '.join(ms.NETWORKS)} is loaded here.")
            return
        st.session_state.setdefault(MODEL, "cnn" if "cnn" in nets else nets[0])
        c1, c2 = st.columns(2)
        model = c1.selectbox("Network", nets, key=MODEL)
        module = models[model].module
        found = {layer.name: layer for layer in ms.layers(module)}
        if st.session_state.get(LAYER) not in found:
            st.session_state[LAYER] = next(iter(found))
        name = c2.selectbox("Layer", list(found), key=LAYER, format_func=lambda n: f"{n}: {found[n].about}")
        layer = found[name]
        key = units_key(model, name)
        digit = np.asarray(reading.digit, np.float32)
        st.button(
            "Switch off the 5 units that matter most for this digit",
            key="ablate_most",
            on_click=_most_needed,
            args=(module, digit, layer, key),
            help="The 5 with the largest gradient x activation for the network's answer",
        )
        units = st.multiselect(f"Units of layer {name} switched off (0-{layer.units - 1})", list(range(layer.units)), key=key)
        before = softmax(ms.ablated_logits(module, digit, layer, []))[0]
        after = softmax(ms.ablated_logits(module, digit, layer, units))[0]
        was, now = int(before.argmax()), int(after.argmax())
        if not units:
            st.caption(
                f"{model} reads **{was}** ({100 * before[was]:.0f}%). Pick units, or let the button pick the 5 it leans on."
            )
            return
        change = "changes its answer" if now != was else "keeps its answer"
        st.markdown(
            f"<div data-testid='ablate-answer'>With {len(units)} unit{'s' if len(units) > 1 else ''} of layer {name} off, "
            f"<b>{model} {change}</b>: {was} ({100 * before[was]:.0f}%) → <b>{now}</b> ({100 * after[now]:.0f}%).</div>",
            unsafe_allow_html=True,
        )
        chart = before_after_bars(before, after, (f"{model} as trained", "with the units off"), "probability (%)", (0, 100))
        widgets.show(chart, key="ablate_bars", toolbar=False)
        links = ", ".join(f"[{u}](Microscope{link(model, name, u)})" for u in units)
        st.caption(
            f"Each switched-off unit in the Microscope: {links}. The answers under the canvas while the pen moves (read in "
            "your browser) and the bars above ignore the switch; this one is read on the server after each stroke."
        )
