"""Contracts recorded more than once: the report, the decisions, and who stands for a set.

When a lead commissioner and its associates each keep a register, one contract
appears in several, under other references, spellings and roundings. This
module loads the register (contracts still in it), links the copies
(:mod:`contracts.duplicates.linkage`) and describes each set in words a commissioning lead
can check. People's verdicts are stored as :class:`DuplicateDecision` rows keyed
on the contracts' stable uids, so they survive re-imports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.progress import Progress
from sqlalchemy.orm import Session

from contracts.duplicates.compare import MatchRecord
from contracts.duplicates.learned_weights import store_weights
from contracts.duplicates.linkage import Decision, Link, LinkedSet, link_columns, uid_pair
from contracts.duplicates.reading import decisions_read, read_register, read_rows, start_digest
from contracts.errors import ContractsError
from contracts.store.money import money_json

# What a member shows in JSON, in this order.
_MEMBER_JSON = (
    "id reference source uid title provider commissioner start_date end_date annual_value"
)


# What a member takes from its record as it is (its provider and commissioner are names).
_MEMBER_FROM_RECORD = "id uid reference source title start_date end_date annual_value"


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return money_json(value)
    return value


@dataclass(frozen=True)
class Member:
    """One copy in a duplicate set, as the report shows it."""

    id: int
    uid: str
    reference: str | None
    source: str
    title: str
    provider: str | None
    commissioner: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    annual_value: Decimal | None

    @property
    def period(self) -> str:
        start = self.start_date.isoformat() if self.start_date else "?"
        end = self.end_date.isoformat() if self.end_date else "?"
        return f"{start} to {end}"

    def as_json(self) -> dict[str, Any]:
        return {key: _json_value(getattr(self, key)) for key in _MEMBER_JSON.split()}


@dataclass
class DuplicateSet:
    """Copies of one contract, with the evidence that joins them."""

    id: str
    contract_ids: list[int]
    members: list[Member]
    score: float
    reasons: list[str]
    weak_link: bool
    value_at_stake: Decimal
    representative_id: int
    links: list[Link] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "contracts": [m.as_json() for m in self.members],
            "score": round(self.score, 4),
            "reasons": self.reasons,
            "weak_link": self.weak_link,
            "value_at_stake": money_json(self.value_at_stake),
            "representative": self.representative_id,
            "links": [
                {
                    "contracts": [link.a_id, link.b_id],
                    "score": round(link.strength, 4),
                    "confirmed": link.confirmed,
                    "reasons": link.reasons,
                }
                for link in self.links
            ],
        }


@dataclass
class DuplicateReport:
    sets: list[DuplicateSet]
    blocking: dict[str, int]
    pairs_compared: int
    capped: list[str]
    min_score: float
    contracts_considered: int
    held_apart: int = 0  # links not followed: two records of one register in one set
    # The hash of what detection read, when it used the store's own weights (see stored_run).
    inputs_digest: str | None = None

    def as_json(self) -> list[dict[str, Any]]:
        return [s.as_json() for s in self.sets]


# --- loading ------------------------------------------------------------------


@dataclass
class _Register:
    records: list[MatchRecord]
    names: dict[int, str]  # organisation id -> name


def _load(session: Session, ids: list[int]) -> _Register:
    """The contracts ``ids`` as records (``explain``, training: a few contracts)."""
    register = read_register(session.connection(), ids)
    columns = register.columns
    return _Register([columns.record(i) for i in range(len(columns))], register.names)


def load_decisions(session: Session) -> dict[tuple[str, str], Decision]:
    """People's duplicate decisions, by pair of uids."""
    return {
        uid_pair(uid_a, uid_b): Decision(decision, decided_by)
        for uid_a, uid_b, decision, decided_by in read_rows(session.connection(), decisions_read())
    }


# --- the report ---------------------------------------------------------------


def set_id(member_uids: list[str]) -> str:
    """Stable while the members are: "D-" and 8 hex digits of their sorted uids' SHA-1."""
    digest = hashlib.sha1("\n".join(sorted(member_uids)).encode("utf-8")).hexdigest()
    return f"D-{digest[:8]}"


