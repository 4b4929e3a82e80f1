"""The drawing canvas with Undo and Clear buttons always in view; the drawing survives a switch to upload and back.

streamlit-drawable-canvas shows its own toolbar only on hover. It reloads (and sends back) whatever
`initial_drawing` it is given whenever that changes, so Undo passes the drawing less its last stroke and
Clear an empty one, each with a new `version` so that two clears in a row are two changes. A canvas
that leaves the page loses its state; `park` keeps the last drawing to hand back when it returns.
"""

from __future__ import annotations

import numpy as np
import streamlit as st
from streamlit_drawable_canvas import st_canvas

_STATE = "draw_canvas"  # json: the last drawing sent; image: its RGBA pixels; initial: what the canvas was given


def _state() -> dict:
    return st.session_state.setdefault(_STATE, {"json": None, "image": None, "initial": None, "version": 0})


def _objects(drawing: dict | None) -> list:
    return list((drawing or {}).get("objects", []))


def _reload(s: dict, objects: list) -> None:
    s["version"] += 1
    s["initial"] = {"objects": objects, "version": s["version"]}


def drawing(stroke_width: int, size: int = 280) -> np.ndarray | None:
    """The canvas, then Undo and Clear under it; returns the (size, size, 4) RGBA drawing, None before any."""
    s = _state()
    result = st_canvas(
        stroke_width=stroke_width,
        stroke_color="#FFFFFF",
        background_color="#000000",
        height=size,
        width=size,
        drawing_mode="freedraw",
        initial_drawing=s["initial"],
        return_image_data=True,
        key="canvas",
    )
    try:
        image = result.image_data
    except Exception:  # the canvas has not sent anything yet
        image = None
    if image is None and _objects(result.json_data) == _objects(s["json"]):
        image = s["image"]  # a canvas back from a switch to upload shows the parked drawing but sends nothing yet
    else:
        s["json"], s["image"] = result.json_data, image
    strokes = _objects(s["json"])
    with st.container(horizontal=True, gap="small"):
        if st.button("↶ Undo", key="draw_undo", disabled=not strokes, help="Remove the last stroke"):
            _reload(s, strokes[:-1])
            st.rerun()  # the canvas redraws itself without the stroke and sends the new picture
        if st.button("✕ Clear", key="draw_clear", disabled=not strokes, help="Start again on an empty canvas"):
            _reload(s, [])
            st.rerun()
    return image


def park() -> None:
    """The canvas leaves the page (upload chosen): hand the last drawing back to it when it returns."""
    s = _state()
    if s["json"] is not None and _objects(s["initial"]) != _objects(s["json"]):
        _reload(s, _objects(s["json"]))


def stroke_count() -> int:
    """Strokes in the current drawing (0 before any, after Clear or the toolbar's reset)."""
    return len(_objects(_state()["json"]))
