"""The Training replay page's parts, read from the artifacts replay-NAME (mnistdash.replay.build): the ten weight
maps at a checkpoint, the curves so far, the confusion matrix there, one digit's probabilities over training, and the
test digits learned last or forgotten on the way."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mnistdash.config import class_name
from mnistdash.plots.figures import confusion_figure, symmetric_range
from mnistdash.replay import figures
from mnistdash.replay.build import NEVER, REPLAY_KEY, REPLAYED, confusion_at, probabilities
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


@st.cache_resource(show_spinner="Reading the training replay ...")
def artifact(model: str) -> dict | str:
    return cache.artifact(REPLAY_KEY.format(model))


def available(models: dict) -> tuple[list[str], dict[str, str]]:
    """The replayed models with a readable artifact, and for the others the one-line reason."""
    names, problems = [], {}
    for name in REPLAYED:
        if name not in models:
            continue
        got = artifact(name)
        if isinstance(got, str):
            problems[name] = got
        else:
            names.append(name)
    return names, problems


def step_label(steps: np.ndarray, k: int) -> str:
    return "the start (all weights zero)" if steps[k] == 0 else f"iteration {int(steps[k])}"


def at_checkpoint(model: str, arrays: dict, k: int) -> None:
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
    coef = arrays["coef"][k].reshape(10, 28, 28)
    final = arrays["coef"][last].reshape(10, 28, 28)
    same = st.toggle(
        "One colour scale for every checkpoint (the finished model's)",
        key=SAME_SCALE,
        help="Off: each checkpoint on its own scale, so the shape of its maps shows even while they are small. "
        "On: the finished model's scale, so the weights are seen growing.",
    )
    zmax = symmetric_range(final if same else coef) or 1e-6
    st.markdown(
        f"**The ten weight maps of {model} at {step_label(steps, k)}** of {int(steps[last])}: red pushes toward the class, "
        f"blue away (colour scale ±{zmax:.3g}{', the finished model' if same else ', this checkpoint'}'s)."
    )
    zoomable_mosaic(
        coef,
        [f"class {class_name(c)}" for c in range(10)],
        key="replay_maps",
        zmax=zmax,
        value_name="weight",
        cols=5,
        cell_px=150,
        title=f"Weights of {model} at {step_label(steps, k)}",
        caption=f"{model}'s ten weight maps after {int(steps[k])} L-BFGS iterations of {int(steps[last])}.",
    )
    left, right = st.columns([3, 2])
    with left:
        st.markdown("**Accuracy and loss so far** (dashed line: the checkpoint shown)")
        widgets.show(
            figures.curves(arrays, k),
            key="replay_curves",
            title=f"{model}: accuracy and loss over training",
            caption=f"Train and test accuracy and log loss at each of {len(steps)} checkpoints; marked: {step_label(steps, k)}.",
        )
    with right:
        test = cache.split("test")
        cm = confusion_at(arrays, k, test.labels)
        st.markdown(f"**Confusion matrix at {step_label(steps, k)}** ({int(np.trace(cm)):,} of {len(test):,} right)")
        widgets.show(
            confusion_figure(cm),
            key="replay_confusion",
            toolbar=False,
            title=f"Confusion matrix of {model} at {step_label(steps, k)}",
            caption="Rows: the label; columns: what the model read.",
        )


def one_digit(model: str, arrays: dict, k: int, index: int) -> None:
    """When did the model learn this digit? A test digit's (or the last drawn digit's) probabilities over training."""
    st.subheader("When did it learn this digit?")
    drawn = st.session_state.get(DRAWN_KEY)
    source = "test digit"
    if drawn is not None:
        source = st.radio("Digit", ["test digit", "the digit you drew"], horizontal=True, key=SOURCE)
    if source == "test digit":
        digit, label = cache.floats("test")[index], int(cache.split("test").labels[index])
        caption, alt = f"test digit #{index}, labelled {class_name(label)}", f"test digit {index}, labelled {label}"
    else:
        digit, label = np.asarray(drawn, np.float32), None
        caption, alt = "your drawing (no label)", "the digit you drew on the Draw page, 28 by 28"
    steps = arrays["steps"]
    probs = probabilities(arrays, digit)
    read = probs.argmax(1)
    left, right = st.columns([1, 5])
    with left:
        widgets.digit_image(digit, caption, alt, px=112)
    with right:
        if label is not None:
            right_at = np.flatnonzero(read == label)
            stays = [j for j in range(len(steps)) if (read[j:] == label).all()]
            if not stays:
                verdict = f"{model} never settles on {class_name(label)}: it ends reading {class_name(int(read[-1]))}."
            elif stays[0] == 0:
                verdict = f"{model} reads it as {class_name(label)} from the start."
            else:
                verdict = f"{model} reads it right from {step_label(steps, stays[0])} on"
                flips = int(((read[:-1] == label) & (read[1:] != label)).sum())
                verdict += f", after forgetting it {flips} time{'s' * (flips != 1)}." if flips else "."
            st.markdown(verdict + (f" Right at {len(right_at)} of {len(steps)} checkpoints." if len(right_at) else ""))
        st.markdown(f"At {step_label(steps, k)} it reads **{class_name(int(read[k]))}** (p = {probs[k, read[k]]:.2f}).")
        widgets.show(
            figures.probability_paths(steps, probs, label, k),
            key="replay_digit_paths",
            title=f"{model}: the probabilities of {caption} over training",
            caption="Each class's probability at each checkpoint; the label's line is thick.",
        )


def learned_late(arrays: dict) -> None:
    """The test digits learned last, and those forgotten and relearned (forgetting events, Toneva et al. 2019)."""
    st.subheader("Learned last, and forgotten on the way")
    steps = arrays["steps"]
    forgotten, learned = arrays["forgotten"], arrays["learned_at"]
    never = int((learned == NEVER).sum())
    st.markdown(
        f"A test digit is **forgotten** when it is read right at one checkpoint and wrong at the next (Toneva et al., "
        f"2019); it is **learned** at the checkpoint from which it stays right. {int((forgotten > 0).sum()):,} of "
        f"{len(forgotten):,} test digits were forgotten at least once, {int(forgotten.sum()):,} times in all; "
        f"{never:,} are still read wrong at the end. Click *explain* under a digit to open it on the Explain page."
    )
    late_tab, forgot_tab = st.tabs(["Learned last", "Forgotten most"], key=TAB, bind="query-params")
    with late_tab:
        if not late_tab.open:  # only the open tab's digits are drawn
            return
        order = np.argsort(-learned.astype(np.int64), kind="stable")
        order = order[learned[order] > 0][:SHOWN]
        digit_grid(order, "test", [f"#{i}: {step_label(steps, int(learned[i]))}" for i in order], key="replay_late")
    with forgot_tab:
        if not forgot_tab.open:
            return
        order = np.argsort(-forgotten.astype(np.int64), kind="stable")
        order = order[forgotten[order] > 0][:SHOWN]
        captions = [f"#{i}: {int(forgotten[i])}x, " + ("never relearned" if learned[i] == NEVER else "relearned") for i in order]
        digit_grid(order, "test", captions, key="replay_forgot")
