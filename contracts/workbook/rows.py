"""What the finance workbook shows, read from the store a few hundred proposals at a time.

The workbook is streamed (openpyxl write-only mode), so the store's side
streams too: plain rows from column queries, one chunk of proposals with their
member contracts and commissioners at a time, never an object graph of the
whole register. Memory then depends on the chunk, not on the register.
Every query of a chunk names the same number of proposals (the last chunk
aside), so the database driver's cache of prepared statements stays small.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import MISSING, dataclass, field, fields
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import Session, aliased

from contracts.errors import ContractsError
from contracts.proposals.members import members_hash
from contracts.store.models import (
    Contract,
    ContractParty,
    Organisation,
    PartyRole,
    Proposal,
    ProposalCommissioner,
    ProposalDecision,
    ProposalMember,
    ProposalStatus,
    contract_uid,
)

CHUNK = 500
# Proposals whose contracts count towards "contracts after" and "value covered".
ACTIVE_STATUSES = (ProposalStatus.ACCEPTED.value, ProposalStatus.CANDIDATE.value)


# Not frozen: a frozen dataclass sets each field through object.__setattr__, and the
# export builds one of these for every Contracts row (0.5 s of 150,000 rows).
@dataclass(slots=True)
class MemberRow:
    """One member contract of a proposal, with its commissioners' and provider's names."""

    id: int
    source: str
    source_key: str
    reference: str | None
    title: str
    provider: str | None
    service_category: str | None
    contract_form: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    annual_value: Decimal | None
    total_value: Decimal | None
    in_register: bool
    source_file: str | None
    source_sheet: str | None
    source_row: int | None
    lead: str | None = None
    associates: tuple[str, ...] = ()

    @property
    def uid(self) -> str:
        return contract_uid(self.source, self.source_key)


@dataclass
class ProposalRow:
    """One proposal as the workbook shows it, with its members in sheet order."""

    id: str
    rule: str
    title: str
    status: str
    lead_id: int | None
    lead: str | None
    provider: str | None
    contracts_before: int
    contracts_after: int
    earliest_start: dt.date | None
    flags: list[Any]
    reasons: list[Any]
    needs_review: bool
    associates: list[str] = field(default_factory=list)
    notes: str | None = None  # the latest decision's
    members: list[MemberRow] = field(default_factory=list)

    @property
    def member_hash(self) -> str:
        """As :func:`contracts.proposals.proposal_member_hash` computes it from the ORM."""
        return members_hash((m.uid, m.annual_value, m.start_date, m.end_date) for m in self.members)


def _filtered(statement: Select, statuses: Iterable[str] | None, footprint: str | None) -> Select:
    wanted = sorted({s.strip().lower() for s in statuses or ()})
    known = {s.value for s in ProposalStatus}
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise ContractsError(
            f"'{unknown[0]}' is not a proposal status; use one of {', '.join(sorted(known))}"
        )
    if wanted:
        statement = statement.where(Proposal.status.in_(wanted))
    if footprint:
        statement = statement.where(func.lower(Proposal.footprint) == footprint.strip().lower())
    return statement


def count_proposals(session: Session, statuses: Iterable[str] | None, footprint: str | None) -> int:
    """How many proposals the export will hold (refusing an unknown status)."""
    statement = _filtered(select(func.count(Proposal.id)), statuses, footprint)
    return int(session.scalar(statement) or 0)


def _selected(row_type: type, model: Any, **named: Any) -> list[Any]:
    """One column per field of ``row_type`` without a default, in field order: the
    expression ``named`` for it, else ``model``'s column of that name. The row is built
    from the columns by position, so the two cannot drift apart."""
    return [
        named[f.name] if f.name in named else getattr(model, f.name)
        for f in fields(row_type)
        if f.default is MISSING and f.default_factory is MISSING
    ]


def _proposals(session: Session, ids: list[str]) -> dict[str, ProposalRow]:
    provider = aliased(Organisation)
    lead = aliased(Organisation)
    columns = _selected(
        ProposalRow,
        Proposal,
        lead_id=Proposal.lead_commissioner_id,
        lead=lead.name,
        provider=provider.name,
    )
    rows = session.execute(
        select(*columns)
        .outerjoin(provider, provider.id == Proposal.provider_id)
        .outerjoin(lead, lead.id == Proposal.lead_commissioner_id)
        .where(Proposal.id.in_(ids))
    )
    return {row[0]: ProposalRow(*row) for row in rows}


def _members(session: Session, ids: list[str]) -> dict[str, list[MemberRow]]:
    # Plain columns, executed on the connection: the ORM's result layer would only wrap
    # each of the register's rows again (a fifth of the reading at 100,000 contracts).
    connection = session.connection()
    provider = aliased(Organisation)
    rows = connection.execute(
        select(ProposalMember.proposal_id, *_selected(MemberRow, Contract, provider=provider.name))
        .join(Contract, Contract.id == ProposalMember.contract_id)
        .outerjoin(provider, provider.id == Contract.provider_id)
        .where(ProposalMember.proposal_id.in_(ids))
    ).all()
    leads: dict[int, str] = {}
    associates: dict[int, list[str]] = defaultdict(list)
    party_rows = connection.execute(
        select(ContractParty.contract_id, ContractParty.role, Organisation.name)
        .join(Organisation, Organisation.id == ContractParty.organisation_id)
        .where(
            ContractParty.contract_id.in_(
                select(ProposalMember.contract_id).where(ProposalMember.proposal_id.in_(ids))
            )
        )
        .order_by(ContractParty.id)
    )
    for contract_id, role, name in party_rows:
        if role == PartyRole.LEAD:
            leads.setdefault(contract_id, name)
        elif role == PartyRole.ASSOCIATE:
            associates[contract_id].append(name)
    members: dict[str, list[MemberRow]] = defaultdict(list)
    for proposal_id, contract_id, *columns in rows:
        members[proposal_id].append(
            MemberRow(
                *(
                    contract_id,
                    *columns,
                    leads.get(contract_id),
                    tuple(associates.get(contract_id, ())),
                )
            )
        )
    for listed in members.values():
        listed.sort(key=lambda m: (m.source, m.reference or "", m.id))
    return members


def _fill(session: Session, proposals: dict[str, ProposalRow]) -> None:
    """Add each proposal's associate commissioners and latest reviewer notes."""
    ids = list(proposals)
    commissioners = session.execute(
        select(
            ProposalCommissioner.proposal_id,
            ProposalCommissioner.organisation_id,
            Organisation.name,
        )
        .join(Organisation, Organisation.id == ProposalCommissioner.organisation_id)
        .where(ProposalCommissioner.proposal_id.in_(ids))
        .order_by(ProposalCommissioner.id)
    )
    for proposal_id, organisation_id, name in commissioners:
        proposal = proposals[proposal_id]
        if organisation_id != proposal.lead_id:
            proposal.associates.append(name)
    decisions = session.execute(
        select(ProposalDecision.proposal_id, ProposalDecision.notes)
        .where(ProposalDecision.proposal_id.in_(ids))
        .order_by(ProposalDecision.id)
    )
    for proposal_id, notes in decisions:
        proposals[proposal_id].notes = notes


def proposal_chunks(
    session: Session,
    statuses: Iterable[str] | None,
    footprint: str | None,
    size: int = CHUNK,
) -> Iterator[list[ProposalRow]]:
    """The exported proposals in sheet order (by rule, then ID), ``size`` at a time,
    each with its members; each chunk is found by where the last one ended, so no
    list of every proposal is ever held."""
    after: tuple[str, str] | None = None
    while True:
        statement = _filtered(select(Proposal.rule, Proposal.id), statuses, footprint)
        if after is not None:
            statement = statement.where(tuple_(Proposal.rule, Proposal.id) > after)
        keys = session.execute(statement.order_by(Proposal.rule, Proposal.id).limit(size)).all()
        if not keys:
            return
        after = (keys[-1].rule, keys[-1].id)
        chunk = [key.id for key in keys]
        proposals = _proposals(session, chunk)
        _fill(session, proposals)
        members = _members(session, chunk)
        for proposal_id, proposal in proposals.items():
            proposal.members = members.get(proposal_id, [])
        yield [proposals[i] for i in chunk]
