"""The duplicate sets as last found, kept in the store while nothing they rest on changes.

Detection compares the whole register (seconds and 270 MiB at 100,000
contracts), yet the summary, the proposals and the finance workbook need only
its answer: which copies make up each set and which copy stands for it. So the
answer is stored (:class:`DuplicateRun`) with a hash of everything detection
reads: the contracts in the register, their commissioners, the organisations,
people's duplicate decisions, the default weights and this module's version.
A run whose hash still matches the store is used as it is; an import, a
decision, an organisation merge or new weights make the next caller look
again. Reading a stored run streams, so the workbook's memory stays flat.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, aliased

from contracts.duplicates.finder import DuplicateReport, find_duplicates
from contracts.duplicates.learned_weights import store_weights
from contracts.duplicates.reading import inputs, read_rows, start_digest
from contracts.store.models import (
    Contract,
    ContractParty,
    DuplicateRun,
    Organisation,
    PartyRole,
    StoredDuplicateMember,
    StoredDuplicateSet,
)
from contracts.store.selects import columns_of

_CHUNK = 2_000
# What the workbook's Duplicates sheet shows of each copy (after its commissioner and provider).
_MEMBER_FIELDS = "start_date end_date annual_value"


def inputs_digest(session: Session) -> str:
    """SHA-256 of what detection reads, streamed row by row (as detection hashes it)."""
    digest = start_digest(store_weights(session))
    connection = session.connection()
    for statement in inputs():
        for _row in read_rows(connection, statement, digest):
            pass
    return str(digest.hexdigest())


def store_run(session: Session, report: DuplicateReport, digest: str) -> int:
    """Replace any stored run with ``report``'s sets; returns the new run's id."""
    session.execute(delete(StoredDuplicateMember))
    session.execute(delete(StoredDuplicateSet))
    session.execute(delete(DuplicateRun))
    run_id = session.scalars(
        insert(DuplicateRun).returning(DuplicateRun.id),
        [{"inputs_digest": digest, "contracts_considered": report.contracts_considered}],
    ).one()
    if report.sets:
        set_ids = session.scalars(
            insert(StoredDuplicateSet).returning(
                StoredDuplicateSet.id, sort_by_parameter_order=True
            ),
            [
                {
                    "run_id": run_id,
                    "position": position,
                    "set_id": found.id,
                    "score": found.score,
                    "reasons": list(found.reasons),
                    "weak_link": found.weak_link,
                    "value_at_stake": found.value_at_stake,
                    "representative_id": found.representative_id,
                }
                for position, found in enumerate(report.sets)
            ],
        ).all()
        session.execute(
            insert(StoredDuplicateMember),
            [
                {"set_id": set_pk, "contract_id": contract_id}
                for set_pk, found in zip(set_ids, report.sets, strict=True)
                for contract_id in found.contract_ids
            ],
        )
    return run_id


def remember(session: Session, report: DuplicateReport) -> int:
    """Store a report found just now with the default weights and threshold, so the
    next summary, propose or export need not look again; returns the run's id."""
    digest = report.inputs_digest or inputs_digest(session)
    return store_run(session, report, digest)


def current_run(session: Session, *, show_progress: bool = False) -> int:
    """The id of a stored run that matches the store as it is now; detection runs (and
    its sets are stored) only when none does."""
    digest = inputs_digest(session)
    run_id = session.scalar(
        select(DuplicateRun.id)
        .where(DuplicateRun.inputs_digest == digest)
        .order_by(DuplicateRun.id.desc())
        .limit(1)
    )
    if run_id is None:
        run_id = store_run(session, find_duplicates(session, show_progress=show_progress), digest)
    return run_id


def representatives(session: Session, run_id: int) -> dict[int, int]:
    """For each contract in a set of the run, the copy that stands for its set."""
    rows = session.execute(
        select(StoredDuplicateMember.contract_id, StoredDuplicateSet.representative_id)
        .join(StoredDuplicateSet, StoredDuplicateSet.id == StoredDuplicateMember.set_id)
        .where(StoredDuplicateSet.run_id == run_id)
    )
    return {contract_id: representative for contract_id, representative in rows}


def duplicate_representatives(
    session: Session, *, min_score: float | None = None
) -> dict[int, int]:
    """For each contract in a duplicate set, the id of the copy that stands for the set.

    With the default threshold the stored run answers (detection runs only when
    the store has changed since); another ``min_score`` always looks afresh.
    """
    if min_score is not None:
        report = find_duplicates(session, min_score=min_score)
        return {cid: s.representative_id for s in report.sets for cid in s.contract_ids}
    return representatives(session, current_run(session))


def set_count(session: Session, run_id: int) -> int:
    statement = select(func.count()).where(StoredDuplicateSet.run_id == run_id)
    return int(session.scalar(statement) or 0)


@dataclass(frozen=True)
class SetMemberRow:
    """One copy of one stored set, as the workbook's Duplicates sheet lists it."""

    set_id: str
    score: float
    weak_link: bool
    reasons: list[str]
    representative_id: int
    contract_id: int
    reference: str | None
    source: str
    title: str
    commissioner: str | None
    provider: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    annual_value: Decimal | None


def set_members(session: Session, run_id: int) -> Iterator[SetMemberRow]:
    """The run's sets in the report's order (largest value at stake first), each copy
    in contract id order; streamed, so a large register is never held in memory."""
    provider = aliased(Organisation)
    commissioner = aliased(Organisation)
    lead = aliased(ContractParty)
    statement = (
        select(
            *columns_of(StoredDuplicateSet, "set_id score weak_link reasons representative_id"),
            *columns_of(Contract, "id reference source title"),
            commissioner.name,
            provider.name,
            *columns_of(Contract, _MEMBER_FIELDS),
        )
        .join(StoredDuplicateMember, StoredDuplicateMember.set_id == StoredDuplicateSet.id)
        .join(Contract, Contract.id == StoredDuplicateMember.contract_id)
        .outerjoin(provider, provider.id == Contract.provider_id)
        .outerjoin(lead, (lead.contract_id == Contract.id) & (lead.role == PartyRole.LEAD))
        .outerjoin(commissioner, commissioner.id == lead.organisation_id)
        .where(StoredDuplicateSet.run_id == run_id)
        .order_by(StoredDuplicateSet.position, Contract.id)
        .execution_options(yield_per=_CHUNK)
    )
    for row in session.execute(statement):
        yield SetMemberRow(*row)
