"""The Explain page's training digits behind an answer: for the digit at hand, the training digits that most
support and most oppose a network's answer, by representer points and by nearest neighbours in its representation
(mnistdash.explain.influence), and by TracIn over the checkpoints it kept while it trained (mnistdash.replay.tracin)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mnistdash.explain import influence
from mnistdash.replay import tracin
from mnistdash.replay.build import REPLAY_KEY
from mnistdash.ui import cache
from mnistdash.ui.grid import digit_grid
from mnistdash.ui.mistakes.mislabel_table import ranking

INFLUENCE_KEY = "explain_influence"  # the section, opened on demand (the URL's influence=1)
PICKER = "influence_model"
LOOK = "behind_look"  # the picker that opens a training digit's own view
HOW = {
    "representer": (
        "Representer points",
        "the network's last layer, refitted, is a sum over the training digits; each digit's share of this answer's "
        "score is how alike the two look to the network times how much that training digit pulled the layer "
        "(a hard or unusual example pulls more).",
    ),
    "nearest": (
        "Nearest neighbours",
        "the training digits the network represents most alike (cosine similarity of its last hidden layer), those "
        "labelled as its answer and those labelled otherwise: likeness alone, whatever the digit taught it.",
    ),
    "tracin": (
        "TracIn over its training",
        "how much each training digit's own training steps lowered the loss of this answer (supports) or raised it "
        "(opposes), summed over the checkpoints the network kept while it trained (Pruthi et al. 2020; on the last "
        "layer, its gradients compressed to 32 numbers a digit): what the digit did to the network on the way, not "
        "how alike it looks.",
    ),
}


@st.cache_resource(show_spinner="Reading the training digits' representations ...")
def _artifact(model: str) -> tuple[dict, tuple] | str:
    """(the artifact, its features as float32 and their norms) per server, or the one line that says why it is
    missing."""
    got = cache.artifact(influence.INFLUENCE_KEY.format(model))
    if isinstance(got, str):
        return got
    return got, influence.kept(got)


@st.cache_resource(show_spinner="Reading the network's checkpoints ...")
def _tracin(model: str) -> tuple[dict, dict] | str:
    """(the TracIn vectors, the replay whose checkpoints they come from), or the one line that says why not."""
    kept = cache.artifact(tracin.TRACIN_KEY.format(model))
    if isinstance(kept, str):
        return kept
    replay = cache.artifact(REPLAY_KEY.format(model))
    return replay if isinstance(replay, str) else (kept, replay)


@st.cache_data(max_entries=500, show_spinner=False)
def _behind(model: str, index: int | str, target: int) -> dict:
    arrays, features = _artifact(model)
    net, digit = cache.models()[model], cache.digit(index)
    found = influence.behind(net, arrays, digit, target, features=features)
    traced = _tracin(model)
    if not isinstance(traced, str):
        found["tracin"] = influence.ranked(tracin.scores(*traced, net.module, digit, target))
    return found


def differ(found: dict) -> str:
    """One sentence on how the methods' supporting digits differ for this answer."""
    names = {"representer": "representer points", "nearest": "nearest neighbours", "tracin": "TracIn"}
    pairs = [f"{names[a]} and {names[b]} share {n} of {influence.SHOWN}" for (a, b), n in influence.shared(found).items()]
    return (
        "How they differ here: " + "; ".join(pairs) + " supporting digits. Likeness (nearest neighbours) and a pull on "
        "the last layer (representer points, TracIn) are different questions: a digit can look alike and have taught "
        "the network little, or be odd-looking and have pulled it hard."
    )


def influence_section(models: dict, index: int | str, probs: dict) -> None:
    """Opened on demand: a network picker, then per method the training digits that support and oppose its answer."""
    section = st.expander(
        "The training digits behind this answer: which of the 60,000 support it, and which oppose it",
        key=INFLUENCE_KEY,
        on_change="rerun",
    )
    with section:
        if not section.open:
            return
        nets = [n for n in influence.NETWORKS if n in models]
        if not nets:
            st.info(f"None of {', '.join(influence.NETWORKS)} is loaded here.")
            return
        model = st.radio("Network", nets, index=nets.index("cnn") if "cnn" in nets else 0, horizontal=True, key=PICKER)
        got = _artifact(model)
        if isinstance(got, str):
            st.warning(f"The training digits are unavailable: {got}; run `mnistdash train --only influence`.")
            return
        arrays = got[0]
        answer = int(probs[model].argmax())
        found = _behind(model, index, answer)
        st.caption(
            f"{model} reads **{answer}**. Its last layer, refitted for this (Yeh et al. 2018, L2 penalty "
            f"{float(arrays['lam'][0]):g}), reads {100 * float(arrays['agreement'][0]):.2f}% of the test digits as "
            f"{model} does. Under each digit: its index, its label and its score. A click on a digit enlarges it."
        )
        labels = arrays["labels"]
        shown = list(dict.fromkeys(r["index"] for rows in found.values() for r in rows))
        st.selectbox(
            "Look at a training digit",
            shown,
            index=None,
            format_func=lambda i: f"#{i}, labelled {int(labels[i])}",
            key=LOOK,
            on_change=_look,
            placeholder="choose one of the training digits below: its label, every model's reading, a likely mislabel?",
        )
        picked = st.session_state.pop(f"{LOOK}__open", None)
        if picked is not None:
            st.dialog(f"Training digit #{picked}", width="large")(training_digit)(int(picked))
        flips = cache.artifact(influence.FLIPPED_KEY)
        if not isinstance(flips, str):
            _flipped(flips)
        traced = _tracin(model)
        if isinstance(traced, str):
            st.caption(f"TracIn is unavailable for {model}: {traced}.")
        st.markdown(differ(found))
        for method, (title, how) in HOW.items():
            if method not in found:
                continue
            st.markdown(f"**{title}**: {how}")
            for role in ("supports", "opposes"):
                rows = [r for r in found[method] if r["role"] == role]
                st.caption(f"{'Supporting' if role == 'supports' else 'Opposing'} {answer}")
                digit_grid(
                    np.array([r["index"] for r in rows]),
                    "train",
                    [f"#{r['index']} ({int(labels[r['index']])}) {r['score']:+.2g}" for r in rows],
                    key=f"behind_{method}_{role}",
                )


