"""Grids of maps that enlarge on click: a click on a small map opens it large, with its values under the pointer."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import streamlit as st

from mnistdash.plots.figures import mosaic, symmetric_range, zoom_figure
from mnistdash.ui.widgets import show


def enlarge(
    image: np.ndarray, title: str, diverging: bool = True, zmax: float | None = None, value_name: str = "value", raw=None
):
    """A dialog with one map drawn large (hover shows every value), on the colours of the grid it came from."""

    def body():
        fig = zoom_figure(image, title, diverging, zmax, value_name, raw)
        fig.update_layout(title=None, margin=dict(t=40))  # the dialog's own title names it once
        show(fig, key="zoomed_map", title=_plain(title))
        st.caption("Hover a pixel for its value; PNG, SVG and CSV save the map and its values. Close with × or Esc.")

    st.dialog(_plain(title), width="large")(body)()


def _plain(text: str) -> str:
    return text.replace("<br>", " ").replace("<b>", "").replace("</b>", "")


def clicked(event, key: str, count: int, targets: int | None = None) -> int | None:
    """The image a new click selected in a clickable mosaic of `count` images (None when the click is not new).

    The trace after the `count` heatmaps holds the click targets, `targets` points in all, the same number per
    image in image order (each point's customdata also starts with its image).
    """
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    seen_key = f"{key}__zoomed"
    if not points:
        st.session_state.pop(seen_key, None)
        return None
    p = points[0]
    curve, data = p.get("curve_number"), p.get("customdata")
    index = p.get("point_index", p.get("point_number"))
    signature = (curve, p.get("x"), p.get("y"))
    if curve != count or signature == st.session_state.get(seen_key):
        return None
    st.session_state[seen_key] = signature
    if index is not None and targets:
        image = int(index) * count // targets
    elif data:
        image = int(round(float(data[0])))
    else:
        return None
    return image if 0 <= image < count else None


def zoomable_mosaic(
    images: np.ndarray,  # (K, H, W)
    titles: Sequence[str],
    key: str,
    diverging: bool = True,
    zmax: float | None = None,
    value_name: str = "value",
    raw: np.ndarray | None = None,
    title: str | None = None,
    caption: str = "",
    **layout,
):
    """`figures.mosaic` shown clickable: a click on an image opens it enlarged in a dialog with hover values;
    `title` and `caption` go with its downloads (say the model, digit and method)."""
    images = np.asarray(images, np.float32)
    if zmax is None:
        zmax = symmetric_range(images) if diverging else (float(images.max()) or 1.0)
    fig = mosaic(images, titles, diverging=diverging, zmax=zmax, value_name=value_name, raw=raw, clickable=True, **layout)
    event = show(fig, key=key, title=title, caption=caption, on_select="rerun", selection_mode="points")
    i = clicked(event, key, len(images), len(fig.data[-1].x))
    if i is not None:
        name = f"{title}: {_plain(str(titles[i]))}" if title else str(titles[i])
        enlarge(images[i], name, diverging, zmax, value_name, None if raw is None else raw[i])
    return event


def enlarge_picker(images: np.ndarray, captions: Sequence[str], key: str, value_name: str = "ink") -> None:
    """One line above a grid of digit thumbnails: choose one and it opens enlarged, with its pixel values."""

    def chosen():
        st.session_state[f"{key}__open"] = st.session_state[key]
        st.session_state[key] = None  # the same digit can be chosen again

    st.selectbox(
        "Enlarge a digit",
        range(len(captions)),
        index=None,
        format_func=lambda j: captions[j],
        key=key,
        on_change=chosen,
        placeholder="choose one of the digits below to see it large, with the value of every pixel",
    )
    j = st.session_state.pop(f"{key}__open", None)
    if j is not None and j < len(images):
        enlarge(images[j], _plain(str(captions[j])), diverging=False, zmax=1.0, value_name=value_name)
