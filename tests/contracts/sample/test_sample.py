"""The sample generator: deterministic, valid files, and truth.json that tells the truth."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from cli import main
from contracts.errors import ContractsError
from contracts.organisations.index import OrganisationIndex
from contracts.organisations.names import normalise_name, simplify
from contracts.organisations.reference import REFERENCE_ORGANISATIONS, THREE_HOSPITALS
from contracts.sample.files import commissioner_spelling
from contracts.sample.generate import load_truth, write_sample
from contracts.sample.layouts import CATEGORY_SPELLINGS, FORM_SPELLINGS, LAYOUTS
from contracts.sample.plan import build_world
from contracts.sample.world import (
    AS_AT,
    COUNCILS,
    FOOTPRINT_CCGS,
    FOOTPRINT_COMMISSIONERS,
    OUTSIDE_CCGS,
    reference_providers,
)
from contracts.store.models import Contract
from contracts.vocabulary import (
    CONTRACT_FORMS,
    SERVICE_CATEGORIES,
    canonical_category,
    canonical_form,
)

NHS_FORMS = {"NHS Standard Contract", "NHS Standard Contract (shorter form)"}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("sample")
    result = write_sample(out)
    return out, load_truth(result.truth_path)


def _workbook_cells(path: Path) -> dict[str, Any]:
    workbook = load_workbook(path)
    try:
        return {
            sheet.title: (
                [list(row) for row in sheet.iter_rows(values_only=True)],
                sorted(str(r) for r in sheet.merged_cells.ranges),
            )
            for sheet in workbook.worksheets
        }
    finally:
        workbook.close()


def _rows(path: Path, sheet: str | None) -> list[list[Any]]:
    """Every row of a register as a list of cell values (1-based row n is index n-1)."""
    if path.suffix == ".csv":
        text = path.read_bytes().decode("cp1252")
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    workbook = load_workbook(path, read_only=True)
    try:
        return [
            list(r) for r in workbook[sheet or workbook.sheetnames[0]].iter_rows(values_only=True)
        ]
    finally:
        workbook.close()


# --- determinism ------------------------------------------------------------------


def test_the_same_seed_writes_the_same_files(tmp_path: Path) -> None:
    first = write_sample(tmp_path / "a", seed=4, contracts=200)
    second = write_sample(tmp_path / "b", seed=4, contracts=200)
    assert [p.name for p in first.files] == [p.name for p in second.files]
    assert first.truth_path.read_bytes() == second.truth_path.read_bytes()
    for a, b in zip(first.files, second.files, strict=True):
        if a.suffix == ".csv":
            assert a.read_bytes() == b.read_bytes()
        else:
            assert _workbook_cells(a) == _workbook_cells(b)


def test_another_seed_writes_other_files(tmp_path: Path) -> None:
    first = write_sample(tmp_path / "a", seed=1, contracts=200)
    second = write_sample(tmp_path / "b", seed=2, contracts=200)
    csv_a = next(p for p in first.files if p.suffix == ".csv")
    csv_b = next(p for p in second.files if p.suffix == ".csv")
    assert csv_a.read_bytes() != csv_b.read_bytes()
    assert _workbook_cells(first.files[0]) != _workbook_cells(second.files[0])
    assert first.truth_path.read_bytes() != second.truth_path.read_bytes()


@pytest.mark.parametrize("contracts", [100, 257, 320, 611])
def test_the_register_holds_as_many_contracts_as_asked(tmp_path: Path, contracts: int) -> None:
    result = write_sample(tmp_path, seed=contracts, contracts=contracts)
    truth = load_truth(result.truth_path)
    assert result.contracts == len(truth["contracts"]) == contracts


def test_a_sample_too_small_for_the_planted_situations_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ContractsError, match="--contracts 100 or more"):
        write_sample(tmp_path, contracts=99)


# --- the files ----------------------------------------------------------------------


def test_one_register_per_commissioner_each_a_valid_file(
    sample: tuple[Path, dict[str, Any]],
) -> None:
    out, truth = sample
    codes = [f["commissioner_code"] for f in truth["files"]]
    assert sorted(codes) == sorted((*FOOTPRINT_CCGS, *COUNCILS, *OUTSIDE_CCGS))
    for entry in truth["files"]:
        path = out / entry["path"]
        if path.suffix == ".csv":
            data = path.read_bytes()
            assert entry["encoding"] == "cp1252"
            assert b"\xa3" in data  # "£" as Windows-1252 writes it, one byte
            assert data.count(b"\r\n") == data.count(b"\n")  # CRLF throughout
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
            data.decode("cp1252")
        else:
            workbook = load_workbook(path)
            try:
                assert workbook.sheetnames == entry["sheets"]
            finally:
                workbook.close()


def test_the_registers_have_the_habits_of_real_ones(sample: tuple[Path, dict[str, Any]]) -> None:
    out, truth = sample
    by_code = {f["commissioner_code"]: out / f["path"] for f in truth["files"]}
    council = load_workbook(by_code["E10000012"])
    southend = load_workbook(by_code["99G"])
    try:
        assert council.sheetnames == ["Current Contracts", "Expired"]
        assert council["Current Contracts"].merged_cells.ranges  # merged title rows
        assert any("TBC" in row for row in council["Current Contracts"].iter_rows(values_only=True))
        header = [c.value for c in southend["Contracts"][3]]
        sub_header = [c.value for c in southend["Contracts"][4]]
        assert "Parties" in header and "Provider" in sub_header  # a two-row header
    finally:
        council.close()
        southend.close()
    cells = [str(v) for r in _rows(by_code["E06000034"], "Register") for v in r if v]
    assert any(v.startswith("£") and v.endswith(("m", "k")) for v in cells)  # "£1.2m", "£250k"
    labels = [r[1] for r in _rows(by_code["99E"], "Contracts Register") if len(r) > 1]
    assert "Total" in labels


def test_every_spelling_written_maps_back_to_its_canonical_word() -> None:
    for spellings in CATEGORY_SPELLINGS.values():
        assert set(spellings) == set(SERVICE_CATEGORIES) - {"other"}
        for canonical, written in spellings.items():
            assert canonical_category(written) == canonical, written
    for spellings in FORM_SPELLINGS.values():
        for canonical, written in spellings.items():
            assert canonical_form(written) == canonical, written


def test_truth_places_every_contract_at_its_row(sample: tuple[Path, dict[str, Any]]) -> None:
    out, truth = sample
    files = {f["source"]: out / f["path"] for f in truth["files"]}
    cache: dict[tuple[str, str | None], list[list[Any]]] = {}
    for contract in truth["contracts"]:
        key = (contract["source"], contract["sheet"])
        if key not in cache:
            cache[key] = _rows(files[contract["source"]], contract["sheet"])
        row = cache[key][contract["row"] - 1]
        assert contract["reference"] in row, contract["uid"]
        assert contract["uid"] == f"{contract['source']}:{contract['reference']}"


# --- truth.json -----------------------------------------------------------------------


def _check_truth(truth: dict[str, Any]) -> None:
    """Everything truth.json claims, checked against its own contracts."""
    contracts = {c["uid"]: c for c in truth["contracts"]}
    assert len(contracts) == len(truth["contracts"]), "uids are unique"
    owner = {f["source"]: f["commissioner_code"] for f in truth["files"]}
    copies: dict[str, list[str]] = defaultdict(list)
    for contract in truth["contracts"]:
        copies[contract["entity"]].append(contract["uid"])
        assert contract["service_category"] in SERVICE_CATEGORIES
        assert contract["contract_form"] in CONTRACT_FORMS
        assert contract["start_date"] <= contract["end_date"]

    expected_pairs = {
        frozenset(p) for uids in copies.values() for p in itertools.combinations(uids, 2)
    }
    assert {frozenset(p) for p in truth["duplicate_pairs"]} == expected_pairs
    assert all(a != b for a, b in truth["duplicate_pairs"])

    def active(c: dict[str, Any]) -> bool:
        return c["start_date"] <= truth["as_at"] <= c["end_date"]

    decoys = {d["uid"]: d["why"] for d in truth["decoys"]}
    for uid, why in decoys.items():
        decoy = contracts[uid]
        if why == "outside footprint":
            assert decoy["commissioner_code"] in OUTSIDE_CCGS
        elif why == "expired":
            assert decoy["end_date"] < truth["as_at"]
        else:
            assert why == "grant agreement" and decoy["contract_form"] == "grant agreement"
    for contract in truth["contracts"]:
        lead_copy = owner[contract["source"]] == contract["commissioner_code"]
        outside = contract["commissioner_code"] in OUTSIDE_CCGS
        if lead_copy and (outside or not active(contract)):
            assert contract["uid"] in decoys, contract["uid"]

    for group in truth["consolidation_groups"]:
        members = [contracts[uid] for uid in group["members"]]
        assert len(members) >= 2
        assert not set(group["members"]) & set(decoys), group["id"]
        for member in members:
            assert owner[member["source"]] == member["commissioner_code"], "the lead's copy"
            assert active(member) and member["commissioner_code"] in FOOTPRINT_COMMISSIONERS
        ccg_forms = {
            m["contract_form"] for m in members if m["commissioner_code"] in FOOTPRINT_CCGS
        }
        council_forms = {m["contract_form"] for m in members if m["commissioner_code"] in COUNCILS}
        assert len(ccg_forms) <= 1 and ccg_forms <= NHS_FORMS, group["id"]
        assert council_forms <= {"local authority contract"}, group["id"]
        providers = {m["provider_name"] for m in members}
        categories = {m["service_category"] for m in members}
        commissioners = {m["commissioner_code"] for m in members}
        if group["rule"] == "one-provider-one-service":
            assert len(providers) == len(categories) == 1 and len(commissioners) >= 2
        elif group["rule"] == "nhs-and-council":
            assert len(providers) == len(categories) == 1
            assert commissioners & set(COUNCILS) and commissioners & set(FOOTPRINT_CCGS)
        elif group["rule"] == "one-commissioner-one-provider":
            assert len(providers) == len(commissioners) == 1
        else:
            assert group["rule"] == "three-hospitals"
            assert {m["provider_code"] for m in members} == set(THREE_HOSPITALS)
            assert categories <= {"acute", "a&e"} and commissioners == set(FOOTPRINT_CCGS)

    for near in truth["near_misses"]:
        first, second = (contracts[uid] for uid in near["pair"])
        assert first["entity"] != second["entity"]
        if near["why"] == "successive contracts":
            assert first["end_date"] < second["start_date"]
            assert first["provider_name"] == second["provider_name"]
        elif near["why"] == "same title, another provider":
            assert first["provider_name"] != second["provider_name"]
        else:
            assert first["provider_name"] == second["provider_name"]
            assert first["service_category"] != second["service_category"]


def _check_groups_are_complete(truth: dict[str, Any]) -> None:
    """No contract outside a planted group matches it: the rules find exactly the group."""
    owner = {f["source"]: f["commissioner_code"] for f in truth["files"]}
    decoys = {d["uid"] for d in truth["decoys"]}
    candidates = [
        c
        for c in truth["contracts"]
        if owner[c["source"]] == c["commissioner_code"] and c["uid"] not in decoys
    ]
    by_service: dict[tuple[str, str], set[str]] = defaultdict(set)
    for c in candidates:
        by_service[c["provider_name"], c["service_category"]].add(c["uid"])
    contracts = {c["uid"]: c for c in truth["contracts"]}
    for group in truth["consolidation_groups"]:
        if group["rule"] in ("one-provider-one-service", "nhs-and-council"):
            first = contracts[group["members"][0]]
            found = by_service[first["provider_name"], first["service_category"]]
            assert found == set(group["members"]), group["id"]


def test_truth_agrees_with_itself(sample: tuple[Path, dict[str, Any]]) -> None:
    _check_truth(sample[1])
    _check_groups_are_complete(sample[1])


@pytest.mark.parametrize("seed", [2, 3, 5, 8])
def test_truth_agrees_with_itself_at_other_seeds(tmp_path: Path, seed: int) -> None:
    truth = load_truth(write_sample(tmp_path, seed=seed).truth_path)
    _check_truth(truth)
    _check_groups_are_complete(truth)
    assert {g["rule"] for g in truth["consolidation_groups"]} == {
        "one-provider-one-service",
        "one-commissioner-one-provider",
        "three-hospitals",
        "nhs-and-council",
    }
    assert {d["why"] for d in truth["decoys"]} == {
        "outside footprint",
        "expired",
        "grant agreement",
    }
    assert {n["why"] for n in truth["near_misses"]} == {
        "successive contracts",
        "same title, another provider",
        "same provider and title, another service category",
    }


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**6), contracts=st.integers(100, 700))
def test_every_world_plants_recoverable_groups(seed: int, contracts: int) -> None:
    world = build_world(seed, contracts)
    assert sum(len(e.keepers) for e in world.entities) == contracts
    decoys = {id(d.entity) for d in world.decoys}
    for group in world.groups:
        for member in group.members:
            assert member.is_active and member.lead in FOOTPRINT_COMMISSIONERS
            assert id(member) not in decoys
    for entity in world.entities:
        if entity.associates:
            assert entity.lead in FOOTPRINT_CCGS and entity.lead not in entity.associates
            assert set(entity.associates) <= set(FOOTPRINT_CCGS) - {"06Q"}
    # Two contracts no one could tell apart would be a duplicate, not a near-miss.
    signatures: dict[tuple[str, str, str], list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for entity in world.entities:
        key = (entity.lead, entity.provider.key, entity.title)
        for start, end in signatures[key]:
            assert end < entity.start or entity.end < start, key
        signatures[key].append((entity.start, entity.end))


def test_invented_providers_cannot_be_taken_for_each_other() -> None:
    world = build_world(1, 320)
    assert len(world.invented) >= 40
    known = [simplify(s) for o in REFERENCE_ORGANISATIONS for s in (o.name, *o.aliases)]
    keys = [normalise_name(p.name) for p in world.invented]
    assert len(set(keys)) == len(keys)
    simple = sorted(simplify(p.name) for p in world.invented)
    for name in simple:
        # A name cut short by a finance system must not be the start of another.
        others = [k for k in [*known, *simple] if k != name]
        assert not any(other.startswith(name) for other in others), name
    for provider in world.invented:
        assert {normalise_name(s) for s in provider.spellings} == {normalise_name(provider.name)}


# --- importing the sample ---------------------------------------------------------------


def test_every_spelling_resolves_to_the_right_organisation(session: Session) -> None:
    index = OrganisationIndex.load(session)
    for layout in LAYOUTS:
        for code in (*FOOTPRINT_CCGS, *COUNCILS, *OUTSIDE_CCGS):
            found = index.resolve(commissioner_spelling(code, layout.commissioner_spelling))
            assert found is not None and found.code == code
    for provider in reference_providers().values():
        cut = provider.spellings[0][:30].rstrip()  # as a finance system truncates it
        for spelling in (*provider.spellings, *(s.upper() for s in provider.spellings), cut):
            found = index.resolve(spelling)
            assert found is not None and found.code == provider.code, spelling


def test_the_sample_imports_without_errors_and_as_truth_says(
    session: Session, sample: tuple[Path, dict[str, Any]]
) -> None:
    from importers import import_file

    out, truth = sample
    for entry in truth["files"]:
        report = import_file(
            session, out / entry["path"], commissioner=entry["commissioner_option"]
        )
        assert not report.has_errors, [f.line() for f in report.findings if f.is_error]
    stored = {c.uid: c for c in session.scalars(select(Contract))}
    assert set(stored) == {c["uid"] for c in truth["contracts"]}
    for expected in truth["contracts"]:
        contract = stored[expected["uid"]]
        assert contract.lead_commissioner is not None and contract.provider is not None
        assert contract.lead_commissioner.code == expected["commissioner_code"]
        assert contract.provider.ods_code == expected["provider_code"]
        assert normalise_name(contract.provider.name) == normalise_name(expected["provider_name"])
        assert contract.service_category == expected["service_category"]
        assert contract.contract_form == expected["contract_form"]
        assert contract.start_date == dt.date.fromisoformat(expected["start_date"])
        assert contract.end_date == dt.date.fromisoformat(expected["end_date"])
        value = None if contract.annual_value is None else f"{contract.annual_value:.2f}"
        assert value == expected["annual_value"], expected["uid"]
        assert contract.source_row == expected["row"]
        if expected["sheet"] is not None:
            assert contract.source_sheet == expected["sheet"]
    assert AS_AT.isoformat() == truth["as_at"]


# --- the command ---------------------------------------------------------------------------


def test_contracts_sample_writes_the_files_it_lists(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "registers"
    result = runner.invoke(main, ["sample", str(out), "--seed", "3", "--contracts", "150"])
    assert result.exit_code == 0, result.output
    truth = load_truth(out / "truth.json")
    assert truth["seed"] == 3 and len(truth["contracts"]) == 150
    for entry in truth["files"]:
        assert (out / entry["path"]).is_file()
        assert str(out / entry["path"]) in result.output
    assert "--commissioner 06Q" in result.output
    assert "150 contracts in 10 registers (seed 3)" in result.output


def test_contracts_sample_refuses_a_tiny_sample(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["sample", str(tmp_path), "--contracts", "10"])
    assert result.exit_code == 1
    assert "use --contracts 100 or more" in result.output
