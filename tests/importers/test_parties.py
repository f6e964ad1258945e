"""Providers and commissioners anywhere in England: by name, by code, as of the start date."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.store.models import Contract, ContractParty, Organisation
from importers import import_file
from tests.importers.helpers import write_workbook

HEADERS = ["Ref", "Title", "Commissioner", "Commissioner Code", "Provider", "Provider Code",
           "Start", "Annual value"]  # fmt: skip
CODE_MAP = ["Provider Code=provider_code", "Commissioner Code=commissioner_code"]
NNUH = "Norfolk and Norwich University Hospitals NHS FT"
BBCCG = "NHS Basildon and Brentwood CCG"
CHUFT = "Colchester Hospital University NHS FT"
CVS = "Brentwood Council for Voluntary Service"
APR16 = "01/04/2016"


def _register(path: Path, rows: list[list[object]]) -> Path:
    return write_workbook(path, {"Register": [HEADERS, *rows]})


def _imported(session: Session) -> dict[str, tuple[str | None, str | None]]:
    """Each contract's reference → (provider code, lead commissioner code)."""
    found = {}
    for contract in session.scalars(select(Contract)):
        lead = session.scalar(
            select(Organisation)
            .join(ContractParty, ContractParty.organisation_id == Organisation.id)
            .where(ContractParty.contract_id == contract.id)
        )
        provider = session.get(Organisation, contract.provider_id)
        found[contract.reference or ""] = (
            provider.code if provider else None,
            lead.code if lead else None,
        )
    return found


def test_a_register_from_norfolk_resolves_by_name_and_code(
    session: Session, tmp_path: Path
) -> None:
    path = _register(
        tmp_path / "norfolk.xlsx",
        [
            ["N-1", "Home care", "NORFOLK COUNTY COUNCIL", None, NNUH, None, APR16, 100],
            ["N-2", "Acute", None, "06W", None, "RM1", APR16, 200],
            ["N-3", "Care", "NHS Norwich CCG", None, "Queen's Hospital, Romford", None, APR16, 3],
            ["N-4", "Ambulance", "Norfolk CC", None, "EEAST", "RYC", APR16, 400],
        ],
    )  # fmt: skip
    report = import_file(session, path, mapping=CODE_MAP)
    assert not report.rejected, [f.message for f in report.findings]
    assert _imported(session) == {
        "N-1": ("RM1", "E10000020"),
        "N-2": ("RM1", "06W"),
        "N-3": ("RF4", "06W"),
        "N-4": ("RYC", "E10000020"),
    }


def test_code_and_name_that_disagree_is_a_finding_and_the_code_wins(
    session: Session, tmp_path: Path
) -> None:
    path = _register(
        tmp_path / "mismatch.xlsx",
        [["M-1", "Acute", "06Q", None, CHUFT, "RQ8", APR16, 1]],
    )  # fmt: skip
    report = import_file(session, path, mapping=CODE_MAP)
    codes = {f.code: f for f in report.findings}
    assert "provider-code-mismatch" in codes
    assert "Mid Essex Hospital Services" in codes["provider-code-mismatch"].message
    assert _imported(session) == {"M-1": ("RQ8", "06Q")}


def test_a_name_and_the_code_of_its_successor_agree(session: Session, tmp_path: Path) -> None:
    path = _register(
        tmp_path / "agree.xlsx",
        [["A-1", "Acute", "06Q", None, "Basildon Hospital", "RAJ", "01/04/2021", 1]],
    )
    report = import_file(session, path, mapping=CODE_MAP)
    assert "provider-code-mismatch" not in {f.code for f in report.findings}


def test_an_unknown_code_without_a_name_rejects_the_row(session: Session, tmp_path: Path) -> None:
    path = _register(
        tmp_path / "unknown.xlsx", [["U-1", "Acute", "06Q", None, None, "ZZ9", APR16, 1]]
    )
    report = import_file(session, path, mapping=CODE_MAP)
    assert report.rejected
    assert any(f.code == "unknown-code" and f.is_error for f in report.findings)


def test_names_resolve_as_of_the_contract_start(session: Session, tmp_path: Path) -> None:
    path = _register(
        tmp_path / "dates.xlsx",
        [
            ["D-1", "Acute", BBCCG, None, "Basildon Hospital", None, APR16, 1],
            ["D-2", "Acute", BBCCG, None, "Basildon Hospital", None, "01/04/2021", 1],
            ["D-3", "Acute", BBCCG, None, "RDD", None, "01/10/2022", 1],
        ],
    )  # fmt: skip
    report = import_file(session, path, mapping=CODE_MAP)
    assert _imported(session) == {
        "D-1": ("RDD", "99E"),
        "D-2": ("RAJ", "99E"),
        "D-3": ("RAJ", "QH8"),  # the CCG closed in June 2022; its ICB carried on
    }
    notes = [f.message for f in report.findings if f.code == "successor-by-date"]
    assert len(notes) == 2  # once for RDD → RAJ, once for 99E → QH8; not once a row


def test_distinct_local_charities_stay_two_providers(session: Session, tmp_path: Path) -> None:
    path = _register(
        tmp_path / "minds.xlsx",
        [
            ["C-1", "Talking therapies", "07H", None, "Mind in West Essex", None, APR16, 1],
            ["C-2", "Talking therapies", "07H", None, "Mind in Mid Herts", None, APR16, 1],
            ["C-3", "Befriending", "07H", None, "Mind in West Essex Ltd", None, APR16, 1],
        ],
    )  # fmt: skip
    import_file(session, path, mapping=CODE_MAP)
    providers = {c.reference: c.provider_id for c in session.scalars(select(Contract))}
    assert providers["C-1"] == providers["C-3"] != providers["C-2"]


def test_a_provider_named_after_a_council_is_not_flagged_as_its_misspelling(
    session: Session, tmp_path: Path
) -> None:
    path = _register(
        tmp_path / "cvs.xlsx",
        [["V-1", "Volunteering", "99E", None, CVS, None, APR16, 1]],
    )  # fmt: skip
    report = import_file(session, path, mapping=CODE_MAP)
    (note,) = [f for f in report.findings if f.code == "new-provider"]
    assert note.severity == "info"
