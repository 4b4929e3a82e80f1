"""The quiz page's parts: start a round, answer digit after digit (click or key), the round's score, the crowd."""

from __future__ import annotations

import secrets
import time

import numpy as np
import pandas as pd
import streamlit as st

from mnistdash import store as model_store
from mnistdash.config import NAMED_CLASSES, class_name
from mnistdash.mistakes import mislabels
from mnistdash.people import ANSWERS, StoreUnavailable
from mnistdash.people.crowd import CONFIRM_PEOPLE, CONFIRM_POSTERIOR, METHOD, in_words
from mnistdash.people.quiz.rounds import KINDS, ROUND_SIZE, Item, make_pools, make_round
from mnistdash.people.quiz.score import Throttle, is_right, running_totals, score_round
from mnistdash.people.verdicts import counted
from mnistdash.ui import cache, widgets
from mnistdash.ui.people import reviews
from mnistdash.ui.people.person import person_id

_STATE = "quiz"
JUDGE = "cnn"
THROTTLE = Throttle(limit=2, window=1.0)
# The answer buttons: the class names (the digits for MNIST), keyed 0-9 as in the store, and X.
LABELS = {
    **{str(d): class_name(d) if not NAMED_CLASSES else f"{d} {class_name(d)}" for d in range(10)},
    "x": "none of these / can't tell" if NAMED_CLASSES else "not a digit / can't tell",
}


def model_probs() -> dict[str, np.ndarray]:
    return {m: p for m in cache.classifiers() if (p := cache.probs(m, "test")) is not None}


@st.cache_resource(show_spinner="Finding the hard digits ...")
def _pools():
    labels = cache.split("test").labels
    try:
        order = mislabels.rank(mislabels.judge_probs("test"), labels)[0]
    except model_store.StoreError:
        order = np.array([], int)
    return make_pools(model_probs(), labels, order, judge=JUDGE)


def state() -> dict:
    return st.session_state.setdefault(_STATE, {"round": None, "items": [], "answers": {}, "times": [], "message": None})


ROUND = "round"  # the address's parameter: the round's seed and mix, so a class can play the same digits


def start(kinds: list[str], seed: int | None = None) -> None:
    s = state()
    seed = secrets.randbits(32) if seed is None else seed
    s.update(round=f"r{seed:08x}", items=make_round(_pools(), kinds, seed), answers={}, message=None)
    link = f"{seed:08x}-{''.join(str(KINDS.index(k)) for k in kinds)}"
    s["linked"] = link
    st.query_params[ROUND] = link


def from_link() -> None:
    """Start the address's round (`?round=1a2b3c4d-0123`: its seed and the kinds mixed) when it is new to this
    session: everyone who opens the link reads the same digits, each answering as themselves; a person who has
    answered some of them in this round already (a reload) goes on where they stopped, never answering twice."""
    link, s = st.query_params.get(ROUND), state()
    if not link or link == s.get("linked"):
        return
    s["linked"] = link
    seed, _, mix = link.partition("-")
    try:
        kinds = [KINDS[int(c)] for c in mix]
        if len(seed) != 8:
            raise ValueError(seed)
        start(kinds or ["random"], int(seed, 16))
    except (ValueError, IndexError):
        st.warning(f"The link's `round={link}` is not a quiz round; start one below.", icon="🔗")
        return
    db = reviews.store()
    if isinstance(db, str):
        return
    try:
        given = db.answers(person_id(in_url=True), "test")
    except StoreUnavailable:
        return
    given = given[given["round_id"] == s["round"]]
    done = dict(zip(given["index"].astype(int), given["answer"]))
    for item in s["items"]:  # in the round's order, up to the first digit not answered yet
        if item.index not in done:
            break
        s["answers"][item.index] = done[item.index]


