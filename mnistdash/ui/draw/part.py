"""The Draw page's fragment: the input (the canvas or uploads), every model's reading of it with the headline and
the bars, the maps behind each answer, the batch table, the timeline and the counterfactual. A stroke, Undo, Clear
or a pick reruns only this, not the whole page."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mnistdash.draw.headline import accuracies, verdict
from mnistdash.draw.live import read_digit
from mnistdash.explain import CAPTUM_METHODS, METHODS
from mnistdash.images.drawing import canvas_digit
from mnistdash.images.preprocess import ImageError
from mnistdash.plots.figures import probability_bars
from mnistdash.ui import cache, widgets
from mnistdash.ui.draw import ablation, canvas, counterfactual, maps, ood, timeline
from mnistdash.ui.draw import reading as draw
from mnistdash.ui.draw.headline import show_verdict


def _upload(models: dict, names: list[str]) -> tuple[np.ndarray | None, str | None]:
    """(image, problem) of the upload widget: the picked file of several, read as one digit or as a number."""
    uploads = st.file_uploader(
        "PNGs or JPEGs of digits (dark on light paper works too); several at once are each read",
        type=["png", "jpg", "jpeg", "bmp", "gif", "webp"],
        accept_multiple_files=True,
        key="upload",
    )
    as_number = st.toggle("A number: several digits in a row", key="upload_number")
    upload = None
    if len(uploads) > 1:
        names_up = [f.name for f in uploads]
        chosen = st.selectbox("Read in full", range(len(uploads)), format_func=lambda i: names_up[i], key="upload_pick")
        upload = uploads[min(chosen or 0, len(uploads) - 1)]
    elif uploads:
        upload = uploads[0]
    if upload is None:
        return None, "Upload an image of a digit, or of a number with the toggle on."
    try:
        if as_number:
            return draw.number_digits(upload.getvalue(), upload.name, models, names), None  # the picked digit
        return draw.photo_steps(upload.getvalue(), upload.name), None  # (28, 28), the steps shown
    except ImageError as exc:
        st.error(str(exc), icon="🚫")
        return None, "Try another image."


def _input(models: dict, names: list[str]) -> tuple[str, np.ndarray | None, str | None, str]:
    """(source, image, problem, method): what to read, why there is nothing to read, and the networks' map."""
    source = st.radio("Input", ["draw", "upload"], horizontal=True, key="draw_source")
    image, problem = None, None
    if source == "draw":
        image = canvas.drawing(st.session_state.get("stroke", 20))
        canvas.to_link(True)
        st.slider("Stroke width", 8, 40, 20, key="stroke")
        if image is None or np.asarray(image)[..., :3].max() == 0:
            image, problem = None, "Draw a digit on the canvas to see what every model makes of it."
    else:
        canvas.park()
        canvas.to_link(False)
        image, problem = _upload(models, names)
    method = st.selectbox(
        "Map for the networks",
        list(CAPTUM_METHODS),
        index=list(CAPTUM_METHODS).index("input-x-gradient"),
        format_func=lambda m: METHODS[m].label,
        key="draw_method",
    )
    return source, image, problem, method


def _where_from(source: str) -> str:
    """A caption for the digit sent to Explain: drawn, or which upload (and which digit of a number)."""
    if source == "draw":
        return "drawn on the canvas"
    uploads = st.session_state.get("upload") or []
    name = uploads[min(st.session_state.get("upload_pick") or 0, len(uploads) - 1)].name if uploads else "an upload"
    if st.session_state.get("upload_number"):
        return f"digit {int(st.session_state.get('number_pick') or 0) + 1} of the number in {name}"
    return f"uploaded as {name}"


def _results(reading, problem: str | None, source: str) -> None:
    """The digit as the models see it, the headline and every model's bars; or why there is nothing to show."""
    if reading is None:
        st.info(problem or "No classifier could be loaded.", icon="✏️")
        return
    ood.show_notice(reading)
    c1, c2 = st.columns([1, 2])
    with c1:
        widgets.digit_image(
            reading.digit,
            "what the models see (28x28)",
            alt="your digit as the models see it, 28 by 28 pixels",
            px=140,
            download="draw_digit",
        )
        if st.button(
            "🔍 Explain it in full", key="draw_to_explain", help="Every model and method on this digit, on the Explain page"
        ):
            widgets.send_to_explain(reading.digit, _where_from(source))
    show_verdict(c2, verdict(reading.probs, accuracies(cache.manifest())))
    st.session_state["drawn_digit"] = reading.digit  # the Adversarial page can attack it
    widgets.show(probability_bars(reading.probs), key="draw_bars")


@st.fragment
def draw_part(models: dict, names: list[str]) -> None:
    """Everything a stroke changes."""
    # At 1400x1000 the input, the verdict, the 28x28 view and every model's answer share the first screen;
    # on a narrow screen the results wrap under the input instead of squeezing the canvas.
    widgets.min_width("draw_results", 420)
    with st.container(horizontal=True, gap="medium", key="draw_top"):
        wide = st.session_state.get("draw_source", "draw") != "draw"
        with st.container(width=520 if wide else 300, key="draw_input"):
            source, image, problem, method = _input(models, names)
        reading = None
        if image is not None and names:
            try:
                digit = canvas_digit(image) if source == "draw" else image  # the recipe the browser repeats
                reading = read_digit(models, digit, names, net_method=method, scorer=ood.scorer())
            except ImageError as exc:
                problem = f"{exc}." if "no digit" in str(exc) else str(exc)
        with st.container(key="draw_results"):
            _results(reading, problem, source)

    if reading is not None:
        st.subheader("Why: contributions to each model's answer")
        st.caption(
            f"Linear models: exact w·x. Networks: {METHODS[method].label}. Red pushes toward the model's answer; the outline is your digit."
        )
        titles = [f"{n}: {int(reading.probs[n].argmax())}" for n in reading.maps]
        draw.show_maps(  # one picture: light to send and to draw
            reading.digit,
            reading.maps,
            titles,
            f"Linear models: exact w·x; networks: {METHODS[method].label}. Red toward the model's answer.",
        )
        maps.show_both(reading)  # the bottleneck's map and t-SNE side by side, each with its 8 nearest digits
    if source == "upload" and len(st.session_state.get("upload") or []) > 1 and names:
        reader = "cnn" if "cnn" in names else names[0]
        st.subheader("Every file uploaded")
        with st.container(key="upload_batch"):  # a plain table: its text is in the page, for people and readers alike
            st.table(draw.read_batch(st.session_state["upload"], models, reader, st.session_state.get("upload_number", False)))
    if source == "draw":
        timeline.show(timeline.update(reading))  # every model's answer after each stroke
    if reading is not None:
        counterfactual.show(reading, models, names)  # what would make it a ...?
        ablation.show(reading, models)  # the networks without some of their units
