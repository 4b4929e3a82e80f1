"""People's judgements (quiz answers, mislabel verdicts) kept in a database: SQLite by default, PostgreSQL by URL."""

from mnistdash.people.db import ANSWERS, SPLITS, ReviewStore, StoreUnavailable, default_url

__all__ = ["ANSWERS", "SPLITS", "ReviewStore", "StoreUnavailable", "default_url"]
