"""Alembic migrations of the contracts store (see ``contracts.db``)."""