def _flipped(arrays: dict) -> None:
    """How well each ranking finds flipped labels: the honest test of the training-data methods."""
    n, flipped = int(arrays["n"][0]), int(arrays["flipped"][0])
    st.markdown(
        f"**Do these methods find bad training labels?** {flipped:,} of the {n:,} training labels were flipped to "
        f"another class (seeded), an mlp was trained on them (it reads {100 * float(arrays['test_accuracy'][0]):.1f}% "
        "of the test digits), and its training digits ranked by each method: the share of the flipped labels among "
        "the top 5% and the top 10% of each ranking (a random order finds about 5% and 10%)."
    )
    st.dataframe(
        {
            "ranking": [influence.RANKINGS.get(str(k), str(k)) for k in arrays["rankings"]],
            "top 5%": [f"{100 * r[0]:.1f}%" for r in arrays["recall"]],
            "top 10%": [f"{100 * r[1]:.1f}%" for r in arrays["recall"]],
        },
        hide_index=True,
        key="behind_flipped",
    )


def _look() -> None:
    st.session_state[f"{LOOK}__open"] = st.session_state[LOOK]
    st.session_state[LOOK] = None  # the same digit can be chosen again


@st.cache_resource(show_spinner=False)
def _mislabel_ranking() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | str:
    """(each training digit's place in the Errors page's mislabel ranking, its suspected label, its score, the
    cross-validated probabilities behind it), or the one line that says why it is missing."""
    ranked = ranking("train")
    if isinstance(ranked, str):
        return ranked
    order, suspected, score = ranked
    place = np.empty(len(order), int)
    place[order] = np.arange(len(order))
    return place, suspected, score, cache.artifact("cv-train")["probs"]


def training_view(index: int) -> dict:
    """What the training digit's own view shows: its label, every classifier's reading of it, and its place in the
    mislabel ranking (None where that artifact is missing)."""
    image, label = cache.floats("train")[index], int(cache.split("train").labels[index])
    models = cache.models()
    readings = []
    for name in cache.classifiers():
        p = models[name].predict_proba(image[None])[0]
        readings.append(
            {
                "model": name,
                "reads": int(p.argmax()),
                "probability": round(float(p.max()), 3),
                f"p(label {label})": round(float(p[label]), 3),
            }
        )
    ranking = _mislabel_ranking()
    mislabel = None
    if not isinstance(ranking, str):
        place, suspected, score, probs = ranking
        mislabel = {
            "place": int(place[index]) + 1,
            "of": len(place),
            "suspected": int(suspected[index]),
            "score": float(score[index]),
            "p_label": float(probs[index, label]),
            "p_suspected": float(probs[index, suspected[index]]),
        }
    return {"image": image, "label": label, "readings": readings, "mislabel": mislabel}


def training_digit(index: int) -> None:
    """The training digit's own view (a dialog): the digit, its label, every model's reading, a likely mislabel?"""
    from mnistdash.ui.widgets import digit_image

    view = training_view(index)
    label = view["label"]
    digit_image(view["image"], f"training digit #{index}, labelled {label}", alt=f"training digit {index}", px=168)
    st.dataframe(view["readings"], hide_index=True)
    st.caption("Every model here was trained on this digit: their readings say what they learned, not a fresh opinion.")
    m = view["mislabel"]
    if m is None:
        st.caption("No mislabel ranking of the training set here; run `mnistdash train`.")
    elif m["score"] > 0:
        st.markdown(
            f"**Likely mislabelled?** An mlp that never saw it (cross-validated) says {m['suspected']} "
            f"({m['p_suspected']:.2f}) over the label {label} ({m['p_label']:.2f}): number {m['place']:,} of "
            f"{m['of']:,} in the Errors page's mislabel ranking."
        )
    else:
        st.markdown(
            f"**Likely mislabelled?** No: an mlp that never saw it (cross-validated) agrees with the label {label} "
            f"({m['p_label']:.2f}); number {m['place']:,} of {m['of']:,} in the mislabel ranking."
        )
