"""Reusable widgets: model notices, the digit picker, figures with their downloads, the page header with its link."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mnistdash.config import NAMED_CLASSES, class_name
from mnistdash.plots import export
from mnistdash.plots.pictures import digit_uri
from mnistdash.ui import cache, share

PLOTLY_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 3}}


PAGES = [
    ("app.py", "Home", "🏠"),
    ("pages/0_Lessons.py", "Lessons", "🎓"),
    ("pages/1_Weights.py", "Weights", "🎨"),
    ("pages/2_Explain.py", "Explain a digit", "🔍"),
    ("pages/3_Draw.py", "Draw a digit", "✏️"),
    ("pages/4_Errors.py", "Errors", "❌"),
    ("pages/5_Embedding.py", "2-D maps", "🗺️"),
    ("pages/6_Denoise.py", "Denoise", "🧽"),
    ("pages/7_Linear_lab.py", "Linear lab", "📐"),
    ("pages/8_Adversarial.py", "Adversarial", "🎯"),
    ("pages/9_You_vs_the_models.py", "You vs the models", "🧑"),
    ("pages/10_Trust_the_maps.py", "Trust the maps", "⚖️"),
    ("pages/11_Microscope.py", "Microscope", "🔬"),
    ("pages/12_Replay.py", "Training replay", "⏯️"),
]


_PAGE_NOW, _PAGE_BEFORE = "page_now", "page_before"  # the page of this run and of the run before, per session


def arrived() -> bool:
    """Whether this run opened the page from another one (a link, Back), rather than rerunning it."""
    return st.session_state.get(_PAGE_BEFORE) != st.session_state.get(_PAGE_NOW)


def page_header(title: str, caption: str) -> None:
    """Page config, the sidebar's page links (readable names, unlike file names) and the title."""
    st.session_state[_PAGE_BEFORE], st.session_state[_PAGE_NOW] = st.session_state.get(_PAGE_NOW), title
    cache.tune_memory()
    st.set_page_config(page_title=title if title == "mnistdash" else f"{title} · mnistdash", page_icon="🔢", layout="wide")
    with st.sidebar:
        for path, label, icon in PAGES:
            st.page_link(path, label=label, icon=icon)
        share.copy_link_button()
        st.divider()
        dataset_line()
    st.title(title)
    st.caption(caption)


def dataset_line() -> None:
    """The dataset the app shows, its size and its classes, in the sidebar."""
    from mnistdash.config import CLASS_NAMES, CLASS_NAMES_PROBLEM, DATASET, NAMED_CLASSES

    sizes = cache.split_sizes()
    size = f"{sizes['train']:,} train, {sizes['test']:,} test" if sizes else "unreadable"
    classes = ", ".join(CLASS_NAMES) if NAMED_CLASSES else "the digits 0-9"
    st.caption(f"Dataset **{DATASET}**: {size}; classes: {classes}.")
    if CLASS_NAMES_PROBLEM:
        st.warning(CLASS_NAMES_PROBLEM, icon="⚠️")


def require_data() -> bool:
    from mnistdash.config import DATA_DIR, ROOT

    problem = cache.data_problem()
    if problem:
        fix = (
            "Restore data/mnist/ from git."
            if DATA_DIR == ROOT / "data" / "mnist"
            else f"Check the files in {DATA_DIR} (MNISTDASH_DATA_DIR)."
        )
        st.error(f"The data cannot be read: {problem}. {fix}")
        return False
    return True


def unavailable_notice(names, errs: dict[str, str] | None = None) -> None:
    """One clear line per model this page needs but cannot load (`errs`: why, by default from loading
    every model); the page goes on without it."""
    errs = cache.errors() if errs is None else errs
    for name in names:
        if name in errs:
            st.warning(f"**{name}** is unavailable: {errs[name]}", icon="⚠️")


def show(fig, key: str, toolbar: bool = True, title: str | None = None, caption: str = "", **kwargs):
    """A Plotly figure with hover values and, under it, PNG / SVG / CSV downloads titled `title` (by default the
    figure's own title, or the page's) and captioned `caption` (say the model, digit and method it shows);
    `toolbar=False`: a small figure whose toolbar would cover it."""
    config = PLOTLY_CONFIG if toolbar else {**PLOTLY_CONFIG, "displayModeBar": False}
    event = st.plotly_chart(fig, width="stretch", config=config, key=key, **kwargs)
    page = st.session_state.get(_PAGE_NOW) or "mnistdash"
    title = title or export.figure_title(fig) or page
    share.downloads(fig, key, title, " ".join(filter(None, [caption, f"From mnistdash, page '{page}'."])))
    return event


DIGIT_KEY = "digit_index"  # the chosen test digit (not a widget key), shared by Explain and Errors


def set_digit(index: int) -> None:
    """Point the Explain page at a test digit (from any page)."""
    st.session_state[DIGIT_KEY] = int(index)
    st.session_state.pop("digit_number", None)  # the number box re-reads the new index


def _from_number() -> None:
    st.session_state[DIGIT_KEY] = int(st.session_state["digit_number"])


