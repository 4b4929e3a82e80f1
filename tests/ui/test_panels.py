"""Grids of small plots: titles wrap or give way to numbers so none overlaps at 800 px; click targets; headers."""

from __future__ import annotations

import numpy as np

from mnistdash.plots import panels
from mnistdash.plots.figures import mosaic, zoom_figure
from mnistdash.plots.panels import CLICKABLE_PIXELS


def test_wrap_breaks_at_spaces_and_hyphens_and_refuses_what_cannot_fit():
    assert panels.wrap("cnn → 7", 200) == "cnn → 7"
    assert panels.wrap("template-contrast → 3", 80) == "template-<br>contrast → 3"
    assert panels.wrap("integrated gradients", 80) == "integrated<br>gradients"
    assert panels.wrap("integrated", 30) is None
    assert all(panels.text_px(line) <= 80 for line in panels.wrap("a b c d e f g h", 80).split("<br>"))


def test_cell_labels_fall_back_to_numbers_when_titles_cannot_fit():
    labels, numbered = panels.cell_labels([f"filter {i}" for i in range(32)], 16, 400)
    assert numbered and labels[:3] == ["0", "1", "2"]
    labels, numbered = panels.cell_labels(["w_3", "w_8", "w_3 - w_8"], 3, 400)
    assert not numbered and labels == ["w_3", "w_8", "w_3 - w_8"]


def test_columns_that_fit_shrink_for_long_titles():
    short = [f"m{i}: 1" for i in range(9)]
    long = [f"template-contrast-{i}: 1" for i in range(9)]
    assert panels.columns_that_fit(short) == 9
    cols = panels.columns_that_fit(long)
    assert 1 <= cols < 9
    assert panels.fit(long, panels.MIN_FIGURE_PX / cols - 4, 2) is not None


def _label_boxes(fig, figure_px: int):
    """Estimated (left, right, top, bottom) px of every annotation at a given figure width (the grid's one pair
    of axes scaled down to fit, as Plotly's constrained domain does; annotations in its data coordinates)."""
    layout = fig.layout
    x_lo, x_hi = layout.xaxis.range[0], layout.xaxis.range[1]
    y_top = layout.yaxis.range[1]
    natural = (layout.height - layout.margin.t - layout.margin.b) / (layout.yaxis.range[0] - y_top)  # px per pixel
    colorbar = panels.COLORBAR_PX if layout.coloraxis.showscale is not False else 0
    unit = min(natural, (figure_px - layout.margin.l - layout.margin.r - colorbar) / (x_hi - x_lo))
    boxes = []
    for a in layout.annotations:
        assert a.xref == "x" and a.yref == "y"
        x = layout.margin.l + (a.x - x_lo) * unit + (a.xshift or 0)
        w = panels.text_px(a.text)
        left = {"center": x - w / 2, "right": x - w, "left": x}[a.xanchor]
        y = layout.margin.t + (a.y - y_top) * unit
        h = panels.lines(a.text) * panels.LINE_PX
        top = y - h if a.yanchor == "bottom" else y - h / 2
        boxes.append((left, left + w, top, top + h))
    return boxes


def _overlapping(boxes):
    return [
        (a, b)
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if min(a[1], b[1]) - max(a[0], b[0]) > 0 and min(a[3], b[3]) - max(a[2], b[2]) > 0
    ]


def test_mosaic_titles_do_not_overlap_at_the_narrowest_width():
    rng = np.random.default_rng(0)
    for k, cols, titles in [
        (10, 10, [f"class {c}" for c in range(10)]),
        (32, 16, [f"filter {i}" for i in range(32)]),
        (100, 10, [f"unit {i} → {i % 10}" for i in range(100)]),
        (3, 3, ["toward 7 (predicted)", "toward 9", "7 minus 9"]),
    ]:
        fig = mosaic(rng.normal(size=(k, 5, 5)), titles, cols=cols)
        assert not _overlapping(_label_boxes(fig, panels.MIN_FIGURE_PX)), titles[:3]