def choose_representative(records: list[MatchRecord]) -> MatchRecord:
    """The lead commissioner's copy: the copy that lists associates, and whose
    commissioner the other copies name; then the smallest stable identity, so the
    choice (and every proposal ID built on it) does not depend on import order."""

    def named_by_others(record: MatchRecord) -> int:
        return sum(
            1
            for other in records
            if other.id != record.id and record.lead_id in other.commissioners
        )

    return min(records, key=lambda r: (not r.has_associates, -named_by_others(r), r.uid))


def _member(record: MatchRecord, names: dict[int, str]) -> Member:
    return Member(
        **{key: getattr(record, key) for key in _MEMBER_FROM_RECORD.split()},
        provider=names.get(record.provider_id) if record.provider_id else None,
        commissioner=names.get(record.lead_id) if record.lead_id else None,
    )


def _reasons(linked: LinkedSet, copies: int, rejected: list[tuple[int, int]]) -> list[str]:
    """The weakest link's reasons, with what else a person checking the set should know."""
    weakest = linked.weakest
    reasons = list(weakest.reasons)
    if copies > 2:
        reasons.insert(0, f"{copies} copies; weakest link {weakest.a_id}–{weakest.b_id}")
    confirmed = sum(1 for link in linked.links if link.confirmed)
    if confirmed:
        reasons.insert(0, f"{confirmed} link{'s' if confirmed > 1 else ''} confirmed by a person")
    if linked.weak_link:
        reasons.append("held together by a single weak link: check it")
    reasons += [
        f"{a} and {b} were rejected as duplicates but are joined through others"
        for a, b in rejected
    ]
    return reasons


def _describe(
    linked: LinkedSet,
    record_of: Callable[[int], MatchRecord],
    names: dict[int, str],
    rejected: list[tuple[int, int]],
) -> DuplicateSet:
    records = [record_of(i) for i in linked.member_ids]
    chosen = choose_representative(records)
    others = (r.annual_value for r in records if r.id != chosen.id)
    at_stake = sum((v for v in others if v is not None), Decimal("0.00"))
    links = sorted(linked.links, key=lambda link: (link.a_id, link.b_id))
    members = [_member(r, names) for r in records]
    return DuplicateSet(
        set_id([r.uid for r in records]),
        list(linked.member_ids),
        members,
        linked.weakest.strength,
        _reasons(linked, len(records), rejected),
        linked.weak_link,
        at_stake,
        chosen.id,
        links,
    )


@contextmanager
def _progress(show: bool) -> Iterator[Any]:
    if not show:
        yield None
        return
    with Progress(transient=True) as progress:
        task = progress.add_task("Comparing candidate pairs", total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


def find_duplicates(
    session: Session,
    *,
    min_score: float | None = None,
    weights_path: Path | str | None = None,
    show_progress: bool = False,
) -> DuplicateReport:
    """Duplicate sets among the contracts in the register, largest value at stake first."""
    weights = store_weights(session, weights_path)
    threshold = weights.threshold if min_score is None else min_score
    if not 0.0 <= threshold <= 1.0:
        raise ContractsError(f"--min-score must be between 0 and 1, not {threshold}")
    # With the store's own weights, what is read is hashed on the way (see stored_run).
    digest = start_digest(weights) if weights_path is None else None
    register = read_register(session.connection(), digest=digest)
    columns = register.columns
    with _progress(show_progress) as on_progress:
        linkage = link_columns(
            columns, weights, register.decisions, min_score=threshold, on_progress=on_progress
        )
    position = columns.positions()
    sets = [
        _describe(
            linked,
            lambda i: columns.record(int(position[i])),
            register.names,
            linkage.rejected_within.get(index, []),
        )
        for index, linked in enumerate(linkage.sets)
    ]
    sets.sort(key=lambda s: (-s.value_at_stake, -s.score, s.id))
    return DuplicateReport(
        sets=sets,
        blocking=dict(linkage.blocking.produced),
        pairs_compared=linkage.pairs_compared,
        capped=list(linkage.blocking.capped),
        min_score=threshold,
        contracts_considered=len(columns),
        held_apart=len(linkage.held_apart),
        inputs_digest=digest.hexdigest() if digest is not None else None,
    )
