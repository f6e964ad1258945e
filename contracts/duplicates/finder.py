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
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.progress import Progress
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from contracts.duplicates.compare import MatchRecord, provider_terms
from contracts.duplicates.learned_weights import store_weights
from contracts.duplicates.linkage import (
    Decision,
    Link,
    LinkedSet,
    link_records,
    uid_pair,
)
from contracts.errors import ContractsError
from contracts.graphs import successor_chain
from contracts.store.models import (
    Contract,
    ContractParty,
    DuplicateDecision,
    Organisation,
    OrganisationAlias,
    PartyRole,
    contract_uid,
)
from contracts.store.money import money_json

# The contracts detection looks at: those still in their register.
IN_REGISTER = Contract.in_register.is_(True)


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
        return {
            "id": self.id,
            "reference": self.reference,
            "source": self.source,
            "uid": self.uid,
            "title": self.title,
            "provider": self.provider,
            "commissioner": self.commissioner,
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "annual_value": money_json(self.annual_value),
        }


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

    def as_json(self) -> list[dict[str, Any]]:
        return [s.as_json() for s in self.sets]


# --- loading ------------------------------------------------------------------


@dataclass
class _Register:
    records: list[MatchRecord]
    names: dict[int, str]  # organisation id -> name


def _successor_chains(successors: dict[int, int | None]) -> dict[int, tuple[int, ...]]:
    """Each organisation and its successors in order (a loop in the data stops the walk)."""
    return {start: tuple(successor_chain(start, successors.get)) for start in successors}


def organisations_read() -> Select:
    """The organisation columns detection reads (names and codes, and successors for
    provider groups)."""
    return select(
        Organisation.id,
        Organisation.name,
        Organisation.successor_id,
        Organisation.ods_code,
        Organisation.gss_code,
    ).order_by(Organisation.id)


def aliases_read() -> Select:
    """The other names of organisations, which titles may carry ("BTUH: Acute Services")."""
    return select(OrganisationAlias.organisation_id, OrganisationAlias.alias).order_by(
        OrganisationAlias.organisation_id, OrganisationAlias.alias
    )


def _provider_terms(
    organisations: Sequence[Any],
    aliases: dict[int, list[str]],
    chains: dict[int, tuple[int, ...]],
) -> dict[int, tuple[str, ...]]:
    """Per organisation: the names, aliases and codes of it, its successors and its
    predecessors (a 2018 title may still say "SEPT" of EPUT)."""
    rows = {row.id: row for row in organisations}
    related: dict[int, set[int]] = {org_id: set(chain) for org_id, chain in chains.items()}
    for org_id, chain in chains.items():
        for later in chain[1:]:
            related.setdefault(later, {later}).add(org_id)
    terms = {}
    for org_id, family in related.items():
        names = [n for o in family for n in (rows[o].name, *aliases.get(o, ()))]
        codes = [c for o in family for c in (rows[o].ods_code, rows[o].gss_code) if c]
        terms[org_id] = provider_terms(names, codes)
    return terms


def parties_read(chosen: ColumnElement[bool]) -> Select:
    """The commissioner columns detection reads, for the contracts ``chosen``."""
    return (
        select(ContractParty.contract_id, ContractParty.organisation_id, ContractParty.role)
        .join(Contract, Contract.id == ContractParty.contract_id)
        .where(chosen)
        .order_by(ContractParty.contract_id, ContractParty.organisation_id)
    )


def contracts_read(chosen: ColumnElement[bool]) -> Select:
    """The contract columns detection reads. The stored run's hash
    (:mod:`contracts.duplicates.stored_run`) covers exactly these three queries."""
    return (
        select(
            Contract.id,
            Contract.source,
            Contract.source_key,
            Contract.reference,
            Contract.title,
            Contract.provider_id,
            Contract.service_category,
            Contract.start_date,
            Contract.end_date,
            Contract.annual_value,
            Contract.total_value,
        )
        .where(chosen)
        .order_by(Contract.id)
    )


