"""Trust the maps: every attribution method scored on every model (the faithfulness leaderboard), the scores
themselves checked on the linear models' exact answer, how far the metrics agree, and a planted shortcut whose
right answer is known."""

import streamlit as st

from mnistdash.ui import cache, url, widgets
from mnistdash.ui.explain.faithfulness import leaderboard_section
from mnistdash.ui.explain.shortcut import SHORTCUT_KEY, shortcut_section

widgets.page_header(
    "Trust the maps",
    "Which attribution map to believe: every method scored on every model by taking pixels away in its order, "
    "and the scores checked where the right answer is known.",
)
arrays = cache.leaderboard()
names = [] if isinstance(arrays, str) else [str(m) for m in arrays["models"]]
defaults = {"model": "cnn" if "cnn" in names else (names[0] if names else None)}
defaults["shortcut"] = "0"
url.restore(
    "Trust_the_maps", {"model": url.apply_choice("trust_model", names), "shortcut": url.apply_open(SHORTCUT_KEY)}, defaults
)
if names:
    st.session_state.setdefault("trust_model", defaults["model"])
focus = st.sidebar.selectbox("Model to sum up", names, key="trust_model") if names else None
url.publish("Trust_the_maps", {"model": focus, "shortcut": url.opened(SHORTCUT_KEY)}, defaults)
st.page_link("pages/2_Explain.py", label="Each digit's own deletion strip: on Explain a digit", icon="🔍")
leaderboard_section(focus)
shortcut_section()
