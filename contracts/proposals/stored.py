"""Stored consolidation proposals: running the rules, keeping people's decisions.

`propose` replaces the undecided candidates of an earlier run but never
touches an accepted, rejected or deferred proposal: if the contracts under a
decided proposal have changed since, it is flagged for re-review instead.
`set_decision` is the one way a decision is recorded, from the command line
or from the finance workbook, always with an audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session, selectinload

from contracts.duplicates.stored_run import duplicate_representatives
from contracts.errors import ContractsError
from contracts.organisations.footprints import DEFAULT_FOOTPRINT, resolve_footprint
from contracts.organisations.footprints import Footprint as FootprintArea
from contracts.organisations.index import OrganisationIndex
from contracts.proposals.grouping import (
    PARTNERSHIP_FLAG,
    ContractRecord,
    Draft,
    Grouper,
    OrgInfo,
    count_once,
    members_hash,
)
from contracts.proposals.rules import load_rules
from contracts.store import audit
from contracts.store.models import (
    AuditEntry,
    Contract,
    ContractParty,
    Organisation,
    PartyRole,
    Proposal,
    ProposalCommissioner,
    ProposalDecision,
    ProposalMember,
    ProposalStatus,
)
from contracts.store.money import money_json

ALL_FOOTPRINTS = "all"
DECIDED = (ProposalStatus.ACCEPTED, ProposalStatus.REJECTED, ProposalStatus.DEFERRED)
REVIEW_FLAG = "members changed since the decision"
# What people type for each decision.
DECISION_WORDS = {
    "accept": ProposalStatus.ACCEPTED,
    "accepted": ProposalStatus.ACCEPTED,
    "reject": ProposalStatus.REJECTED,
    "rejected": ProposalStatus.REJECTED,
    "defer": ProposalStatus.DEFERRED,
    "deferred": ProposalStatus.DEFERRED,
}

Representatives = Callable[[Session], dict[int, int]]


class ProposalNotFound(ContractsError):
    """No stored proposal has that ID."""


class OtherDate(ContractsError):
    """`propose` at another date than the stored proposals', without --replace."""


RUN_ACTION = "proposals generated"  # the audit entry of a `propose` that stored its proposals


