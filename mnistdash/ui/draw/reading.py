"""Figures of the Draw page: probability bars per model, maps over the input, the 2-D map, a photo's steps."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mnistdash.images.preprocess import load_image, to_mnist_steps
from mnistdash.plots.pictures import filmstrip, maps_picture, png_uri
from mnistdash.ui import share, widgets


def show_maps(digit: np.ndarray, maps: dict[str, np.ndarray], titles: list[str], caption: str = "") -> None:
    """The maps' picture in the page (hook: data-testid 'draw-contrib-maps'), with alt text naming each answer, and
    its downloads (each map on its own scale, as in the picture; the CSV also holds the values themselves)."""
    picture = maps_picture(digit, maps, titles)
    alt = "contribution maps over your digit: " + "; ".join(titles)
    st.markdown(
        f"<figure style='margin:0 0 1rem 0'><img data-testid='draw-contrib-maps' src='{png_uri(picture)}' alt='{alt}' "
        f"style='width:100%;max-width:{picture.width}px'></figure>",
        unsafe_allow_html=True,
    )
    values = np.stack([np.asarray(m, np.float32) for m in maps.values()])
    scaled = values / np.maximum(np.abs(values).max(axis=(1, 2), keepdims=True), 1e-12)
    share.picture_downloads(
        scaled, titles, "draw_maps", "Contributions to each model's answer: your drawing", caption, raw=values
    )


def photo_steps(data: bytes, name: str) -> np.ndarray:
    """An uploaded image -> its (28, 28) digit, drawing the threshold and invert overrides and the filmstrip
    of the steps (original, background removed, ink found, crop, 28x28); raises ImageError in one line."""
    image = load_image(data, name)
    threshold = st.slider(
        "Ink threshold (0 = automatic)",
        0.0,
        0.95,
        0.0,
        0.05,
        key="photo_threshold",
        help="The fraction of the ink's darkest that counts as ink; automatic is Otsu's cut above the paper's noise.",
    )
    invert = st.checkbox("Invert", key="photo_invert", help="Read the ink as the other shade (light ink on dark paper, or back).")
    steps = to_mnist_steps(image, threshold=threshold or None, invert=invert)
    labels = ["original", "background removed", "ink found", "crop", "28x28"]
    strip = filmstrip([steps.original, steps.flat, steps.ink, steps.crop, steps.digit], labels)
    src = png_uri(strip)
    st.markdown(  # an <img> with alt text (st.image has none)
        f"<figure data-testid='photo-filmstrip' style='margin:0 0 1rem 0'><img src='{src}' style='width:100%' "
        f"alt='the photo at each step of reading it: {', '.join(labels)}'><figcaption style='font-size:0.8rem'>"
        f"The steps: {' → '.join(labels)}</figcaption></figure>",
        unsafe_allow_html=True,
    )
    how = "automatic" if not threshold else "yours"
    ink = "light on dark" if steps.light_ink else "dark on light"
    kept = (
        "every inked pixel kept"
        if steps.threshold < 0.005
        else f"ink kept where it reaches {100 * steps.threshold:.0f}% of its strongest"
    )
    st.caption(f"Ink: {ink}; {kept} (threshold {how}).")
    return steps.digit


def number_read(models: dict, reader: str):
    """What find_digits reads a number's pieces with: the reader weighted by the digit score (as `mnistdash
    predict --number` does), or the reader alone where the score or its models are missing."""
    from mnistdash.robustness.ood.build import number_reader
    from mnistdash.ui.draw.ood import scorer

    return number_reader(models[reader].predict_proba, models=models, scorer=scorer())


def number_digits(data: bytes, name: str, models: dict, names: list[str]) -> np.ndarray:
    """An uploaded picture of a number -> the (28, 28) digit picked for the full reading below; shows the number
    found (each digit's crop, every model's reading and agreement, the leading model's map) with a pick per digit.
    Raises ImageError in one line."""
    from mnistdash.explain import METHODS
    from mnistdash.images.number import find_digits
    from mnistdash.zoo.linear import LinearModel

    reader = "cnn" if "cnn" in models else names[0]
    number = find_digits(load_image(data, name), number_read(models, reader))
    digits = np.stack([d.digit for d in number.digits])
    probs = {n: models[n].predict_proba(digits) for n in names}
    labels = probs[reader].argmax(1)
    method = "exact" if isinstance(models[reader], LinearModel) else "input-x-gradient"
    maps = METHODS[method](models[reader]).attribute(digits, [int(v) for v in labels])
    text = "".join(str(int(v)) for v in labels)
    st.markdown(
        f"<div data-testid='number-read' data-number='{text}' style='font-size:1.6rem;font-weight:700'>"
        f"The number reads <span style='letter-spacing:0.2em'>{text}</span></div>",
        unsafe_allow_html=True,
    )
    st.caption(f"{len(digits)} digits found, left to right, read by {reader}; each cell: the crop, what the models see, the map.")
    with st.container(horizontal=True, key="number_digits"):
        for k, found in enumerate(number.digits):
            votes = [int(probs[n][k].argmax()) for n in names]
            agree = sum(v == labels[k] for v in votes)
            with st.container(width=120, gap=None, key=f"number_digit_{k}"):
                crop = found.crop / max(float(found.crop.max()), 1e-6)
                widgets.digit_image(
                    crop, f"digit {k + 1}: {labels[k]}", alt=f"digit {k + 1} of the number as found, read {labels[k]}", px=84
                )
                widgets.digit_image(
                    digits[k], f"{agree}/{len(names)} models say {labels[k]}", alt=f"digit {k + 1} as the models see it", px=84
                )
                picture = png_uri(maps_picture(digits[k], {reader: maps[k]}, [f"{reader} map"], columns=1))
                st.markdown(
                    f"<img src='{picture}' alt='{reader}: which pixels push digit {k + 1} toward {labels[k]}' style='width:84px'>",
                    unsafe_allow_html=True,
                )
    pick = st.radio(
        "Explain which digit below",
        list(range(len(digits))),
        format_func=lambda k: f"{k + 1}: {labels[k]}",
        horizontal=True,
        key="number_pick",
    )
    return digits[min(int(pick or 0), len(digits) - 1)]


def read_batch(files, models: dict, reader: str, as_number: bool = False) -> list[dict]:
    """Every uploaded file -> a row: its name and reading (a digit, or a number), or its one-line error; a bad
    file costs only its own row."""
    from mnistdash.images.number import find_digits
    from mnistdash.images.preprocess import ImageError, to_mnist

    rows = []
    for f in files:
        try:
            image = load_image(f.getvalue(), f.name)
            if as_number:
                digits = np.stack([d.digit for d in find_digits(image, number_read(models, reader)).digits])
            else:
                digits = to_mnist(image)[None]
            p = models[reader].predict_proba(digits)
            read = "".join(str(int(v)) for v in p.argmax(1))
            rows.append({"file": f.name, f"{reader} reads": read, "confidence": f"{p.max(1).min():.0%}", "problem": ""})
        except ImageError as exc:
            rows.append({"file": f.name, f"{reader} reads": "", "confidence": "", "problem": str(exc)})
    return rows