def test_model_by_method_grid_has_headers_not_cell_titles():
    maps = np.random.default_rng(1).normal(size=(8, 28, 28))
    rows, cols = (
        ["mlp → 7", "template-contrast → 7"],
        ["saliency |grad|", "input x gradient", "integrated gradients", "occlusion 4x4"],
    )
    titles = [f"{r} · {c}" for r in rows for c in cols]
    fig = mosaic(maps, titles, cols=4, row_titles=rows, col_titles=cols)
    texts = [a.text.replace("-<br>", "-").replace("<br>", " ") for a in fig.layout.annotations]
    assert sorted(texts) == sorted(rows + cols)
    assert fig.layout.margin.l > panels.text_px("template-") and fig.layout.margin.t > panels.MODEBAR_PX
    assert not _overlapping(_label_boxes(fig, panels.MIN_FIGURE_PX))
    assert [t.name for t in fig.data] == titles  # hover still names model and method


def test_mosaic_is_one_subplot_with_one_svg_click_trace():
    """However many images, one pair of axes (Plotly's cost grows with subplots) and one SVG click layer
    (a WebGL trace per figure would exhaust the browser's ~16 contexts and blank the oldest figure)."""
    small = mosaic(np.ones((3, 28, 28)), ["a", "b", "c"], clickable=True)
    assert "xaxis2" not in small.layout and len(small.data) == 4
    assert [t.type for t in small.data] == ["heatmap"] * 3 + ["scatter"]
    targets = small.data[3]
    assert len(targets.x) == 3 * 28 * 28  # every pixel, with its image, row, column and value in hover
    assert sorted(set(targets.customdata[:, 0].tolist())) == [0, 1, 2]
    assert small.data[0].hoverinfo == "skip" and small.layout.clickmode == "event+select"
    # image 1's pixel (row 5, col 7) sits at image 1's offset
    j = 784 + 5 * 28 + 7
    assert targets.customdata[j].tolist()[:3] == [1, 5, 7]
    assert targets.x[j] == small.data[1].x0 + 7 and targets.y[j] == small.data[1].y0 + 5
    k = CLICKABLE_PIXELS // 784 + 1
    big = mosaic(np.ones((k, 28, 28)), [str(i) for i in range(k)], clickable=True)
    assert len(big.data) == k + 1 and len(big.data[k].x) <= 16 * k  # a coarse lattice keeps a big grid light
    assert all(t.type != "scattergl" for t in big.data)


def test_images_do_not_overlap_on_the_shared_axes():
    fig = mosaic(np.ones((12, 28, 28)), [f"class {i}" for i in range(12)], cols=5)
    boxes = [(t.x0 - 0.5, t.x0 + 27.5, t.y0 - 0.5, t.y0 + 27.5) for t in fig.data]
    assert not _overlapping(boxes)
    assert max(b[1] for b in boxes) <= fig.layout.xaxis.range[1] + 1e-6
    assert max(b[3] for b in boxes) <= fig.layout.yaxis.range[0] + 1e-6


def test_zoom_figure_shows_raw_values_on_the_grid_colours():
    image = np.arange(16, dtype=np.float32).reshape(4, 4) - 8
    fig = zoom_figure(image / 8, "cnn · saliency", zmax=1.0, value_name="attribution", raw=image)
    assert fig.data[0].zmax == 1.0 and fig.data[0].zmin == -1.0
    np.testing.assert_array_equal(fig.data[0].customdata, image)
    assert fig.layout.height >= 500


def test_webgl_traces_only_where_thousands_of_points_need_them():
    """Each figure with a WebGL trace holds a WebGL context and browsers keep about 16 per page, past which the
    oldest figure goes blank: only the 2-D maps' 10,000-point scatters (two figures) may use Scattergl."""
    from mnistdash.config import ROOT

    users = sorted(
        str(p.relative_to(ROOT))
        for folder in ("mnistdash", "pages")
        for p in (ROOT / folder).rglob("*.py")
        if "Scattergl" in p.read_text().replace("(Scattergl)", "")
    )
    assert users == ["mnistdash/maps/figures.py"], users
