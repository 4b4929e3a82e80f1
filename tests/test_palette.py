"""The palettes read with the common colour deficiencies: the class colours and the diverging scale of every map,
seen through a simulation of protanopia, deuteranopia and tritanopia (Machado, Oliveira and Fernandes 2009,
severity 1), stay apart in CIELAB.

The simulation is written here: it is one 3x3 matrix per deficiency on linear RGB, and the libraries that have it
(colorspacious, daltonlens) would be a dependency for nine numbers each."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from plotly.colors import get_colorscale, sample_colorscale, unlabel_rgb

from mnistdash.plots.figures import CLASS_COLOURS, DIVERGING

SIMULATE = {
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]),
}
D3 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


def _linear(rgb01: np.ndarray) -> np.ndarray:
    return np.where(rgb01 <= 0.04045, rgb01 / 12.92, ((rgb01 + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb: np.ndarray) -> np.ndarray:
    xyz = linear_rgb @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]).T
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > 216 / 24389, np.cbrt(t), (24389 / 27 * t + 16) / 116)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], -1)


def _seen(colours: list[str], deficiency: str) -> np.ndarray:
    rgb = np.array([[int(c.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)] for c in colours]) / 255
    return _lab(np.clip(_linear(rgb) @ SIMULATE[deficiency].T, 0, 1))


def _closest(colours: list[str], deficiency: str) -> float:
    lab = _seen(colours, deficiency)
    return min(float(np.linalg.norm(lab[i] - lab[j])) for i, j in itertools.combinations(range(len(lab)), 2))


@pytest.mark.parametrize("deficiency", list(SIMULATE))
def test_the_ten_class_colours_stay_apart(deficiency):
    assert len(set(CLASS_COLOURS)) == 10
    assert _closest(CLASS_COLOURS, deficiency) >= 15, deficiency


def test_the_old_scheme_failed_where_the_new_one_holds():
    """The check can fail: the D3 scheme the pages used before merges two classes under protanopia."""
    assert _closest(D3, "protanopia") < 6 and _closest(D3, "deuteranopia") < 8


@pytest.mark.parametrize("deficiency", list(SIMULATE))
def test_the_diverging_scale_keeps_its_sides_apart_and_zero_lightest(deficiency):
    steps = sample_colorscale(get_colorscale(DIVERGING), list(np.linspace(0, 1, 21)))
    colours = ["#" + "".join(f"{int(round(v)):02x}" for v in unlabel_rgb(c)) for c in steps]
    lab = _seen(colours, deficiency)
    assert np.linalg.norm(lab[0] - lab[-1]) >= 30  # the most negative and the most positive: never alike
    assert np.linalg.norm(lab[5] - lab[-6]) >= 15  # nor halfway out on each side
    lightness = lab[:, 0]
    assert (np.diff(lightness[:11]) > -1).all() and (np.diff(lightness[10:]) < 1).all()  # lightest at 0, both ways
