"""Workbooks as Excel, LibreOffice and other programs save them, not only as openpyxl does.

A real Excel-saved file (shared-strings table), registers round-tripped through
LibreOffice Calc, and workbooks written part by part with the structures real
files hold: rich-text runs, inline strings, cached formula results, error
cells, a missing or wrong ``<dimension>``, a namespace prefix, the 1904 date
system, hidden rows, columns and sheets.
"""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.errors import InputRejected
from contracts.organisations.names import normalise_name
from contracts.sample.generate import load_truth, write_sample
from contracts.store.models import Contract
from importers import import_file
from importers.reading import open_register
from tests.importers.helpers import saved_by_libreoffice, write_workbook
from tests.importers.xlsx_parts import DATE_STYLE, Book, Part, cell, formula, row, write_book

REGISTERS = Path(__file__).parents[2] / ".." / "shared" / "data" / "real" / "registers"
LANCASHIRE = REGISTERS / "lancashire-fire-rescue-spend-2024-25.xlsx"


@pytest.mark.skipif(not LANCASHIRE.exists(), reason=f"real register not found at {LANCASHIRE}")
def test_an_excel_saved_workbook_reads_every_row_with_its_values() -> None:
    with open_register(LANCASHIRE) as register:
        (sheet,) = list(register.sheets())
        rows = list(sheet.rows)
    assert sheet.name == "Sheet1 (2)" and not sheet.hidden
    assert len(rows) == 3377  # the header and 3,376 payments
    assert rows[0] == (
        1,
        (
            "Transaction Number",
            "Date",
            "Expenditure Category",
            "Supplier Name",
            "Supplier Classification",
            "Amount",
        ),
    )
    number, values = rows[1]
    assert number == 2
    assert values[0] == "CCq101" and values[1] == dt.date(2024, 4, 1)
    assert values[3] == "parim monthly charge" and values[5] == pytest.approx(1390.61)
    assert all(isinstance(v[1], dt.date) for _, v in rows[1:])


@pytest.mark.skipif(not LANCASHIRE.exists(), reason=f"real register not found at {LANCASHIRE}")
def test_an_excel_saved_workbook_imports_with_every_row_accounted_for(
    session: Session, tmp_path: Path
) -> None:
    report = import_file(
        session,
        LANCASHIRE,
        mapping=["Supplier Classification=title", "Transaction Number=reference"],
        commissioner="99E",
        skip_invalid=True,
        rejects=tmp_path / "rejects.csv",
    )
    assert report.rows_read == 3376
    assert report.created + report.rejected == report.rows_read
    assert report.created > 2000
    parim = session.scalars(select(Contract).where(Contract.reference == "CCq101")).one()
    assert parim.title == "software subscription"
    assert parim.annual_value == Decimal("1390.61")


SHARED = [
    "<t>Contract Ref</t>",
    "<t>Contract title</t>",
    # rich-text runs, as Excel writes a cell with two fonts
    '<r><rPr><b/></rPr><t xml:space="preserve">Community </t></r><r><t>nursing</t></r>',
    # a phonetic run (Japanese Excel) is not part of the text
    '<t>Provide CIC</t><rPh sb="0" eb="1"><t>プ</t></rPh>',
    "<t>Supplier</t>",
]


def _register_parts(prefix: str = "", dimension: str | None = None) -> Part:
    header = row(
        3,
        cell("A3", 0, kind="s"),
        cell("B3", 1, kind="s"),
        cell("C3", 4, kind="s"),
        cell("D3", "Start", kind="inlineStr"),
        cell("E3", "Annual value", kind="inlineStr"),
        cell("F3", "Notes", kind="inlineStr"),
    )
    data = [
        row(1, cell("A1", "Contract register — saved by another program", kind="inlineStr")),
        header,
        row(
            4,
            cell("A4", "R-1", kind="inlineStr"),
            cell("B4", 2, kind="s"),
            cell("C4", 3, kind="s"),
            cell("D4", 41000, style=DATE_STYLE),
            formula("E4", "1000*12", 12000),
            formula("F4", 'CONCAT("cached ","text")', "cached text", kind="str"),
        ),
        row(
            5,
            cell("A5", 1234, kind=None),
            cell("B5", "Wheelchairs", kind="inlineStr"),
            cell("C5", "Acme Wheels Ltd", kind="inlineStr"),
            cell("D5", 41000.5, style=DATE_STYLE),
            formula("E5", "1/0", "#DIV/0!", kind="e"),
            hidden=True,
        ),
        row(6, cell("A6", "R-3", kind="inlineStr"), cell("B6", "Podiatry", kind="inlineStr")),
    ]
    return Part(
        "Register",
        "".join(data),
        cols='<col min="6" max="6" width="9" hidden="1"/>',
        dimension=dimension,
        prefix=prefix,
    )


