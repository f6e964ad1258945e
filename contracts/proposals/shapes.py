"""A stored or newly found proposal in the JSON shape of interface.md."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contracts.proposals.grouping import PARTNERSHIP_FLAG
from contracts.store.models import PartyRole, Proposal
from contracts.store.money import money_json

if TYPE_CHECKING:
    from contracts.proposals.stored import NewProposal


def proposal_json(proposal: Proposal | NewProposal) -> dict[str, Any]:
    """A proposal in the JSON shape of interface.md, with flags and review state."""
    by_role = sorted(proposal.commissioners, key=lambda c: c.role != PartyRole.LEAD)
    members = sorted(proposal.members, key=lambda m: m.contract_uid)
    flags = list(proposal.flags)
    return {
        "id": proposal.id,
        "rule": proposal.rule,
        "title": proposal.title,
        "status": str(proposal.status),
        "provider": proposal.provider.name if proposal.provider else None,
        "provider_code": proposal.provider.code if proposal.provider else None,
        "lead_commissioner": proposal.lead_commissioner.name
        if proposal.lead_commissioner
        else None,
        "lead_commissioner_code": proposal.lead_commissioner.code
        if proposal.lead_commissioner
        else None,
        "commissioners": [c.organisation.name for c in by_role],
        "contracts": [
            {
                "id": m.contract.id,
                "reference": m.contract.reference,
                "source": m.contract.source,
                "uid": m.contract_uid,
                "title": m.contract.title,
                "annual_value": money_json(m.contract.annual_value),
                "end_date": m.contract.end_date.isoformat() if m.contract.end_date else None,
            }
            for m in members
        ],
        "annual_value": money_json(proposal.annual_value),
        "contracts_before": proposal.contracts_before,
        "contracts_after": proposal.contracts_after,
        "earliest_start": proposal.earliest_start.isoformat() if proposal.earliest_start else None,
        "reasons": list(proposal.reasons),
        "flags": flags,
        "needs_review": bool(proposal.needs_review),
        "needs_partnership_agreement": any(f.startswith(PARTNERSHIP_FLAG) for f in flags),
        "as_at": proposal.as_at.isoformat(),
        "footprint": proposal.footprint,
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