def stored_run_date(session: Session) -> dt.date | None:
    """The date the stored proposals were made for: that of the last `propose` that stored
    them (proposals are found among the contracts in force on a date, and belong to it)."""
    if not session.scalar(select(func.count()).select_from(Proposal)):
        return None
    entity_id = session.scalar(
        select(AuditEntry.entity_id)
        .where(AuditEntry.action == RUN_ACTION)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    if entity_id is not None:
        return dt.date.fromisoformat(entity_id)
    return session.scalar(select(func.max(Proposal.as_at)))


def _check_date(session: Session, on: dt.date) -> None:
    stored = stored_run_date(session)
    if stored is None or stored == on:
        return
    undecided = session.scalar(
        select(func.count()).where(Proposal.status == ProposalStatus.CANDIDATE)
    )
    raise OtherDate(
        f"the stored proposals were made as at {stored.isoformat()}, not {on.isoformat()}: "
        f"run 'contracts propose --on {stored.isoformat()}' to refresh them, or add --replace "
        f"to replace their {undecided} undecided candidates with proposals as at "
        f"{on.isoformat()}"
    )


@dataclass
class ProposalRun:
    """What one `propose` did: the proposals found, and what happened to earlier ones.

    New proposals are written with bulk INSERTs; in ``proposals`` they are
    :class:`NewProposal` objects with the same fields as what was stored
    (reading them back with :func:`list_proposals` gives the same). Decided
    proposals the rules found again are the stored ``Proposal`` objects.
    """

    as_at: dt.date
    footprint: str
    rules_path: str
    dry_run: bool
    proposals: list[Proposal | NewProposal] = field(default_factory=list)
    replaced: int = 0  # earlier undecided candidates removed
    kept: list[Proposal] = field(default_factory=list)  # decided proposals kept as they are
    needs_review: list[Proposal] = field(default_factory=list)
    # Re-review flags a dry run would have added, by proposal ID (nothing is stored).
    pending_review: dict[str, list[str]] = field(default_factory=dict)
    contracts_considered: int = 0

    def counts(self) -> tuple[int, int]:
        """Contracts in the proposals (each once) → contracts after accepting them all."""
        covered, after = count_once({m.contract_id for m in p.members} for p in self.proposals)
        return len(covered), after

    def as_json(self) -> dict[str, Any]:
        before, after = self.counts()
        proposals = []
        for proposal in self.proposals:
            data = proposal_json(proposal)
            if proposal.id in self.pending_review:
                data["flags"] += self.pending_review[proposal.id]
                data["needs_review"] = True
            proposals.append(data)
        return {
            "as_at": self.as_at.isoformat(),
            "footprint": self.footprint,
            "rules": self.rules_path,
            "dry_run": self.dry_run,
            "contracts_considered": self.contracts_considered,
            "contracts_before": before,
            "contracts_after": after,
            "replaced": self.replaced,
            "kept": len(self.kept),
            "needs_review": [p.id for p in self.needs_review],
            "proposals": proposals,
        }


def propose(
    session: Session,
    *,
    rules_path: Path | str | None = None,
    footprint: str = DEFAULT_FOOTPRINT,
    on: dt.date,
    dry_run: bool = False,
    replace: bool = False,
    representatives: Representatives | None = None,
) -> ProposalRun:
    """Run the rules on the register as at ``on`` and store the candidates.

    Stored proposals belong to the date they were made for: another date than
    theirs is refused (:class:`OtherDate`) unless ``replace``; a run at the same
    date refreshes them. A dry run stores nothing, so any date will do.

    ``representatives`` gives each duplicate's representative contract (the
    duplicates engine by default), so each real contract is counted once.
    """
    rules = load_rules(rules_path)
    if not dry_run and not replace:
        _check_date(session, on)
    index = OrganisationIndex.load(session)
    org_objects = {o.id: o for o in index.organisations}
    orgs = {
        o.id: OrgInfo(o.id, o.name, o.code, o.kind, o.footprint, o.close_date, o.successor_id)
        for o in org_objects.values()
    }

    def resolve(text: str) -> int | None:
        found = index.resolve(text)
        return found.id if found is not None else None

    area = resolve_footprint(footprint, org_objects.values(), index)
    footprint = area.name

    grouper = Grouper(rules, orgs, as_at=on, footprint=footprint, resolve=resolve)
    contracts, records = _load_records(
        session, on, area, (representatives or duplicate_representatives)(session)
    )
    drafts = grouper.drafts(records)
    run = ProposalRun(on, footprint, rules.path, dry_run, contracts_considered=len(records))
    decided = {
        p.id: p
        for p in session.scalars(
            select(Proposal)
            .where(Proposal.status.in_([s.value for s in DECIDED]))
            .options(selectinload(Proposal.members).selectinload(ProposalMember.contract))
        )
    }
    candidates = set(
        session.scalars(select(Proposal.id).where(Proposal.status == ProposalStatus.CANDIDATE))
    )
    run.replaced = len(candidates)
    if not dry_run:
        _remove_candidates(session, candidates)
    decided_holding: dict[tuple[str, int], list[Proposal]] = defaultdict(list)
    for other in decided.values():
        for member in other.members:
            decided_holding[(other.rule, member.contract_id)].append(other)
    new: list[NewProposal] = []
    for draft in drafts:
        if draft.id in decided:
            run.proposals.append(decided[draft.id])
            continue
        proposal = _new_proposal(draft, contracts, org_objects, footprint, on)
        overlapping = {
            other.id: other
            for member in draft.members
            for other in decided_holding.get((draft.rule.name, member.id), [])
        }
        for other in overlapping.values():
            shared = draft.member_ids & {m.contract_id for m in other.members}
            proposal.flags = [
                *proposal.flags,
                f"shares {len(shared)} contract{'s' if len(shared) > 1 else ''} with "
                f"{other.status} proposal {other.id} of the same rule",
            ]
            _mark_for_review(other, f"the rule now groups these contracts as {draft.id}", run)
        new.append(proposal)
        run.proposals.append(proposal)
    if not dry_run:
        _insert(session, new)
    for proposal in decided.values():
        if proposal_member_hash(proposal) != proposal.members_hash:
            _mark_for_review(proposal, "re-review before acting on the decision", run)
        gone = [m.contract_uid for m in proposal.members if not m.contract.in_register]
        if gone:
            _mark_for_review(proposal, f"{', '.join(gone)} no longer in its register", run)
    run.kept = sorted(decided.values(), key=lambda p: p.id)
    run.needs_review = [p for p in run.kept if p.needs_review or p.id in run.pending_review]
    if not dry_run:
        session.flush()
        audit.record(
            session,
            action=RUN_ACTION,
            entity_type="proposal run",
            entity_id=on.isoformat(),
            after={
                "rules": rules.path,
                "footprint": footprint,
                "proposals": len(run.proposals),
                "replaced": run.replaced,
                "kept": len(run.kept),
                "needs_review": [p.id for p in run.needs_review],
            },
        )
    return run


def _mark_for_review(proposal: Proposal, why: str, run: ProposalRun) -> None:
    """Flag a decided proposal; its members and decision stay exactly as they were."""
    flag = f"{REVIEW_FLAG}: {why}"
    if flag in proposal.flags:
        return
    if run.dry_run:
        run.pending_review.setdefault(proposal.id, []).append(flag)
        return
    proposal.flags = [*proposal.flags, flag]
    proposal.needs_review = True


def _remove_candidates(session: Session, ids: set[str]) -> None:
    """Delete the undecided proposals of earlier runs (``ids``), in bulk (there may be
    thousands)."""
    candidates = select(Proposal.id).where(Proposal.status == ProposalStatus.CANDIDATE)
    # Bulk statements bypass the session: first forget any loaded copies, so
    # none is mistaken for the new proposal that may take the same stable ID.
    for obj in list(session.identity_map.values()):
        if (isinstance(obj, Proposal) and obj.id in ids) or (
            isinstance(obj, ProposalMember | ProposalCommissioner) and obj.proposal_id in ids
        ):
            session.expunge(obj)
    for model in (ProposalMember, ProposalCommissioner):
        session.execute(
            delete(model).where(model.proposal_id.in_(candidates)),
            execution_options={"synchronize_session": False},
        )
    session.execute(
        delete(Proposal).where(Proposal.status == ProposalStatus.CANDIDATE),
        execution_options={"synchronize_session": False},
    )


def _insert(session: Session, proposals: list[NewProposal]) -> None:
    """Store new proposals with bulk INSERTs: the unit of work is too slow at 10,000s."""
    if not proposals:
        return
    session.execute(
        insert(Proposal), [{c: getattr(p, c) for c in _PROPOSAL_COLUMNS} for p in proposals]
    )
    session.execute(
        insert(ProposalMember),
        [
            {"proposal_id": p.id, "contract_id": m.contract_id, "contract_uid": m.contract_uid}
            for p in proposals
            for m in p.members
        ],
    )
    session.execute(
        insert(ProposalCommissioner),
        [
            {"proposal_id": p.id, "organisation_id": c.organisation_id, "role": c.role}
            for p in proposals
            for c in p.commissioners
        ],
    )


def _load_records(
    session: Session,
    on: dt.date,
    footprint: FootprintArea,
    representatives: dict[int, int],
) -> tuple[dict[int, Contract], list[ContractRecord]]:
    """The contracts the rules may use: in force, in the footprint, each counted once."""
    statement = select(Contract).where(
        Contract.in_register.is_(True),
        or_(Contract.start_date.is_(None), Contract.start_date <= on),
        or_(Contract.end_date.is_(None), Contract.end_date >= on),
    )
    contracts = {c.id: c for c in session.scalars(statement)}
    leads: dict[int, int] = {}
    associates: dict[int, list[int]] = defaultdict(list)
    for contract_id, org_id, role in session.execute(
        select(ContractParty.contract_id, ContractParty.organisation_id, ContractParty.role).where(
            ContractParty.contract_id.in_(statement.with_only_columns(Contract.id))
        )
    ):
        if role == PartyRole.LEAD:
            leads[contract_id] = org_id
        else:
            associates[contract_id].append(org_id)

    def in_footprint(contract_id: int) -> bool:
        lead = leads.get(contract_id)
        if lead is None:
            return False
        return lead in footprint

    eligible = sorted(c for c in contracts if in_footprint(c))
    # Each duplicate set stands as one contract: its representative if that is
    # eligible, else the lowest-numbered eligible copy.
    stand_in: dict[int, int] = {}
    copies: dict[int, list[str]] = defaultdict(list)
    for contract_id in eligible:
        group = representatives.get(contract_id, contract_id)
        if group in contracts and in_footprint(group):
            stand_in.setdefault(group, group)
        stand_in.setdefault(group, contract_id)
        if stand_in[group] != contract_id:
            copies[stand_in[group]].append(contracts[contract_id].uid)
    records = []
    for contract_id in sorted(set(stand_in.values())):
        contract = contracts[contract_id]
        records.append(
            ContractRecord(
                id=contract.id,
                uid=contract.uid,
                provider_id=contract.provider_id,
                service_category=contract.service_category,
                contract_form=contract.contract_form,
                start_date=contract.start_date,
                end_date=contract.end_date,
                annual_value=contract.annual_value,
                lead_id=leads[contract_id],
                associate_ids=tuple(sorted(set(associates[contract_id]) - {leads[contract_id]})),
                copies=tuple(sorted(copies[contract_id])),
            )
        )
    return contracts, records


@dataclass
class NewMember:
    """A member of a :class:`NewProposal`, with the fields of a ``ProposalMember``."""

    contract_id: int
    contract_uid: str
    contract: Contract


@dataclass
class NewCommissioner:
    """A commissioner of a :class:`NewProposal`, like a ``ProposalCommissioner``."""

    organisation_id: int
    organisation: Organisation
    role: str


@dataclass
class NewProposal:
    """A proposal this run found, with the fields of the stored ``Proposal`` row.

    Plain objects rather than ORM instances: building 25,000 mapped objects
    with their collections costs more than finding the proposals, and the rows
    are stored with bulk INSERTs anyway.
    """

    id: str
    rule: str
    title: str
    status: str
    provider_id: int | None
    provider: Organisation | None
    lead_commissioner_id: int
    lead_commissioner: Organisation
    footprint: str
    as_at: dt.date
    annual_value: Decimal | None
    contracts_before: int
    contracts_after: int
    earliest_start: dt.date | None
    reasons: list[str]
    flags: list[str]
    members_hash: str
    needs_review: bool
    members: list[NewMember]
    commissioners: list[NewCommissioner]


# The columns `_insert` writes: every column of the table but the timestamps.
_PROPOSAL_COLUMNS = tuple(
    c.key for c in Proposal.__table__.columns if c.key not in ("created_at", "updated_at")
)


def _new_proposal(
    draft: Draft,
    contracts: dict[int, Contract],
    orgs: dict[int, Organisation],
    footprint: str,
    on: dt.date,
) -> NewProposal:
    return NewProposal(
        id=draft.id,
        rule=draft.rule.name,
        title=draft.title[:500],
        status=ProposalStatus.CANDIDATE.value,
        provider_id=draft.provider_id,
        provider=orgs[draft.provider_id] if draft.provider_id else None,
        lead_commissioner_id=draft.lead_id,
        lead_commissioner=orgs[draft.lead_id],
        footprint=footprint,
        as_at=on,
        annual_value=draft.annual_value,
        contracts_before=len(draft.members),
        contracts_after=1,
        earliest_start=draft.earliest_start,
        reasons=list(draft.reasons),
        flags=list(draft.flags),
        members_hash=draft.members_hash,
        needs_review=False,
        members=[NewMember(m.id, m.uid, contracts[m.id]) for m in draft.members],
        commissioners=[
            NewCommissioner(org_id, orgs[org_id], PartyRole.LEAD if n == 0 else PartyRole.ASSOCIATE)
            for n, org_id in enumerate(draft.commissioner_ids)
        ],
    )


def proposal_member_hash(proposal: Proposal | NewProposal) -> str:
    """The hash of the members as they are now (compare with ``members_hash``)."""
    return members_hash(
        (m.contract.uid, m.contract.annual_value, m.contract.start_date, m.contract.end_date)
        for m in proposal.members
    )


# --- reading and deciding ------------------------------------------------------


def _with_everything(statement: Any) -> Any:
    return statement.options(
        selectinload(Proposal.members).selectinload(ProposalMember.contract),
        selectinload(Proposal.commissioners).selectinload(ProposalCommissioner.organisation),
        selectinload(Proposal.provider),
        selectinload(Proposal.lead_commissioner),
        selectinload(Proposal.decisions),
    )


def list_proposals(session: Session, *, status: str | None = None) -> list[Proposal]:
    """Stored proposals, by rule and then the largest value first."""
    statement = _with_everything(select(Proposal))
    if status is not None:
        wanted = status.strip().lower()
        if wanted not in {s.value for s in ProposalStatus}:
            listed = ", ".join(s.value for s in ProposalStatus)
            raise ContractsError(f"'{status}' is not a proposal status; use one of {listed}")
        statement = statement.where(Proposal.status == wanted)
    proposals = list(session.scalars(statement))
    return sorted(
        proposals,
        key=lambda p: (p.rule, p.annual_value is None, -(p.annual_value or 0), p.id),
    )


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


# --- JSON ------------------------------------------------------------------------


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
