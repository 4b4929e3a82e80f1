"""The review tables as the newest migration leaves them (migrations/versions/ is the history)."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, String, Table

metadata = MetaData()

answers = Table(
    "answers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("split", String(8), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("answer", String(1), nullable=False),  # "0".."9" or "x": not a digit / can't tell
    Column("who", String(64), nullable=False),  # an anonymous id, never a name
    Column("at", String(32), nullable=False),  # ISO 8601 UTC, microseconds: sorts as text, same on every backend
    Column("source", String(16), nullable=False, server_default="quiz"),
    Column("round_id", String(64), nullable=True),
    Index("ix_answers_digit", "split", "idx"),
    Index("ix_answers_who_at", "who", "at"),
)

verdicts = Table(
    "verdicts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("split", String(8), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("verdict", String(16), nullable=False),  # one of mnistdash.people.verdicts.VERDICTS, "" = cleared
    Column("who", String(64), nullable=False),
    Column("at", String(32), nullable=False),
    Index("ix_verdicts_who_digit", "who", "split", "idx"),
)
