"""Importing registers as teams keep them: layout, values, findings, whole-or-nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from contracts.errors import InputRejected
from contracts.store.models import Contract, ContractHistory, ImportBatch, Organisation, PartyRole
from importers import import_file
from tests.importers.helpers import HEADERS, simple_register, write_csv, write_workbook


def count(session: Session, model: type = Contract) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def contracts_by_ref(session: Session) -> dict[str, Contract]:
    return {c.reference: c for c in session.scalars(select(Contract)) if c.reference}


def codes(report) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.code for f in report.findings]


def test_title_rows_synonyms_and_values(session: Session, tmp_path: Path) -> None:
    path = simple_register(tmp_path / "mid-essex.xlsx")
    report = import_file(session, path)
    assert not report.has_errors, report.render_text()
    assert (report.created, report.rows_read) == (2, 2)
    assert report.sheets[0].header_rows == (3,)
    found = contracts_by_ref(session)
    nursing = found["MSE-1"]
    assert nursing.uid == "mid-essex:MSE-1"
    assert nursing.annual_value == Decimal("1200000.00")
    assert nursing.start_date == dt.date(2016, 4, 1)
    assert nursing.provider is not None and nursing.provider.name.startswith("Provide")
    assert nursing.lead_commissioner is not None
    assert nursing.lead_commissioner.ods_code == "06Q"
    assert (nursing.source_file, nursing.source_sheet, nursing.source_row) == (
        "mid-essex.xlsx",
        "Register",
        4,
    )
    assert found["MSE-2"].annual_value == Decimal("250000.00")
    new = session.scalars(select(Organisation).where(Organisation.origin == "import")).all()
    assert [o.name for o in new] == ["Acme Wheels Ltd"]
    assert [a.alias for a in new[0].aliases] == ["Acme Wheels Ltd"]
    assert "new-provider" in codes(report)


def test_a_totals_warning_counts_only_its_own_sheets_rejected_rows(
    session: Session, tmp_path: Path
) -> None:
    header = ["Ref No.", "Service", "Provider Name", "Annual value"]
    first = [header, ["A-1", "Podiatry", "EPUT", 100], ["A-2", None, "EPUT", 50]]
    second = [header, ["B-1", "Falls service", "EPUT", 200], [None, "Total", None, 999]]
    path = write_workbook(tmp_path / "two.xlsx", {"First": first, "Second": second})

    report = import_file(session, path, commissioner="99F")

    assert report.rejected == 1  # A-2 on the first sheet has no title
    (mismatch,) = [f for f in report.findings if f.code == "totals-mismatch"]
    assert mismatch.cell.startswith("Second!")
    assert "rejected" not in mismatch.message


def test_messy_workbook(session: Session, tmp_path: Path) -> None:
    """Merged two-row header, Excel dates and serials, text money, totals, two sheets."""
    community = [
        ["Castle Point and Rochford CCG — contracts"],
        ["Notes: values exclude VAT"],
        [],
        ["Ref No.", "Service", "Provider Name", "Contract dates", None, "Value (£)", None],
        [None, None, None, "Start", "End", "Annual", "Total"],
        ["CPR-1", "Podiatry", "Provide CIC", dt.datetime(2016, 4, 1), 43555, 1000, "£3,000"],
        [],
        ["CPR-2", "Falls service", "EPUT", "01/04/2017", "31/03/2018", "£2,500.50", None],
        ["CPR-3", "Hidden gem", "EPUT", "01/04/2017", "31/03/2018", "(0)", None],
        [None, "Total", None, None, None, 3500.5, None],
        ["Source: finance ledger, May"],
    ]
    acute = [
        ["Ref No.", "Service", "Provider Name", "Start", "Expiry", "Annual value"],
        [
            "CPR-9",
            "Acute block",
            "Southend University Hospital",
            "1 April 2016",
            "31-Mar-2017",
            "1.2m",
        ],
        ["", "Total", "", "", "", 999],
    ]
    path = write_workbook(
        tmp_path / "cpr.xlsx",
        {"Community": community, "Acute": acute, "Read me": [["How to use this file"]]},
        merge={"Community": ["D4:E4", "F4:G4"]},
        hidden_rows={"Community": [9]},
        hidden_columns={"Community": ["G"]},
    )
    report = import_file(session, path, commissioner="99F")
    assert not report.has_errors, report.render_text()
    assert [s.name for s in report.sheets] == ["Community", "Acute"]
    assert report.sheets[0].header_rows == (4, 5)
    assert report.sheets[0].columns["total_value"] == "Value (£) Total"
    found = contracts_by_ref(session)
    assert found["CPR-1"].end_date == dt.date(2019, 3, 31)  # serial 43555
    assert found["CPR-1"].total_value == Decimal("3000.00")
    assert found["CPR-2"].annual_value == Decimal("2500.50")
    assert found["CPR-9"].annual_value == Decimal("1200000.00")
    assert found["CPR-9"].start_date == dt.date(2016, 4, 1)
    assert len(found) == 4  # the totals rows and the note below were not imported
    by_code = {f.code: f for f in report.findings}
    assert "totals-row" in by_code  # Community: 1000 + 2500.50 + 0 = 3500.50
    assert by_code["totals-mismatch"].cell == "Acute!F3"
    assert by_code["hidden-rows"].cell == "Community!row 9"
    assert by_code["hidden-column"].cell == "Community!G5"
    # the note under the totals row is not a contract: left out, with a warning
    assert by_code["below-totals"].severity == "warning"
    assert by_code["below-totals"].message.startswith("1 row(s) below the totals row were left")
    assert "sheet-skipped" in by_code


def test_cp1252_csv_with_crlf(session: Session, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "southend.csv",
        [
            [
                "Contract Reference",
                "Title",
                "Lead Commissioner",
                "Service Provider",
                "Commencement Date",
                "Contract End",
                "Annual Contract Value (£)",
            ],
            [
                "S-1",
                "Café outreach – adults",
                "Southend CCG",
                "Trust Links",
                "1/4/16",
                "31/3/18",
                "£12,000",
            ],
        ],
        encoding="cp1252",
    )
    report = import_file(session, path)
    assert not report.has_errors, report.render_text()
    assert report.encoding == "Windows-1252"
    contract = contracts_by_ref(session)["S-1"]
    assert contract.title == "Café outreach – adults"
    assert contract.annual_value == Decimal("12000.00")
    assert contract.end_date == dt.date(2018, 3, 31)


def test_utf8_bom_csv_month_first_decided_per_column(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "us.csv"
    path.write_bytes(
        (
            "\ufeffRef,Title,Commissioner,Provider,Start,End\r\n"
            "U-1,A,Thurrock CCG,EPUT,4/1/2020,4/30/2020\r\n"
            "U-2,B,Thurrock CCG,EPUT,5/1/2020,3/31/2021\r\n"
        ).encode()
    )
    report = import_file(session, path)
    assert not report.has_errors, report.render_text()
    assert report.encoding == "UTF-8 with BOM"
    found = contracts_by_ref(session)
    assert found["U-1"].start_date == dt.date(2020, 4, 1)
    assert found["U-2"].start_date == dt.date(2020, 5, 1)
    orders = [f for f in report.findings if f.code == "date-order"]
    assert any("month-first" in f.message and f.value == "4/30/2020" for f in orders)
    assert any("read month-first like column 'End'" in f.message for f in orders)


def test_row_checks_are_findings_with_codes(session: Session, tmp_path: Path) -> None:
    rows = [
        ["R-1", "Ends early", "Mid Essex CCG", "EPUT", "01/04/2018", "01/04/2017", "1"],
        ["R-2", "Negative", "Mid Essex CCG", "EPUT", "01/04/2016", "31/03/2017", "-5"],
        ["R-3", "No provider", "Mid Essex CCG", None, "01/04/2016", "31/03/2017", "1"],
        ["R-3", "Same ref", "Mid Essex CCG", "EPUT", "01/04/2016", "31/03/2017", "1"],
        ["R-5", "Bad money", "Mid Esex CCG", "EPUT", "01/04/2016", "31/03/2017", "lots"],
        ["R-6", "Bad date", "Mid Essex CCG", "EPUT", "31/02/2016", "31/03/2017", "1"],
    ]
    path = simple_register(tmp_path / "bad.xlsx", rows)
    report = import_file(session, path)
    assert report.failed and report.has_errors
    errors = {(f.code, f.cell) for f in report.findings if f.is_error}
    assert ("end-before-start", "Register!F4") in errors
    assert ("negative-value", "Register!G5") in errors
    assert ("missing-provider", "Register!D6") in errors
    assert ("duplicate-reference", "Register!row 7") in errors
    assert ("bad-money", "Register!G8") in errors
    assert ("unknown-commissioner", "Register!C8") in errors
    assert ("bad-date", "Register!E9") in errors
    unknown = next(f for f in report.findings if f.code == "unknown-commissioner")
    assert "did you mean 'NHS Mid Essex CCG'" in unknown.message
    assert report.rejected == 6
    assert count(session) == 0
    text = report.render_text()
    assert text.splitlines()[4].startswith("  errors (7)")
    assert "bad-money  bad.xlsx  Register!G8  'lots'" in text


def test_total_below_annual_is_a_warning(session: Session, tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "t.xlsx",
        {
            "S": [
                [
                    "Ref",
                    "Title",
                    "Commissioner",
                    "Provider",
                    "Start",
                    "End",
                    "Annual value",
                    "Total value",
                ],
                ["T-1", "Three years", "06Q", "EPUT", "01/04/2016", "31/03/2019", 100, 50],
            ]
        },
    )
    report = import_file(session, path)
    assert not report.has_errors
    assert [f.cell for f in report.findings if f.code == "total-below-annual"] == ["S!H2"]
    assert count(session) == 1


def test_missing_required_column_lists_headers(session: Session, tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "nocomm.xlsx",
        {"S": [["Ref", "Title", "Supplier", "Budget code"], ["A", "B", "EPUT", "X1"]]},
    )
    report = import_file(session, path)
    assert report.failed
    missing = [f for f in report.findings if f.code == "missing-column"]
    assert len(missing) == 1
    assert "'Ref', 'Title', 'Supplier', 'Budget code'" in missing[0].message
    assert "--commissioner" in missing[0].message
    # with the option, the same file imports
    report = import_file(session, path, commissioner="Mid Essex CCG")
    assert not report.failed and report.created == 1


def test_map_option_and_unknown_column_suggestion(session: Session, tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "m.xlsx",
        {
            "S": [
                ["Budget Ref", "Title", "Provider", "Annual vlaue", "Commissioner"],
                ["B-1", "Stroke", "EPUT", "5", "06Q"],
            ]
        },
    )
    report = import_file(session, path)
    unknown = {f.value: f for f in report.findings if f.code == "unknown-column"}
    assert "annual_value" in unknown["Annual vlaue"].message
    assert count(session) == 1  # imported with a row key, no reference
    report = import_file(
        session,
        path,
        source="m2",
        mapping=["Budget Ref=reference", "Annual vlaue=annual_value"],
    )
    contract = session.scalar(select(Contract).where(Contract.source == "m2"))
    assert contract is not None and contract.uid == "m2:B-1"
    assert contract.annual_value == Decimal("5.00")
    with pytest.raises(InputRejected, match="unknown field"):
        import_file(session, path, mapping=["Budget Ref=budget"])


def test_row_without_reference_gets_a_stable_row_key(session: Session, tmp_path: Path) -> None:
    rows = [[None, "Community nursing", "Mid Essex CCG", "Provide CIC", "01/04/2016", None, 1]]
    path = simple_register(tmp_path / "noref.xlsx", rows)
    import_file(session, path)
    first = session.scalar(select(Contract))
    assert first is not None and first.source_key.startswith("row-")
    second = import_file(session, path)
    assert second.unchanged == 1 and second.created == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "save it as .xlsx"),
        ("calc.ods", b"PK\x03\x04 ods", "OpenDocument"),
        ("empty.xlsx", b"", "is empty"),
        ("empty.csv", b"", "is empty"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "not a readable Excel workbook"),
        (
            "locked.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"),
            "password-protected",
        ),
        ("notes.txt", b"hello", "save it as .xlsx or .csv"),
        ("binary.csv", b"\x81\x8d\x8f\x90\x9d", "neither UTF-8 nor Windows-1252"),
    ],
)
def test_refused_files(
    session: Session, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputRejected, match=message):
        import_file(session, path)
    assert count(session, ImportBatch) == 0


def test_zip_bomb_is_refused(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contracts import gate

    monkeypatch.setattr(gate, "MAX_UNZIPPED_BYTES", 1000)
    with pytest.raises(InputRejected, match="unsafe"):
        import_file(session, simple_register(tmp_path / "bomb.xlsx"))


def test_workbook_without_a_register(session: Session, tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "blank.xlsx", {"S": [["hello"], [1, 2, 3]]})
    with pytest.raises(InputRejected, match="no header row"):
        import_file(session, path)


def test_unknown_commissioner_option(session: Session, tmp_path: Path) -> None:
    with pytest.raises(InputRejected, match="did you mean 'NHS Thurrock CCG'"):
        import_file(session, simple_register(tmp_path / "r.xlsx"), commissioner="Thurock CCG")


def test_sheet_option(session: Session, tmp_path: Path) -> None:
    header = ["Ref", "Title", "Commissioner", "Provider"]
    path = write_workbook(
        tmp_path / "two.xlsx",
        {"A": [header, ["A-1", "x", "06Q", "EPUT"]], "B": [header, ["B-1", "y", "06Q", "EPUT"]]},
    )
    report = import_file(session, path, sheet="B")
    assert [s.name for s in report.sheets] == ["B"]
    assert set(contracts_by_ref(session)) == {"B-1"}
    with pytest.raises(InputRejected, match="its sheets are 'A', 'B'"):
        import_file(session, path, sheet="C")
    # importing sheet A alone does not mark B's contracts missing
    report = import_file(session, path, sheet="A")
    assert report.missing == 0


def test_associates_are_parties(session: Session, tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "assoc.xlsx",
        {
            "S": [
                ["Ref", "Title", "Lead commissioner", "Associate commissioners", "Provider"],
                ["A-1", "111", "99E", "99F; Thurrock CCG; 99E", "EEAST"],
            ]
        },
    )
    report = import_file(session, path)
    assert not report.has_errors, report.render_text()
    contract = contracts_by_ref(session)["A-1"]
    roles = sorted((p.role, p.organisation.code) for p in contract.parties)
    assert roles == [
        (PartyRole.ASSOCIATE.value, "07G"),
        (PartyRole.ASSOCIATE.value, "99F"),
        (PartyRole.LEAD.value, "99E"),
    ]
    again = import_file(session, path)
    assert (again.unchanged, again.updated, again.written) == (1, 0, False)


def test_vocabulary_is_canonical(session: Session, tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "v.xlsx",
        {
            "S": [
                ["Ref", "Title", "Commissioner", "Provider", "Service line", "Contract type"],
                ["V-1", "x", "06Q", "EPUT", "Community Services", "NHS SC"],
                ["V-2", "y", "06Q", "EPUT", "Astrology", "handshake"],
                ["V-3", "Community LD Team", "06Q", "EPUT", "MH", "NHS SC"],
                ["V-4", "Crisis Line", "06Q", "EPUT", "MH - Mental Health and LD", "NHS SC"],
            ]
        },
    )
    report = import_file(session, path)
    found = contracts_by_ref(session)
    assert found["V-1"].service_category == "community"
    assert found["V-1"].contract_form == "NHS Standard Contract"
    assert found["V-2"].service_category == "Astrology"
    # The contract's MH category narrowed by the title where it says which part.
    assert found["V-3"].service_category == "learning disabilities"
    assert found["V-4"].service_category == "mental health"
    assert {"unknown-category", "unknown-contract-form"} <= set(codes(report))
    unknown = next(f for f in report.findings if f.code == "unknown-category")
    assert "the nearest known is 'diagnostics'" in unknown.message


def test_json_report_shape(session: Session, tmp_path: Path) -> None:
    data = import_file(session, simple_register(tmp_path / "j.xlsx")).as_json()
    assert data["outcome"] == "imported"
    assert data["created"] == 2
    assert data["sheets"][0]["columns"]["provider"] == "Supplier"
    assert {"code", "severity", "file", "cell", "value", "message"} <= set(data["findings"][0])


# --- whole or nothing, dry run, rejects --------------------------------------


def test_one_bad_row_writes_nothing(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    good = [[f"G-{i}", "t", "06Q", f"Brand New Provider {i}", None, None, i] for i in range(5)]
    bad = ["X-1", "t", "06Q", "EPUT", "not a date", None, 1]
    path = simple_register(tmp_path / "atomic.xlsx", [*good, bad])
    with sessions.begin() as session:
        before = (count(session), count(session, Organisation), count(session, ImportBatch))
        report = import_file(session, path)
    assert report.failed
    with sessions.begin() as session:
        after = (count(session), count(session, Organisation), count(session, ImportBatch))
    assert after == before


def test_dry_run_writes_nothing_but_reports(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    path = simple_register(tmp_path / "dry.xlsx")
    with sessions.begin() as session:
        report = import_file(session, path, dry_run=True)
    assert (report.created, report.outcome) == (2, "dry run")
    assert report.new_organisations == ["Acme Wheels Ltd"]
    with sessions.begin() as session:
        assert count(session) == 0
        assert count(session, ImportBatch) == 0


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_skip_invalid_writes_rejects(session: Session, tmp_path: Path, suffix: str) -> None:
    rows = [
        ["OK-1", "fine", "06Q", "EPUT", None, None, 10],
        ["BAD-1", '=HYPERLINK("http://x")', "06Q", "EPUT", None, None, "lots"],
    ]
    path = write_csv(tmp_path / "skip.csv", [HEADERS, *rows])
    rejects = tmp_path / f"rejects{suffix}"
    report = import_file(session, path, skip_invalid=True, rejects=rejects)
    assert not report.failed and report.has_errors
    assert (report.created, report.rejected) == (1, 1)
    assert set(contracts_by_ref(session)) == {"OK-1"}
    if suffix == ".xlsx":
        workbook = load_workbook(rejects)
        sheet = workbook.active
        header = [c.value for c in sheet[1]]
        row = {h: c for h, c in zip(header, sheet[2], strict=False)}
        assert row["title"].data_type == "s"  # never a formula
        assert row["title"].value == '=HYPERLINK("http://x")'
        assert "G3: " in row["Reasons"].value
        workbook.close()
    else:
        text = rejects.read_text(encoding="utf-8-sig")
        assert "'=HYPERLINK" in text and "G3: " in text


# --- re-imports --------------------------------------------------------------


def test_reimport_updates_with_history_and_marks_missing(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    (tmp_path / "v1").mkdir()
    first = simple_register(tmp_path / "v1" / "register.xlsx")
    with sessions.begin() as session:
        report = import_file(session, first)
        assert report.written and report.created == 2
    with sessions.begin() as session:
        again = import_file(session, first)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
        assert not again.written and again.identical_to is not None
        assert "identical" in again.render_text()
        assert count(session, ImportBatch) == 1
        assert count(session, ContractHistory) == 0
    (tmp_path / "v2").mkdir()
    changed = simple_register(
        tmp_path / "v2" / "register.xlsx",
        [
            [
                "MSE-1",
                "Community nursing",
                "Mid Essex CCG",
                "Provide CIC",
                "01/04/2016",
                "31/03/2020",
                "£1,300,000",
            ]
        ],
    )
    with sessions.begin() as session:
        report = import_file(session, changed)
        assert (report.updated, report.missing, report.created) == (1, 1, 0)
        assert "not-in-register" in codes(report)
    with sessions.begin() as session:
        found = contracts_by_ref(session)
        assert len(found) == 2  # never deleted
        assert found["MSE-2"].in_register is False
        nursing = found["MSE-1"]
        assert nursing.annual_value == Decimal("1300000.00")
        changes = [h.changes for h in nursing.history]
        assert changes == [
            {"end_date": ["2019-03-31", "2020-03-31"], "annual_value": ["1200000.00", "1300000.00"]}
        ]
        assert [h.changes for h in found["MSE-2"].history] == [{"in_register": [True, False]}]
    # the row comes back: it is in the register again, with history
    with sessions.begin() as session:
        report = import_file(session, first)
        assert report.updated == 2
    with sessions.begin() as session:
        assert contracts_by_ref(session)["MSE-2"].in_register is True
        assert count(session, ImportBatch) == 3


def test_commissioner_change_is_history(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = simple_register(tmp_path / "c.xlsx")
    with sessions.begin() as session:
        import_file(session, path)
    simple_register(
        path,
        [
            [
                "MSE-1",
                "Community nursing",
                "99E",
                "Provide CIC",
                "01/04/2016",
                "31/03/2019",
                "£1,200,000",
            ],
            [
                "MSE-2",
                "Wheelchair service",
                "Mid Essex CCG",
                "Acme Wheels Ltd",
                "01/04/2016",
                "31/03/2017",
                "250k",
            ],
        ],
    )
    with sessions.begin() as session:
        report = import_file(session, path)
        assert (report.updated, report.unchanged) == (1, 1)
    with sessions.begin() as session:
        nursing = contracts_by_ref(session)["MSE-1"]
        assert nursing.lead_commissioner is not None
        assert nursing.lead_commissioner.code == "99E"
        assert nursing.history[0].changes["commissioner"][1] == "NHS Basildon and Brentwood CCG"


def test_a_missing_contract_form_is_inferred_and_the_reason_stored(
    session: Session, tmp_path: Path
) -> None:
    path = write_workbook(
        tmp_path / "forms.xlsx",
        {
            "S": [
                ["Ref", "Title", "Commissioner", "Provider", "Contract type"],
                ["F-1", "Acute services", "06Q", "RQ8", None],
                ["F-2", "Carers grant", "Essex County Council", "Maldon Carers", None],
                ["F-3", "Home care", "Essex County Council", "Maldon Care", "Contract"],
                ["F-4", "Hospice beds", "06Q", "St Cedd's Hospice", "Shorter form"],
            ]
        },
    )
    report = import_file(session, path)
    found = contracts_by_ref(session)
    assert (found["F-1"].contract_form, found["F-1"].contract_form_inferred) == (
        "NHS Standard Contract",
        "no contract form in the register; NHS Standard Contract: an NHS commissioner and an "
        "NHS provider",
    )
    assert found["F-2"].contract_form == "grant agreement"
    assert found["F-3"].contract_form == "local authority contract"
    assert "the register says 'Contract'" in (found["F-3"].contract_form_inferred or "")
    # As written where the register gives a form the tool knows.
    assert found["F-4"].contract_form == "NHS Standard Contract (shorter form)"
    assert found["F-4"].contract_form_inferred is None
    unknown = next(f for f in report.findings if f.code == "unknown-contract-form")
    assert "inferred from the parties" in unknown.message
    # The same file again changes nothing: the inference is the same.
    again = import_file(session, path)
    assert (again.unchanged, again.updated) == (4, 0)


def _rows(
    numbers: range, commissioner: str = "Mid Essex CCG", value: str = "£1,000"
) -> list[list[str]]:
    return [
        [f"MSE-{n}", f"Service {n}", commissioner, "Provide CIC", "01/04/2016", "31/03/2019", value]
        for n in numbers
    ]


def test_a_register_of_many_chunks_imports_and_reimports_as_one(
    sessions: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chunks of 3: each chunk's rows are compared with the store after the last is written
    # (on PostgreSQL the last chunk is still being stored while the next is read)
    monkeypatch.setattr("contracts.store.imports.CHUNK_SIZE", 3)
    path = simple_register(tmp_path / "many.xlsx", _rows(range(1, 11)))
    with sessions.begin() as session:
        report = import_file(session, path)
        assert (report.created, report.written) == (10, True)
    with sessions() as session:
        first = {c.reference: c.id for c in session.scalars(select(Contract))}
        assert len(first) == len(set(first.values())) == 10
        assert all(c.lead_commissioner is not None for c in session.scalars(select(Contract)))
    # 1-2 dropped, 3-4 now another commissioner's, 5-10 kept, 11-14 new
    simple_register(path, _rows(range(3, 5), "99E") + _rows(range(5, 15)))
    with sessions.begin() as session:
        report = import_file(session, path)
        assert (report.created, report.updated, report.unchanged, report.missing) == (4, 2, 6, 2)
    with sessions() as session:
        stored = {c.reference: c for c in session.scalars(select(Contract))}
        assert {r: c.id for r, c in stored.items() if r in first} == first
        assert [r for r, c in stored.items() if not c.in_register] == ["MSE-1", "MSE-2"]
        codes_of = {r: c.lead_commissioner.code for r, c in stored.items() if c.lead_commissioner}
        assert codes_of == {f"MSE-{n}": "99E" if n in (3, 4) else "06Q" for n in range(1, 15)}
        assert count(session, ContractHistory) == 4  # two changed, two left the register
