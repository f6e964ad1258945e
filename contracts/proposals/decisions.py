"""Reading stored proposals and recording people's decisions on them.

`set_decision` is the one way a decision is recorded, from the command line
or from the finance workbook, always with an audit entry; a decision also
settles a pending re-review.
"""

from __future__ import annotations

import difflib
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from contracts.errors import ContractsError
from contracts.organisations.index import find_organisation
from contracts.proposals.stored import REVIEW_FLAG, proposal_member_hash
from contracts.store import audit
from contracts.store.models import (
    Contract,
    Proposal,
    ProposalCommissioner,
    ProposalDecision,
    ProposalMember,
    ProposalStatus,
)

# What people type for each decision.
DECISION_WORDS = {
    "accept": ProposalStatus.ACCEPTED,
    "accepted": ProposalStatus.ACCEPTED,
    "reject": ProposalStatus.REJECTED,
    "rejected": ProposalStatus.REJECTED,
    "defer": ProposalStatus.DEFERRED,
    "deferred": ProposalStatus.DEFERRED,
}


class ProposalNotFound(ContractsError):
    """No stored proposal has that ID."""


def _with_everything(statement: Any) -> Any:
    return statement.options(
        selectinload(Proposal.members).selectinload(ProposalMember.contract),
        selectinload(Proposal.commissioners).selectinload(ProposalCommissioner.organisation),
        selectinload(Proposal.provider),
        selectinload(Proposal.lead_commissioner),
        selectinload(Proposal.decisions),
    )


def list_proposals(
    session: Session,
    *,
    status: str | None = None,
    rule: str | None = None,
    commissioner: str | None = None,
    provider: str | None = None,
) -> list[Proposal]:
    """Stored proposals, by rule and then the largest value first; filtered by status, rule,
    a commissioner party to them or a provider (theirs or a member's), by name or code.
    (`proposals list` reads the same proposals a chunk at a time: :mod:`.listing`.)"""
    statement = filter_proposals(
        session,
        _with_everything(select(Proposal)),
        status=status,
        rule=rule,
        commissioner=commissioner,
        provider=provider,
    )
    proposals = list(session.scalars(statement))
    return sorted(
        proposals,
        key=lambda p: (p.rule, p.annual_value is None, -(p.annual_value or 0), p.id),
    )


def filter_proposals(
    session: Session,
    statement: Any,
    *,
    status: str | None = None,
    rule: str | None = None,
    commissioner: str | None = None,
    provider: str | None = None,
) -> Any:
    """``statement`` (a select from proposals) narrowed in SQL; an unknown status, rule or
    organisation is an error that says what there is."""
    if status is not None:
        wanted = status.strip().lower()
        if wanted not in {s.value for s in ProposalStatus}:
            listed = ", ".join(s.value for s in ProposalStatus)
            raise ContractsError(f"'{status}' is not a proposal status; use one of {listed}")
        statement = statement.where(Proposal.status == wanted)
    if rule is not None:
        rules = sorted(set(session.scalars(select(Proposal.rule).distinct())))
        if rule not in rules:
            near = difflib.get_close_matches(rule, rules, n=1, cutoff=0.5)
            hint = f"did you mean '{near[0]}'? " if near else ""
            listed = ", ".join(rules) or "none: run `contracts propose`"
            raise ContractsError(
                f"no stored proposal comes from a rule '{rule}'; {hint}rules: {listed}"
            )
        statement = statement.where(Proposal.rule == rule)
    if commissioner is not None:
        org = find_organisation(session, commissioner)
        statement = statement.where(
            Proposal.commissioners.any(ProposalCommissioner.organisation_id == org.id)
        )
    if provider is not None:
        org = find_organisation(session, provider)
        statement = statement.where(
            or_(
                Proposal.provider_id == org.id,
                Proposal.members.any(ProposalMember.contract.has(Contract.provider_id == org.id)),
            )
        )
    return statement


def find_proposal(session: Session, proposal_id: str) -> Proposal:
    """A proposal by its ID, or by the start of it if that is unique."""
    text = proposal_id.strip()
    if text.lower().startswith("p-"):
        text = "P-" + text[2:]
    found = session.scalar(_with_everything(select(Proposal)).where(Proposal.id == text))
    if found is not None:
        return found
    matches = list(session.scalars(select(Proposal.id).where(Proposal.id.startswith(text))))
    if len(matches) == 1:
        return find_proposal(session, matches[0])
    if matches:
        raise ProposalNotFound(
            f"'{proposal_id}' is the start of {len(matches)} proposal IDs; give more of it"
        )
    raise ProposalNotFound(
        f"no proposal has the ID '{proposal_id}'; 'contracts proposals list' shows them"
    )


def _clean_notes(notes: str | None) -> str | None:
    return notes.strip() if notes and notes.strip() else None


def would_change(proposal: Proposal, status: str | None, notes: str | None) -> bool:
    """Whether deciding ``status`` with ``notes`` would record anything new."""
    notes = _clean_notes(notes)
    unchanged = proposal.status == status and not proposal.needs_review
    return not (unchanged and (notes is None or notes == latest_notes(proposal)))


def set_decision(
    session: Session,
    proposal: Proposal | str,
    decision: str,
    *,
    notes: str | None = None,
    reviewer: str | None = None,
    via: str = "cli",
) -> ProposalDecision | None:
    """Record accept, reject or defer on a proposal (or its ID); returns None if
    nothing would change.

    A decision also settles a pending re-review: the members as they are now
    become the ones decided on.
    """
    status = DECISION_WORDS.get(decision.strip().lower())
    if status is None:
        raise ContractsError(f"'{decision}' is not a decision; use accept, reject or defer")
    if isinstance(proposal, str):
        proposal = find_proposal(session, proposal)
    notes = _clean_notes(notes)
    if not would_change(proposal, status, notes):
        return None
    previous = proposal.status
    row = ProposalDecision(
        proposal=proposal,
        decision=status,
        previous_status=previous,
        decided_by=reviewer or audit.current_user(),
        notes=notes,
        via=via,
    )
    session.add(row)
    proposal.status = status
    if proposal.needs_review:
        proposal.needs_review = False
        proposal.members_hash = proposal_member_hash(proposal)
        proposal.flags = [f for f in proposal.flags if not f.startswith(REVIEW_FLAG)]
    audit.record(
        session,
        action="proposal decided",
        entity_type="proposal",
        entity_id=proposal.id,
        actor=row.decided_by,
        before={"status": str(previous)},
        after={"status": str(status), "via": via},
        notes=notes,
    )
    session.flush()
    return row


def latest_notes(proposal: Proposal) -> str | None:
    """The notes of the proposal's latest decision, if any."""
    return proposal.decisions[-1].notes if proposal.decisions else None
