"""The append-only audit log: who changed what, when, and what it was before."""

from __future__ import annotations

import getpass
import os
from typing import Any

from sqlalchemy.orm import Session

from contracts.store.models import AuditEntry


def current_user() -> str:
    """The person at the keyboard, for 'who' columns; never fails."""
    try:
        return os.environ.get("CONTRACTS_USER") or getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"


def record(
    session: Session,
    *,
    action: str,
    entity_type: str,
    entity_id: str | int,
    actor: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    notes: str | None = None,
) -> AuditEntry:
    """Add one audit entry to the session (the caller's transaction commits it)."""
    entry = AuditEntry(
        actor=actor or current_user(),
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        before=before,
        after=after,
        notes=notes,
    )
    session.add(entry)
    return entry
