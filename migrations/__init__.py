"""Alembic migrations of the contracts store (see ``contracts.store.db``)."""
