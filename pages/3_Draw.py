"""Draw a digit (or upload one) and watch every model read it, with the pixels behind each answer."""

import streamlit as st

from mnistdash.ui import cache, widgets
from mnistdash.ui.draw import canvas, maps, ood
from mnistdash.ui.draw.part import draw_part
from mnistdash.zoo import registry

widgets.page_header(
    "Draw a digit", "Draw white on black like MNIST, or upload a photo of a digit; every model reads it as you draw."
)
widgets.unavailable_notice(registry.classifiers())
canvas.from_link()  # a link's drawing (Draw?strokes=...), before the canvas is drawn

draw_part(cache.models(), cache.classifiers())
# Once per server: the first stroke is as quick as the next.
maps.warm_first_stroke(st.session_state.get("draw_method", "input-x-gradient"))
ood.show_measurement()
