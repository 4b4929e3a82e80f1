"""ReviewStore: every answer and verdict written the moment it is given, to SQLite (WAL) or PostgreSQL.

One setting chooses the database: the SQLAlchemy URL in MNISTDASH_DB_URL; without it, a SQLite file
`reviews.db` under MNISTDASH_STATE_DIR (default `var/` in the repository), created on first use. Opening
migrates the schema to the newest version, so a newer mnistdash opens an older database. Anything that
stops the store (a damaged file, a directory that cannot be written, a server that does not answer)
raises StoreUnavailable with one line saying what is wrong and what to do; nothing stored is touched.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import create_engine, event, func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from mnistdash import config
from mnistdash.errors import StoreUnavailable  # noqa: F401  (raised here, imported from here)
from mnistdash.people.schema import answers, verdicts
from mnistdash.people.verdicts import VERDICTS

SPLITS = {"test": 10_000, "train": 60_000}  # the digits a judgement may name
ANSWERS = tuple(str(d) for d in range(10)) + ("x",)  # "x": not a digit / can't tell
MIGRATIONS = Path(__file__).parent / "migrations"


def default_url() -> str:
    url = config.db_url()
    if url:
        return url
    state = config.state_dir()
    return f"sqlite:///{state / 'reviews.db'}"


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _where(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "the configured database"


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def check_answer(split: str, index: int, answer: str) -> None:
    """Raise ValueError (one line) unless split/index/answer name a real digit and a valid answer."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: use 'test' or 'train'")
    if not 0 <= int(index) < SPLITS[split]:
        raise ValueError(f"index {index} is out of range for {split} (0-{SPLITS[split] - 1})")
    if answer not in ANSWERS:
        raise ValueError(f"answer {answer!r} is not 0-9 or x")


