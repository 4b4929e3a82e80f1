"""A figure leaves the app as a valid PNG, SVG and CSV that say what it is, and show what the figure shows
(checked on the exported pixels and numbers, for every kind of figure the pages draw)."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from mnistdash.lab import figures as lab
from mnistdash.plots import export
from mnistdash.plots import figures as F
from mnistdash.robustness.attack import figures as attack

RNG = np.random.default_rng(7)
PROBS = {m: RNG.dirichlet(np.ones(10)) for m in ("logreg", "mlp", "cnn")}
FIGURES = {  # one of each kind the pages draw: mosaics, one map, matrices with numbers, bars, subplots, lines, histograms
    "mosaic": lambda: F.mosaic(RNG.normal(size=(6, 28, 28)).astype(np.float32), [f"class {i}" for i in range(6)], clickable=True),
    "zoom": lambda: F.zoom_figure(RNG.normal(size=(28, 28)).astype(np.float32), "one map"),
    "probabilities": lambda: F.probability_chart(PROBS, 3),
    "confusion": lambda: F.mark_cell(F.confusion_figure(RNG.integers(0, 90, (10, 10))), 3, 5),
    "model bars": lambda: F.probability_bars(PROBS),
    "noise curves": lambda: F.noise_curves(np.linspace(0, 0.8, 9), RNG.random(9) * 100, RNG.random(9) * 100, "cnn", 0.4),
    "transfer": lambda: attack.transfer_heatmap(["a", "b", "c"], RNG.random((3, 3))),
    "flips": lambda: attack.flip_chart({"a": 0.1, "b": None, "c": 0.3}),
    "histogram": lambda: lab.projection_histogram(RNG.normal(size=400), RNG.integers(0, 2, 400), 0, 1),
}
TITLE, CAPTION = "Test figure: cnn, test digit #247", "Integrated gradients toward 7; red pushes toward the class."


@pytest.mark.parametrize("name", list(FIGURES))
def test_every_kind_of_figure_exports_as_png_svg_and_csv(name):
    fig = FIGURES[name]()
    png = Image.open(io.BytesIO(export.render(fig, "png", TITLE, CAPTION)))
    png.load()
    assert png.format == "PNG" and png.width == export.WIDTH_PX * export.PNG_SCALE
    assert png.info.get("Title") == TITLE
    pixels = np.asarray(png.convert("L"))
    assert (pixels < 128).mean() > 0.002, "the export is blank"
    svg = export.render(fig, "svg", TITLE, CAPTION).decode()
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert TITLE in svg and "Integrated gradients" in svg  # text stays text: searchable, editable in slides
    lines = export.render(fig, "csv", TITLE, CAPTION).decode().splitlines()
    assert lines[0] == f"# {TITLE}" and lines[1] == f"# {CAPTION}"
    table = list(csv.DictReader(lines[2:]))
    assert table and {"series", "kind", "x", "y", "value"} <= set(table[0])


def test_a_map_keeps_its_colours_where_they_are():
    """Left half pushes toward the class (red), right half away (blue): the PNG shows red left of blue, and a
    blank map shows neither."""
    half = np.zeros((28, 28), np.float32)
    half[:, :14], half[:, 14:] = 1.0, -1.0

    def colours(image):
        rgb = np.asarray(Image.open(io.BytesIO(export.render(F.zoom_figure(image, "map"), "png", TITLE))).convert("RGB"), int)
        r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
        return np.argwhere((r > 90) & (g < 60) & (b < 60)), np.argwhere((b > 80) & (r < 40))  # RdBu_r ends

    red, blue = colours(half)
    assert len(red) > 20_000 and len(blue) > 20_000
    assert red[:, 1].mean() + 200 < blue[:, 1].mean()  # columns: red on the left, blue on the right
    red, blue = colours(np.zeros((28, 28), np.float32))
    left_of_the_bar = export.WIDTH_PX * export.PNG_SCALE * 0.9
    assert (red[:, 1] < left_of_the_bar).sum() == 0 and (blue[:, 1] < left_of_the_bar).sum() == 0  # white but its colour bar


def test_a_map_of_pixels_stays_vector_in_the_svg():
    image = RNG.normal(size=(28, 28)).astype(np.float32)
    svg = export.render(F.zoom_figure(image, "map"), "svg", TITLE).decode()
    assert "<image" not in svg.split("</defs>")[-1] or svg.count("<path") > 784  # every pixel a square, not a bitmap
    assert svg.count("<path") > 784


def test_the_csv_holds_the_figures_numbers():
    cm = RNG.integers(0, 90, (10, 10))
    lines = export.to_csv(F.confusion_figure(cm), TITLE).splitlines()[2:]
    cells = {(int(r["row"]), int(r["col"])): r["text"] for r in csv.DictReader(lines) if r["kind"] == "heatmap" and r["text"]}
    assert cells == {(i, j): str(cm[i, j]) for i in range(10) for j in range(10) if cm[i, j]}  # every count, in its cell
    images = RNG.normal(size=(3, 28, 28)).astype(np.float32)
    rows = [r for r in csv.DictReader(export.to_csv(F.mosaic(images, ["a", "b", "c"]), TITLE).splitlines()[2:])]
    values = {(r["series"], int(r["row"]), int(r["col"])): float(r["value"]) for r in rows}
    assert len(values) == 3 * 784
    assert all(abs(values[(t, 5, 9)] - images[i, 5, 9]) < 1e-5 for i, t in enumerate("abc"))


def test_names_and_bad_formats():
    assert export.file_name("Explain: cnn, test digit #7 (labelled 7)", "png") == "explain-cnn-test-digit-7-labelled-7.png"
    assert export.file_name("", "csv") == "mnistdash-figure.csv"
    with pytest.raises(ValueError, match="cannot export a figure as 'jpg'"):
        export.render(FIGURES["zoom"](), "jpg", TITLE)


def test_maps_scaled_for_their_colours_keep_their_values_in_the_csv():
    """The Draw page's maps are each scaled to their own range for the picture; the CSV holds both."""
    values = RNG.normal(size=(2, 28, 28)).astype(np.float32) * np.array([1e-3, 50.0], np.float32)[:, None, None]
    scaled = values / np.abs(values).max(axis=(1, 2), keepdims=True)
    rows = list(csv.DictReader(export.to_csv(F.mosaic(scaled, ["logreg", "cnn"], raw=values), TITLE).splitlines()[2:]))
    got = {(r["series"], int(r["row"]), int(r["col"])): (float(r["value"]), float(r["raw"])) for r in rows}
    assert got[("cnn", 3, 4)] == pytest.approx((scaled[1, 3, 4], values[1, 3, 4]), rel=1e-5)
    assert max(abs(v) for (s, _, _), (v, _) in got.items() if s == "logreg") == pytest.approx(1.0)


def test_markers_take_their_lines_colour():
    """As in Plotly: a line's markers are drawn in the line's colour, not in the next default colour."""
    import plotly.graph_objects as go

    fig = go.Figure(go.Scatter(x=[0, 1, 2], y=[0, 2, 1], mode="lines+markers", line=dict(color="#00aa00"), marker=dict(size=14)))
    rgb = np.asarray(Image.open(io.BytesIO(export.render(fig, "png", TITLE))).convert("RGB"), int)
    plotly_blue = (np.abs(rgb - np.array([0x63, 0x6E, 0xFA])).sum(-1) < 40).sum()
    green = ((rgb[..., 1] > 150) & (rgb[..., 0] < 60) & (rgb[..., 2] < 60)).sum()
    assert plotly_blue == 0 and green > 500
