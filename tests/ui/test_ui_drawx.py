"""The Draw page's new sections as rendered: the stroke timeline's table and the overlay of the ink to add."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image
from streamlit.testing.v1 import AppTest


def _timeline_script():
    import numpy as np

    from mnistdash.ui.draw import timeline

    one, seven = np.eye(10, dtype=np.float32)[1] * 0.9 + 0.01, np.eye(10, dtype=np.float32)[7] * 0.8 + 0.02
    timeline.show({1: {"cnn": one, "mlp": one}, 2: {"cnn": seven, "mlp": one}})


def test_the_timeline_is_a_table_with_a_column_per_stroke_and_the_change_marked():
    at = AppTest.from_function(_timeline_script).run()
    assert not at.exception
    table = next(m.value for m in at.markdown if "stroke-timeline" in m.value)
    assert "data-strokes='2'" in table
    assert table.count("<tr>") == 3  # the header and a row per model
    assert table.count("changed its answer here") == 1  # the cnn's 1 -> 7, not the mlp's 1 -> 1
    assert "<span style='font-size:1.15rem'>7</span><br><span style='font-size:0.7rem'>82%</span>" in table


def test_an_empty_timeline_says_what_will_come():
    def script():
        from mnistdash.ui.draw import timeline

        timeline.show({})

    at = AppTest.from_function(script).run()
    assert not at.exception and "Each stroke you draw adds a column" in at.caption[0].value


def test_the_overlay_paints_only_the_added_ink_orange():
    from mnistdash.plots.pictures import INK, overlay_png

    digit = np.zeros((28, 28), np.float32)
    digit[5:20, 14] = 1.0
    added = np.zeros_like(digit)
    added[5, 8:14] = 1.0
    uri = overlay_png(digit, added, factor=2)
    rgb = np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB")).astype(int)
    assert rgb.shape == (56, 56, 3)
    ink, stroke, empty = rgb[10, 20], rgb[20, 28], rgb[50, 2]
    assert ink[0] > 200 and ink[2] < 60 and abs(ink[1] - INK[1]) < 40  # orange
    assert stroke[0] == stroke[1] == stroke[2] > 150  # the digit stays grey-white
    assert empty.sum() == 0
