"""The Denoise page's parts: ten test digits clean, noisy and denoised with a classifier's reading of each, and
every classifier's precomputed accuracy across noise levels."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mnistdash.data import noisy
from mnistdash.plots.figures import noise_curves
from mnistdash.robustness.noise import level_table
from mnistdash.ui import cache, widgets
from mnistdash.ui.zoom import zoomable_mosaic


def ten_digits(models: dict, model: str, sigma: float) -> None:
    """Ten test digits (a new draw with "Other digits") in three rows, clean, noisy and denoised, each marked with
    what `model` reads, and how many of each row it reads right."""
    rng = np.random.default_rng(st.session_state.get("den_seed", 0))
    idx = rng.choice(len(cache.split("test")), 10, replace=False)
    clean = cache.floats("test")[idx]
    labels = cache.split("test").labels[idx]
    noisy_x = noisy(clean, sigma, seed=int(idx[0]))
    rows = {"clean": clean, "noisy": noisy_x, "denoised": models["denoiser"].denoise(noisy_x)}
    reads = {row: models[model].predict_proba(x).argmax(1) for row, x in rows.items()}
    st.markdown(
        f"Ten test digits (labels {', '.join(map(str, labels))}) in three rows: **clean**, with **noise** of σ = {sigma}, and "
        f"**denoised** by the autoencoder; above each digit ✔ or ✘ and the class {model} reads. Click a digit to enlarge it."
    )
    zoomable_mosaic(
        np.concatenate(list(rows.values())),
        [f"{row}: label {y}, {model} reads {p}" for row, pred in reads.items() for p, y in zip(pred, labels)],
        key="den_grid",
        title=f"Ten test digits clean, with noise σ = {sigma:g}, and denoised; read by {model}",
        caption=f"Test digits {', '.join(map(str, idx))}; above each, ✔ or ✘ and the class {model} reads.",
        labels=[f"{'✔' if p == y else '✘'} {p}" for pred in reads.values() for p, y in zip(pred, labels)],
        row_titles=["clean", f"noisy<br>σ = {sigma:g}", "denoised"],
        cols=10,
        diverging=False,
        zmax=1.0,
        value_name="ink",
        cell_px=95,
        colorbar=False,
    )
    for column, (row, pred) in zip(st.columns(3), reads.items(), strict=True):
        column.metric(f"{row}, read right", f"{(pred == labels).sum()} / 10")


def accuracy_curves(table: dict | str, model: str, sigma: float) -> None:
    """`model`'s accuracy on all test digits across the precomputed levels, and every classifier at the level
    nearest to `sigma`; a one-line notice where the table or the model's row is missing."""
    st.subheader("Accuracy on all 10,000 test digits across noise levels")
    if isinstance(table, str):
        st.warning(f"The precomputed accuracy table is unavailable: {table}")
        return
    if model not in list(table["models"]):
        st.info(f"{model} has no precomputed accuracy curves; run `mnistdash train --only denoiser` to rebuild them.")
    else:
        i = list(table["models"]).index(model)
        widgets.show(
            noise_curves(table["levels"], table["noisy"][i], table["denoised"][i], model, sigma),
            key="den_curve",
            title=f"Test accuracy of {model} across noise levels, noisy and denoised",
            caption=f"All 10,000 test digits with Gaussian noise σ, read as they are and after the denoising autoencoder; dashed: σ = {sigma:g}.",
        )
    st.markdown(level_table(table, model, sigma))
