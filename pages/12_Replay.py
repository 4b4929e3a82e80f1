"""Training replay: a model's training, checkpoint by checkpoint: its weight maps forming, its accuracy and loss so
far, its confusion matrix there, when it learned a digit, and the digits learned last or forgotten on the way."""

import streamlit as st

from mnistdash.ui import cache, replay, widgets

widgets.page_header(
    "Training replay",
    "How a model got where it is: its weights, its accuracy and its mistakes at every checkpoint of its training, "
    "from its first weights to the finished model.",
)
if not widgets.require_data():
    st.stop()
widgets.unavailable_notice(list(replay.MODELS))
models = cache.models()
names, problems = replay.available(models)
for name, why in problems.items():
    st.warning(f"No replay of {name}: {why}")
if not names:
    st.error(
        f"No replay can be shown: {', '.join(replay.MODELS)} or their checkpoints are missing; run `mnistdash train --only replay` (a network's come with its training: `mnistdash train --only mlp`)."
    )
    st.stop()

model = st.sidebar.selectbox(
    "Model",
    names,
    key=replay.MODEL,
    bind="query-params",
    help="The logistic regressions (their L-BFGS iterations) and the four networks (their training steps). The "
    "templates and least squares are closed forms, with nothing to replay.",
)
index = st.sidebar.number_input(
    "Test digit to follow (0-9999)", 0, len(cache.split("test")) - 1, 0, key=replay.DIGIT, bind="query-params"
)


@st.fragment  # a move of the slider reruns this part only: the digits learned last below stay as they are
def checkpoint(model: str, index: int) -> None:
    arrays = replay.artifact(model)
    steps = [int(s) for s in arrays["steps"]]
    title, _ = replay.axis(arrays)
    step = st.select_slider(
        f"Training checkpoint: {title}",
        options=steps,
        value=steps[len(steps) // 2],  # partway: the maps are taking shape
        key=replay.STEP,
        bind="query-params",
        format_func=lambda s: "start" if s == 0 else str(s),
        help="Drag, or focus the slider and use the arrow keys. The checkpoints are log-spaced: the early changes are fast.",
    )
    st.caption(replay.describe(model, arrays))
    k = steps.index(int(step))
    module = getattr(models[model], "module", None)  # a network's checkpoints are read through its own module
    replay.at_checkpoint(model, arrays, k, module)
    replay.one_digit(model, arrays, k, index)


checkpoint(model, int(index))
replay.learned_late(replay.artifact(model))
