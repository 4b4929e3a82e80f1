"""Cached attributions keyed by small hashable arguments (model, digit, method, class); a digit is a test index
or the key of a person's kept digit (cache.keep_yours)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

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


@st.cache_data(max_entries=500, show_spinner=False)  # also run on a worker thread: no spinner from there
def exact_scores(model: str, index: int | str, target: int, methods: tuple[str, ...]) -> dict:
    return score_against_exact(cache.models()[model], cache.digit(index)[None], [target], methods)


@st.cache_data(max_entries=500, show_spinner=False)
def randomization_scores(model: str, index: int | str, target: int, methods: tuple[str, ...]) -> dict:
    return randomization_check(cache.models()[model], _randomized(model), cache.digit(index)[None], [target], methods)


HOOKED = ("deeplift", "lrp")  # Captum hangs hooks on the model's layers for these: one at a time on a model


class TwoAtOnce:
    """Cached computations (their results land in the caches the page then reads) started on two threads, the
    server's two cores, while the page goes on: torch and onnxruntime release the GIL while they compute. Each
    thread carries the script's context, as Streamlit's caches expect. `wait` joins them; an exception is left for
    the page's own call to raise, in its place. Calls named by a cost key run the costliest first."""

    def __init__(self, calls: list[tuple[str, Callable[[], object]]], costliest_first=()):
        ctx, cost = get_script_run_ctx(), {key: i for i, key in enumerate(costliest_first)}

        def run(call):
            add_script_run_ctx(None, ctx)  # attaches the context to this worker thread
            try:
                call()
            except Exception:  # noqa: BLE001 - raised again, where it belongs, when the page calls it itself
                pass

        self._pool = ThreadPoolExecutor(max_workers=2)
        for _, call in sorted(calls, key=lambda c: cost.get(c[0], len(cost))):
            self._pool.submit(run, call)

    def wait(self) -> None:
        self._pool.shutdown(wait=True)


def two_at_once(calls: list[tuple[str, Callable[[], object]]], costliest_first=()) -> None:
    """Run (cost key, call) pairs on the two cores and wait for them (TwoAtOnce)."""
    TwoAtOnce(calls, costliest_first).wait()


def grid_calls(model: str, index: int | str, methods, targets, hooked_too=()) -> list[tuple[str, Callable[[], None]]]:
    """The maps of one model as (cost key, call) pairs for TwoAtOnce: a call per map, or, where a method hooks the
    model's layers (HOOKED, or other work on the model that does, `hooked_too`), one call that makes them all in
    turn, so that no other computation passes through the hooks."""
    jobs = tuple((m, t) for m in methods for t in targets)
    if any(m in HOOKED for m in methods) or hooked_too:
        first = jobs[0][0] if jobs else "hooked"
        return [(first, functools.partial(_maps, model, index, jobs, tuple(hooked_too)))]
    return [(m, functools.partial(_maps, model, index, ((m, t),))) for m, t in jobs]


def _maps(model: str, index: int | str, jobs, then=()) -> None:
    for method, target in jobs:
        test_attribution(model, index, method, target)
    for call in then:
        call()
