"""The home page's model table: manifest figures plus a live one-digit latency."""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from mnistdash.config import ALL_MODELS, CLASSIFIERS
from mnistdash.ui import cache
from mnistdash.zoo import DESCRIPTIONS


@st.cache_resource(show_spinner="Timing the models ...")
def _latency_ms() -> dict[str, float]:
    """Median time to predict one digit, per loaded classifier (measured once per server)."""
    x = cache.floats("test")[:1]
    out = {}
    for name in CLASSIFIERS:
        model = cache.models().get(name)
        if model is None:
            continue
        model.predict_proba(x)  # warm up
        times = []
        for _ in range(15):
            start = time.perf_counter()
            model.predict_proba(x)
            times.append(time.perf_counter() - start)
        out[name] = 1000 * sorted(times)[len(times) // 2]
    return out


def table() -> pd.DataFrame:
    entries = cache.manifest().get("models", {})
    latency = _latency_ms()
    rows = []
    for name in ALL_MODELS:
        e = entries.get(name, {})
        acc = e.get("test_accuracy")
        rows.append(
            {
                "model": name,
                "what it is": DESCRIPTIONS[name],
                "test accuracy": f"{100 * acc:.2f}%" if acc is not None else ("denoiser" if name == "denoiser" else "-"),
                "parameters": f"{e['params']:,}" if "params" in e else "-",
                "ms / digit": f"{latency[name]:.2f}" if name in latency else "-",
                "status": "unavailable" if name in cache.errors() else "ok",
            }
        )
    return pd.DataFrame(rows)