class ReviewStore:
    """The open store. Use ReviewStore.open(); every write is committed before the call returns."""

    def __init__(self, engine: Engine, url: str):
        self.engine, self.url = engine, url

    @classmethod
    def open(cls, url: str | None = None) -> ReviewStore:
        url = url or default_url()
        try:
            engine = _engine(url)
            _migrate(engine)
        except StoreUnavailable:
            raise
        except (SQLAlchemyError, OSError) as exc:
            raise StoreUnavailable(_explain(url, exc)) from None
        return cls(engine, url)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def _write(self, table, rows: list[dict]) -> list[int]:
        try:
            with self.engine.begin() as conn:
                if len(rows) == 1:
                    return [conn.execute(insert(table).values(**rows[0])).inserted_primary_key[0]]
                conn.execute(insert(table), rows)
                return []
        except SQLAlchemyError as exc:
            raise StoreUnavailable(_explain(self.url, exc)) from None

    def _read(self, query) -> pd.DataFrame:
        try:
            with self.engine.connect() as conn:
                result = conn.execute(query)
                return pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        except SQLAlchemyError as exc:
            raise StoreUnavailable(_explain(self.url, exc)) from None

    def add_answer(
        self,
        who: str,
        split: str,
        index: int,
        answer: str,
        source: str = "quiz",
        round_id: str | None = None,
        when: str | None = None,
    ) -> int:
        check_answer(split, index, answer)
        row = {
            "split": split,
            "idx": int(index),
            "answer": answer,
            "who": str(who)[:64],
            "at": when or now(),
            "source": source[:16],
            "round_id": round_id,
        }
        return self._write(answers, [row])[0]

    def add_verdict(self, who: str, split: str, index: int, verdict: str, when: str | None = None) -> None:
        check_answer(split, index, "x")
        if verdict and verdict not in VERDICTS:
            raise ValueError(f"verdict {verdict!r} is not one of {', '.join(VERDICTS)} (or empty to clear)")
        self._write(
            verdicts, [{"split": split, "idx": int(index), "verdict": verdict, "who": str(who)[:64], "at": when or now()}]
        )

    def add_many(self, answer_rows: list[dict], verdict_rows: list[dict]) -> None:
        """Rows already checked (see reviews.transfer): all of them in one transaction, or none."""
        try:
            with self.engine.begin() as conn:
                if answer_rows:
                    conn.execute(insert(answers), answer_rows)
                if verdict_rows:
                    conn.execute(insert(verdicts), verdict_rows)
        except SQLAlchemyError as exc:
            raise StoreUnavailable(_explain(self.url, exc)) from None

    def answers(self, who: str | None = None, split: str | None = None) -> pd.DataFrame:
        q = select(
            answers.c.id,
            answers.c.split,
            answers.c.idx.label("index"),
            answers.c.answer,
            answers.c.who,
            answers.c.at.label("when"),
            answers.c.source,
            answers.c.round_id,
        ).order_by(answers.c.id)
        if who is not None:
            q = q.where(answers.c.who == who)
        if split is not None:
            q = q.where(answers.c.split == split)
        return self._read(q)

    def verdicts(self, who: str | None = None, latest: bool = True) -> pd.DataFrame:
        """Verdicts, the latest per (who, split, index) unless `latest` is False; cleared ones dropped."""
        q = select(
            verdicts.c.id,
            verdicts.c.split,
            verdicts.c.idx.label("index"),
            verdicts.c.verdict,
            verdicts.c.who,
            verdicts.c.at.label("when"),
        ).order_by(verdicts.c.id)
        if who is not None:
            q = q.where(verdicts.c.who == who)
        frame = self._read(q)
        if latest and len(frame):
            frame = frame.groupby(["who", "split", "index"], sort=False).tail(1)
            frame = frame[frame["verdict"] != ""].reset_index(drop=True)
        return frame

    def recent_count(self, who: str, seconds: float) -> int:
        since = datetime.fromtimestamp(datetime.now(UTC).timestamp() - seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        q = select(func.count()).select_from(answers).where(answers.c.who == who, answers.c.at >= since)
        return int(self._read(q).iloc[0, 0])

    def crowd_counts(self, split: str) -> pd.DataFrame:
        """One row per answered digit: index, n, and a count per answer 0-9 and x."""
        q = (
            select(answers.c.idx.label("index"), answers.c.answer, func.count().label("k"))
            .where(answers.c.split == split)
            .group_by(answers.c.idx, answers.c.answer)
        )
        long = self._read(q)
        if long.empty:
            return pd.DataFrame(columns=["index", "n", *ANSWERS])
        wide = long.pivot_table(index="index", columns="answer", values="k", fill_value=0, aggfunc="sum")
        wide = wide.reindex(columns=list(ANSWERS), fill_value=0).astype(int)
        wide.insert(0, "n", wide.sum(axis=1))
        return wide.reset_index().rename_axis(columns=None)

    def close(self) -> None:
        self.engine.dispose()


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            p = Path(path)
            if p.exists() and p.is_dir():
                raise StoreUnavailable(f"the review database path {p} is a folder; set MNISTDASH_DB_URL to a file")
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreUnavailable(
                    f"cannot create the review database folder {p.parent} ({exc.strerror}); set MNISTDASH_STATE_DIR to a writable folder"
                ) from None
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout = 30000")  # wait for other writers instead of "database is locked"
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")  # an answer acknowledged is on disk
            cur.close()

        return engine
    args = {"connect_timeout": 5} if url.startswith("postgresql") else {}
    return create_engine(url, connect_args=args, pool_pre_ping=True)


def _migrate(engine: Engine, revision: str = "head") -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def _explain(url: str, exc: BaseException) -> str:
    line = _first_line(exc)
    where = _where(url)
    low = line.lower()
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return (
            f"the review database {where} is damaged ({line}); move the file away to start a new one, nothing in it was changed"
        )
    if "unable to open" in low or "readonly" in low or "read-only" in low or "permission" in low:
        return f"the review database {where} cannot be opened for writing ({line}); set MNISTDASH_STATE_DIR or MNISTDASH_DB_URL to a writable place"
    if "connection" in low or "could not" in low or "timeout" in low or "refused" in low:
        return f"the review database server at {where} does not answer ({line}); start it or fix MNISTDASH_DB_URL"
    return f"the review database {where} cannot be used ({line}); check MNISTDASH_DB_URL"