def answer(value: str) -> None:
    """A button or key press: refused when faster than a person reads, else stored the moment it is given."""
    s, now = state(), time.monotonic()
    if s["round"] is None or len(s["answers"]) >= len(s["items"]):
        return
    if not THROTTLE.allows(s["times"], now):
        s["message"] = (
            "warning",
            "Slow down: more than 2 answers a second is faster than anyone reads a digit, so that one was not counted.",
        )
        return
    item: Item = s["items"][len(s["answers"])]
    s["times"] = [t for t in s["times"] if now - t < THROTTLE.window] + [now]
    s["message"] = None
    db = reviews.store()
    if not isinstance(db, str):
        try:
            db.add_answer(person_id(in_url=True), "test", item.index, value, source="quiz", round_id=s["round"])
        except StoreUnavailable as exc:
            s["message"] = ("warning", f"Not saved: {exc}")
    s["answers"][item.index] = value


def show_message() -> None:
    msg = state()["message"]
    if msg:
        st.warning(msg[1], icon="⏱️" if "Slow" in msg[1] else "🗄️")


def start_form() -> None:
    st.markdown(
        f"A round is {ROUND_SIZE} test digits. Read each one and answer with a click or a key (0-9, X for "
        '"not a digit / can\'t tell"); after each answer you see its label and what every model said.'
    )
    st.markdown("**Mix**")
    with st.container(horizontal=True, gap="medium"):
        kinds = [k for k in KINDS if st.checkbox(k, value=True, key=f"quiz_kind_{k}")]
    st.caption(
        "Digits are shared evenly among the kinds you pick; a few digits that every model reads right are hidden in each round."
    )
    st.button("Start a round", type="primary", on_click=start, args=(kinds or ["random"],), key="quiz_start")


def ask() -> None:
    s = state()
    pos = len(s["answers"])
    item = s["items"][pos]
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown(f"**Digit {pos + 1} of {len(s['items'])}**")
        widgets.digit_image(
            cache.floats("test")[item.index], "What is this?", alt=f"quiz digit {pos + 1} of {len(s['items'])}", px=224
        )
        # Each button's key is its own label, so Streamlit's key badge would read "3 3": hidden, and said once below.
        st.html("<style>.st-key-quiz_answers kbd {display: none}</style>")
        with st.container(horizontal=True, gap="small", key="quiz_answers"):
            for a in ANSWERS:
                st.button(LABELS[a], key=f"quiz_key_{a}", shortcut=a.upper(), on_click=answer, args=(a,))
        st.caption("Or press a key: 0-9 for a digit, X for not a digit / can't tell.")
    with right:
        if pos:
            reveal(s["items"][pos - 1], s["answers"][s["items"][pos - 1].index])


def reveal(item: Item, given: str) -> None:
    """The digit just answered: its label, the person's answer, every model's."""
    label = int(cache.split("test").labels[item.index])
    right = is_right(given, label)
    st.markdown(
        f"**Last digit (#{item.index})**: you said **{LABELS[given]}**, the label is **{class_name(label)}**: "
        + ("right" if right else "not the label")
    )
    widgets.digit_image(
        cache.floats("test")[item.index], f"test digit #{item.index}", alt=f"the digit just answered, test {item.index}", px=84
    )
    rows = [
        {"model": m, "says": int(p[item.index].argmax()), "probability": float(p[item.index].max())}
        for m, p in model_probs().items()
    ]
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        column_config={"probability": st.column_config.NumberColumn(format="%.2f")},
    )


