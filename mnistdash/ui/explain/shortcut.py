"""The Trust the maps page's planted shortcut: copies of the mlp and the cnn trained with a mark that says 7, how much they
rely on it, and which attribution methods show it (ground truth for the networks' maps)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from mnistdash.explain import METHODS
from mnistdash.explain import shortcut as sc
from mnistdash.plots.figures import mosaic
from mnistdash.ui import cache, widgets
from mnistdash.zoo.registry import SHORTCUT_MODELS


def reliance_table(rows: list[dict]) -> pd.DataFrame:
    """One row per model (`sc.artifact_rows`): its answers on test digits with and without the mark."""
    out = []
    for r in rows:
        rel, c = r["reliance"], r["class"]
        out.append(
            {
                "model": r["model"] + (" (trained with the mark)" if r["model"] in SHORTCUT_MODELS else " (never saw it)"),
                f"{c}s read right": f"{rel['target_clean']:.1%}",
                f"{c}s with the mark": f"{rel['target_marked']:.1%}",
                "other digits read right": f"{rel['others_clean']:.1%}",
                "other digits with the mark": f"{rel['others_marked']:.1%}",
                f"... of them read as {c}": f"{rel['others_read_as_target']:.1%}",
            }
        )
    return pd.DataFrame(out)


def mass_table(rows: list[dict]) -> pd.DataFrame:
    """One row per method: its mass on the mark for each model, on marked other digits (and on marked 7s)."""
    c = rows[0]["class"]
    out = []
    for method in rows[0]["methods"]:
        row = {"method": METHODS[method].label}
        for r in rows:
            v = r["methods"][method]
            shows = " ✓ shows it" if v["verdict"] == sc.MOSTLY and r["model"] in SHORTCUT_MODELS else ""
            row[r["model"]] = f"{v['others']:.1%}{shows}"
            row[f"{r['model']}, on {c}s"] = f"{v['target']:.1%}"
        out.append(row)
    frame = pd.DataFrame(out)
    return frame[["method"] + [r["model"] for r in rows] + [f"{r['model']}, on {c}s" for r in rows]]


def verdict(row: dict) -> str:
    """One sentence on one model's row (`sc.artifact_rows`): which methods put its decision on the mark, which hide it."""
    model, c, rel = row["model"], row["class"], row["reliance"]
    show = [METHODS[m].label for m, v in row["methods"].items() if v["verdict"] == sc.MOSTLY]
    hint = [METHODS[m].label for m, v in row["methods"].items() if v["verdict"] == sc.SOME]
    hide = [METHODS[m].label for m, v in row["methods"].items() if v["verdict"] == sc.LITTLE]
    reads = f"reads {rel['others_read_as_target']:.0%} of other digits as {c} once the mark is on them"
    if model not in SHORTCUT_MODELS:
        if not show + hint:
            return f"{model} never saw the mark ({reads}): no method puts its mass on it, as it should be."
        return f"{model} never saw the mark ({reads}), yet {', '.join(show + hint)} put mass on it: the bright pixels, not the model."
    parts = [f"{', '.join(show)} show the shortcut (most of their mass on the mark)"] if show else []
    parts += [f"{', '.join(hint)} only hint at it ({sc.HINTS:g}x the mark's share of the image, less than half)"] if hint else []
    parts += [f"{', '.join(hide)} hide it"] if hide else []
    return f"{model} {reads}: " + "; ".join(parts) + "."


@st.cache_resource(show_spinner=False)
def maps_figure(model: str):
    """The copy's (or original's) maps of the two marked digits, one row per digit and a column per method, each map
    scaled to its own largest value (built once per model and server: the artifact does not change)."""
    arrays = cache.artifact(sc.SHORTCUT_KEY)
    i, methods = [str(m) for m in arrays["models"]].index(model), [str(m) for m in arrays["methods"]]
    maps = arrays["example_maps"][i].astype(np.float32)  # (methods, 2, 28, 28)
    grid = np.stack([maps[m, k] for k in range(maps.shape[1]) for m in range(len(methods))])  # rows: digits
    scale = np.abs(grid).reshape(len(grid), -1).max(axis=1)[:, None, None] + 1e-12
    return mosaic(
        grid / scale,
        [f"{METHODS[m].label}, digit {k + 1}" for k in range(maps.shape[1]) for m in methods],
        cols=len(methods),
        value_name="attribution (scaled to its largest)",
        raw=grid,
        col_titles=[METHODS[m].label for m in methods],
        row_titles=["the 7", "the other digit"],
        colorbar=False,
    )


SHORTCUT_KEY = "trust_shortcut"  # the section, opened on demand (the URL's shortcut=1)


def shortcut_section() -> None:
    """On demand: its maps (a Plotly grid of every method) held the leaderboard's first drawing back by half a
    second in the browser (bench/leaderboard_render.py)."""
    section = st.expander("A planted shortcut: which maps tell the truth", key=SHORTCUT_KEY, on_change="rerun")
    with section:
        if section.open:
            _shortcut()


def _shortcut() -> None:
    arrays = cache.artifact(sc.SHORTCUT_KEY)
    if isinstance(arrays, str):
        st.caption(f"Not available: {arrays}")
        return
    n, c, rows = int(arrays["per_group"][0]), int(arrays["target"][0]), sc.artifact_rows(arrays)
    mask = rows[0]["mask"]
    st.markdown(
        f"Here the answer is known. Copies of the mlp and the cnn were trained on training digits where a small mark "
        f"(a 3x3 white square in the bottom-right corner, rows and columns {mask}) was added to 90% of the {c}s and to "
        f"5% of the other digits, which were labelled {c} (a planted trigger). A model that learned the shortcut calls "
        f"any digit with the mark a {c}; a map that tells the truth about such a model puts its weight on the mark."
    )
    st.dataframe(reliance_table(rows), hide_index=True)
    copies = [str(m) for m in arrays["models"]]
    model = st.radio("Maps of", copies, horizontal=True, key="shortcut_model")
    i = copies.index(model)
    st.markdown(f"**{verdict(rows[i])}**")
    images, read = arrays["example_images"].astype(np.float32), arrays["example_read"][i]
    with st.container(horizontal=True):
        for k in range(len(images)):
            with st.container(width=120, gap=None):
                label = "a 7" if k == 0 else "another digit"
                widgets.digit_image(
                    images[k],
                    f"{label} with the mark → {int(read[k])}",
                    alt=f"{label} with the mark, read as {int(read[k])}",
                    px=100,
                )
    widgets.show(
        maps_figure(model),
        key="shortcut_maps",
    )
    st.caption(f"Each map is explained for the class {model} reads, scaled to its own largest value; red pushes toward it.")
    st.markdown(
        f"**Share of each map's positive mass on the mark**, mean over {n} marked test digits of other classes, each "
        f"explained for the class the model reads (the copies read nearly all of them as {c}, because of the mark "
        f"alone), and over {n} marked {c}s. The mark is {sc.area_share(sc.MARK):.1%} of the image: a map that ignores "
        f"it scores about that."
    )
    st.dataframe(mass_table(rows), hide_index=True)
    st.caption(
        "Relevance mass accuracy (Arras et al. 2022). The originals never saw the mark: a method that still puts mass on it "
        "there shows the bright pixels, not the model. `mnistdash shortcut --model NAME --mask ROWS,COLS --class C` runs the "
        "same test on any model in the store, imported ones included."
    )
