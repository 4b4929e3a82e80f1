"""Training replay: a model's training, checkpoint by checkpoint: its weight maps forming, its accuracy and loss so
far, its confusion matrix there, when it learned a digit, and the digits learned last or forgotten on the way."""

import streamlit as st

from mnistdash.replay.build import REPLAYED
from mnistdash.ui import cache, replay, widgets

widgets.page_header(
    "Training replay",
    "How a model got where it is: its weights, its accuracy and its mistakes at every checkpoint of its training, "
    "from zero weights to the finished model.",
)
if not widgets.require_data():
    st.stop()
widgets.unavailable_notice(list(REPLAYED))
models = cache.models()
names, problems = replay.available(models)
for name, why in problems.items():
    st.warning(f"No replay of {name}: {why}")
if not names:
    st.error(
        f"No replay can be shown: {', '.join(REPLAYED)} or their checkpoints are missing; run `mnistdash train --only replay`."
    )
    st.stop()

model = st.sidebar.selectbox(
    "Model",
    names,
    key=replay.MODEL,
    bind="query-params",
    help="The models trained by iterations. The templates and least squares are closed forms (nothing to replay); "
    "the networks' checkpoints come with their next retraining.",
)
index = st.sidebar.number_input(
    "Test digit to follow (0-9999)", 0, len(cache.split("test")) - 1, 0, key=replay.DIGIT, bind="query-params"
)


@st.fragment  # a move of the slider reruns this part only: the digits learned last below stay as they are
def checkpoint(model: str, index: int) -> None:
    arrays = replay.artifact(model)
    steps = [int(s) for s in arrays["steps"]]
    step = st.select_slider(
        "Training checkpoint (L-BFGS iterations; each reads all 60,000 training digits)",
        options=steps,
        value=steps[len(steps) // 2],  # partway: the maps are taking shape
        key=replay.STEP,
        bind="query-params",
        format_func=lambda s: "start" if s == 0 else str(s),
        help="Drag, or focus the slider and use the arrow keys. The checkpoints are log-spaced: the early changes are fast.",
    )
    st.caption(
        f"{model} is fitted by L-BFGS from zero weights. Each checkpoint is the fit stopped after that many iterations: "
        f"the finished model's own path, the last checkpoint being the model the other pages show ({len(steps)} checkpoints)."
    )
    k = steps.index(int(step))
    replay.at_checkpoint(model, arrays, k)
    replay.one_digit(model, arrays, k, index)


checkpoint(model, int(index))
replay.learned_late(replay.artifact(model))
