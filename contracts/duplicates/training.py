"""`contracts duplicates train`: re-estimate the weights from people's decisions.

Every pair a person confirmed is a copy and every pair rejected is not; their
comparisons, level by level, re-estimate m and u (:mod:`contracts.duplicates.weight_training`,
the shipped weights as priors), and :mod:`contracts.duplicates.learned_weights` keeps them
for this store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.duplicates.compare import compare
from contracts.duplicates.finder import _load, load_decisions
from contracts.duplicates.learned_weights import keep
from contracts.duplicates.linkage import CONFIRMED
from contracts.duplicates.weight_training import NEUTRAL, PRIOR_PAIRS, LevelEstimate, estimate
from contracts.duplicates.weights import FIELD_LEVELS, load_weights
from contracts.store.models import Contract, contract_uid


@dataclass
class Training:
    """What one ``duplicates train`` found (and, unless a dry run, kept)."""

    confirmed: int
    rejected: int
    skipped: list[str] = field(default_factory=list)  # decisions whose contracts are gone
    levels: list[LevelEstimate] = field(default_factory=list)
    dry_run: bool = False

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "field": e.field,
                "level": e.level,
                "default": f"{e.prior_weight:+.1f}",
                "learned": f"{e.weight:+.2f}",
                "m": f"{e.m:.3f}",
                "u": f"{e.u:.3f}",
                "confirmed": e.matches,
                "rejected": e.non_matches,
            }
            for e in self.levels
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "confirmed_pairs": self.confirmed,
            "rejected_pairs": self.rejected,
            "prior_pairs": PRIOR_PAIRS,
            "skipped": self.skipped,
            "dry_run": self.dry_run,
            "levels": [
                {
                    "field": e.field,
                    "level": e.level,
                    "default": e.prior_weight,
                    "learned": e.weight,
                    "m": round(e.m, 6),
                    "u": round(e.u, 6),
                    "confirmed": e.matches,
                    "rejected": e.non_matches,
                }
                for e in self.levels
            ],
        }


def train(session: Session, *, dry_run: bool = False) -> Training:
    """Re-estimate m and u per level from the confirmed and rejected pairs; keep them."""
    defaults = load_weights()
    decisions = load_decisions(session)
    uids = {uid for pair in decisions for uid in pair}
    ids: dict[str, int] = {}
    for row in session.execute(select(Contract.id, Contract.source, Contract.source_key)):
        uid = contract_uid(row.source, row.source_key)
        if uid in uids:
            ids[uid] = row.id
    register = _load(session, sorted(ids.values()))
    by_id = {r.id: r for r in register.records}
    decided = []
    skipped = []
    for (uid_a, uid_b), decision in sorted(decisions.items()):
        if uid_a not in ids or uid_b not in ids:
            skipped.append(f"{uid_a} | {uid_b}")
            continue
        comparison = compare(by_id[ids[uid_a]], by_id[ids[uid_b]], defaults)
        decided.append((comparison, decision.decision == CONFIRMED))
    # "Missing" levels are never learned: that a register left a field empty says nothing.
    levels = [
        e
        for e in estimate(defaults.levels, decided)
        if e.level in FIELD_LEVELS[e.field] and e.level != NEUTRAL
    ]
    result = Training(
        confirmed=sum(1 for _c, copy in decided if copy),
        rejected=sum(1 for _c, copy in decided if not copy),
        skipped=skipped,
        levels=levels,
        dry_run=dry_run,
    )
    if not dry_run:
        keep(session, result)
    return result
