"""The Draw page's two maps side by side, the bottleneck network's 2-D layer and t-SNE of the pixels, each with the
drawn digit as a star and its 8 nearest test digits ringed and shown as a strip; pictures, light enough per stroke."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mnistdash.draw.live import Reading, nearest
from mnistdash.maps.pictures import base_map, with_point
from mnistdash.maps.placement import K, PixelNeighbours, place
from mnistdash.plots.pictures import png_uri
from mnistdash.ui import cache, widgets


@st.cache_resource(show_spinner=False)
def _base(which: str) -> tuple:
    """The map's picture without the star (drawn once per server) and its frame."""
    emb = cache.artifact("embedding")
    return base_map(emb[which], cache.split("test").labels[emb["index"]])


@st.cache_resource(show_spinner=False)
def _bank() -> PixelNeighbours:
    """The mapped test digits' pixels, for the t-SNE placement."""
    return PixelNeighbours(cache.floats("test")[cache.artifact("embedding")["index"]])


def _map(which: str, point: np.ndarray, rows: np.ndarray, alt: str) -> None:
    emb = cache.artifact("embedding")
    base, frame = _base(which)
    picture = with_point(base, frame, point, emb[which][rows])
    st.markdown(
        f"<figure style='margin:0'><img data-testid='draw-map-{which}' src='{png_uri(picture)}' alt='{alt}' "
        f"style='width:100%;max-width:{frame.size}px'></figure>",
        unsafe_allow_html=True,
    )


def _strip(rows: np.ndarray, key: str) -> None:
    emb = cache.artifact("embedding")
    labels = cache.split("test").labels
    with st.container(horizontal=True, gap="small", key=key):
        for i in emb["index"][rows]:
            with st.container(width=64, gap=None):
                widgets.digit_image(
                    cache.floats("test")[i], f"#{i}: {int(labels[i])}", alt=f"test digit {i}, labelled {int(labels[i])}", px=56
                )


def show_both(reading: Reading) -> None:
    """Both maps with the digit on each (the bottleneck's own code; t-SNE from its nearest digits by pixels)."""
    emb = cache.artifact("embedding")
    if isinstance(emb, str):
        st.info(f"The 2-D maps are unavailable: {emb}", icon="🗺️")
        return
    n = len(emb["index"])
    st.subheader("Where your digit lands on both 2-D maps")
    widgets.min_width("draw_map_left", 360)
    widgets.min_width("draw_map_right", 360)
    with st.container(horizontal=True, gap="large"):
        left, right = st.container(key="draw_map_left"), st.container(key="draw_map_right")
    with left:
        st.markdown("**The bottleneck network's 2-unit layer**")
        if reading.code is None:
            st.info("The bottleneck network is unavailable, so its map has no place for your digit.", icon="⚠️")
        else:
            near = nearest(emb["bottleneck"], reading.code, K)
            _map("bottleneck", reading.code, near, "the bottleneck network's map of the test digits with your digit as a star")
            st.caption(
                f"Your digit's own 2-unit code (the star) among the {n:,} test digits; ringed and below: its {K} nearest on this map."
            )
            _strip(near, "draw_strip_bottleneck")
    with right:
        st.markdown("**t-SNE of the pixels**")
        placed = place(emb["tsne"], _bank(), reading.digit)
        _map("tsne", placed.point, placed.neighbours, "the t-SNE map of the test digits with your digit as a star")
        st.caption(
            f"t-SNE cannot place a new digit itself: the star is the mean of the map positions of your digit's {K} nearest "
            f"test digits by pixels (the space t-SNE mapped), weighted by 1 / distance; ringed and below, those {K}."
        )
        _strip(placed.neighbours, "draw_strip_tsne")


@st.cache_resource(show_spinner=False)
def warm_first_stroke(method: str) -> float:
    """Everything the first stroke on a freshly opened Draw page needs, done once per server while the page opens:
    each model's first reading and map (torch's and Captum's first calls), the digit score's features, both base
    maps and the pixel bank of the t-SNE placement, and one placed picture. Returns the seconds it took."""
    import time

    from mnistdash.draw.live import read_digit
    from mnistdash.ui.draw import ood

    start = time.perf_counter()
    digit = cache.floats("test")[0]
    reading = read_digit(cache.models(), digit, cache.classifiers(), net_method=method, scorer=ood.scorer())
    emb = cache.artifact("embedding")
    if not isinstance(emb, str):
        for which in ("bottleneck", "tsne"):
            _base(which)
        placed = place(emb["tsne"], _bank(), reading.digit)
        base, frame = _base("tsne")
        png_uri(with_point(base, frame, placed.point, emb["tsne"][placed.neighbours]))
    return time.perf_counter() - start
