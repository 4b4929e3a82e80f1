"""Cached loaders shared by every page and every browser session (models frozen, arrays read-only)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mnistdash import store
from mnistdash.data import DataError, Split, load_split
from mnistdash.zoo import registry


@st.cache_resource(show_spinner=False)
def tune_memory() -> bool:
    """Once per server: at most 2 glibc malloc arenas for threads started from now on (every script thread had its
    own and kept what it freed; `make run` and the image also set MALLOC_ARENA_MAX=2, which reaches the threads
    started before this), and a daemon thread handing freed heap back to the system every 20 s. Linux with glibc
    only; elsewhere nothing changes. Figures: README "Measuring" (bench/page_settle.py)."""
    import ctypes
    import threading
    import time

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-8, 2)  # M_ARENA_MAX: what MALLOC_ARENA_MAX=2 sets, for threads started from now on
    except (OSError, AttributeError):
        return False

    def trim() -> None:
        while True:
            time.sleep(20)
            libc.malloc_trim(0)

    threading.Thread(target=trim, name="malloc-trim", daemon=True).start()
    return True


@st.cache_resource(show_spinner="Loading models ...")
def models_and_errors() -> tuple[dict, dict[str, str]]:
    """Every model that loads, and why each other one does not (torch is imported here, not at start)."""
    import torch

    from mnistdash import zoo

    torch.set_num_threads(1)  # small single-image work runs far faster on one thread here
    return zoo.load_all(registry.all_models())


@st.cache_resource(show_spinner=False)
def file_problems() -> dict[str, str]:
    """Models whose files are missing or altered, found by checksum alone (fast, no torch)."""
    problems = {}
    for name in registry.all_models():
        try:
            store.check_model(name)
        except store.StoreError as exc:
            problems[name] = str(exc)
    return problems


def models() -> dict:
    return models_and_errors()[0]


def errors() -> dict[str, str]:
    return models_and_errors()[1]


def classifiers() -> list[str]:
    return [n for n in registry.classifiers() if n in models()]


def differentiable() -> list[str]:
    """The classifiers torch can take gradients of: all but imported graphs run by onnxruntime (attacks, ink search)."""
    from mnistdash.explain import has_gradients

    return [n for n in classifiers() if has_gradients(models()[n])]


@st.cache_resource(show_spinner="Reading MNIST ...")
def split(name: str) -> Split:
    data = load_split(name)
    data.images.setflags(write=False)
    return data


@st.cache_resource
def floats(name: str) -> np.ndarray:
    x = split(name).floats()  # (N, 28, 28)
    x.setflags(write=False)
    return x


YOURS = "yours-"  # the prefix of a person's digit's key (a test digit's key is its index)
_YOURS_KEPT = 256  # digits kept for the server, the oldest dropped first


@st.cache_resource
def _yours() -> dict[str, tuple[np.ndarray, str]]:
    return {}


def keep_yours(image: np.ndarray, caption: str) -> str:
    """Keep a person's (28, 28) digit (drawn or uploaded) for Explain; returns its key, from its pixels."""
    import hashlib

    x = np.ascontiguousarray(image, np.float32)
    key = YOURS + hashlib.sha1(x.tobytes()).hexdigest()[:12]
    kept = _yours()
    kept.pop(key, None)
    x.setflags(write=False)
    kept[key] = (x, caption)
    while len(kept) > _YOURS_KEPT:
        kept.pop(next(iter(kept)))
    return key


def yours(key: str) -> tuple[np.ndarray, str] | None:
    """A kept digit and its caption, or None when the server no longer has it."""
    return _yours().get(key)


def digit(key: int | str) -> np.ndarray:
    """(28, 28) floats of a test digit (its index) or of a person's kept digit (its key)."""
    if isinstance(key, str):
        found = yours(key)
        if found is None:
            raise KeyError(f"{key} is no longer kept")
        return found[0]
    return floats("test")[key]


@st.cache_resource
def manifest() -> dict:
    try:
        return store.read_manifest()
    except store.StoreError:
        return {"models": {}, "artifacts": {}}


@st.cache_resource
def leaderboard() -> dict[str, np.ndarray] | str:
    """The faithfulness leaderboard, imported models' rows included, or the one-line reason it cannot be loaded."""
    from mnistdash.explain import faithfulness

    try:
        return faithfulness.load()
    except store.StoreError as exc:
        return str(exc)


@st.cache_resource
def artifact(key: str) -> dict[str, np.ndarray] | str:
    """The arrays of one artifact, or the one-line reason it cannot be loaded."""
    try:
        arrays = store.load_artifact(key)
    except store.StoreError as exc:
        return str(exc)
    for a in arrays.values():
        a.setflags(write=False)
    return arrays


def probs(model: str, which: str) -> np.ndarray | None:
    """Precomputed (N, 10) float32 probabilities of a classifier on 'test' or 'train'."""
    art = artifact(f"probs-{model}")
    return None if isinstance(art, str) else _as_float(model, which, art[which])


@st.cache_resource
def _as_float(model: str, which: str, _arr: np.ndarray) -> np.ndarray:
    out = _arr.astype(np.float32)
    out.setflags(write=False)
    return out


@st.cache_resource(show_spinner=False)
def split_sizes() -> dict[str, int] | None:
    """How many images each split holds (None when the data cannot be read)."""
    try:
        return {name: len(split(name)) for name in ("train", "test")}
    except DataError:
        return None


def data_problem() -> str | None:
    try:
        split("test")
    except DataError as exc:
        return str(exc)
    return None
