"""The Training replay page's parts, read from the artifacts replay-NAME (mnistdash.replay.build for the linear
models, mnistdash.replay.networks for the mlp): the weight maps at a checkpoint (a linear model's ten, the mlp's
first-layer units), the curves so far, the confusion matrix there, one digit's probabilities over training, and the
test digits learned last or forgotten on the way."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mnistdash.config import class_name
from mnistdash.plots.figures import confusion_figure, symmetric_range
from mnistdash.replay import figures, networks
from mnistdash.replay.build import NEVER, REPLAY_KEY, REPLAYED, confusion_at, forgetting, probabilities
from mnistdash.ui import cache, widgets
from mnistdash.ui.grid import digit_grid
from mnistdash.ui.robustness.attack import DRAWN_KEY
from mnistdash.ui.zoom import zoomable_mosaic

MODEL, STEP, DIGIT, SOURCE, SAME_SCALE, TAB = (
    "replay_model",
    "replay_step",
    "replay_digit",
    "replay_source",
    "replay_scale",
    "replay_tab",
)
SHOWN = 24  # digits in each grid of learned-last and forgotten
UNITS = networks.UNITS  # of a network's first-layer units, shown at each checkpoint
MODELS = REPLAYED + networks.NETWORKS


@st.cache_resource(show_spinner="Reading the training replay ...")
def artifact(model: str) -> dict | str:
    return cache.artifact(REPLAY_KEY.format(model))


def available(models: dict) -> tuple[list[str], dict[str, str]]:
    """The replayed models with a readable artifact, and for the others the one-line reason."""
    names, problems = [], {}
    for name in MODELS:
        if name not in models:
            continue
        got = artifact(name)
        if isinstance(got, str):
            problems[name] = got
        else:
            names.append(name)
    return names, problems


@st.cache_data(max_entries=256, show_spinner=False)
def _paths(model: str, digit: np.ndarray) -> np.ndarray:
    """(K, 10) a digit's probabilities at every checkpoint of `model`'s replay: the same at every checkpoint shown, so
    read once per model and digit (the mlp's 30 checkpoints through a copy of the network: about 11 ms)."""
    arrays = artifact(model)
    if linear(arrays):
        return probabilities(arrays, digit)
    return networks.probabilities(arrays, cache.models()[model].module, digit)


def path_of(model: str, arrays: dict, digit: np.ndarray, index: int | None) -> np.ndarray | None:
    """(K, 10) the digit's probabilities over training: test digit `index` read from the replay where it keeps them
    (the larger networks), else through the checkpoints; None for a drawn digit where the weights are not kept at
    every checkpoint."""
    if linear(arrays) or networks.every_state(arrays):
        return _paths(model, digit)
    return None if index is None else networks.recorded_probabilities(arrays, index)


def linear(arrays: dict) -> bool:
    return "coef" in arrays


def step_label(arrays: dict, k: int) -> str:
    steps = arrays["steps"]
    if steps[k] == 0:
        return "the start (all weights zero)" if linear(arrays) else "the start (its random weights)"
    if linear(arrays):
        return f"iteration {int(steps[k])}"
    return f"step {int(steps[k])} (epoch {arrays['epochs'][k]:.2f})"


def axis(arrays: dict) -> tuple[str, str]:
    """(the x axis's title, the word for one step in hover texts)."""
    if linear(arrays):
        return "L-BFGS iterations (each reads all the training digits)", "iteration"
    return "optimiser steps (batches of 128 training digits)", "step"


def describe(model: str, arrays: dict) -> str:
    steps = arrays["steps"]
    if linear(arrays):
        return (
            f"{model} is fitted by L-BFGS from zero weights. Each checkpoint is the fit stopped after that many iterations: "
            f"the finished model's own path, the last checkpoint being the model the other pages show ({len(steps)} checkpoints)."
        )
    kept = (
        "its weights at that step, kept while it trained (float16)"
        if networks.every_state(arrays)
        else f"what it read at that step, kept while it trained: its first layer's first {networks.UNITS} units (or filters), its probabilities for "
        f"every test digit, and its whole weights at the last {len(networks.kept(arrays))} checkpoints"
    )
    return (
        f"{model} is trained by AdamW for {arrays['epochs'][-1]:.0f} epochs ({int(steps[-1]):,} steps). Each checkpoint is "
        f"{kept}; the last is the model the other pages show. Train figures are on "
        f"{int(arrays['train_sample'][0]):,} seeded training digits ({len(steps)} checkpoints)."
    )


def maps(model: str, arrays: dict, k: int, module=None) -> tuple[np.ndarray, list[str], str]:
    """(the maps shown at checkpoint k, their titles, what they are)."""
    if linear(arrays):
        return arrays["coef"][k].reshape(10, 28, 28), [f"class {class_name(c)}" for c in range(10)], "ten weight maps"
    units = networks.first_layer(arrays, k, module)[:UNITS]
    total = networks.first_units(module)
    if networks.convolutional(module):
        side = units.shape[-1]
        return (
            units,
            [f"filter {u}" for u in range(len(units))],
            f"first-layer {side}x{side} filters 0-{len(units) - 1} (of {total})",
        )
    return units, [f"unit {u}" for u in range(len(units))], f"first-layer units 0-{len(units) - 1} (of {total})"


def at_checkpoint(model: str, arrays: dict, k: int, module=None) -> None:
    """The figures of checkpoint k: how it reads so far, its weight maps, its curves and its confusion matrix."""
    steps = arrays["steps"]
    last = len(steps) - 1
    cols = st.columns(4)
    for col, (split, metric) in zip(cols, [("train", "accuracy"), ("test", "accuracy"), ("train", "loss"), ("test", "loss")]):
        value = float(arrays[f"{split}_{metric}"][k])
        before = float(arrays[f"{split}_{metric}"][k - 1]) if k else None
        shown = f"{100 * value:.2f}%" if metric == "accuracy" else f"{value:.4f}"
        delta = None
        if before is not None:
            delta = f"{100 * (value - before):+.2f} pts" if metric == "accuracy" else f"{value - before:+.4f}"
        col.metric(f"{split} {metric}", shown, delta, delta_color="normal" if metric == "accuracy" else "inverse")
    coef, titles, what = maps(model, arrays, k, module)
    same = st.toggle(
        "One colour scale for every checkpoint (the finished model's)",
        key=SAME_SCALE,
        help="Off: each checkpoint on its own scale, so the shape of its maps shows even while they are small. "
        "On: the finished model's scale, so the weights are seen growing.",
    )
    unit = "filter" if module is not None and not linear(arrays) and networks.convolutional(module) else "unit"
    zmax = symmetric_range(maps(model, arrays, last, module)[0] if same else coef) or 1e-6
    st.markdown(
        f"**The {what} of {model} at {step_label(arrays, k)}** of {int(steps[last]):,}: "
        f"{'red pushes toward the class, blue away' if linear(arrays) else f'red ink excites the {unit}, blue ink inhibits it'} "
        f"(colour scale ±{zmax:.3g}"
        f"{', the finished model' if same else ', this checkpoint'}'s)."
    )
    zoomable_mosaic(
        coef,
        titles,
        key="replay_maps",
        zmax=zmax,
        value_name="weight",
        cols=5 if linear(arrays) else 10,
        cell_px=150 if linear(arrays) else 90,
        title=f"Weights of {model} at {step_label(arrays, k)}",
        caption=f"{model}'s {what} at {step_label(arrays, k)} of {int(steps[last]):,}.",
    )
    left, right = st.columns([3, 2])
    with left:
        st.markdown("**Accuracy and loss so far** (dashed line: the checkpoint shown)")
        widgets.show(
            figures.curves(arrays, k, *axis(arrays)),
            key="replay_curves",
            title=f"{model}: accuracy and loss over training",
            caption=f"Train and test accuracy and log loss at each of {len(steps)} checkpoints; marked: {step_label(arrays, k)}.",
        )
    with right:
        test = cache.split("test")
        cm = confusion_at(arrays, k, test.labels)
        st.markdown(f"**Confusion matrix at {step_label(arrays, k)}** ({int(np.trace(cm)):,} of {len(test):,} right)")
        widgets.show(
            confusion_figure(cm),
            key="replay_confusion",
            toolbar=False,
            title=f"Confusion matrix of {model} at {step_label(arrays, k)}",
            caption="Rows: the label; columns: what the model read.",
        )


def one_digit(model: str, arrays: dict, k: int, index: int) -> None:
    """When did the model learn this digit? A test digit's (or the last drawn digit's) probabilities over training."""
    st.subheader("When did it learn this digit?")
    drawn = st.session_state.get(DRAWN_KEY)
    source = "test digit"
    if drawn is not None and (linear(arrays) or networks.every_state(arrays)):
        source = st.radio("Digit", ["test digit", "the digit you drew"], horizontal=True, key=SOURCE)
    elif drawn is not None:
        st.caption(
            f"The digit you drew is replayed by the models whose weights are kept at every checkpoint; {model} keeps "
            "its readings of the test digits instead."
        )
    if source == "test digit":
        digit, label = cache.floats("test")[index], int(cache.split("test").labels[index])
        caption, alt = f"test digit #{index}, labelled {class_name(label)}", f"test digit {index}, labelled {label}"
    else:
        digit, label = np.asarray(drawn, np.float32), None
        caption, alt = "your drawing (no label)", "the digit you drew on the Draw page, 28 by 28"
    steps = arrays["steps"]
    probs = path_of(model, arrays, digit, index if label is not None else None)
    # a test digit's readings as recorded (the kept probabilities are rounded to 1/255ths: a near tie could flip)
    read = arrays["test_read"][:, index].astype(np.int64) if label is not None else probs.argmax(1)
    left, right = st.columns([1, 5])
    with left:
        widgets.digit_image(digit, caption, alt, px=112)
    with right:
        # as for every test digit, for this one: against its label, or a drawn digit against the final answer
        forgotten, learned = forgetting((read == (label if label is not None else read[-1]))[:, None])
        flips, since = int(forgotten[0]), int(learned[0])
        if label is not None:
            right_at = np.flatnonzero(read == label)
            if since == NEVER:
                verdict = f"{model} never settles on {class_name(label)}: it ends reading {class_name(int(read[-1]))}."
            elif since == 0:
                verdict = f"{model} reads it as {class_name(label)} from the start."
            else:
                verdict = f"{model} reads it right from {step_label(arrays, since)} on"
                verdict += f", after forgetting it {flips} time{'s' * (flips != 1)}." if flips else "."
            st.markdown(verdict + (f" Right at {len(right_at)} of {len(steps)} checkpoints." if len(right_at) else ""))
        else:  # no label: when it settles on its final answer
            where = "from the start" if since == 0 else f"from {step_label(arrays, since)} on"
            st.markdown(f"{model} settles on **{class_name(int(read[-1]))}**, its final answer, {where}.")
        st.markdown(f"At {step_label(arrays, k)} it reads **{class_name(int(read[k]))}** (p = {probs[k, read[k]]:.2f}).")
        widgets.show(
            figures.probability_paths(steps, probs, label, k, *axis(arrays)),
            key="replay_digit_paths",
            title=f"{model}: the probabilities of {caption} over training",
            caption="Each class's probability at each checkpoint; the label's line is thick.",
        )


def learned_late(arrays: dict) -> None:
    """The test digits learned last, and those forgotten and relearned (forgetting events, Toneva et al. 2019)."""
    st.subheader("Learned last, and forgotten on the way")
    forgotten, learned = arrays["forgotten"], arrays["learned_at"]
    never = int((learned == NEVER).sum())
    st.markdown(
        f"A test digit is **forgotten** when it is read right at one checkpoint and wrong at the next (Toneva et al., "
        f"2019); it is **learned** at the checkpoint from which it stays right. {int((forgotten > 0).sum()):,} of "
        f"{len(forgotten):,} test digits were forgotten at least once, {int(forgotten.sum()):,} times in all; "
        f"{never:,} are still read wrong at the end. Click *explain* under a digit to open it on the Explain page."
    )
    late_tab, forgot_tab = st.tabs(["Learned last", "Forgotten most"], key=TAB, bind="query-params")
    if late_tab.open:  # only the open tab's digits are drawn
        with late_tab:
            order = np.argsort(-learned.astype(np.int64), kind="stable")
            order = order[learned[order] > 0][:SHOWN]
            captions = [f"#{i}: {step_label(arrays, int(learned[i])).split(' (')[0]}" for i in order]
            digit_grid(order, "test", captions, key="replay_late")
    if forgot_tab.open:
        with forgot_tab:
            order = np.argsort(-forgotten.astype(np.int64), kind="stable")
            order = order[forgotten[order] > 0][:SHOWN]
            captions = [
                f"#{i}: {int(forgotten[i])}x, " + ("never relearned" if learned[i] == NEVER else "relearned") for i in order
            ]
            digit_grid(order, "test", captions, key="replay_forgot")