@pytest.mark.parametrize(
    ("prefix", "dimension", "date1904"),
    [
        ("", None, False),  # no <dimension> at all
        ("", "A1:B2", False),  # a wrong one, smaller than the data
        ("x", "A1:F6", False),  # <x:worksheet>, as some generators write
        ("", "A1:F6", True),  # the 1904 date system (old Mac Excel)
    ],
)
def test_workbook_parts_as_other_programs_write_them(
    session: Session, tmp_path: Path, prefix: str, dimension: str | None, date1904: bool
) -> None:
    hidden_sheet = Part("Old", row(1, cell("A1", "Ref", kind="inlineStr")), state="hidden")
    path = write_book(
        tmp_path / "parts.xlsx",
        Book([_register_parts(prefix, dimension), hidden_sheet], SHARED, date1904=date1904),
    )
    report = import_file(session, path, commissioner="99F", dry_run=True)

    assert report.rows_read == 3
    by_code: dict[str, list[str]] = {}
    for finding in report.findings:
        by_code.setdefault(finding.code, []).append(f"{finding.cell} {finding.value}")
    # the error cell is an error, as Excel shows it, not an unknown value
    assert by_code["bad-money"] == ["Register!E5 #DIV/0!"]
    assert by_code["missing-provider"] == ["Register!C6 None"]
    assert by_code["hidden-rows"] == ["Register!row 5 None"]
    assert by_code["hidden-column"] == ["Register!F3 None"]
    assert "hidden-sheet" not in by_code  # "Old" is hidden but is not a register
    assert by_code["sheet-skipped"] == ["None None"]

    report = import_file(
        session, path, commissioner="99F", skip_invalid=True, rejects=tmp_path / "rejects.csv"
    )
    assert (report.created, report.rejected) == (1, 2)
    stored = session.scalars(select(Contract)).one()
    assert stored.title == "Community nursing"
    assert stored.provider is not None  # "Provide CIC", without its phonetic run, is known:
    assert stored.provider.name == "Provide Community Interest Company"
    assert stored.annual_value == Decimal("12000.00")
    assert stored.notes == "cached text"
    # serial 41000 is 1 April 2012, or 2 April 2016 counted from 1904
    assert stored.start_date == (dt.date(2016, 4, 2) if date1904 else dt.date(2012, 4, 1))


def test_a_hidden_register_sheet_and_an_empty_sheet(session: Session, tmp_path: Path) -> None:
    register = _register_parts()
    register.state = "hidden"
    path = write_book(tmp_path / "hidden.xlsx", Book([Part("Blank", ""), register], SHARED))
    report = import_file(session, path, commissioner="99F", dry_run=True)
    assert [s.name for s in report.sheets] == ["Register"]
    assert "hidden-sheet" in [f.code for f in report.findings]


def test_a_damaged_sheet_is_refused_in_one_sentence(tmp_path: Path) -> None:
    path = write_book(tmp_path / "broken.xlsx", Book([Part("Register", "<row r='1'><c>")]))
    with (
        pytest.raises(InputRejected, match=r"^broken\.xlsx .*save it again$") as refused,
        open_register(path) as register,
    ):
        for sheet in register.sheets():
            list(sheet.rows)
    assert "\n" not in str(refused.value)


