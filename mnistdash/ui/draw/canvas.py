"""The drawing canvas (our own components-v2 component) with Undo and Clear always in view; the drawing survives a
switch to upload and back.

The component (mnistdash/ui/draw/components) draws white on black, reads the drawing with every model in the
browser while the pen moves (the networks through the vendored onnxruntime-web, from ONNX exported at server start), and on release sends its strokes and the picture (a PNG). The strokes and a picture
per stroke live here in session state: Undo and Clear change them and pass a new `version`, and the component
redraws what it is given; Undo hands back the picture before the last stroke without a round trip.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np
import streamlit as st
from PIL import Image

from mnistdash.draw import link as strokes_link
from mnistdash.draw.browser_models import linear_payload, network_payload, onnx_payload
from mnistdash.draw.headline import accuracies, leader
from mnistdash.ui import cache

_HERE = Path(__file__).parent / "components"
_STATE = "draw_canvas"  # strokes; pictures: a PNG data URI after each stroke; version; seq: the last one taken
_SENT = "draw_canvas_models"  # the browser has this session's models (sent once, kept in the page)
_FALLBACK = "draw_canvas_fallback"  # onnxruntime-web failed in this page: send the networks as plain-JS layers
_FALLBACK_SENT = "draw_canvas_fallback_sent"
_draw = st.components.v2.component(
    "mnistdash_draw", html="", css=(_HERE / "draw.css").read_text(), js=(_HERE / "draw.js").read_text()
)


@st.cache_resource(show_spinner=False)
def _payload() -> dict:
    """The models for the browser (built once per server): the linear ones as weights, the networks as ONNX."""
    from mnistdash.zoo.onnx.check import OnnxRefused

    models, names = cache.models(), cache.classifiers()
    try:
        nets = {"onnx": onnx_payload(names)}
    except (ImportError, RuntimeError, OSError, OnnxRefused):  # no ONNX export here: the plain-JS layers instead
        nets = {"nets": _fallback()}
    return {"models": linear_payload(models, names), **nets}


@st.cache_resource(show_spinner=False)
def _fallback() -> list[dict]:
    """The networks as plain-JS layers, only for a page where onnxruntime-web did not load."""
    return network_payload(cache.models(), cache.classifiers())


@st.cache_resource(show_spinner=False)
def _leader() -> str:
    """The model the page's headline follows (the verdict's rule: the most accurate network present)."""
    names = cache.classifiers()
    return leader(names, accuracies(cache.manifest())) if names else ""


def _state() -> dict:
    return st.session_state.setdefault(_STATE, {"strokes": [], "pictures": [], "version": 0, "seq": None, "resend": False})


def _picture(uri: str | None) -> np.ndarray | None:
    if not uri or not uri.startswith("data:image/png;base64,"):
        return None
    with Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as im:
        return np.asarray(im.convert("RGBA"))


def _undo() -> None:
    s = _state()
    s["strokes"], s["pictures"] = s["strokes"][:-1], s["pictures"][:-1]
    s["version"] += 1
    s["resend"] = bool(s["strokes"]) and not (s["pictures"] and s["pictures"][-1])  # strokes that came together


def _clear() -> None:
    s = _state()
    s["strokes"], s["pictures"], s["version"], s["resend"] = [], [], s["version"] + 1, False


def _take(sent: dict | None) -> None:
    """A drawing the component sent since the last run (a new stroke, or a picture it was asked to resend)."""
    s = _state()
    if not sent or sent.get("version") != s["version"] or sent.get("seq") == s["seq"]:
        return  # nothing new, or from before an Undo / Clear
    strokes = list(sent.get("strokes") or [])
    s["seq"], s["resend"] = sent.get("seq"), False
    s["pictures"] = (s["pictures"] + [None] * len(strokes))[: len(strokes) - 1] + [sent.get("png")]
    s["strokes"] = strokes


def drawing(stroke_width: int, size: int = 280) -> np.ndarray | None:
    """The canvas, then Undo and Clear under it; returns the (size, size, 4) RGBA drawing, None before any."""
    s = _state()
    models = {} if st.session_state.get(_SENT) else _payload()  # about 7 MB once per session, then nothing
    if st.session_state.get(_FALLBACK) and not st.session_state.get(_FALLBACK_SENT):
        models, st.session_state[_FALLBACK_SENT] = {**models, "nets": _fallback()}, True
    data = {
        "stroke_width": stroke_width,
        "size": size,
        "version": s["version"],
        "strokes": s["strokes"],
        "resend": s["resend"],
        "leader": _leader(),
        **models,
    }
    result = _draw(
        key="draw_canvas_component",
        data=data,
        default={"drawing": None, "net_path": None},
        on_drawing_change=lambda: None,
        on_net_path_change=lambda: st.session_state.__setitem__(_FALLBACK, True),
        width=size + 4,
    )
    st.session_state[_SENT] = True
    _take(result.drawing)
    with st.container(horizontal=True, gap="small"):
        st.button("↶ Undo", key="draw_undo", disabled=not s["strokes"], help="Remove the last stroke", on_click=_undo)
        st.button("✕ Clear", key="draw_clear", disabled=not s["strokes"], help="Start again on an empty canvas", on_click=_clear)
    image = _picture(s["pictures"][-1]) if s["pictures"] else None
    if image is not None and image.shape[:2] != (size, size):
        image = np.asarray(Image.fromarray(image).resize((size, size), Image.Resampling.BILINEAR))
    return image


def park() -> None:
    """The canvas leaves the page (upload chosen): it redraws the kept strokes when it returns."""
    s = _state()
    s["version"] += 1
    for key in (_SENT, _FALLBACK_SENT):
        st.session_state.pop(key, None)  # a component mounted afresh may be in a page that lost them


LINK = "strokes"  # the address's parameter: Draw?strokes=... (mnistdash.draw.link)
_LINKED = "draw_canvas_linked"  # the strokes text this session last wrote to or read from the address


def from_link(size: int = 280) -> None:
    """Draw the address's strokes on the canvas when they are new to this session (a shared link, Back, reload);
    the browser redraws them and sends the picture, which the models then read."""
    text = st.query_params.get(LINK)
    if text is None or text == st.session_state.get(_LINKED):
        return
    st.session_state[_LINKED] = text
    try:
        drawn = strokes_link.decode(text, size)
    except strokes_link.StrokesError as exc:
        st.warning(f"The link's drawing {exc}; the canvas starts empty. Draw again, or copy the link once more.", icon="🔗")
        return
    s = _state()
    s["strokes"], s["pictures"], s["version"], s["resend"] = drawn, [None] * len(drawn), s["version"] + 1, bool(drawn)
    st.session_state["draw_source"] = "draw"


def to_link(drawing: bool) -> None:
    """Write the canvas's strokes to the address (one history entry per stroke; nothing when the canvas is empty
    or an upload is shown), leaving the page's other parameters as they are."""
    text = strokes_link.encode(_state()["strokes"]) if drawing else ""
    st.session_state[_LINKED] = text or None
    if text and st.query_params.get(LINK) != text:
        st.query_params[LINK] = text
    elif not text and LINK in st.query_params:
        del st.query_params[LINK]


def stroke_count() -> int:
    """Strokes in the current drawing (0 before any, after Clear or Undo of the last)."""
    return len(_state()["strokes"])
