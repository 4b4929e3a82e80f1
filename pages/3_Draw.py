"""Draw a digit (or upload one) and watch every model read it, with the pixels behind each answer."""

import numpy as np
import streamlit as st
from streamlit_drawable_canvas import st_canvas

from mnistdash.config import CLASSIFIERS
from mnistdash.explain import CAPTUM_METHODS, METHODS
from mnistdash.live import nearest, read_digit
from mnistdash.preprocess import ImageError
from mnistdash.ui import cache, draw, widgets

widgets.page_header(
    "Draw a digit", "Draw white on black like MNIST, or upload a photo of a digit; every model reads it as you draw."
)
widgets.unavailable_notice(CLASSIFIERS)
models = cache.models()
names = cache.classifiers()

left, right = st.columns([1, 2])
with left:
    source = st.radio("Input", ["draw", "upload"], horizontal=True, key="draw_source")
    image, problem = None, None
    if source == "draw":
        width = st.slider("Stroke width", 8, 40, 20, key="stroke")
        result = st_canvas(
            stroke_width=width,
            stroke_color="#FFFFFF",
            background_color="#000000",
            height=280,
            width=280,
            drawing_mode="freedraw",
            return_image_data=True,
            key="canvas",
        )
        st.caption("Undo, redo and clear are in the canvas toolbar.")
        try:
            image = result.image_data
        except Exception:  # the canvas has not sent anything yet
            image = None
        if image is None or np.asarray(image)[..., :3].max() == 0:
            image, problem = None, "Draw a digit on the canvas to see what every model makes of it."
    else:
        upload = st.file_uploader(
            "A PNG or JPEG of one digit (dark on light paper works too)",
            type=["png", "jpg", "jpeg", "bmp", "gif", "webp"],
            key="upload",
        )
        if upload is None:
            problem = "Upload an image of a single digit."
        else:
            try:
                image = draw.photo_steps(upload.getvalue(), upload.name)  # (28, 28), the steps shown
            except ImageError as exc:
                st.error(str(exc), icon="🚫")
                problem = "Try another image."
    method = st.selectbox(
        "Map for the networks",
        list(CAPTUM_METHODS),
        index=list(CAPTUM_METHODS).index("input-x-gradient"),
        format_func=lambda m: METHODS[m].label,
        key="draw_method",
    )

reading = None
if image is not None and names:
    try:
        reading = read_digit(models, image, names, net_method=method)
    except ImageError as exc:
        problem = f"{exc}." if "no digit" in str(exc) else str(exc)

with right:
    if reading is None:
        st.info(problem or "No classifier could be loaded.", icon="✏️")
    else:
        votes = {n: int(p.argmax()) for n, p in reading.probs.items()}
        top = max(set(votes.values()), key=list(votes.values()).count)
        c1, c2 = st.columns([1, 2])
        c1.image(widgets.upscale(reading.digit, 5), caption="what the models see (28x28)")
        c2.markdown(
            f"<div style='font-size:96px;font-weight:700;line-height:1' data-testid='draw-verdict'>{top}</div>",
            unsafe_allow_html=True,
        )
        agree = sum(v == top for v in votes.values())
        c2.markdown(
            f"**{agree} of {len(votes)}** models read **{top}**"
            + ("" if agree == len(votes) else ": " + ", ".join(f"{n} → {v}" for n, v in votes.items() if v != top))
        )
        c2.markdown(" · ".join(f"`{n}` **{v}**" for n, v in votes.items()), help="every model's answer")

if reading is not None:
    widgets.show(draw.probability_bars(reading.probs), key="draw_bars")
    st.subheader("Why: contributions to each model's answer")
    st.caption(
        f"Linear models: exact w·x. Networks: {METHODS[method].label}. Red pushes toward the model's answer; the outline is your digit."
    )
    titles = [f"{n} → {int(reading.probs[n].argmax())}" for n in reading.maps]
    widgets.show(draw.overlay_maps(reading.digit, reading.maps, titles), key="draw_maps")
    emb = cache.artifact("embedding")
    if reading.code is not None and not isinstance(emb, str):
        st.subheader("Where your digit lands on the bottleneck network's 2-D map")
        labels = cache.split("test").labels[emb["index"]]
        near = nearest(emb["bottleneck"], reading.code, 8)
        shown = np.union1d(np.arange(0, len(labels), 4), near)  # 1 in 4 test digits keeps each stroke's redraw light
        c1, c2 = st.columns([3, 2])
        with c1:
            st.caption(
                f"{len(shown):,} of the {len(labels):,} test digits; circled: the 8 nearest to yours (all 10,000 are on the 2-D maps page)."
            )
            widgets.show(
                draw.map_with_point(emb["bottleneck"][shown], labels[shown], reading.code, np.searchsorted(shown, near)),
                key="draw_map",
            )
        with c2:
            st.markdown("**Its nearest test digits on the map**")
            idx = emb["index"][near]
            st.image(
                [widgets.upscale(cache.floats("test")[i], 3) for i in idx],
                caption=[f"#{i}: {cache.split('test').labels[i]}" for i in idx],
                width=84,
            )
