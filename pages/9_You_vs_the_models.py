"""You vs the models: read hard digits yourself, see your score beside every model's, and add to the crowd's verdict."""

import streamlit as st

from mnistdash.ui import widgets
from mnistdash.ui.people import quiz

widgets.page_header(
    "You vs the models",
    "Would a person have read these digits better than the convnet? Play a round of 20; every answer joins the crowd's verdict on the label.",
)
if not widgets.require_data():
    st.stop()
quiz.render()
