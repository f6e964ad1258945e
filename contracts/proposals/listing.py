"""`contracts proposals list` at any size: the stored proposals a chunk at a time.

First the order: each matching proposal's sortable fields (one narrow query, no
members), sorted as :func:`contracts.proposals.decisions.list_proposals` sorts
them. Then the proposals themselves, a chunk of ids at a time: plain column
queries for the proposals, their members and commissioners, each one a
:class:`~contracts.proposals.shapes.ProposalView` (so the JSON is the one
`proposals show` and `propose` give), never an object graph of every proposal
and member contract.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from contracts.proposals.decisions import filter_proposals
from contracts.proposals.shapes import MemberView, OrgName, ProposalView
from contracts.store.models import (
    Contract,
    Organisation,
    PartyRole,
    Proposal,
    ProposalCommissioner,
    ProposalMember,
)
from contracts.store.money import money_json

CHUNK = 100  # proposals; at 100,000 contracts a proposal has 36 members on average


def proposal_keys(
    session: Session,
    *,
    status: str | None = None,
    rule: str | None = None,
    commissioner: str | None = None,
    provider: str | None = None,
) -> list[dict[str, Any]]:
    """The matching proposals' sortable fields, as in their JSON (money and dates as text),
    by rule and then the largest value first, as ``list_proposals`` orders them."""
    lead, supplier = aliased(Organisation), aliased(Organisation)
    statement = filter_proposals(
        session,
        select(
            Proposal.id,
            Proposal.rule,
            Proposal.annual_value,
            Proposal.title,
            Proposal.status,
            Proposal.contracts_before,
            Proposal.earliest_start,
            lead.name,
            supplier.name,
        )
        .outerjoin(lead, lead.id == Proposal.lead_commissioner_id)
        .outerjoin(supplier, supplier.id == Proposal.provider_id),
        status=status,
        rule=rule,
        commissioner=commissioner,
        provider=provider,
    )
    rows = sorted(session.execute(statement), key=_stored_order)
    return [
        {
            "id": id_,
            "rule": rule_,
            "annual_value": money_json(value),
            "title": title,
            "status": str(state),
            "contracts_before": before,
            "earliest_start": start.isoformat() if start else None,
            "lead_commissioner": lead_name,
            "provider": provider_name,
        }
        for id_, rule_, value, title, state, before, start, lead_name, provider_name in rows
    ]


def _stored_order(row: Any) -> tuple[str, bool, Decimal, str]:
    value: Decimal | None = row[2]
    return (row[1], value is None, -(value or Decimal(0)), row[0])


def proposal_views(
    session: Session, ids: Sequence[str], *, chunk: int | None = None
) -> Iterator[ProposalView]:
    """The proposals ``ids`` names, in that order, read ``chunk`` proposals at a time."""
    size = chunk or CHUNK
    for start in range(0, len(ids), size):
        part = ids[start : start + size]
        views = _chunk(session, part)
        yield from (views[i] for i in part)


def _chunk(session: Session, ids: Sequence[str]) -> dict[str, ProposalView]:
    # Plain columns on the connection: the ORM's result layer would only wrap them.
    connection = session.connection()
    lead, supplier = aliased(Organisation), aliased(Organisation)
    members: dict[str, list[MemberView]] = defaultdict(list)
    for proposal_id, uid, *contract in connection.execute(
        select(
            ProposalMember.proposal_id,
            ProposalMember.contract_uid,
            Contract.id,
            Contract.reference,
            Contract.source,
            Contract.title,
            Contract.annual_value,
            Contract.end_date,
        )
        .join(Contract, Contract.id == ProposalMember.contract_id)
        .where(ProposalMember.proposal_id.in_(ids))
    ):
        members[proposal_id].append(MemberView(contract[0], uid, *contract[1:]))
    commissioners: dict[str, list[tuple[bool, int, str]]] = defaultdict(list)
    for proposal_id, party_id, role, name in connection.execute(
        select(
            ProposalCommissioner.proposal_id,
            ProposalCommissioner.id,
            ProposalCommissioner.role,
            Organisation.name,
        )
        .join(Organisation, Organisation.id == ProposalCommissioner.organisation_id)
        .where(ProposalCommissioner.proposal_id.in_(ids))
    ):
        commissioners[proposal_id].append((role != PartyRole.LEAD, party_id, name))
    views: dict[str, ProposalView] = {}
    for row in connection.execute(
        select(
            Proposal.id,
            Proposal.rule,
            Proposal.title,
            Proposal.status,
            lead.name,
            lead.ods_code,
            lead.gss_code,
            supplier.name,
            supplier.ods_code,
            supplier.gss_code,
            Proposal.annual_value,
            Proposal.contracts_before,
            Proposal.contracts_after,
            Proposal.earliest_start,
            Proposal.reasons,
            Proposal.flags,
            Proposal.needs_review,
            Proposal.as_at,
            Proposal.footprint,
        )
        .outerjoin(lead, lead.id == Proposal.lead_commissioner_id)
        .outerjoin(supplier, supplier.id == Proposal.provider_id)
        .where(Proposal.id.in_(ids))
    ):
        id_, rule, title, status = row[:4]
        lead_org = _org(*row[4:7])
        provider_org = _org(*row[7:10])
        value, before, after, start, reasons, flags, review, as_at, footprint = row[10:]
        views[id_] = ProposalView(
            id=id_,
            rule=rule,
            title=title,
            status=str(status),
            provider=provider_org,
            lead_commissioner=lead_org,
            # The lead first, then by when each was recorded (as ProposalView.of).
            commissioners=tuple(name for *_, name in sorted(commissioners[id_])),
            members=tuple(sorted(members[id_], key=lambda m: m.uid)),
            annual_value=value,
            contracts_before=before,
            contracts_after=after,
            earliest_start=start,
            reasons=tuple(reasons),
            flags=list(flags),
            needs_review=bool(review),
            as_at=as_at,
            footprint=footprint,
        )
    return views


def _org(name: str | None, ods: str | None, gss: str | None) -> OrgName | None:
    return None if name is None else OrgName(name, ods or gss)
