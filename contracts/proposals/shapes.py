"""The one read model of a proposal, and its JSON shape (interface.md).

A :class:`ProposalView` is what every reader of a proposal sees: ``propose``
builds it from the rules' drafts and the contracts' columns (no ORM objects,
so 25,000 proposals cost little), and :meth:`ProposalView.of` builds it from a
stored ``Proposal`` for `proposals list`/`show`. Both give the same JSON.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from contracts.proposals.grouping import PARTNERSHIP_FLAG, RuleInput
from contracts.store.models import Contract, Organisation, PartyRole, Proposal
from contracts.store.money import money_json


@dataclass(frozen=True, slots=True)
class MemberView:
    """A contract in a proposal, as the proposal's readers show it."""

    contract_id: int
    uid: str
    reference: str | None
    source: str
    title: str
    annual_value: Decimal | None
    end_date: dt.date | None

    @classmethod
    def of(cls, contract: Contract | RuleInput, uid: str) -> MemberView:
        """The view of a contract (a stored one, or a record the rules read) as ``uid``."""
        return cls(
            contract.id,
            uid,
            contract.reference,
            contract.source,
            contract.title,
            contract.annual_value,
            contract.end_date,
        )


@dataclass(frozen=True)
class OrgName:
    name: str
    code: str | None


@dataclass(slots=True)
class ProposalView:
    """A proposal as read: its columns, its members and commissioners by name.

    ``flags`` and ``needs_review`` may change after it is built (a decided
    proposal the rules now group otherwise is flagged for re-review).
    """

    id: str
    rule: str
    title: str
    status: str
    provider: OrgName | None
    lead_commissioner: OrgName | None
    commissioners: tuple[str, ...]  # names, the lead first
    members: tuple[MemberView, ...]  # by uid
    annual_value: Decimal | None
    contracts_before: int
    contracts_after: int
    earliest_start: dt.date | None
    reasons: tuple[str, ...]
    flags: list[str]
    needs_review: bool
    as_at: dt.date
    footprint: str

    @property
    def member_ids(self) -> set[int]:
        return {m.contract_id for m in self.members}

    @classmethod
    def of(cls, proposal: Proposal) -> ProposalView:
        """The view of a stored proposal (its members and organisations loaded)."""
        by_role = sorted(proposal.commissioners, key=lambda c: c.role != PartyRole.LEAD)
        members = sorted(proposal.members, key=lambda m: m.contract_uid)
        return cls(
            **{name: getattr(proposal, name) for name in _STORED_AS_IS},
            status=str(proposal.status),
            provider=_org(proposal.provider),
            lead_commissioner=_org(proposal.lead_commissioner),
            commissioners=tuple(c.organisation.name for c in by_role),
            members=tuple(MemberView.of(m.contract, m.contract_uid) for m in members),
            reasons=tuple(proposal.reasons),
            flags=list(proposal.flags),
            needs_review=bool(proposal.needs_review),
        )


# The columns of a stored proposal its view shows as they are.
_STORED_AS_IS: tuple[str, ...] = ("id", "rule", "title", "annual_value", "contracts_before")
_STORED_AS_IS += ("contracts_after", "earliest_start", "as_at", "footprint")


def _org(org: Organisation | None) -> OrgName | None:
    return OrgName(org.name, org.code) if org is not None else None


def proposal_json(proposal: Proposal | ProposalView) -> dict[str, Any]:
    """A proposal in the JSON shape of interface.md, with flags and review state."""
    view = proposal if isinstance(proposal, ProposalView) else ProposalView.of(proposal)
    flags = list(view.flags)
    return {
        "id": view.id,
        "rule": view.rule,
        "title": view.title,
        "status": view.status,
        "provider": view.provider.name if view.provider else None,
        "provider_code": view.provider.code if view.provider else None,
        "lead_commissioner": view.lead_commissioner.name if view.lead_commissioner else None,
        "lead_commissioner_code": view.lead_commissioner.code if view.lead_commissioner else None,
        "commissioners": list(view.commissioners),
        "contracts": [
            {
                "id": m.contract_id,
                "reference": m.reference,
                "source": m.source,
                "uid": m.uid,
                "title": m.title,
                "annual_value": money_json(m.annual_value),
                "end_date": m.end_date.isoformat() if m.end_date else None,
            }
            for m in view.members
        ],
        "annual_value": money_json(view.annual_value),
        "contracts_before": view.contracts_before,
        "contracts_after": view.contracts_after,
        "earliest_start": view.earliest_start.isoformat() if view.earliest_start else None,
        "reasons": list(view.reasons),
        "flags": flags,
        "needs_review": view.needs_review,
        "needs_partnership_agreement": any(f.startswith(PARTNERSHIP_FLAG) for f in flags),
        "as_at": view.as_at.isoformat(),
        "footprint": view.footprint,
    }


def proposal_detail(proposal: Proposal) -> dict[str, Any]:
    """`proposals show`: the JSON shape plus the decisions taken on it."""
    detail = proposal_json(proposal)
    detail["decisions"] = [
        {
            "decision": d.decision,
            "previous_status": d.previous_status,
            "decided_by": d.decided_by,
            "decided_at": d.decided_at.isoformat() if d.decided_at else None,
            "notes": d.notes,
            "via": d.via,
        }
        for d in proposal.decisions
    ]
    return detail
