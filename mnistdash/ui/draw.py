"""Figures of the Draw page: probability bars per model, maps over the input, the 2-D map, a photo's steps."""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from PIL import Image, ImageDraw, ImageFont

from mnistdash import panels
from mnistdash.figures import CLASS_COLOURS, DIVERGING, outline
from mnistdash.preprocess import load_image, to_mnist_steps

FILM_CELL = 160  # px of each frame's cell in a photo's filmstrip


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


def overlay_maps(digit: np.ndarray, maps: dict[str, np.ndarray], titles: list[str]) -> go.Figure:
    """Each model's map (own symmetric scale, red toward its answer) with the digit's outline on top."""
    names = list(maps)
    cols = panels.columns_that_fit(titles)
    layout, refs, _ = panels.grid_layout(len(names), cols, digit.shape, titles, cell_px=150, colorbar=False)
    traces = []
    for i, name in enumerate(names):
        m = maps[name]
        zmax = float(np.abs(m).max()) or 1.0
        xref, yref = refs[i]
        traces.append(
            go.Heatmap(
                z=m,
                xaxis=xref,
                yaxis=yref,
                colorscale=DIVERGING,
                zmid=0,
                zmin=-zmax,
                zmax=zmax,
                showscale=False,
                hovertemplate=f"{name}<br>row %{{y}}, col %{{x}}<br>contribution %{{z:.4g}}<extra></extra>",
            )
        )
        traces.append(
            go.Contour(
                z=digit,
                xaxis=xref,
                yaxis=yref,
                contours=dict(start=0.5, end=0.5, coloring="lines"),
                line=dict(color="black", width=1),
                showscale=False,
                hoverinfo="skip",
            )
        )
    return go.Figure(data=traces, layout=go.Layout(**layout))


def map_with_point(codes: np.ndarray, labels: np.ndarray, point: np.ndarray, neighbours: np.ndarray) -> go.Figure:
    """The test set on the bottleneck's 2-D layer (WebGL), the drawn digit as a star."""
    fig = go.Figure()
    for c in range(10):
        sel = labels == c
        fig.add_trace(
            go.Scattergl(
                x=codes[sel, 0],
                y=codes[sel, 1],
                mode="markers",
                name=str(c),
                marker=dict(size=3, opacity=0.5, color=CLASS_COLOURS[c]),
                hoverinfo="skip",
            )
        )
    fig.add_trace(outline(codes[neighbours], "nearest", size=9, width=2))
    fig.add_trace(
        go.Scatter(
            x=[point[0]],
            y=[point[1]],
            mode="markers",
            name="your digit",
            marker=dict(symbol="star", size=22, color="gold", line=dict(width=2, color="black")),
        )
    )
    fig.update_layout(height=430, margin=dict(l=0, r=0, t=10, b=0), legend=dict(itemsizing="constant"))
    return fig


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
    st.caption(f"Ink: {ink}; threshold {steps.threshold:.2f} of its peak ({how}).")
    return steps.digit
