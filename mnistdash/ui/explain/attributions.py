"""Cached attributions keyed by small hashable arguments (model, digit, method, class); a digit is a test index
or the key of a person's kept digit (cache.keep_yours)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mnistdash.explain import METHODS, IntegratedGradientsMethod
from mnistdash.explain.checks import randomization_check, randomized_copy, score_against_exact
from mnistdash.explain.paths import PathIntegral
from mnistdash.ui import cache


@st.cache_data(max_entries=4000, show_spinner=False)
def test_attribution(model: str, index: int | str, method: str, target: int) -> np.ndarray:
    """(28, 28) attribution of one test digit for one class."""
    if method == "integrated-gradients":
        return test_ig(model, index, target).map
    return METHODS[method](cache.models()[model]).attribute(cache.digit(index)[None], [target])[0]


@st.cache_data(max_entries=1000, show_spinner=False)
def test_ig(model: str, index: int | str, target: int) -> PathIntegral:
    """Integrated gradients of one test digit for one class, with its steps and completeness gap."""
    return IntegratedGradientsMethod(cache.models()[model]).paths(cache.digit(index)[None], [target])[0]


@st.cache_resource(show_spinner=False)
def _randomized(model: str):
    return randomized_copy(cache.models()[model])


@st.cache_data(max_entries=500, show_spinner="Scoring methods against the exact answer ...")
def exact_scores(model: str, index: int | str, target: int, methods: tuple[str, ...]) -> dict:
    return score_against_exact(cache.models()[model], cache.digit(index)[None], [target], methods)


@st.cache_data(max_entries=500, show_spinner="Randomizing weights ...")
def randomization_scores(model: str, index: int | str, target: int, methods: tuple[str, ...]) -> dict:
    return randomization_check(cache.models()[model], _randomized(model), cache.digit(index)[None], [target], methods)
