"""One pair of contracts: the evidence for and against, and a person's verdict on it.

``duplicates explain`` shows both records' values side by side with each
field's level, weight and where the weight came from; ``confirm`` and
``reject`` store a verdict keyed on the contracts' stable uids, with an audit
entry, so it survives re-imports and every later run honours it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.duplicates.compare import MatchRecord, PairComparison, compare
from contracts.duplicates.finder import Member, _load, _member, load_decisions
from contracts.duplicates.learned_weights import store_weights
from contracts.duplicates.linkage import CONFIRMED, REJECTED, Decision, uid_pair
from contracts.errors import ContractsError
from contracts.store import audit
from contracts.store.models import Contract, DuplicateDecision
from contracts.store.money import format_gbp
from contracts.store.register import find_contract

DECISIONS = (CONFIRMED, REJECTED)


def _money(value: Decimal | None) -> str:
    return format_gbp(value) if value is not None else ""


def shown_values(record: MatchRecord, names: dict[int, str]) -> dict[str, str]:
    """What each compared field holds for one record, as ``explain`` shows it side by side."""
    commissioners = sorted(
        record.commissioners, key=lambda c: (c != record.lead_id, names.get(c, ""))
    )
    category = record.service_category or ""
    if record.category_key and record.category_key != record.service_category:
        category = f"{category} (read as {record.category_key})"
    period = ""
    if record.start_date or record.end_date:
        start = record.start_date.isoformat() if record.start_date else "?"
        end = record.end_date.isoformat() if record.end_date else "?"
        period = f"{start} to {end}"
    return {
        "reference": record.reference or "",
        "provider": names.get(record.provider_id, "") if record.provider_id else "",
        "commissioners": "; ".join(names.get(c, str(c)) for c in commissioners),
        "service_category": category,
        "title": f"{record.title} (compared as '{record.title_key}')",
        "period": period,
        "annual_value": _money(record.annual_value),
        "total_value": _money(record.total_value),
    }


@dataclass
class PairExplanation:
    members: list[Member]
    comparison: PairComparison
    decision: Decision | None
    threshold: float
    # Each field's value in the first and the second contract, side by side.
    values: tuple[dict[str, str], dict[str, str]] = field(default_factory=lambda: ({}, {}))

    @property
    def verdict(self) -> str:
        if self.decision is not None:
            who = f" by {self.decision.decided_by}" if self.decision.decided_by else ""
            return f"{self.decision.decision}{who}"
        if self.comparison.definite:
            return f"never a duplicate: {self.comparison.definite}"
        if self.comparison.score >= self.threshold:
            return f"duplicate (score at or above {self.threshold})"
        return f"not a duplicate (score below {self.threshold})"

    def rows(self) -> list[dict[str, Any]]:
        first, second = self.values
        return [
            {
                "field": f.field,
                "a": first.get(f.field, ""),
                "b": second.get(f.field, ""),
                "level": f.level,
                "weight": f"{f.weight:+.1f}",
                "from": f.origin,
                "evidence": f.detail,
            }
            for f in self.comparison.fields
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "contracts": [m.as_json() for m in self.members],
            "score": round(self.comparison.score, 4),
            "log_odds": round(self.comparison.log_odds, 2),
            "definite_rule": self.comparison.definite,
            "decision": self.decision.decision if self.decision else None,
            "verdict": self.verdict,
            "fields": [
                {
                    "field": f.field,
                    "values": [self.values[0].get(f.field), self.values[1].get(f.field)],
                    "level": f.level,
                    "weight": f.weight,
                    "weight_from": f.origin,
                    "evidence": f.detail,
                }
                for f in self.comparison.fields
            ],
            "reasons": self.comparison.reasons,
        }


def _two_contracts(session: Session, a: int | str, b: int | str) -> tuple[Contract, Contract]:
    first = find_contract(session, str(a))
    second = find_contract(session, str(b))
    if first.id == second.id:
        raise ContractsError(f"{a} and {b} are the same contract; give two different contracts")
    return first, second


def explain_pair(
    session: Session, a_id: int | str, b_id: int | str, *, weights_path: Path | str | None = None
) -> PairExplanation:
    """The per-field evidence for any two contracts (ids or uids), matched or not."""
    first, second = _two_contracts(session, a_id, b_id)
    weights = store_weights(session, weights_path)
    register = _load(session, [first.id, second.id])
    by_id = {r.id: r for r in register.records}
    a, b = by_id[first.id], by_id[second.id]
    decision = load_decisions(session).get(uid_pair(a.uid, b.uid))
    return PairExplanation(
        members=[_member(a, register.names), _member(b, register.names)],
        comparison=compare(a, b, weights),
        decision=decision,
        threshold=weights.threshold,
        values=(shown_values(a, register.names), shown_values(b, register.names)),
    )


def record_decision(
    session: Session,
    a_id: int | str,
    b_id: int | str,
    decision: str,
    notes: str | None = None,
    *,
    decided_by: str | None = None,
) -> DuplicateDecision:
    """Store (or change) a person's verdict on two contracts, with an audit entry."""
    if decision not in DECISIONS:
        raise ContractsError(f"a decision is 'confirmed' or 'rejected', not '{decision}'")
    first, second = _two_contracts(session, a_id, b_id)
    uid_a, uid_b = uid_pair(first.uid, second.uid)
    who = decided_by or audit.current_user()
    existing = session.scalar(
        select(DuplicateDecision).where(
            DuplicateDecision.contract_uid_a == uid_a, DuplicateDecision.contract_uid_b == uid_b
        )
    )
    before = None
    if existing is None:
        existing = DuplicateDecision(contract_uid_a=uid_a, contract_uid_b=uid_b)
        session.add(existing)
    else:
        before = {
            "decision": existing.decision,
            "notes": existing.notes,
            "decided_by": existing.decided_by,
        }
    existing.decision = decision
    existing.notes = notes
    existing.decided_by = who
    existing.decided_at = dt.datetime.now(dt.UTC)
    audit.record(
        session,
        action=f"duplicate {decision}",
        entity_type="duplicate pair",
        entity_id=f"{uid_a} | {uid_b}",
        actor=who,
        before=before,
        after={"decision": decision, "contracts": [first.id, second.id], "notes": notes},
        notes=notes,
    )
    session.flush()
    return existing
