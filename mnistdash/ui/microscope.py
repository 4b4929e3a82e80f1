"""The Microscope page's parts: a layer's grid of units (each its top training digit and its visualisation, a link
to its own view) and one unit's view (what it looks for, the digits that excite it, its class selectivity, and
what breaks when it is switched off), read from the artifact microscope-NAME (mnistdash.explain.microscope)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from mnistdash.explain import leaves
from mnistdash.explain import microscope as ms
from mnistdash.plots.figures import before_after_bars
from mnistdash.plots.pictures import digit_uri, diverging_uri
from mnistdash.ui import cache, share, widgets
from mnistdash.ui.grid import digit_grid

MODEL, LAYER, UNIT = "ms_model", "ms_layer", "ms_unit"  # the sidebar's widgets (and the URL's model, layer, unit)
PER_PAGE = 100  # units per page of a layer's grid
GRID = "ms_grid"

# The grid's tiles are links (a unit's address, to share or open in a new tab); a plain click is caught here and
# opens the unit in this session instead of loading the app again (2-3.5 s in Chromium against about 0.3 s).
_GRID_JS = """
export default function (component) {
  const { parentElement, data, setTriggerValue } = component;
  let root = parentElement.querySelector('.ms-grid');
  if (!root) {
    root = document.createElement('div');
    root.className = 'ms-grid';
    parentElement.appendChild(root);
    root.addEventListener('click', (e) => {
      const a = e.target.closest('a.ms-unit');
      if (!a || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      root.__open('open', Number(a.dataset.unit));
    });
  }
  root.__open = setTriggerValue;
  if (root.__html !== data.html) { root.innerHTML = data.html; root.__html = data.html; }
}
"""
_grid = st.components.v2.component("mnistdash_unit_grid", html="", js=_GRID_JS)


def _go(unit: int | None) -> None:
    st.session_state[UNIT] = unit


def _opened() -> None:
    unit = (st.session_state.get(GRID) or {}).get("open")
    if unit is not None:
        st.session_state[UNIT] = int(unit)


@st.cache_resource(show_spinner="Reading the microscope's figures ...")
def artifact(model: str) -> dict | str:
    return cache.artifact(ms.MICROSCOPE_KEY.format(model))


def layer_names(model: str) -> list[str]:
    got = artifact(model)
    return [] if isinstance(got, str) else [str(n) for n in got["layers"]]


@st.cache_resource(show_spinner=False)
def _layer(model: str, name: str) -> ms.Layer:
    return ms.find_layer(cache.models()[model].module, name)


def shown() -> list[str]:
    """The networks loaded here whose microscope figures are in the store."""
    return [n for n in ms.NETWORKS if n in cache.models() and not isinstance(artifact(n), str)]


def default_model(names: list[str]) -> str:
    return "cnn" if "cnn" in names else names[0]


def link(model: str, layer: str, unit: int | None = None) -> str:
    """The query string that opens a layer's grid or a unit's view (relative: it keeps the app's own path), written
    as the page writes its own address (defaults left out), so that opening it adds no second history entry and
    Back returns to where the link was."""
    params = {
        "model": None if model == default_model(shown()) else model,
        "layer": None if layer == layer_names(model)[0] else layer,
        "unit": unit,
    }
    return "?" + "&".join(f"{k}={v}" for k, v in params.items() if v is not None)


def _tile_html(model: str, layer: str, unit: int, top: np.ndarray, picture: np.ndarray, note: str) -> str:
    return (
        f"<a href='{link(model, layer, unit)}' target='_self' class='ms-unit' data-unit='{unit}' "
        f"style='display:inline-block;margin:0 6px 8px 0;text-align:center;text-decoration:none;color:inherit'>"
        f"<img src='{digit_uri(top, 2)}' alt='unit {unit}: the training digit that excites it most' width='56' "
        f"style='image-rendering:pixelated'>"
        f"<img src='{digit_uri(picture, 2)}' alt='unit {unit}: the picture that excites it, with the autoencoder prior' "
        f"width='56' style='image-rendering:pixelated;margin-left:2px'>"
        f"<div style='font-size:0.75rem'>{unit} · {note}</div></a>"
    )


def layer_grid(model: str, layer: str) -> None:
    """Every unit of the layer: its most exciting training digit and its visualisation, each a link to its view."""
    arrays = artifact(model)
    k = f"{layer}/"
    n = len(arrays[k + "top"])
    changed = arrays[k + "changed_count"]
    order_by = st.radio(
        "Order",
        ["by index", "by answers changed when zeroed"],
        horizontal=True,
        key="ms_grid_order",
        label_visibility="collapsed",
    )
    order = np.arange(n) if order_by == "by index" else np.argsort(-changed, kind="stable")
    pages = -(-n // PER_PAGE)
    page = st.number_input(f"Page (of {pages}, {PER_PAGE} units each)", 1, pages, 1, key="ms_grid_page") if pages > 1 else 1
    shown = order[(page - 1) * PER_PAGE : page * PER_PAGE]
    train = cache.split("train").images
    tops = train[arrays[k + "top"][shown, 0]].astype(np.float32) / 255
    pictures = arrays[k + "prior"][shown].astype(np.float32) / 255
    st.caption(
        f"{n} units. Each: the training digit that excites it most, and the picture that excites it most with the "
        "autoencoder as a prior on ink; under them the unit's number and how many of the test digits change their "
        "answer when it is switched off. Click one for its own view."
    )
    tiles = "".join(
        _tile_html(model, layer, int(u), tops[j], pictures[j], f"{int(changed[u])} changed") for j, u in enumerate(shown)
    )
    _grid(key=GRID, data={"html": tiles}, on_open_change=_opened)


def _weights(model: str, layer: ms.Layer, unit: int) -> np.ndarray | None:
    """The unit's input weights as a picture where they are one (a first layer): 28x28, or the conv's 5x5 kernel."""
    module = cache.models()[model].module
    steps = leaves(module)
    first = next(s for s in steps if hasattr(s, "weight") and s.weight is not None)
    if steps.index(first) > layer.step or layer.name not in ("1", "conv1"):
        return None
    w = first.weight.detach().numpy()[unit]
    return w.reshape(28, 28) if w.size == 784 else w[0]


def _class_chart(means: np.ndarray, unit: int) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=[str(c) for c in range(10)], y=means, marker_color="#4c78a8", hovertemplate="class %{x}: %{y:.3f}<extra></extra>"
        )
    )
    fig.update_layout(
        height=260,
        margin=dict(l=10, r=10, t=30, b=30),
        title=dict(text=f"Unit {unit}: mean activation per class (test digits)", font=dict(size=14)),
        xaxis_title="class",
        yaxis_title="mean activation",
    )
    return fig


def _pictures_row(items: list[tuple[str, str, str]]) -> None:
    """(data URI, alt, caption) side by side."""
    html = "".join(
        f"<figure style='display:inline-block;margin:0 16px 8px 0;text-align:center;vertical-align:top;max-width:150px'>"
        f"<img src='{uri}' alt='{alt}' width='140' style='image-rendering:pixelated'>"
        f"<figcaption style='font-size:0.8rem;line-height:1.3'>{caption}</figcaption></figure>"
        for uri, alt, caption in items
    )
    st.markdown(f"<div class='ms-look'>{html}</div>", unsafe_allow_html=True)


def unit_view(model: str, layer_name: str, unit: int) -> None:
    arrays = artifact(model)
    layer = _layer(model, layer_name)
    view = ms.unit_view(arrays, layer_name, unit)
    kind = "channel" if layer.conv else "unit"
    here = f"{model} · layer {layer_name} · {kind} {unit}"
    st.subheader(here)
    st.markdown(f"{layer.about}.")
    with st.container(horizontal=True, gap="small"):  # buttons, not links: a link would load the app again
        st.button(f"All of layer {layer_name}", key="ms_all", on_click=_go, args=(None,))
        if unit > 0:
            st.button(f"← {kind} {unit - 1}", key="ms_prev", on_click=_go, args=(unit - 1,))
        if unit + 1 < layer.units:
            st.button(f"{kind} {unit + 1} →", key="ms_next", on_click=_go, args=(unit + 1,))

    st.markdown("#### What it looks for")
    start, free, prior = (view["activation_lift"][k] for k in ("start", "free", "prior"))
    k = f"{layer_name}/"
    items = []
    weights = _weights(model, layer, unit)
    if weights is not None:
        items.append(
            (
                diverging_uri(weights, 140),
                f"{kind} {unit}'s input weights",
                "its input weights (red: ink here excites it, blue: ink here holds it back)"
                if weights.shape[0] == 28
                else "its 5x5 kernel over the pixels (red excites, blue holds back)",
            )
        )
    items += [
        (
            digit_uri(arrays[k + "free"][unit] / 255, 5),
            f"{kind} {unit}: the picture that excites it, free",
            f"free: it climbs from {start:.2f} to {free:.2f}",
        ),
        (
            digit_uri(arrays[k + "prior"][unit] / 255, 5),
            f"{kind} {unit}: the picture that excites it, with the autoencoder prior",
            f"with the autoencoder as a prior: from {start:.2f} to {prior:.2f}",
        ),
    ]
    _pictures_row(items)
    share.picture_downloads(
        np.stack([arrays[k + "free"][unit], arrays[k + "prior"][unit]]) / 255,
        ["free", "with the autoencoder prior"],
        "ms_look",
        f"What excites {here}: feature visualisations",
        f"Gradient ascent from the mean training digit; free: {start:.2f} to {free:.2f}, with the prior: {start:.2f} to {prior:.2f}.",
        diverging=False,
    )
    if weights is not None:
        share.picture_downloads(
            weights[None],
            ["input weights"],
            "ms_weights",
            f"Input weights of {here}",
            "Red: ink here excites it; blue: holds it back.",
        )
    if free <= start + 1e-3:
        st.caption(
            f"The free climb stayed where it began: at the mean training digit this {kind}'s input has no gradient (every "
            "unit feeding it is off there), so there was no way up to follow."
        )
    if view["top"][0]["activation"] <= 0:
        st.caption(f"No training digit switches this {kind} on: a dead unit, which the network does without.")
    relu = layer.pre != layer.step  # the bottleneck's code has none: its value is its output
    where = "input, averaged over the channel map" if layer.conv else ("input before its ReLU" if relu else "value")
    if layer_name == "conv1":
        how = (
            "the channel's input at the centre of the picture (over its whole map, one 5x5 filter likes a flat page "
            "best, all ink or none). Free, only the 5x5 pixels the centre sees can change: they show the pattern it "
            "looks for."
        )
    else:
        how = (
            f"this {kind}'s {where}. Free, on the "
            "pixels, the climb finds whatever pixels raise it, and on MNIST that is speckle or stripes: nothing in "
            "training told the network what a page without a digit looks like, so stray ink costs it nothing."
        )
    st.caption(
        f"Both pictures start from the mean training digit and climb, for {ms.STEPS} steps, the gradient of {how} With "
        "the prior, the climb moves only in the code of the denoising autoencoder and every step is decoded to a "
        "picture it could draw, so it shows ink: strokes this unit likes."
    )

    st.markdown("#### The training digits that excite it most, and least")
    labels = cache.split("train").labels
    top, bottom = view["top"], view["bottom"]
    st.caption(
        f"The 16 of the {len(labels):,} training digits with the highest activation. Under each: index · label · activation."
    )
    digit_grid(
        np.array([t["index"] for t in top]),
        "train",
        [f"#{t['index']} · {labels[t['index']]} · {t['activation']:.2f}" for t in top],
        key=f"ms_top_{model}_{layer_name}_{unit}",
    )
    lowest = "input to the unit (before its ReLU, where the activation of most digits is 0)" if relu else "value"
    st.caption(
        f"The 16 with the lowest {lowest}: what holds it back most. Under each: index · label · {'input' if relu else 'value'}."
    )
    digit_grid(
        np.array([t["index"] for t in bottom]),
        "train",
        [f"#{t['index']} · {labels[t['index']]} · {t['input']:.2f}" for t in bottom],
        key=f"ms_bottom_{model}_{layer_name}_{unit}",
    )

    st.markdown("#### Which classes it answers to")
    means = np.array(view["class_mean"])
    widgets.show(_class_chart(means, unit), key="ms_classes", toolbar=False)
    rest = np.delete(means, means.argmax()).mean()
    selectivity = (means.max() - rest) / (means.max() + rest) if means.max() + rest > 0 else 0.0
    st.caption(
        f"Most for class {int(means.argmax())}; selectivity {selectivity:.2f} (the top class's mean against the mean of the "
        "others: 0 when it answers every class alike, 1 when only one)."
    )

    st.markdown("#### Switched off")
    base, zeroed = np.array(view["accuracy"]), np.array(view["accuracy_zeroed"])
    low = float(min(base.min(), zeroed.min()) * 100)
    chart = before_after_bars(
        base,
        zeroed,
        ("as trained", f"{kind} {unit} zeroed"),
        "accuracy (%)",
        (max(0.0, low - 2), 100.5),
        "Accuracy per class on the test digits",
    )
    widgets.show(chart, key="ms_ablation", toolbar=False)
    n_test = len(cache.split("test").labels)
    worst = int(np.argmax(base - zeroed))
    st.markdown(
        f"With {kind} {unit} zeroed on all {n_test:,} test digits, **{view['changed_count']}** change their answer; "
        f"accuracy {100 * base.mean():.2f}% → {100 * zeroed.mean():.2f}% (mean over classes), class {worst} loses the "
        f"most ({100 * (base[worst] - zeroed[worst]):.2f} points)."
        if view["changed_count"]
        else f"With {kind} {unit} zeroed on all {n_test:,} test digits, no answer changes: the others cover for it."
    )
    if view["changed"]:
        changed = np.array(view["changed"])
        test_labels = cache.split("test").labels
        st.caption(
            f"The {'first ' + str(len(changed)) + ' of the ' if len(changed) < view['changed_count'] else ''}test digits "
            "whose answer changes: index · label. Explain opens one."
        )
        digit_grid(changed, "test", [f"#{i} · {test_labels[i]}" for i in changed], key=f"ms_changed_{model}_{layer_name}_{unit}")
    st.caption(f"`mnistdash unit --model {model} --layer {layer_name} --unit {unit} --json` prints these figures.")
