"""The test set in 2-D: the bottleneck network's own 2-unit layer beside a t-SNE of the pixels."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from mnistdash.config import class_name
from mnistdash.maps.selection import odd_first
from mnistdash.plots.figures import CLASS_COLOURS
from mnistdash.ui import cache, widgets
from mnistdash.ui.grid import digit_grid

widgets.page_header(
    "2-D maps",
    "Every test digit as a point: where a network with a 2-unit layer puts it, and where t-SNE of the raw pixels does. "
    "Box- or lasso-select in either map.",
)
if not widgets.require_data():
    st.stop()
widgets.unavailable_notice(["bottleneck"])
emb = cache.artifact("embedding")
if isinstance(emb, str):
    st.error(f"The 2-D maps are unavailable: {emb}")
    st.stop()

index = emb["index"]  # test digits on the maps
labels = cache.split("test").labels[index]
names = [n for n in cache.classifiers() if cache.probs(n, "test") is not None]
c1, c2 = st.columns(2)
colour_by = c1.radio("Colour by", ["true label", "predicted label", "correct / wrong"], horizontal=True, key="emb_colour")
model = c2.selectbox(
    "Model for predictions",
    names,
    index=names.index("bottleneck") if "bottleneck" in names else 0,
    key="emb_model",
)
preds = cache.probs(model, "test")[index].argmax(1) if names else labels

SEL_KEY = "emb_selection"
selected = np.asarray(st.session_state.get(SEL_KEY, []), dtype=np.int64)  # positions into `index`
TRACES: list[np.ndarray] = []  # the same grouping in both maps


def scatter(coords: np.ndarray) -> go.Figure:
    """One WebGL scatter; trace k holds the map positions TRACES[k] (for reading selections back).

    With a selection, the other points fade and the selected ones are drawn on top in their own colours, ringed.
    """
    fig = go.Figure()
    TRACES.clear()
    if colour_by == "correct / wrong":
        groups = [("correct", preds == labels, "#9ecae1"), ("wrong", preds != labels, "#d62728")]
    else:
        values = labels if colour_by == "true label" else preds
        groups = [(class_name(c), values == c, CLASS_COLOURS[c]) for c in range(10)]
    for name, mask, colour in groups:
        pos = np.flatnonzero(mask)
        TRACES.append(pos)
        fig.add_trace(
            go.Scattergl(
                x=coords[pos, 0],
                y=coords[pos, 1],
                mode="markers",
                name=name,
                marker=dict(size=4 if name != "wrong" else 6, opacity=0.12 if len(selected) else 0.6, color=colour),
                customdata=np.stack([pos, index[pos], labels[pos], preds[pos]], -1),
                hovertemplate="#%{customdata[1]}<br>label %{customdata[2]}, predicted %{customdata[3]}<extra></extra>",
            )
        )
    if len(selected):
        colours = {int(p): c for (_, mask, c), pos in zip(groups, TRACES, strict=True) for p in pos[np.isin(pos, selected)]}
        fig.add_trace(
            go.Scattergl(
                x=coords[selected, 0],
                y=coords[selected, 1],
                mode="markers",
                name="selected",
                hoverinfo="skip",
                marker=dict(
                    size=8, color=[colours[int(p)] for p in selected], line=dict(width=1.5, color="black")
                ),  # a ring no class has
            )
        )
    fig.update_layout(
        height=520, margin=dict(l=0, r=0, t=34, b=0), dragmode="select", legend=dict(itemsizing="constant")
    )  # a plain drag selects a box
    return fig


def positions(event) -> list[int]:
    """Map positions of the selected points, from each point's trace and index in that trace."""
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    out = set()
    for p in points:
        curve, k = p.get("curve_number"), p.get("point_index", p.get("point_number"))
        if curve is not None and k is not None and curve < len(TRACES) and k < len(TRACES[curve]):
            out.add(int(TRACES[curve][k]))
    return sorted(out)


widgets.min_width("emb_left", 380)
widgets.min_width("emb_right", 380)
with st.container(horizontal=True):  # the two maps wrap one under the other on a narrow screen
    left, right = st.container(key="emb_left"), st.container(key="emb_right")
with left:
    st.markdown("**The bottleneck network's 2-unit layer**")  # titles above the plot: the toolbar never covers them
    ev1 = widgets.show(
        scatter(emb["bottleneck"]),
        key="emb_bottleneck",
        on_select="rerun",
        selection_mode=("box", "lasso"),
    )
with right:
    st.markdown("**t-SNE of the pixels**")
    ev2 = widgets.show(scatter(emb["tsne"]), key="emb_tsne", on_select="rerun", selection_mode=("box", "lasso"))

# Whichever map's selection changed since the last run decides the selection shown in both.
changed = None
for name, event in (("bottleneck", ev1), ("tsne", ev2)):
    pos = positions(event)
    if st.session_state.get(f"emb_last_{name}") != pos:
        st.session_state[f"emb_last_{name}"] = pos
        changed = pos or changed
if changed is not None and changed != selected.tolist():
    st.session_state[SEL_KEY] = changed
    st.rerun()

if len(selected):
    st.subheader(f"{len(selected)} selected digits (ringed in orange in both maps)")
    if st.button("Clear selection"):
        st.session_state[SEL_KEY] = []
        st.rerun()
    counts = np.bincount(labels[selected], minlength=10)
    st.caption(
        "Labels in the selection: "
        + ", ".join(f"{c}: {n}" for c, n in enumerate(counts) if n)
        + f". Odd ones first: labels rare in the selection, then digits {model} reads wrong."
    )
    ordered = selected[odd_first(labels[selected], preds[selected])]
    chosen = index[ordered]
    digit_grid(
        chosen,
        "test",
        [f"#{i} · {labels[p]}→{preds[p]}" for p, i in zip(ordered, chosen, strict=True)],
        key="emb_sel",
        per_page=50,
    )
else:
    st.info("Drag a box or a lasso over a region of either map to see its digits here.", icon="👆")
