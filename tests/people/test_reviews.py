"""The review store against SQLite and a real PostgreSQL: writes, reads, migrations, export/import, bad cases."""

from __future__ import annotations

import json
import uuid

import pytest

from mnistdash.people import ReviewStore, StoreUnavailable
from mnistdash.people.db import _engine, _migrate
from mnistdash.people.transfer import ImportRefused, export_text, import_file
from tests.pg import fresh_database


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'reviews.db'}"
    return fresh_database(request.getfixturevalue("postgres_url"), f"t{uuid.uuid4().hex[:10]}")


def test_answers_verdicts_and_counts(url):
    s = ReviewStore.open(url)
    ids = [
        s.add_answer("a1b2c3d4", "test", 7, "3"),
        s.add_answer("e5f6a7b8", "test", 7, "x"),
        s.add_answer("e5f6a7b8", "train", 9, "1"),
    ]
    assert ids == sorted(ids) and len(set(ids)) == 3
    a = s.answers(split="test")
    assert list(a["answer"]) == ["3", "x"] and set(a["index"]) == {7}
    c = s.crowd_counts("test")
    assert c.loc[0, "n"] == 2 and c.loc[0, "3"] == 1 and c.loc[0, "x"] == 1 and c.loc[0, "5"] == 0
    assert s.recent_count("e5f6a7b8", 60) == 2 and s.recent_count("nobody00", 60) == 0
    s.add_verdict("a1b2c3d4", "test", 5, "label wrong")
    s.add_verdict("a1b2c3d4", "test", 5, "model wrong")  # the latest counts
    s.add_verdict("a1b2c3d4", "test", 6, "unsure")
    s.add_verdict("a1b2c3d4", "test", 6, "")  # cleared
    v = s.verdicts("a1b2c3d4")
    assert v[["index", "verdict"]].values.tolist() == [[5, "model wrong"]]


@pytest.mark.parametrize(
    "split,index,answer", [("val", 1, "3"), ("test", 10_000, "3"), ("test", -1, "3"), ("test", 1, "10"), ("test", 1, "")]
)
def test_bad_answers_refused(tmp_path, split, index, answer):
    s = ReviewStore.open(f"sqlite:///{tmp_path / 'r.db'}")
    with pytest.raises(ValueError):
        s.add_answer("a1b2c3d4", split, index, answer)
    assert s.answers().empty


def test_older_database_opens_migrated(url):
    """A database left at the first schema version opens with the newest: rows kept, new columns and tables there."""
    engine = _engine(url)
    _migrate(engine, "r0001")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO answers (split, idx, answer, who, at) VALUES ('test', 4, '9', 'old00000', '2025-01-01T00:00:00.000000Z')"
        )
    engine.dispose()
    s = ReviewStore.open(url)
    a = s.answers()
    assert a[["index", "answer", "source"]].values.tolist() == [[4, "9", "quiz"]]
    s.add_verdict("old00000", "test", 4, "label wrong")
    assert len(s.verdicts()) == 1


def _fill(s: ReviewStore) -> None:
    for k, (who, i, a) in enumerate([("p1aaaaaa", 3, "5"), ("p2bbbbbb", 3, "5"), ("p1aaaaaa", 8, "x"), ("p3cccccc", 11, "0")]):
        s.add_answer(who, "test", i, a, round_id="r1", when=f"2026-01-01T00:00:0{k}.000000Z")
    s.add_verdict("p1aaaaaa", "test", 3, "label wrong", when="2026-01-01T00:00:09.000000Z")


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_import_export_is_identical(url, tmp_path, fmt):
    s = ReviewStore.open(url)
    _fill(s)
    first = export_text(s, fmt)
    path = tmp_path / f"export.{fmt}"
    path.write_text(first)
    empty = ReviewStore.open(f"sqlite:///{tmp_path / 'empty.db'}")
    assert import_file(empty, path) == (4, 1)
    assert export_text(empty, fmt) == first
    if fmt == "json":
        assert {r["who"] for r in json.loads(first)} == {"p1aaaaaa", "p2bbbbbb", "p3cccccc"}  # anonymous ids only


@pytest.mark.parametrize(
    "row,problem",
    [
        ("train,60000,1,p,2026", "row 2: index 60000 is out of range"),
        ("dev,1,1,p,2026", "row 2: unknown split"),
        ("test,1,7x,p,2026", "row 2: answer '7x'"),
        ("test,one,1,p,2026", "row 2: index 'one'"),
    ],
)
def test_bad_row_refuses_the_whole_file(url, tmp_path, row, problem):
    s = ReviewStore.open(url)
    _fill(s)
    before = export_text(s)
    path = tmp_path / "in.csv"
    path.write_text(f"split,index,answer,who,when\ntest,1,7,p,2026\n{row}\ntest,2,7,p,2026\n")
    with pytest.raises(ImportRefused, match=problem):
        import_file(s, path)
    assert export_text(s) == before


def test_mislabel_table_csv_from_before_the_store_imports(tmp_path):
    path = tmp_path / "mnist-test-label-review.csv"
    path.write_text("split,index,given,suspected,score,verdict\ntest,247,4,2,0.98,label wrong\ntest,321,2,7,0.5,unsure\n")
    s = ReviewStore.open(f"sqlite:///{tmp_path / 'r.db'}")
    assert import_file(s, path) == (0, 2)
    v = s.verdicts()
    assert set(v["who"]) == {"import:mnist-test-label-review"} and sorted(v["verdict"]) == ["label wrong", "unsure"]


def test_damaged_file_is_reported_and_left_alone(tmp_path):
    db = tmp_path / "reviews.db"
    db.write_bytes(b"this is not a database" * 300)
    before = db.read_bytes()
    with pytest.raises(StoreUnavailable, match="damaged") as err:
        ReviewStore.open(f"sqlite:///{db}")
    assert "\n" not in str(err.value)
    assert db.read_bytes() == before


def test_unwritable_place_and_unreachable_server(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")  # a folder cannot be made under a file, even as root
    with pytest.raises(StoreUnavailable, match="MNISTDASH_STATE_DIR"):
        ReviewStore.open(f"sqlite:///{blocker / 'sub' / 'reviews.db'}")
    with pytest.raises(StoreUnavailable, match="does not answer"):
        ReviewStore.open("postgresql+psycopg://nobody@127.0.0.1:9/none")


def test_cli_export_stats_import(tmp_path, capsys, monkeypatch):
    from mnistdash.jobs.cli import main

    monkeypatch.setenv("MNISTDASH_DB_URL", f"sqlite:///{tmp_path / 'a.db'}")
    _fill(ReviewStore.open())
    assert main(["reviews", "export", "--json", "-o", str(tmp_path / "e.json")]) == 0
    assert main(["reviews", "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["answers"] == 4 and stats["people"] == 3 and stats["verdicts"] == 1
    monkeypatch.setenv("MNISTDASH_DB_URL", f"sqlite:///{tmp_path / 'b.db'}")
    assert main(["reviews", "import", str(tmp_path / "e.json")]) == 0
    assert "imported 4 answers and 1 verdicts" in capsys.readouterr().out
    (tmp_path / "bad.csv").write_text("split,index,answer,who,when\ntest,5,z,p,2026\n")
    assert main(["reviews", "import", str(tmp_path / "bad.csv")]) == 2
    err = capsys.readouterr().err
    assert "row 1: answer 'z'" in err and err.count("\n") == 1
