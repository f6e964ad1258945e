"""Adding bodies, refreshing the reference data, and suggesting pairs that are one body."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts.errors import ContractsError
from contracts.organisations.index import (
    OrganisationIndex,
    add_alias,
    add_organisation,
    find_organisation,
    load_reference,
    merge_organisations,
)
from contracts.organisations.national_data import DATA_DIR
from contracts.organisations.suggest import suggest_pairs
from contracts.store.models import Organisation, OrganisationAlias
from tests.contracts.proposals.proposal_factory import Register


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_add_a_body_the_reference_data_lacks(session: Session) -> None:
    added = add_organisation(session, "Essex Carers Network CIO", "voluntary/community", code="AB1")
    assert (added.ods_code, added.is_commissioner, added.origin) == ("AB1", False, "user")
    assert find_organisation(session, "ESSEX CARERS NETWORK").id == added.id
    assert find_organisation(session, "ab1").id == added.id
    council = add_organisation(session, "Parish Council of Nowhere", "local authority")
    assert council.is_commissioner  # councils commission
    with pytest.raises(ContractsError, match="already names 'Norfolk County Council'"):
        add_organisation(session, "Norfolk CC", "local authority")
    with pytest.raises(ContractsError, match="already names"):
        add_organisation(session, "Somebody new", "other", code="RAJ")
    with pytest.raises(ContractsError, match="not a kind of organisation"):
        add_organisation(session, "Somebody new", "charity")


def test_load_again_changes_nothing_and_keeps_peoples_work(session: Session) -> None:
    before = _count(session, Organisation), _count(session, OrganisationAlias)
    user = add_organisation(session, "Little Helpers", "voluntary/community")
    add_alias(session, "QEH Kings Lynn", "RCX")
    merge_organisations(session, "RDE", "Little Helpers")  # a deliberately odd merge
    report = load_reference(session)
    assert (report.added, report.updated, report.aliases_added) == (0, 0, 0)
    assert report.unchanged == before[0]
    session.flush()
    assert find_organisation(session, "Little Helpers").id == user.id
    assert find_organisation(session, "QEH Kings Lynn").ods_code == "RCX"
    assert find_organisation(session, "RDE").successor_id == user.id  # not replaced


def test_load_from_a_newer_release_adds_and_updates(session: Session, tmp_path: Path) -> None:
    newer = tmp_path / "release"
    shutil.copytree(DATA_DIR, newer)
    with (newer / "organisations.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["RZZ", "New Coastal NHS Trust", "NHS trust", "", "RZZ", "", "0", "", "2026-04-01",
             "", "", "", "test"]
        )  # fmt: skip
    rows = (newer / "organisations.csv").read_text(encoding="utf-8")
    rows = rows.replace("RVJ,North Bristol NHS Trust,", "RVJ,North Bristol Hospitals NHS Trust,")
    (newer / "organisations.csv").write_text(rows, encoding="utf-8")
    report = load_reference(session, newer)
    assert (report.added, report.updated) == (1, 1)
    assert find_organisation(session, "New Coastal NHS Trust").ods_code == "RZZ"
    assert find_organisation(session, "RVJ").name == "North Bristol Hospitals NHS Trust"
    with pytest.raises(ContractsError, match="missing"):
        load_reference(session, tmp_path / "nowhere")


def test_suggest_finds_variants_and_keeps_distinct_bodies_apart(session: Session) -> None:
    r = Register(session)
    r.add("06Q", "Acme Home Care Services Limited", reference="A1", title="Home care")
    r.add("99E", "Acme Hmoe Care Services Ltd", reference="A1", title="Home care")
    r.add("06Q", "Essex Carers Support Network Se", reference="B1")  # cut at 30 characters
    r.add("06Q", "Essex Carers Support Network Services")
    r.add("06Q", "Mind in West Essex")
    r.add("06Q", "Mind in Mid Herts")
    r.add("06Q", "Mid & South Essex FT - RAJ")  # a code in the name
    pairs = {(p.first.name, p.second.name): p for p in suggest_pairs(session)}
    assert ("Acme Hmoe Care Services Ltd", "Acme Home Care Services Limited") in pairs
    acme = pairs[("Acme Hmoe Care Services Ltd", "Acme Home Care Services Limited")]
    assert any("same reference and title" in e for e in acme.evidence)
    assert ("Essex Carers Support Network Se", "Essex Carers Support Network Services") in pairs
    raj = pairs[("Mid & South Essex FT - RAJ", "Mid and South Essex NHS Foundation Trust")]
    assert raj.command == 'contracts orgs merge "Mid & South Essex FT - RAJ" RAJ'
    names = {n for pair in pairs for n in pair}
    assert "Mind in Mid Herts" not in names and "Mind in West Essex" not in names
    # Two bodies of the reference data are never one: West Sussex is not Essex.
    assert not any(
        {"Essex County Council", "West Sussex County Council"} <= set(pair) for pair in pairs
    )


def test_the_index_finds_west_sussex_itself(session: Session) -> None:
    index = OrganisationIndex.load(session)
    found = index.resolve("WEST SUSSEX COUNTY COUNCIL")
    assert found is not None and found.gss_code == "E10000032"
