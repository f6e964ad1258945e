"""Stored consolidation proposals: running the rules, keeping people's decisions.

`propose` replaces the undecided candidates of an earlier run but never
touches an accepted, rejected or deferred proposal: if the contracts under a
decided proposal have changed since, it is flagged for re-review instead.
People's decisions are recorded by :mod:`contracts.proposals.decisions`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from contracts.duplicates.stored_run import duplicate_representatives
from contracts.errors import ContractsError
from contracts.organisations.footprints import DEFAULT_FOOTPRINT, resolve_footprint
from contracts.organisations.index import OrganisationIndex
from contracts.proposals.eligible import LeftOut, load_records
from contracts.proposals.grouping import (
    Draft,
    Grouper,
    OrgInfo,
)
from contracts.proposals.members import count_once, members_hash
from contracts.proposals.rules import load_rules
from contracts.proposals.shapes import MemberView, OrgName, ProposalView, proposal_json
from contracts.store import audit
from contracts.store.bulk import insert_rows, table_of
from contracts.store.models import (
    AuditEntry,
    PartyRole,
    Proposal,
    ProposalCommissioner,
    ProposalMember,
    ProposalStatus,
)

DECIDED = (ProposalStatus.ACCEPTED, ProposalStatus.REJECTED, ProposalStatus.DEFERRED)
REVIEW_FLAG = "members changed since the decision"

Representatives = Callable[[Session], dict[int, int]]


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

    ``proposals`` are :class:`ProposalView` read models, new ones built from the
    rules' drafts and stored with bulk INSERTs (reading them back with
    :func:`list_proposals` gives the same JSON), decided ones the rules found
    again read from their stored rows.
    """

    as_at: dt.date
    footprint: str
    rules_path: str
    dry_run: bool
    proposals: list[ProposalView] = field(default_factory=list)
    replaced: int = 0  # earlier undecided candidates removed
    kept: list[Proposal] = field(default_factory=list)  # decided proposals kept as they are
    needs_review: list[Proposal] = field(default_factory=list)
    # Re-review flags a dry run would have added, by proposal ID (nothing is stored).
    pending_review: dict[str, list[str]] = field(default_factory=dict)
    contracts_considered: int = 0
    # Contracts no rule could consider: each with its reason (if listed), and counted.
    left_out: list[LeftOut] = field(default_factory=list)
    left_out_kinds: dict[str, int] = field(default_factory=dict)

    def left_out_counts(self) -> dict[str, int]:
        """How many contracts were left out, by the kind of reason (its words before ':')."""
        counts = self.left_out_kinds
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def counts(self) -> tuple[int, int]:
        """Contracts in the proposals (each once) → contracts after accepting them all."""
        covered, after = count_once(p.member_ids for p in self.proposals)
        return len(covered), after

    def proposals_json(self) -> Iterator[dict[str, Any]]:
        """Each proposal's JSON, with the re-review flags a dry run would have added."""
        for proposal in self.proposals:
            data = proposal_json(proposal)
            if proposal.id in self.pending_review:
                data["flags"] += self.pending_review[proposal.id]
                data["needs_review"] = True
            yield data

    def as_json(self, *, lazy: bool = False) -> dict[str, Any]:
        """The run in JSON; ``lazy`` gives the proposals as an iterator, for a writer that
        streams them (at national scale their JSON objects alone are over 100 MB)."""
        before, after = self.counts()
        proposals = self.proposals_json()
        return {
            "as_at": self.as_at.isoformat(),
            "footprint": self.footprint,
            "rules": self.rules_path,
            "dry_run": self.dry_run,
            "contracts_considered": self.contracts_considered,
            "left_out": self.left_out_counts(),
            "contracts_before": before,
            "contracts_after": after,
            "replaced": self.replaced,
            "kept": len(self.kept),
            "needs_review": [p.id for p in self.needs_review],
            "proposals": proposals if lazy else list(proposals),
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
    explain: bool = True,
) -> ProposalRun:
    """Run the rules on the register as at ``on`` and store the candidates.

    Stored proposals belong to the date they were made for: another date than
    theirs is refused (:class:`OtherDate`) unless ``replace``; a run at the same
    date refreshes them. A dry run stores nothing, so any date will do.

    ``representatives`` gives each duplicate's representative contract (the
    duplicates engine by default), so each real contract is counted once.
    Without ``explain`` the contracts no rule could consider are only counted.
    """
    rules = load_rules(rules_path)
    if not dry_run and not replace:
        _check_date(session, on)
    index = OrganisationIndex.load(session)
    orgs = {
        o.id: OrgInfo(o.id, o.name, o.code, o.kind, o.footprint, o.close_date, o.successor_id)
        for o in index.organisations
    }

    def resolve(text: str) -> int | None:
        found = index.resolve(text)
        return found.id if found is not None else None

    area = resolve_footprint(footprint, index.organisations, index)
    footprint = area.name

    grouper = Grouper(rules, orgs, as_at=on, footprint=footprint, resolve=resolve)
    records, left_out = load_records(
        session,
        on,
        area,
        orgs,
        (representatives or duplicate_representatives)(session),
        rules.forms_merged(),
        list_left_out=explain,
    )
    drafts = grouper.drafts(records)
    run = ProposalRun(
        on,
        footprint,
        rules.path,
        dry_run,
        contracts_considered=len(records),
        left_out=left_out.items,
        left_out_kinds=dict(left_out.counts),
    )
    del records
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
    new: list[tuple[Draft, ProposalView]] = []
    found: list[str | ProposalView] = []  # a decided proposal's ID, or the new one
    for draft in drafts:
        if draft.id in decided:
            found.append(draft.id)
            continue
        view = _new_proposal(draft, orgs, footprint, on)
        overlapping = {
            other.id: other
            for member in draft.members
            for other in decided_holding.get((draft.rule.name, member.id), [])
        }
        for other in overlapping.values():
            shared = draft.member_ids & {m.contract_id for m in other.members}
            view.flags.append(
                f"shares {len(shared)} contract{'s' if len(shared) > 1 else ''} with "
                f"{other.status} proposal {other.id} of the same rule"
            )
            _mark_for_review(other, f"the rule now groups these contracts as {draft.id}", run)
        new.append((draft, view))
        found.append(view)
    if not dry_run:
        _insert(session, new)
    for proposal in decided.values():
        if proposal_member_hash(proposal) != proposal.members_hash:
            _mark_for_review(proposal, "re-review before acting on the decision", run)
        gone = [m.contract_uid for m in proposal.members if not m.contract.in_register]
        if gone:
            _mark_for_review(proposal, f"{', '.join(gone)} no longer in its register", run)
    # Views of the decided proposals once every re-review flag is on them.
    run.proposals = [
        ProposalView.of(decided[item]) if isinstance(item, str) else item for item in found
    ]
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


