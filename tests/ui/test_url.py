"""The URL's state through AppTest: a link opens its view, the view is written back, bad values are named."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from mnistdash.config import ROOT
from mnistdash.ui.url import parse_cell


def open_link(path: str, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page(path)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def test_parse_cell():
    assert parse_cell("3-5") == (3, 5)
    assert parse_cell("9-9") == (9, 9)
    for bad in ["", "3", "3-", "10-1", "a-b", "3-5-1", "-1-2"]:
        assert parse_cell(bad) is None, bad


def test_explain_link_opens_its_digit_model_and_method():
    at = open_link("pages/2_Explain.py", digit="247", model="mlp", method="saliency")
    assert not at.exception and not at.warning
    assert at.session_state["digit_index"] == 247
    assert at.sidebar.selectbox(key="explain_model").value == "mlp"
    assert at.sidebar.selectbox(key="explain_method").value == "saliency"
    assert dict(at.query_params) == {"digit": "247", "model": "mlp", "method": "saliency"}


def test_explain_writes_the_digit_and_leaves_defaults_out():
    at = open_link("pages/2_Explain.py")
    at.sidebar.number_input[0].set_value(12).run()
    assert dict(at.query_params) == {"digit": "12"}


def test_errors_link_opens_its_cell():
    at = open_link("pages/4_Errors.py", model="cnn", split="test", cell="4-9")
    assert not at.exception and not at.warning
    assert at.session_state["cm_cell"] == (4, 9)
    assert any(h.value.startswith("True 4, predicted 9") for h in at.subheader)


def test_bad_values_are_named_and_the_page_goes_on():
    at = open_link("pages/4_Errors.py", model="nope", cell="12")
    assert not at.exception
    texts = [w.value for w in at.warning]
    assert any("model=nope" in t and "is not one of" in t for t in texts), texts
    assert any("cell=12" in t and "is not a cell" in t for t in texts), texts
    at = open_link("pages/2_Explain.py", digit="10000")
    assert any("is not a test digit index (0-9999)" in w.value for w in at.warning)
