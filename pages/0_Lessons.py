"""Lessons: the four questions that bring people here, each a guided walk of 5-7 steps, every step a link to the
view that shows it; every number read from the committed models and artifacts."""

import streamlit as st

from mnistdash.ui import cache, url, widgets
from mnistdash.ui.lessons import Lesson, lessons

widgets.page_header(
    "Lessons",
    "Four questions, each answered in a few steps inside the app: read a step, open the view it links to, come back "
    "for the next. For a class, share the link of a step.",
)
if not widgets.require_data():
    st.stop()


@st.cache_resource(show_spinner="Reading the figures the lessons quote ...")
def _built() -> list:
    return lessons(cache.manifest(), cache.artifact, cache.split("test").labels)


LESSON, STEP = "lesson_key", "lesson_step"
built = _built()
ready = {item.key: item for item in built if isinstance(item, Lesson)}
for item in built:
    if not isinstance(item, Lesson):
        st.warning(f"The lesson \u201c{item[0]}\u201d is unavailable: {item[1]}.", icon="⚠️")
if not ready:
    st.stop()
keys = list(ready)


def _apply_step(value: str | None) -> str | None:
    lesson = ready.get(st.session_state.get(LESSON, keys[0]), ready[keys[0]])
    if value is None:
        st.session_state[STEP] = 1
        return None
    if not value.isdigit() or not 1 <= int(value) <= len(lesson.steps):
        return f"is not a step of this lesson (1-{len(lesson.steps)})"
    st.session_state[STEP] = int(value)
    return None


url.restore("Lessons", {"lesson": url.apply_choice(LESSON, keys), "step": _apply_step}, {"lesson": keys[0], "step": None})
st.session_state.setdefault(LESSON, keys[0])
st.session_state.setdefault(STEP, 1)


def _restart() -> None:
    st.session_state[STEP] = 1


key = st.radio("Lesson", keys, format_func=lambda k: ready[k].question, key=LESSON, on_change=_restart)
lesson = ready[key]
n = len(lesson.steps)
step = min(max(int(st.session_state[STEP]), 1), n)
st.session_state[STEP] = step
url.publish("Lessons", {"lesson": key, "step": step}, {"lesson": keys[0], "step": 1})


def _move(by: int) -> None:
    st.session_state[STEP] = min(max(st.session_state[STEP] + by, 1), n)


st.progress(step / n, text=f"Step {step} of {n}")
now = lesson.steps[step - 1]
with st.container(border=True, key="lesson_step_box"):
    st.subheader(f"{step}. {now.title}")
    st.markdown(now.text)
    st.page_link(now.page, label=now.label, icon="👉", query_params=now.params or None)
with st.container(horizontal=True, gap="small"):
    st.button("← Back", key="lesson_back", on_click=_move, args=(-1,), disabled=step == 1)
    st.button("Next →", key="lesson_next", on_click=_move, args=(1,), disabled=step == n, type="primary")
st.caption(
    "All steps: " + " · ".join(f"**{i}. {s.title}**" if i == step else f"{i}. {s.title}" for i, s in enumerate(lesson.steps, 1))
)
