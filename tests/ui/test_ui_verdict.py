"""The Draw page's headline as rendered: the digit, a hook to find it, and the unsure state in words."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script(unsure: bool):
    import streamlit as st

    from mnistdash.draw.headline import Verdict
    from mnistdash.ui.draw.headline import show_verdict

    v = Verdict(
        digit=2,
        confidence=0.55 if unsure else 0.97,
        leader="cnn",
        unsure=unsure,
        reason="the networks disagree: mlp reads 4" if unsure else "",
        deciding={"cnn": 2, "mlp-deep": 2, "mlp": 4 if unsure else 2},
        secondary={"logreg-ovr": 4},
    )
    show_verdict(st, v)


def _render(unsure: bool):
    return AppTest.from_function(_script, kwargs={"unsure": unsure}).run()


def test_unsure_headline_says_so():
    at = _render(True)
    assert not at.exception
    texts = [m.value for m in at.markdown]
    assert "data-testid='draw-verdict' data-state='unsure'" in texts[0] and ">2</span>" in texts[0] and ">unsure<" in texts[0]
    assert texts[1].startswith("**Unsure.** Best guess 2") and "mlp reads 4" in texts[1]
    assert "`cnn` **2**" in texts[2]
    assert "not counted" in at.caption[0].value and "`logreg-ovr` **4**" in at.caption[0].value


def test_sure_headline_gives_the_confidence():
    at = _render(False)
    head = at.markdown[0].value
    assert "data-state='sure'" in head and ">97%<" in head
    assert "reads **2** at 97%, and mlp-deep, mlp agree." in at.markdown[1].value
