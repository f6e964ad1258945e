"""Serialising writers that would otherwise collide on PostgreSQL.

SQLite needs none of this: every transaction takes the database's write lock
at BEGIN (see :mod:`contracts.store.db`), so a second writer waits for the
busy timeout. PostgreSQL lets writers run side by side, so two imports that
bring in the same new provider, or two `propose` runs, would both insert the
same row; a transaction-scoped advisory lock makes the second wait for the
first to commit, and stops it with "busy" after ``LOCK_TIMEOUT_SECONDS``.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.orm import Session

# As long as SQLite's busy timeout, so both databases make a writer wait alike.
LOCK_TIMEOUT_SECONDS = 30


def lock_key(name: str) -> int:
    """A stable 60-bit key for ``name`` (advisory locks take a bigint)."""
    return int(hashlib.sha1(name.encode("utf-8")).hexdigest()[:15], 16)


def hold(session: Session, name: str) -> None:
    """Hold the lock called ``name`` until the transaction ends (PostgreSQL only).

    Waits up to LOCK_TIMEOUT_SECONDS; then PostgreSQL cancels the wait with a lock
    timeout, which the command line reports as the database being busy.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_SECONDS}s'"))
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(name)})
    session.execute(text("SET LOCAL lock_timeout = 0"))
