"""Alembic migrations of the contracts store (see ``contracts.store.db``)."""

# The revision this version of the tool expects, so that opening a store at it needs no
# alembic (loading the migration scripts costs every command a third of a second).
# tests/test_migrations.py holds it equal to alembic's head: a new migration bumps it.
HEAD = "0007"
