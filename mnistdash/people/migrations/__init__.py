"""Alembic migrations of the review store, run by ReviewStore.open (never by hand)."""
