"""This store's duplicate weights, re-estimated from people's decisions: kept and read.

:mod:`contracts.duplicates.training` estimates them; the estimates are kept in
the ``learned_weights`` table, replacing the last training. Every detection in
this store then uses them over the shipped defaults (a ``--weights`` file
still has the last word), and ``duplicates explain`` says where each weight
came from.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from contracts.duplicates.weights import Learned, Weights, load_weights
from contracts.store import audit
from contracts.store.models import LearnedWeight

if TYPE_CHECKING:
    from contracts.duplicates.training import Training


def learned_weights(session: Session) -> dict[tuple[str, str], Learned]:
    """The weights this store learned, with where each came from."""
    found: dict[tuple[str, str], Learned] = {}
    for row in session.scalars(select(LearnedWeight).order_by(LearnedWeight.id)):
        when = row.trained_at.date().isoformat() if row.trained_at else "?"
        origin = (
            f"learned {when} from {row.matches} confirmed and {row.non_matches} rejected "
            "pairs on this level"
        )
        found[(row.field, row.level)] = Learned(row.weight, origin)
    return found


def store_weights(session: Session, path: Path | str | None = None) -> Weights:
    """The weights detection uses in this store: defaults, learned, then ``path``."""
    return load_weights(path, learned_weights(session))


def keep(session: Session, result: Training) -> None:
    """Replace the learned weights with ``result``'s, with an audit entry."""
    before = len(learned_weights(session))
    session.execute(delete(LearnedWeight))
    rows = [
        {
            "field": e.field,
            "level": e.level,
            "weight": e.weight,
            "m": e.m,
            "u": e.u,
            "matches": e.matches,
            "non_matches": e.non_matches,
            "trained_at": dt.datetime.now(dt.UTC),
            "trained_by": audit.current_user(),
        }
        for e in result.levels
        if e.m > 0 and e.u > 0  # a level the decisions could estimate ("missing" cannot)
    ]
    if rows:
        session.execute(insert(LearnedWeight), rows)
    _audit(
        session,
        "duplicate weights trained",
        before={"levels": before},
        after={
            "levels": len(rows),
            "confirmed_pairs": result.confirmed,
            "rejected_pairs": result.rejected,
        },
    )


def forget(session: Session) -> int:
    """Drop the learned weights: detection goes back to the shipped defaults."""
    count = len(learned_weights(session))
    session.execute(delete(LearnedWeight))
    _audit(session, "duplicate weights reset", before={"levels": count}, after={"levels": 0})
    return count


def _audit(session: Session, action: str, *, before: dict[str, Any], after: dict[str, Any]) -> None:
    """Training and forgetting are audited alike: one entry on the learned weights as a whole."""
    audit.record(
        session,
        action=action,
        entity_type="duplicate weights",
        entity_id="learned_weights",
        before=before,
        after=after,
    )
