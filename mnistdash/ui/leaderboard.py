"""The home page's model table: manifest figures plus a live one-digit latency."""

from __future__ import annotations

import time

import streamlit as st

from mnistdash.ui import cache
from mnistdash.zoo import registry


@st.cache_resource(show_spinner="Timing the models ...")
def _latency_ms() -> dict[str, float]:
    """Median time to predict one digit, per loaded classifier (measured once per server)."""
    x = cache.floats("test")[:1]
    out = {}
    for name in registry.classifiers():
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


def _denoiser_note(entry: dict) -> str:
    mse = entry.get("test_mse_sigma_0.5")
    return "-" if mse is None else f"MSE {mse:.4f} at σ 0.5"


def latency_ms() -> dict[str, float]:
    return _latency_ms()


def table(latency: dict[str, float] | None = None, problems: dict[str, str] | None = None) -> list[dict[str, str]]:
    """One row per model from the manifest; latency and load problems once known."""
    entries = cache.manifest().get("models", {})
    latency = latency or {}
    problems = cache.file_problems() if problems is None else problems
    rows = []
    for name in registry.all_models():
        e = entries.get(name, {})
        acc = e.get("test_accuracy")
        rows.append(
            {
                "model": name,
                "what it is": registry.describe(name),
                "test accuracy": f"{100 * acc:.2f}%" if acc is not None else _denoiser_note(e),
                "parameters": f"{e['params']:,}" if "params" in e else "-",
                "ms / digit": f"{latency[name]:.2f}"
                if name in latency
                else ("…" if name in registry.classifiers() and name not in problems else "-"),
                "status": "unavailable" if name in problems else "ok",
            }
        )
    return rows


def test_errors() -> dict[str, int]:
    """Per classifier with stored accuracy: how many test digits it reads wrong, from the manifest's figures."""
    n = (cache.split_sizes() or {}).get("test", 0)
    entries = cache.manifest().get("models", {})
    return {
        name: int(round((1 - entries[name]["test_accuracy"]) * n))
        for name in registry.classifiers()
        if name in entries and entries[name].get("test_accuracy") is not None and n
    }


def markdown(rows: list[dict[str, str]]) -> str:
    """The table as Markdown: renders at once, with no dataframe widget to load on the home page."""
    cols = list(rows[0])
    lines = [
        "| " + " | ".join(cols) + " |",
        "|" + "|".join("---:" if c in ("test accuracy", "parameters", "ms / digit") else "---" for c in cols) + "|",
    ]
    lines += ["| " + " | ".join(f"`{v}`" if c == "model" else str(v) for c, v in r.items()) + " |" for r in rows]
    return "\n".join(lines)
