"""Reference organisations, resolving spellings, aliases and mergers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contracts.errors import ContractsError, OrganisationNotFound
from contracts.organisations.index import (
    OrganisationIndex,
    add_alias,
    find_organisation,
    merge_organisations,
    successor_root,
)
from contracts.store.models import AuditEntry, AuditLogIsAppendOnly, Contract, Organisation


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("99E", "99E"),
        ("basildon & brentwood ccg", "99E"),
        ("E10000012", "E10000012"),
        ("e06000033", "E06000033"),
        ("Thurrock Council", "E06000034"),
        ("Basildon & Thurrock UHFT", "RDD"),
        ("BTUH", "RDD"),
        ("MEHT", "RQ8"),
        ("SUHFT", "RAJ"),
        ("Southend University Hospital NHS FT", "RAJ"),
        ("EEAST", "RYC"),
        ("North East London NHS Foundation Trust", "RAT"),
        ("SEPT", "RWN"),
        ("NEP", "RRD"),
        ("EPUT", "R1L"),
        ("MSEFT", "RAJ"),
        ("COLCHESTER HOSPITAL UNIVERSITY NHS FOUNDATION TRUST", "RDE"),
        ("  Princess   Alexandra Hospital NHS Trust ", "RQW"),
        # cut to 30 characters by a finance system
        ("South Essex Partnership Univer", "RWN"),
    ],
)
def test_resolves_real_spellings(session, spelling: str, code: str) -> None:  # type: ignore[no-untyped-def]
    found = OrganisationIndex.load(session).resolve(spelling)
    assert found is not None and found.code == code


def test_provide_has_no_code_but_resolves(session) -> None:  # type: ignore[no-untyped-def]
    provide = OrganisationIndex.load(session).resolve("Provide CIC")
    assert provide is not None and provide.code is None and provide.name.startswith("Provide")


def test_mergers_are_successors(session) -> None:  # type: ignore[no-untyped-def]
    index = OrganisationIndex.load(session)
    for code in ("RDD", "RQ8"):
        org = index.resolve(code)
        assert org is not None and successor_root(org).code == "RAJ"
    for code in ("RRD", "RWN"):
        org = index.resolve(code)
        assert org is not None and successor_root(org).code == "R1L"


def test_unknown_name_suggests_nearest(session) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OrganisationNotFound, match="did you mean 'NHS Mid Essex CCG'"):
        find_organisation(session, "Mid Esex CCG")


def test_alias_then_resolves_and_is_audited(session) -> None:  # type: ignore[no-untyped-def]
    add_alias(session, "Basildon Univ Hosp Trust", "RDD")
    session.flush()
    assert find_organisation(session, "BASILDON UNIV. HOSP. TRUST").code == "RDD"
    actions = session.scalars(select(AuditEntry.action)).all()
    assert "alias added" in actions


def test_alias_cannot_name_two_organisations(session) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ContractsError, match="already names"):
        add_alias(session, "MEHT", "RDD")


def test_merge_records_successor_and_deletes_nothing(session) -> None:  # type: ignore[no-untyped-def]
    small = Organisation(name="Little Care Ltd", kind="independent sector", origin="import")
    big = Organisation(name="Big Care Group", kind="independent sector", origin="import")
    session.add_all([small, big])
    session.add(Contract(source="x", source_key="1", title="Care", provider=small))
    session.flush()
    before = session.scalar(select(func.count()).select_from(Organisation))

    merge_organisations(session, "Little Care Ltd", "Big Care Group")
    session.flush()

    assert small.successor is big
    assert session.scalar(select(func.count()).select_from(Organisation)) == before
    contract = session.scalar(select(Contract))
    assert contract is not None and contract.provider is small  # not re-pointed


def test_merge_refuses_a_loop(session) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ContractsError, match="loop"):
        merge_organisations(session, "RAJ", "RDD")  # RDD already leads to RAJ


def test_audit_log_is_append_only(session) -> None:  # type: ignore[no-untyped-def]
    add_alias(session, "Basildon Univ Hosp Trust", "RDD")
    session.flush()
    entry = session.scalars(select(AuditEntry)).first()
    assert entry is not None
    entry.notes = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()
