"""Rows stored by COPY (PostgreSQL) read back exactly as rows stored by INSERT."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from contracts.store.bulk import CopyBehind, insert_rows, table_of
from contracts.store.models import (
    Organisation,
    OrganisationKind,
    PartyRole,
    Proposal,
    ProposalCommissioner,
    ProposalStatus,
)


def _proposal(number: int, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": f"P-{number}",
        "rule": "same-provider",
        "title": "Community nursing, tab\tand new\nline, a quote ' and a backslash \\",
        "status": ProposalStatus.CANDIDATE,
        "provider_id": None,
        "lead_commissioner_id": None,
        "footprint": "mid and south Essex",
        "as_at": dt.date(2016, 4, 1),
        "annual_value": Decimal("1234567.89"),
        "contracts_before": 3,
        "contracts_after": 1,
        "earliest_start": None,
        "reasons": ["same provider", {"inferred": "NHS Standard Contract"}],
        "flags": [],
        "members_hash": "ab" * 32,
        "needs_review": False,
    }
    return row | changes


def _stored(session: Session, ids: list[str]) -> list[tuple[Any, ...]]:
    rows = session.execute(
        select(
            Proposal.title,
            Proposal.status,
            Proposal.annual_value,
            Proposal.as_at,
            Proposal.earliest_start,
            Proposal.reasons,
            Proposal.flags,
            Proposal.needs_review,
        )
        .where(Proposal.id.in_(ids))
        .order_by(Proposal.id)
    )
    return [tuple(row) for row in rows]


def test_bulk_rows_read_back_as_inserted_rows(sessions: sessionmaker[Session]) -> None:
    by_copy = [
        _proposal(1),
        _proposal(2, annual_value=None, reasons=[], earliest_start=dt.date(2015, 1, 2)),
    ]
    by_insert = [
        _proposal(n + 10, **{k: v for k, v in r.items() if k != "id"})
        for n, r in enumerate(by_copy, 1)
    ]
    with sessions.begin() as session:
        insert_rows(session, table_of(Proposal), by_copy)
        session.execute(insert(table_of(Proposal)), by_insert)
    with sessions() as session:
        copied = _stored(session, ["P-1", "P-2"])
        inserted = _stored(session, ["P-11", "P-12"])
    assert copied == inserted
    assert copied[0][0] == by_copy[0]["title"]
    assert copied[0][2] == Decimal("1234567.89")
    assert copied[0][1] == ProposalStatus.CANDIDATE


def test_rows_leaving_out_a_python_default_are_still_stored_whole(
    sessions: sessionmaker[Session],
) -> None:
    """A default SQLAlchemy fills in itself (here contracts_after, reasons, flags,
    needs_review) is not one COPY knows: such rows go by INSERT."""
    row = {
        k: v
        for k, v in _proposal(3).items()
        if k not in {"contracts_after", "reasons", "flags", "needs_review"}
    }
    with sessions.begin() as session:
        insert_rows(session, table_of(Proposal), [row])
    with sessions() as session:
        stored = session.get(Proposal, "P-3")
        assert stored is not None
        assert (stored.contracts_after, stored.reasons, stored.flags, stored.needs_review) == (
            1,
            [],
            [],
            False,
        )


def test_enum_values_and_ids_go_through_copy(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        insert_rows(session, table_of(Proposal), [_proposal(4)])
        organisation = Organisation(
            name="Acme Care Ltd", kind=OrganisationKind.OTHER, origin="import"
        )
        session.add(organisation)
        session.flush()
        insert_rows(
            session,
            table_of(ProposalCommissioner),
            [
                {"proposal_id": "P-4", "organisation_id": organisation.id, "role": PartyRole.LEAD},
            ],
        )
    with sessions() as session:
        roles = session.scalars(
            select(ProposalCommissioner.role).where(ProposalCommissioner.proposal_id == "P-4")
        ).all()
    assert roles == [PartyRole.LEAD]


def test_rows_sent_behind_are_stored_in_order_once_waited_for(
    sessions: sessionmaker[Session],
) -> None:
    """The second table's rows refer to the first's: they are stored after them."""
    with sessions.begin() as session:
        organisation = Organisation(
            name="Acme Care Ltd", kind=OrganisationKind.OTHER, origin="import"
        )
        session.add(organisation)
        session.flush()
        behind = CopyBehind(session)
        behind.send(
            [
                (table_of(Proposal), [_proposal(5), _proposal(6)]),
                (
                    table_of(ProposalCommissioner),
                    [
                        {"proposal_id": f"P-{n}", "organisation_id": organisation.id, "role": role}
                        for n, role in ((5, PartyRole.LEAD), (6, PartyRole.ASSOCIATE))
                    ],
                ),
            ]
        )
        behind.close()
        stored = session.execute(
            select(ProposalCommissioner.proposal_id, ProposalCommissioner.role).order_by(
                ProposalCommissioner.proposal_id
            )
        ).all()
    assert [tuple(row) for row in stored] == [("P-5", PartyRole.LEAD), ("P-6", PartyRole.ASSOCIATE)]


def test_a_row_the_database_refuses_behind_is_raised(sessions: sessionmaker[Session]) -> None:
    """A row naming no proposal breaks the foreign key: the caller hears of it, on
    PostgreSQL when it waits for the COPY (or closes), on SQLite at once."""
    with sessions() as session, session.begin():
        behind = CopyBehind(session)
        unknown = {"proposal_id": "P-404", "organisation_id": 1, "role": PartyRole.LEAD}
        with pytest.raises(Exception, match=r"(?i)foreign key"):
            behind.send([(table_of(ProposalCommissioner), [unknown])])
            behind.close()
        session.rollback()
