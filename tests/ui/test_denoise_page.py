"""The Denoise page: the slider spans the precomputed levels, the table follows it, one model picker."""

from __future__ import annotations

import numpy as np
import pytest

from mnistdash import store
from mnistdash.robustness.noise import nearest_level, slider_range
from tests.ui.test_pages import run_page

PAGE = "pages/6_Denoise.py"


def test_slider_range_spans_the_levels_in_half_steps():
    assert slider_range(np.float32([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])) == (0.0, 0.8, 0.05)
    assert slider_range([0.0, 0.25, 1.0]) == (0.0, 1.0, 0.125)
    with pytest.raises(ValueError):
        slider_range([0.3])


def test_nearest_level_takes_the_closest_and_the_lower_on_a_tie():
    levels = np.float32([0, 0.1, 0.2, 0.3, 0.4, 0.5])
    assert nearest_level(levels, 0.3) == 3
    assert nearest_level(levels, 0.32) == 3
    assert nearest_level(levels, 0.45) == 4
    assert nearest_level(levels, 0.46) == 5
    assert nearest_level(levels, 2.0) == 5


@pytest.fixture(scope="module")
def table():
    return store.load_artifact("denoise")


def _row(at, model: str) -> str:
    text = next(m.value for m in at.markdown if "| model | clean | noisy | denoised |" in m.value)
    return text, next(line for line in text.splitlines() if f"| {model} |" in line or f"| **{model}** |" in line)


def test_slider_stops_where_the_curves_stop(table):
    at = run_page(PAGE)
    slider = at.slider(key="den_sigma")
    assert slider.max == pytest.approx(float(table["levels"].max()))
    assert slider.min == pytest.approx(float(table["levels"].min()))


def test_table_follows_the_slider(table):
    at = run_page(PAGE)
    names = list(table["models"])
    model = "cnn" if "cnn" in names else names[0]
    i = names.index(model)
    at.slider(key="den_sigma").set_value(0.3).run()
    text, row = _row(at, model)
    assert "At σ = 0.3, the slider's level" in text
    j = int(np.argmin(np.abs(table["levels"] - 0.3)))
    assert f"{100 * table['noisy'][i, j]:.2f}%" in row and f"{100 * table['denoised'][i, j]:.2f}%" in row
    at.slider(key="den_sigma").set_value(0.65).run()
    text, row = _row(at, model)
    assert "At σ = 0.6, the precomputed level nearest to the slider's 0.65" in text
    j = int(np.argmin(np.abs(table["levels"] - 0.6)))
    assert f"{100 * table['noisy'][i, j]:.2f}%" in row


def test_one_model_picker_drives_grid_and_curves():
    at = run_page(PAGE)
    assert len(at.multiselect) == 0
    assert len(at.selectbox) == 1
    at.selectbox(key="den_model").set_value("cnn").run()
    assert not at.exception
    assert any("the class cnn reads" in m.value for m in at.markdown)