def _load(session: Session, ids: list[int] | None = None) -> _Register:
    """The register as records, with plain column queries (fast at 100,000 rows)."""
    organisations = session.execute(organisations_read()).all()
    names = {row.id: row.name for row in organisations}
    coded = {row.id for row in organisations if row.ods_code or row.gss_code}
    chains = _successor_chains({row.id: row.successor_id for row in organisations})
    aliases: dict[int, list[str]] = defaultdict(list)
    for org_id, alias in session.execute(aliases_read()):
        aliases[org_id].append(alias)
    terms = _provider_terms(organisations, aliases, chains)
    chosen = Contract.id.in_(ids) if ids is not None else IN_REGISTER
    parties: dict[int, set[int]] = defaultdict(set)
    leads: dict[int, int] = {}
    associates: set[int] = set()
    for contract_id, organisation_id, role in session.execute(parties_read(chosen)):
        parties[contract_id].add(organisation_id)
        if role == PartyRole.LEAD:
            leads[contract_id] = organisation_id
        elif role == PartyRole.ASSOCIATE:
            associates.add(contract_id)
    rows = session.execute(contracts_read(chosen))
    records = [
        MatchRecord.build(
            id=row.id,
            uid=contract_uid(row.source, row.source_key),
            source=row.source,
            reference=row.reference,
            title=row.title,
            provider_id=row.provider_id,
            provider_group=chains[row.provider_id][-1] if row.provider_id else None,
            provider_chain=chains[row.provider_id] if row.provider_id else (),
            provider_name=names.get(row.provider_id) if row.provider_id else None,
            provider_coded=row.provider_id in coded,
            provider_terms=terms.get(row.provider_id, ()) if row.provider_id else (),
            commissioners=frozenset(parties.get(row.id, ())),
            lead_id=leads.get(row.id),
            service_category=row.service_category,
            start_date=row.start_date,
            end_date=row.end_date,
            annual_value=row.annual_value,
            total_value=row.total_value,
            has_associates=row.id in associates,
        )
        for row in rows
    ]
    return _Register(records, names)


def decisions_read() -> Select:
    """The columns of people's duplicate decisions that detection is given."""
    return select(
        DuplicateDecision.contract_uid_a,
        DuplicateDecision.contract_uid_b,
        DuplicateDecision.decision,
        DuplicateDecision.decided_by,
    ).order_by(DuplicateDecision.contract_uid_a, DuplicateDecision.contract_uid_b)


def load_decisions(session: Session) -> dict[tuple[str, str], Decision]:
    return {
        uid_pair(uid_a, uid_b): Decision(decision, decided_by)
        for uid_a, uid_b, decision, decided_by in session.execute(decisions_read())
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


def _member(record: MatchRecord, register: _Register) -> Member:
    return Member(
        id=record.id,
        uid=record.uid,
        reference=record.reference,
        source=record.source,
        title=record.title,
        provider=register.names.get(record.provider_id) if record.provider_id else None,
        commissioner=register.names.get(record.lead_id) if record.lead_id else None,
        start_date=record.start_date,
        end_date=record.end_date,
        annual_value=record.annual_value,
    )


def _describe(
    linked: LinkedSet,
    by_id: dict[int, MatchRecord],
    register: _Register,
    rejected: list[tuple[int, int]],
) -> DuplicateSet:
    records = [by_id[i] for i in linked.member_ids]
    representative = choose_representative(records)
    at_stake = sum(
        (
            r.annual_value
            for r in records
            if r.id != representative.id and r.annual_value is not None
        ),
        Decimal("0.00"),
    )
    weakest = linked.weakest
    reasons = list(weakest.reasons)
    if len(records) > 2:
        reasons.insert(0, f"{len(records)} copies; weakest link {weakest.a_id}–{weakest.b_id}")
    confirmed = sum(1 for link in linked.links if link.confirmed)
    if confirmed:
        reasons.insert(0, f"{confirmed} link{'s' if confirmed > 1 else ''} confirmed by a person")
    if linked.weak_link:
        reasons.append("held together by a single weak link: check it")
    reasons += [
        f"{a} and {b} were rejected as duplicates but are joined through others"
        for a, b in rejected
    ]
    return DuplicateSet(
        id=set_id([r.uid for r in records]),
        contract_ids=list(linked.member_ids),
        members=[_member(r, register) for r in records],
        score=weakest.strength,
        reasons=reasons,
        weak_link=linked.weak_link,
        value_at_stake=at_stake,
        representative_id=representative.id,
        links=sorted(linked.links, key=lambda link: (link.a_id, link.b_id)),
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
    register = _load(session)
    with _progress(show_progress) as on_progress:
        linkage = link_records(
            register.records,
            weights,
            load_decisions(session),
            min_score=threshold,
            on_progress=on_progress,
        )
    by_id = {r.id: r for r in register.records}
    sets = [
        _describe(linked, by_id, register, linkage.rejected_within.get(index, []))
        for index, linked in enumerate(linkage.sets)
    ]
    sets.sort(key=lambda s: (-s.value_at_stake, -s.score, s.id))
    return DuplicateReport(
        sets=sets,
        blocking=dict(linkage.blocking.produced),
        pairs_compared=linkage.pairs_compared,
        capped=list(linkage.blocking.capped),
        min_score=threshold,
        contracts_considered=len(register.records),
        held_apart=len(linkage.held_apart),
    )
