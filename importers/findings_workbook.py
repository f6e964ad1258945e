"""Every finding of an import, as a spreadsheet (`contracts import --report FILE.xlsx`).

The text report shows twenty findings of each code; a 5,000-row register can
have thousands. This workbook holds all of them, one row each, with a filter
on every column, plus a sheet of the files and their outcomes. Text from the
registers stays text: a value starting with "=" is never written as a formula.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from contracts import gate
from contracts.errors import InputRejected

FINDING_COLUMNS = (
    ("File", "file", 34),
    ("Severity", "severity", 10),
    ("Code", "code", 22),
    ("Sheet", "sheet", 18),
    ("Place", "cell", 22),
    ("Value", "value", 30),
    ("Message", "message", 110),
)
FILE_COLUMNS = (
    ("File", "file", 34),
    ("Source", "source", 24),
    ("Outcome", "outcome", 12),
    ("Rows read", "rows_read", 10),
    ("Created", "created", 10),
    ("Updated", "updated", 10),
    ("Unchanged", "unchanged", 10),
    ("Rejected", "rejected", 10),
    ("Not contracts", "not_contracts", 12),
    ("Refused because", "error", 110),
)


def check_report_path(path: Path) -> None:
    """Refuse a --report that cannot be written, before any work is done."""
    if path.suffix.lower() != ".xlsx":
        raise InputRejected(f"--report {path.name} must end in .xlsx")
    if not path.parent.is_dir():
        raise InputRejected(f"--report {path}: the folder {path.parent} does not exist")
    gate.check_output(path, "the --report workbook")


def _cell(sheet: Any, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever it starts with
    if bold:
        cell.font = Font(bold=True)
    return cell


def _sheet(workbook: Workbook, title: str, columns: tuple[tuple[str, str, int], ...]) -> Any:
    sheet = workbook.create_sheet(title)
    for index, (_, _, width) in enumerate(columns):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{chr(ord('A') + len(columns) - 1)}1"
    sheet.append([_cell(sheet, header, bold=True) for header, _, _ in columns])
    return sheet


def write_findings_workbook(path: Path, files: list[dict[str, Any]]) -> None:
    """``files`` as ``ImportReport.as_json()`` gives them (or a refusal: file, outcome,
    error): a Findings sheet with every finding and a Files sheet with each outcome."""
    workbook = Workbook(write_only=True)
    findings = _sheet(workbook, "Findings", FINDING_COLUMNS)
    count = 0
    for result in files:
        for finding in result.get("findings", []):
            row = {**finding, "file": finding.get("file") or result["file"]}
            findings.append([_cell(findings, row.get(key)) for _, key, _ in FINDING_COLUMNS])
            count += 1
    if count:
        findings.auto_filter.ref = f"A1:G{count + 1}"
    outcomes = _sheet(workbook, "Files", FILE_COLUMNS)
    for result in files:
        outcomes.append([_cell(outcomes, result.get(key)) for _, key, _ in FILE_COLUMNS])
    workbook.save(path)
