"""Every feature of the finance workbook, read back with openpyxl (not read-only) from a
real export of the demo store: what the writer (XlsxWriter, constant memory) must keep.
Register text that looks like a formula, a phone number or an Excel function stays text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from contracts.sample.demo import run_demo
from contracts.store import db
from contracts.workbook.export import export_workbook
from contracts.workbook.layout import (
    CONTRACT_COLUMNS,
    DUPLICATE_COLUMNS,
    PROPOSAL_COLUMNS,
    REVIEW_KEY,
    letter,
)
from contracts.workbook.plan_sheet import PLAN_COLUMNS
from contracts.workbook.style import COUNT_FORMAT, DATE_FORMAT, GBP_FORMAT, HEADER_FILL
from tests.contracts.workbook.workbook_helpers import add_contract, add_proposal

PROBES = ('=HYPERLINK("http://evil.example","click")', "+44 1245 000000", "@SUM(A1:A9)")
TABLES = {
    "Plan": PLAN_COLUMNS,
    "Proposals": PROPOSAL_COLUMNS,
    "Contracts": CONTRACT_COLUMNS,
    "Duplicates": DUPLICATE_COLUMNS,
}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workbook]:
    """The demo's store with a proposal of three contracts whose texts are the probes."""
    out = tmp_path_factory.mktemp("features")
    demo = run_demo(out / "demo", echo=lambda _line: None)
    engine = db.open_database(f"sqlite:///{demo.database}")
    try:
        with db.session_factory(engine)() as session, session.begin():
            probes = [
                add_contract(
                    session,
                    reference=probe,
                    title=probe,
                    source="probe-register",
                    annual_value=Decimal("1000.01") * (n + 1),
                    start=dt.date(2014, 4, n + 1),
                    row=n + 2,
                )
                for n, probe in enumerate(PROBES)
            ]
            add_proposal(session, "P-000000feat", probes, title=PROBES[0], reasons=[PROBES[2]])
            path = export_workbook(session, out / "finance.xlsx").path
    finally:
        engine.dispose()
    opened = load_workbook(path)
    yield opened
    opened.close()


def _column(ws: Any, header: str) -> int:
    return [c.value for c in ws[1]].index(header) + 1


def test_the_tables_cover_each_sheet_with_its_headers(workbook: Workbook) -> None:
    for sheet, columns in TABLES.items():
        ws = workbook[sheet]
        (table,) = ws.tables.values()
        last_row = max(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value is not None)
        if sheet == "Plan":  # the chart's data sits below the table, after two blank rows
            last_row = next(r for r in range(2, ws.max_row + 2) if ws.cell(r, 1).value is None) - 1
        assert table.name == sheet
        assert table.ref == f"A1:{letter(columns, columns[-1].header)}{last_row}"
        assert [c.name for c in table.tableColumns] == [c.header for c in columns]
        assert table.tableStyleInfo.name == "TableStyleMedium2"
        assert table.tableStyleInfo.showRowStripes
        header = ws.cell(1, 1)
        assert header.font.bold and header.alignment.wrap_text
        assert header.fill.fgColor.rgb.endswith(HEADER_FILL.lstrip("#"))
        assert ws.freeze_panes == "B2"
        assert ws.print_title_rows == "$1:$1"
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.oddFooter.center.text == "&A, page &P"
        # A run of equal columns is one <col> element: each column by its index.
        dimensions = {
            index: d for d in ws.column_dimensions.values() for index in range(d.min, d.max + 1)
        }
        for index, column in enumerate(columns, start=1):
            assert dimensions[index].width >= column.width, column.header
            assert bool(dimensions[index].hidden) == column.hidden, column.header


def test_totals_and_row_figures_are_live_formulas(workbook: Workbook) -> None:
    summary = workbook["Summary"]
    labels = {row[0].value: row for row in summary.iter_rows() if row[0].value}
    totals = [row for label, row in labels.items() if label == "Total"]
    assert totals  # each table ends in one
    for row in (labels["Contracts after the plan"], labels["Annual value the plan covers"]):
        assert row[1].data_type == "f" and row[1].value.startswith("=")
    assert labels["Annual value the plan covers"][1].number_format == GBP_FORMAT
    assert labels["Contracts after the plan"][1].number_format == COUNT_FORMAT
    proposals = workbook["Proposals"]
    for header, start in (("Members", "=COUNTIFS("), ("Annual value", "=SUMIFS(")):
        cell = proposals.cell(2, _column(proposals, header))
        assert cell.data_type == "f" and cell.value.startswith(start)
    value = proposals.cell(2, _column(proposals, "Annual value"))
    assert value.number_format == GBP_FORMAT


def test_money_and_dates_keep_their_formats(workbook: Workbook) -> None:
    for sheet in ("Contracts", "Duplicates", "Plan"):
        ws = workbook[sheet]
        money = ws.cell(2, _column(ws, "Annual value"))
        assert isinstance(money.value, int | float) and money.number_format == GBP_FORMAT
        start = ws.cell(2, _column(ws, "Start date"))
        assert isinstance(start.value, dt.datetime) and start.number_format == DATE_FORMAT
    contracts = workbook["Contracts"]
    reference = _column(contracts, "Reference") - 1
    rows = {r[reference].value: r for r in contracts.iter_rows(min_row=2)}
    probe = rows[PROBES[1]]
    assert probe[_column(contracts, "Annual value") - 1].value == pytest.approx(2000.02)
    assert probe[_column(contracts, "Start date") - 1].value == dt.datetime(2014, 4, 2)


def test_decision_list_and_hidden_review_key(workbook: Workbook) -> None:
    proposals = workbook["Proposals"]
    (validation,) = proposals.data_validations.dataValidation
    decision = letter(PROPOSAL_COLUMNS, "Decision")
    assert validation.type == "list"
    assert validation.formula1 == '"Accept,Reject,Defer"'
    assert str(validation.sqref) == f"{decision}2:{decision}{proposals.max_row}"
    assert validation.showErrorMessage and validation.allow_blank
    (hidden,) = [d for d in proposals.column_dimensions.values() if d.hidden]
    assert hidden.min == hidden.max == _column(proposals, REVIEW_KEY)
    key = _column(proposals, REVIEW_KEY)
    keys = [r[0].value for r in proposals.iter_rows(min_row=2, min_col=key, max_col=key)]
    assert keys and all(isinstance(k, str) and k.count("|") == 3 for k in keys)


def test_charts_and_page_breaks(workbook: Workbook) -> None:
    assert len(workbook["Summary"]._charts) == 1
    assert len(workbook["Plan"]._charts) == 1
    assert workbook["Summary"].row_breaks.brk and workbook["Plan"].row_breaks.brk


def test_wrapped_rows_are_tall_enough(workbook: Workbook) -> None:
    proposals = workbook["Proposals"]
    reasons = _column(proposals, "Reasons")
    tall = [
        row
        for row in range(2, proposals.max_row + 1)
        if len(str(proposals.cell(row, reasons).value or "")) > 60
    ]
    assert tall
    for row in tall:
        assert proposals.row_dimensions[row].height and proposals.row_dimensions[row].height > 15
        assert proposals.cell(row, reasons).alignment.wrap_text


def test_register_text_is_stored_as_text(workbook: Workbook) -> None:
    found: set[str] = set()
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in PROBES:
                    assert cell.data_type == "s", f"{ws.title}!{cell.coordinate}"
                    found.add(cell.value)
                elif cell.data_type == "f":
                    assert not any(p in cell.value for p in PROBES), cell.coordinate
    assert found == set(PROBES)