_INSERT_CHUNK = 500  # proposals per INSERT: their members' parameters are held at once


def _insert(session: Session, found: list[tuple[Draft, ProposalView]]) -> None:
    """Store new proposals with Core bulk INSERTs: the unit of work (and even the ORM's
    bulk path) is too slow at 10,000s."""
    for start in range(0, len(found), _INSERT_CHUNK):
        _insert_chunk(session, found[start : start + _INSERT_CHUNK])


def _insert_chunk(session: Session, found: list[tuple[Draft, ProposalView]]) -> None:
    insert_rows(
        session,
        table_of(Proposal),
        [
            {
                "id": view.id,
                "rule": view.rule,
                "title": view.title,
                "status": view.status,
                "provider_id": draft.provider_id,
                "lead_commissioner_id": draft.lead_id,
                "footprint": view.footprint,
                "as_at": view.as_at,
                "annual_value": view.annual_value,
                "contracts_before": view.contracts_before,
                "contracts_after": view.contracts_after,
                "earliest_start": view.earliest_start,
                "reasons": list(view.reasons),
                "flags": view.flags,
                "members_hash": draft.members_hash,
                "needs_review": view.needs_review,
            }
            for draft, view in found
        ],
    )
    insert_rows(
        session,
        table_of(ProposalMember),
        [
            {"proposal_id": draft.id, "contract_id": m.id, "contract_uid": m.uid}
            for draft, _ in found
            for m in draft.members
        ],
    )
    insert_rows(
        session,
        table_of(ProposalCommissioner),
        [
            {
                "proposal_id": draft.id,
                "organisation_id": org_id,
                "role": PartyRole.LEAD if n == 0 else PartyRole.ASSOCIATE,
            }
            for draft, _ in found
            for n, org_id in enumerate(draft.commissioner_ids)
        ],
    )


def _new_proposal(
    draft: Draft,
    orgs: dict[int, OrgInfo],
    footprint: str,
    on: dt.date,
) -> ProposalView:
    """The view of a proposal found now, from the draft and its contracts' columns."""
    return ProposalView(
        id=draft.id,
        rule=draft.rule.name,
        title=draft.title[:500],
        status=ProposalStatus.CANDIDATE.value,
        provider=_name(orgs, draft.provider_id),
        lead_commissioner=_name(orgs, draft.lead_id),
        commissioners=tuple(orgs[c].name for c in draft.commissioner_ids),
        members=tuple(MemberView.of(m, m.uid) for m in sorted(draft.members, key=lambda m: m.uid)),
        annual_value=draft.annual_value,
        contracts_before=len(draft.members),
        contracts_after=1,
        earliest_start=draft.earliest_start,
        reasons=tuple(draft.reasons),
        flags=list(draft.flags),
        needs_review=False,
        as_at=on,
        footprint=footprint,
    )


def _name(orgs: dict[int, OrgInfo], org_id: int | None) -> OrgName | None:
    return OrgName(orgs[org_id].name, orgs[org_id].code) if org_id is not None else None


def proposal_member_hash(proposal: Proposal) -> str:
    """The hash of the members as they are now (compare with ``members_hash``)."""
    return members_hash(
        (m.contract.uid, m.contract.annual_value, m.contract.start_date, m.contract.end_date)
        for m in proposal.members
    )