def summary() -> None:
    s = state()
    labels = cache.split("test").labels
    probs = model_probs()
    sc = score_round(s["answers"], labels, probs, judge=JUDGE)
    reveal(s["items"][-1], s["answers"][s["items"][-1].index])
    st.subheader("Your round")
    rows = [{"who": "you", "accuracy": sc.person}] + [
        {"who": m, "accuracy": a} for m, a in sorted(sc.models.items(), key=lambda kv: -kv[1])
    ]
    with st.container(key="quiz_score"):
        st.metric(
            f"You read {round(sc.person * sc.n)} of {sc.n} as labelled",
            f"{sc.person:.0%}",
            f"{100 * (sc.person - sc.models.get(JUDGE, 0)):+.0f} points vs the {JUDGE}",
        )
        st.dataframe(
            pd.DataFrame(rows),
            hide_index=True,
            column_config={"accuracy": st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1)},
        )
    for title, idx in ((f"Where you beat the {JUDGE}", sc.person_beat), (f"Where the {JUDGE} beat you", sc.model_beat)):
        st.markdown(f"**{title}**: {len(idx)}")
        with st.container(horizontal=True):
            for i in idx:
                with st.container(width=90, gap=None):
                    widgets.digit_image(
                        cache.floats("test")[i],
                        f"#{i}: you {LABELS[str(s['answers'][i])] if str(s['answers'][i]) in LABELS else s['answers'][i]}, label {class_name(labels[i])}",
                        alt=f"test digit {i}",
                    )
    st.button("Play another round", type="primary", on_click=lambda: state().update(round=None), key="quiz_again")


def totals() -> None:
    db = reviews.store()
    if isinstance(db, str):
        return
    try:
        mine = db.answers(who=person_id(in_url=True), split="test")
    except StoreUnavailable:
        return
    t = running_totals(mine, cache.split("test").labels, cache.probs(JUDGE, "test"))
    if t["answers"]:
        judge = "" if t["judge_accuracy"] is None else f"; the {JUDGE} on the same digits: {t['judge_accuracy']:.0%}"
        st.markdown(
            f"**Your running score**: {t['accuracy']:.0%} of {counted(t['answers'], 'answer')} over {counted(t['rounds'], 'round')}{judge}.",
            help="Kept by an anonymous id in a cookie of this site and in this page's address (who=...): bookmark it to come back from another browser.",
        )


def crowd(indices: list[int] | None) -> None:
    """Counts per answer and the weighted crowd verdict for the round's digits, or the most answered ones."""
    st.subheader("Across everyone")
    v = reviews.verdicts("test")
    if isinstance(v, str):
        st.caption("The crowd's answers are not available (see the line at the top).")
        return
    if indices is not None:
        v = v[v["index"].isin(indices)]
    v = v.sort_values(["n", "index"], ascending=[False, True]).head(20)
    if v.empty:
        st.info("Nobody has answered these digits yet.", icon="🗳️")
        return
    shown = v.assign(answers=v[list(ANSWERS)].apply(lambda r: ", ".join(f"{a}×{k}" for a, k in r.items() if k), axis=1))
    st.caption(
        "What people answered on each digit, and the crowd's verdict in words: answers are weighted by how often each "
        "person reads the known (gold) digits right, so 'likely' means the weighted crowd is at least "
        f"{CONFIRM_POSTERIOR:.0%} sure, from {CONFIRM_PEOPLE} people or more; a label error is confirmed when such a verdict differs from the label. ({METHOD}.)"
    )
    shown = shown.assign(
        verdict=[in_words(int(r["n"]), str(r["crowd"]), float(r["agreement"]), class_name) for _, r in shown.iterrows()]
    )
    table = shown[["index", "label", "n", "answers", "verdict", "label_error"]].rename(
        columns={
            "index": "test digit",
            "n": "answers given",
            "answers": "counts",
            "verdict": "people say",
            "label_error": "label error?",
        }
    )
    with st.container(key="quiz_crowd"):
        table = table.assign(**{"label error?": table["label error?"].map({True: "yes", False: ""})})
        st.table(table.set_index("test digit"))


def render() -> None:
    person_id(in_url=True)  # the anonymous id goes into the quiz's address before anything is answered
    db = reviews.store()
    if isinstance(db, str):
        st.warning(f"Your answers are not saved: {db}", icon="🗄️")
    from_link()
    s = state()
    show_message()
    totals()
    if s["round"] is None:
        start_form()
        crowd(None)
    elif len(s["answers"]) < len(s["items"]):
        ask()
    else:
        summary()
        crowd([it.index for it in s["items"]])