def digit_picker(container=st.sidebar) -> int:
    """Choose a test digit by index, at random, by class, or among the hardest for a model."""
    test = cache.split("test")
    n = len(test)
    st.session_state.setdefault(DIGIT_KEY, 0)
    c = container
    c.subheader("Test digit")
    mode = c.radio("Choose by", ["index", "random", "class", "hardest"], horizontal=True, key="digit_mode")
    if mode == "index":
        c.number_input(
            "Index (0-9999)", 0, n - 1, value=int(st.session_state[DIGIT_KEY]), key="digit_number", on_change=_from_number
        )
    elif mode == "random":
        if c.button("🎲 Another random digit", key="digit_random"):
            set_digit(np.random.default_rng().integers(n))
    elif mode == "class":
        cls = c.selectbox("Class", list(range(10)), key="digit_class", format_func=class_name)
        members = np.flatnonzero(test.labels == cls)
        k = c.slider("Which one of the class", 0, len(members) - 1, 0, key="digit_class_k")
        set_digit(members[k])
    else:
        names = cache.classifiers()
        model = c.selectbox("Hardest for", names, index=names.index("cnn") if "cnn" in names else 0, key="digit_hard_model")
        p = cache.probs(model, "test")
        if p is None:
            c.warning(f"No precomputed probabilities for {model}.")
        else:
            order = np.argsort(p[np.arange(n), test.labels], kind="stable")
            k = c.slider("Rank (0 = lowest probability of the true class)", 0, 199, 0, key="digit_hard_k")
            set_digit(order[k])
    idx = int(st.session_state[DIGIT_KEY])
    c.caption(f"{'Image' if NAMED_CLASSES else 'Digit'} #{idx}, labelled **{class_name(test.labels[idx])}**")
    return idx


URL_WRITTEN = "url_written"  # session: page -> the query params last seen or written there (mnistdash.ui.url)


def forget_url(page: str) -> None:
    """Drop what this session last showed on `page`, so that arriving there keeps the state set for it now."""
    st.session_state.setdefault(URL_WRITTEN, {}).pop(page, None)


YOURS_KEY, SOURCE_KEY = "explain_yours", "explain_source"  # session: the person's digit sent to Explain, and which is shown


def send_to_explain(image: np.ndarray, caption: str) -> None:
    """Open the Explain page on a person's digit (drawn, uploaded, or one digit of a number)."""
    st.session_state[YOURS_KEY] = cache.keep_yours(image, caption)
    st.session_state[SOURCE_KEY] = "yours"
    forget_url("Explain")  # arriving there must not bring back the test digit it last showed
    st.switch_page("pages/2_Explain.py")


def explain_digit() -> tuple[int | str, np.ndarray, int | None, str]:
    """The digit the Explain page explains: (key, (28, 28) image, label or None, caption). A test digit from
    the picker, or the person's own digit sent from Draw (its key; no label), while this server keeps it."""
    key = st.session_state.get(YOURS_KEY)
    kept = cache.yours(key) if key else None
    if kept is not None:
        source = st.sidebar.radio(
            "Explain",
            ["yours", "test"],
            format_func=lambda s: "your digit" if s == "yours" else "a test digit",
            horizontal=True,
            key=SOURCE_KEY,
        )
        if source == "yours":
            image, caption = kept
            st.sidebar.caption(f"Your digit: {caption}. It has no label; pick 'a test digit' for the test set.")
            return key, image, None, caption
    elif key:
        st.sidebar.caption("Your digit is no longer kept by the server; send it again from Draw.")
    idx = digit_picker()
    label = int(cache.split("test").labels[idx])
    caption = f"test image #{idx}, labelled {class_name(label)}" if NAMED_CLASSES else f"test digit #{idx}, labelled {label}"
    return idx, cache.floats("test")[idx], label, caption


def digit_words(index: int | str) -> str:
    """'test digit #247' for a test index, 'your digit' for the person's own (a key), for titles and captions."""
    if isinstance(index, str):
        return "your digit"
    label = class_name(int(cache.split("test").labels[int(index)]))
    return f"test {'image' if NAMED_CLASSES else 'digit'} #{int(index)} (labelled {label})"


def digit_image(image: np.ndarray, caption: str, alt: str, px: int = 84, container=None, download: str | None = None) -> None:
    """One digit with alt text (st.image has none) and a caption; at most `px` wide, narrower if its column is;
    `download`: a key for its PNG / SVG / CSV under it. The figure's bottom margin makes up for the -1rem
    Streamlit gives every markdown block."""
    (container or st).markdown(
        f"<figure style='margin:0 0 1rem 0;text-align:center'><img src='{digit_uri(image, max(1, px // 28))}' alt='{alt}' "
        f"style='width:100%;max-width:{px}px;image-rendering:pixelated'>"
        f"<figcaption style='font-size:0.8rem;line-height:1.3'>{caption}</figcaption></figure>",
        unsafe_allow_html=True,
    )
    if download:
        with container or st.container():
            share.picture_downloads(
                np.asarray(image)[None], [""], download, caption.capitalize(), "Ink in [0, 1].", diverging=False
            )


def min_width(key: str, px: int) -> None:
    """Keep the keyed container of a horizontal row at least `px` wide: on a narrow screen it wraps under
    its neighbours instead of being squeezed (Streamlit's columns never wrap above 640 px)."""
    st.html(f"<style>[data-testid=stLayoutWrapper]:has(> .st-key-{key}) {{min-width: {px}px}}</style>")
