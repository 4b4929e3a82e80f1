"""Figures of the Draw page: probability bars per model, maps over the input, the 2-D map, a photo's steps."""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from PIL import Image, ImageDraw, ImageFont

from mnistdash import panels
from mnistdash.figures import DIVERGING
from mnistdash.preprocess import load_image, to_mnist_steps
from mnistdash.ui import widgets

FILM_CELL = 160  # px of each frame's cell in a photo's filmstrip
MAP_SCALE = 5  # px per pixel of each contribution map in the maps' picture


def probability_bars(probs: dict[str, np.ndarray]) -> go.Figure:
    """Each model's ten probabilities as bars, its answer in red; as many per row as have titles that fit at 800 px."""
    names = list(probs)
    titles = [f"{name}: <b>{int(probs[name].argmax())}</b>" for name in names]
    cols = panels.columns_that_fit(titles)
    rows = -(-len(names) // cols)
    wrapped = panels.fit(titles, panels.MIN_FIGURE_PX / cols - 4) or titles
    title_px = max(panels.lines(t) for t in wrapped) * panels.LINE_PX + 4
    bar_px, tick_px = 90, 18
    row_px = title_px + bar_px + tick_px
    paper_h = rows * row_px
    layout, traces, notes = {}, [], []
    for i, name in enumerate(names):
        r, c = divmod(i, cols)
        suffix = "" if i == 0 else str(i + 1)
        dom = [c / cols + 0.006, (c + 1) / cols - 0.006]
        top = 1 - (r * row_px + title_px) / paper_h
        layout[f"xaxis{suffix}"] = dict(
            domain=dom, anchor=f"y{suffix}", tickmode="array", tickvals=list(range(10)), tickfont=dict(size=9), fixedrange=True
        )
        layout[f"yaxis{suffix}"] = dict(
            domain=[top - bar_px / paper_h, top],
            anchor=f"x{suffix}",
            range=[0, 1],
            showticklabels=c == 0,
            fixedrange=True,
            matches=None if i == 0 else "y",
        )
        p = probs[name]
        top_class = int(p.argmax())
        traces.append(
            go.Bar(
                x=list(range(10)),
                y=p,
                xaxis=f"x{suffix}",
                yaxis=f"y{suffix}",
                showlegend=False,
                marker_color=["#d62728" if k == top_class else "#9ecae1" for k in range(10)],
                hovertemplate=f"{name}<br>class %{{x}}: %{{y:.3f}}<extra></extra>",
            )
        )
        notes.append(panels.title_note(sum(dom) / 2, top, wrapped[i]))
    return go.Figure(
        data=traces,
        layout=go.Layout(
            **layout,
            annotations=notes,
            height=paper_h + panels.MODEBAR_PX,
            margin=dict(l=0, r=0, t=panels.MODEBAR_PX, b=0),
            bargap=0.15,
        ),
    )


def _diverging_lut() -> np.ndarray:
    """(256, 3) uint8: the diverging colour scale (blue, white, red) sampled at 256 steps."""
    from plotly.colors import get_colorscale, sample_colorscale, unlabel_rgb

    rgb = sample_colorscale(get_colorscale(DIVERGING), list(np.linspace(0, 1, 256)))
    return np.array([unlabel_rgb(c) for c in rgb], np.float32).round().astype(np.uint8)


_LUT = _diverging_lut()


def maps_picture(digit: np.ndarray, maps: dict[str, np.ndarray], titles: list[str], columns: int = 5) -> Image.Image:
    """The maps of `overlay_maps` as one light picture: each map on its own symmetric scale (red toward the model's
    answer), the digit's outline (its 0.5 level) in black, the title above; a grid of `columns`."""
    cell, title_px, gap = 28 * MAP_SCALE, 24, 12
    columns = max(1, min(columns, len(maps)))
    rows = -(-len(maps) // columns)
    sheet = Image.new("RGB", (columns * (cell + gap) - gap, rows * (cell + title_px + gap)), "white")
    pen = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=15)
    inside = np.kron(digit > 0.5, np.ones((MAP_SCALE, MAP_SCALE), bool))
    edge = inside & ~(np.roll(inside, 1, 0) & np.roll(inside, -1, 0) & np.roll(inside, 1, 1) & np.roll(inside, -1, 1))
    for i, (m, title) in enumerate(zip(maps.values(), titles)):
        zmax = float(np.abs(m).max()) or 1.0
        level = np.clip(np.round((m / zmax + 1) * 127.5), 0, 255).astype(np.uint8)
        tile = np.kron(_LUT[level], np.ones((MAP_SCALE, MAP_SCALE, 1), np.uint8))
        tile[edge] = 0
        x, y = (i % columns) * (cell + gap), (i // columns) * (cell + title_px + gap)
        sheet.paste(Image.fromarray(tile, "RGB"), (x, y + title_px))
        pen.text((x + cell / 2, y + title_px - 4), title, fill=(17, 17, 17), font=font, anchor="ms")
    return sheet


def png_uri(image: Image.Image) -> str:
    """A PIL image as a PNG data URI for an <img> with alt text."""
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def show_maps(digit: np.ndarray, maps: dict[str, np.ndarray], titles: list[str]) -> None:
    """The maps' picture in the page (hook: data-testid 'draw-contrib-maps'), with alt text naming each answer."""
    picture = maps_picture(digit, maps, titles)
    alt = "contribution maps over your digit: " + "; ".join(titles)
    st.markdown(
        f"<figure style='margin:0 0 1rem 0'><img data-testid='draw-contrib-maps' src='{png_uri(picture)}' alt='{alt}' "
        f"style='width:100%;max-width:{picture.width}px'></figure>",
        unsafe_allow_html=True,
    )


def filmstrip(frames: list[np.ndarray], labels: list[str], columns: int = 3) -> Image.Image:
    """Arrays (H, W) in [0, 1] in a grid of FILM_CELL-px cells on white, each fitted and labelled beneath
    (a 28x28 one kept as crisp pixels); a grid rather than a row, so it reads in a narrow column."""
    font = ImageFont.load_default(size=22)
    below, gap = 30, 10
    rows = -(-len(frames) // columns)
    strip = Image.new("L", (columns * (FILM_CELL + gap) - gap, rows * (FILM_CELL + below)), 255)
    draw = ImageDraw.Draw(strip)
    for i, (image, label) in enumerate(zip(frames, labels)):
        tile = Image.fromarray((np.clip(image, 0, 1) * 255).astype(np.uint8), mode="L")
        scale = FILM_CELL / max(tile.size)
        crisp = Image.Resampling.NEAREST if max(tile.size) <= 28 else Image.Resampling.BILINEAR
        tile = tile.resize((max(1, round(tile.width * scale)), max(1, round(tile.height * scale))), crisp)
        x, y = (i % columns) * (FILM_CELL + gap), (i // columns) * (FILM_CELL + below)
        left, top = x + (FILM_CELL - tile.width) // 2, y + (FILM_CELL - tile.height) // 2
        strip.paste(tile, (left, top))
        draw.rectangle((left - 1, top - 1, left + tile.width, top + tile.height), outline=150)  # white paper on white
        draw.text((x + FILM_CELL / 2, y + FILM_CELL + 3), label, fill=40, font=font, anchor="mt")
    return strip


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
    buf = io.BytesIO()
    strip.save(buf, format="PNG")
    src = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    st.markdown(  # an <img> with alt text (st.image has none)
        f"<figure data-testid='photo-filmstrip' style='margin:0 0 1rem 0'><img src='{src}' style='width:100%' "
        f"alt='the photo at each step of reading it: {', '.join(labels)}'><figcaption style='font-size:0.8rem'>"
        f"The steps: {' → '.join(labels)}</figcaption></figure>",
        unsafe_allow_html=True,
    )
    how = "automatic" if not threshold else "yours"
    ink = "light on dark" if steps.light_ink else "dark on light"
    kept = "every inked pixel kept" if steps.threshold < 0.005 else f"ink kept where it reaches {100 * steps.threshold:.0f}% of its strongest"
    st.caption(f"Ink: {ink}; {kept} (threshold {how}).")
    return steps.digit


def number_digits(data: bytes, name: str, models: dict, names: list[str]) -> np.ndarray:
    """An uploaded picture of a number -> the (28, 28) digit picked for the full reading below; shows the number
    found (each digit's crop, every model's reading and agreement, the leading model's map) with a pick per digit.
    Raises ImageError in one line."""
    from mnistdash.explain import METHODS
    from mnistdash.number import find_digits
    from mnistdash.zoo.linear import LinearModel

    reader = "cnn" if "cnn" in models else names[0]
    number = find_digits(load_image(data, name), models[reader].predict_proba)
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
                widgets.digit_image(crop, f"digit {k + 1}: {labels[k]}", alt=f"digit {k + 1} of the number as found, read {labels[k]}", px=84)
                widgets.digit_image(digits[k], f"{agree}/{len(names)} models say {labels[k]}", alt=f"digit {k + 1} as the models see it", px=84)
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
    from mnistdash.number import find_digits
    from mnistdash.preprocess import ImageError, to_mnist

    rows = []
    for f in files:
        try:
            image = load_image(f.getvalue(), f.name)
            if as_number:
                digits = np.stack([d.digit for d in find_digits(image, models[reader].predict_proba).digits])
            else:
                digits = to_mnist(image)[None]
            p = models[reader].predict_proba(digits)
            read = "".join(str(int(v)) for v in p.argmax(1))
            rows.append({"file": f.name, f"{reader} reads": read, "confidence": f"{p.max(1).min():.0%}", "problem": ""})
        except ImageError as exc:
            rows.append({"file": f.name, f"{reader} reads": "", "confidence": "", "problem": str(exc)})
    return rows