# --- LibreOffice --------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_a_register_saved_by_libreoffice_imports_as_the_original(
    session: Session, tmp_path: Path
) -> None:
    community: list[list[Any]] = [
        ["Castle Point and Rochford CCG — contracts"],
        [],
        ["Ref No.", "Service", "Provider Name", "Contract dates", None, "Value (£)", None],
        [None, None, None, "Start", "End", "Annual", "Total"],
        ["CPR-1", "Podiatry", "Provide CIC", dt.datetime(2016, 4, 1), 43555, 1000, "£3,000"],
        ["CPR-2", "Falls service", "EPUT", "01/04/2017", "31/03/2018", "£2,500.50", None],
        ["CPR-3", "Hidden gem", "EPUT", "01/04/2017", "31/03/2018", 0.1, None],
        ["CPR-4", "Broken sum", "EPUT", "01/04/2017", "31/03/2018", "=1/0", None],
    ]
    original = write_workbook(
        tmp_path / "cpr.xlsx",
        {"Community": community, "Read me": [["How to use this file"]]},
        merge={"Community": ["D3:E3", "F3:G3"]},
        hidden_rows={"Community": [7]},
        hidden_columns={"Community": ["G"]},
    )
    (saved,) = saved_by_libreoffice([original], tmp_path / "lo")

    reports = {}
    for source, path in (("original", original), ("libreoffice", saved)):
        reports[source] = import_file(
            session,
            path,
            source=source,
            commissioner="99F",
            skip_invalid=True,
            rejects=tmp_path / f"{source}-rejects.csv",
            as_new=True,  # the same register twice, on purpose, to compare the two
        )
    findings = {
        source: sorted((f.code, f.cell) for f in report.findings)
        for source, report in reports.items()
    }
    # openpyxl writes no cached result for =1/0; LibreOffice calculates #DIV/0!
    assert ("bad-money", "Community!F8") in findings["libreoffice"]
    assert findings["libreoffice"] == sorted([*findings["original"], ("bad-money", "Community!F8")])
    assert ("hidden-rows", "Community!row 7") in findings["original"]
    assert ("hidden-column", "Community!G4") in findings["original"]

    def stored(source: str) -> dict[str, tuple[object, ...]]:
        rows = session.scalars(select(Contract).where(Contract.source == source))
        return {
            c.reference: (c.title, c.start_date, c.end_date, c.annual_value, c.total_value)
            for c in rows
            if c.reference
        }

    assert stored("libreoffice") == {
        key: value for key, value in stored("original").items() if key != "CPR-4"
    }
    assert stored("libreoffice")["CPR-3"][3] == Decimal("0.10")


@pytest.mark.libreoffice
def test_the_sample_registers_saved_by_libreoffice_import_as_truth_says(
    session: Session, tmp_path: Path
) -> None:
    sample = write_sample(tmp_path / "sample")
    truth = load_truth(sample.truth_path)
    workbooks = [p for p in sample.files if p.suffix == ".xlsx"]
    saved = tmp_path / "saved"
    saved_by_libreoffice(workbooks, saved)
    for path in sample.files:
        if path.suffix != ".xlsx":
            shutil.copy(path, saved / path.name)
    for entry in truth["files"]:
        report = import_file(
            session, saved / entry["path"], commissioner=entry["commissioner_option"]
        )
        assert not report.has_errors, [f.line() for f in report.findings if f.is_error]
    stored = {c.uid: c for c in session.scalars(select(Contract))}
    assert set(stored) == {c["uid"] for c in truth["contracts"]}
    for expected in truth["contracts"]:
        contract = stored[expected["uid"]]
        assert contract.provider is not None
        assert normalise_name(contract.provider.name) == normalise_name(expected["provider_name"])
        assert contract.start_date == dt.date.fromisoformat(expected["start_date"])
        assert contract.end_date == dt.date.fromisoformat(expected["end_date"])
        value = None if contract.annual_value is None else f"{contract.annual_value:.2f}"
        assert value == expected["annual_value"], expected["uid"]
        assert contract.source_row == expected["row"]
