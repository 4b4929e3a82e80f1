"""The pages when the review store cannot be used: one line on the quiz and the mislabel table, nothing else breaks."""

from __future__ import annotations

import pytest

from tests.ui.test_pages import run_page


@pytest.fixture(params=["damaged", "unreachable"])
def broken_store(request, tmp_path, monkeypatch):
    if request.param == "damaged":
        db = tmp_path / "reviews.db"
        db.write_bytes(b"not a database at all" * 200)
        monkeypatch.setenv("MNISTDASH_DB_URL", f"sqlite:///{db}")
        yield db
        assert db.read_bytes() == b"not a database at all" * 200  # nothing stored was touched
    else:
        monkeypatch.setenv("MNISTDASH_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:9/reviews")
        yield None


def test_quiz_says_it_does_not_save_and_still_plays(broken_store):
    at = run_page("pages/9_You_vs_the_models.py")
    assert not at.exception, [e.message for e in at.exception]
    warning = [w.value for w in at.warning]
    assert len(warning) == 1 and "not saved" in warning[0] and "\n" not in warning[0]
    at.button(key="quiz_start").click().run()
    at.button(key="quiz_key_4").click().run()
    assert not at.exception
    assert any("Digit 2 of 20" in m.value for m in at.markdown)


def test_errors_page_works_and_says_why_the_crowd_is_missing(broken_store):
    at = run_page("pages/4_Errors.py")
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error
    warnings = [w.value for w in at.warning]
    assert any("People's judgements are not available" in w for w in warnings), warnings


def test_other_pages_never_open_the_store(broken_store):
    at = run_page("pages/2_Explain.py")
    assert not at.exception and not at.warning
