"""The likely-mislabelled table: one-click verdicts, no 'None', an explain link per test digit, '1 mark'."""

from __future__ import annotations

import pytest

from mnistdash.people.verdicts import VERDICTS, counted, explain_link, verdict_from_ticks
from tests.ui.test_pages import run_page

ERRORS = "pages/4_Errors.py"


def test_one_verdict_per_row_and_the_new_tick_wins():
    assert verdict_from_ticks([]) == ""
    assert verdict_from_ticks(["unsure"]) == "unsure"
    assert verdict_from_ticks(["label wrong", "model wrong"], previous="label wrong") == "model wrong"
    assert verdict_from_ticks(["label wrong", "model wrong"], previous="model wrong") == "label wrong"


def test_plurals_and_links():
    assert [counted(n, "mark") for n in (0, 1, 2)] == ["0 marks", "1 mark", "2 marks"]
    assert explain_link(247, "test") == "Explain?digit=247"
    assert explain_link(247, "train") is None


def _with_marks(marks: dict) -> dict:
    """Session state for a tab whose person already has these verdicts loaded (no store read)."""
    return {"person_id": "tester1234", "marks_test": marks, "marks_test_who": "tester1234"}


def _table(at):
    frames = [d.value for d in at.dataframe if "label wrong" in d.value.columns]
    assert len(frames) == 1
    return frames[0]


@pytest.mark.parametrize("marks,label", [({}, "Download 0 marks as CSV"), ({1: "unsure"}, "Download 1 mark as CSV")])
def test_one_csv_button_counts_the_marks(marks, label):
    at = run_page(ERRORS, **_with_marks(marks))
    buttons = [b for b in at.get("download_button") if b.label not in ("PNG", "SVG", "CSV")]  # not a figure's downloads
    assert [b.label for b in buttons] == [label]


def test_ticks_show_the_marks_and_nothing_reads_none():
    at = run_page(ERRORS)
    first = int(_table(at)["index"].iloc[0])
    at = run_page(ERRORS, **_with_marks({first: "model wrong"}))
    table = _table(at)
    row = table[table["index"] == first].iloc[0]
    assert [bool(row[v]) for v in VERDICTS] == [False, True, False]
    assert table[list(VERDICTS)].to_numpy().sum() == 1
    assert list(table["explain"].iloc[:3]) == [f"Explain?digit={int(i)}" for i in table["index"].iloc[:3]]
    assert not table.astype(str).isin(["None", "nan"]).to_numpy().any()


def test_explain_opens_the_digit_named_in_the_url():
    from streamlit.testing.v1 import AppTest

    from mnistdash.config import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/2_Explain.py")
    at.query_params["digit"] = "247"
    at.run()
    assert not at.exception
    assert any("#247" in c.value for c in at.caption)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/2_Explain.py")
    at.query_params["digit"] = "99999"
    at.run()
    assert not at.exception
    assert any("is not a test digit index" in w.value for w in at.warning)
