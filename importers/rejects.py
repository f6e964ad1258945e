"""Writing the rows an import set aside, with their reasons, for the team to fix.

The rejects file uses the canonical headers, so once fixed it imports as it
is. Text from the register stays text: a cell starting with "=" is never
written as a formula (nor can it run as one when a CSV is opened in Excel).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contracts.errors import InputRejected
from contracts.findings import Finding
from importers.columns import CANONICAL_FIELDS

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADERS = ("Sheet", "Row", "Reasons", *CANONICAL_FIELDS)


@dataclass
class RejectedRow:
    sheet: str
    row: int
    values: dict[str, Any]  # canonical field -> cell value as read
    errors: list[Finding]

    def cells(self) -> list[Any]:
        reasons = "; ".join(f"{f.cell}: {f.message}" for f in self.errors)
        return [self.sheet, self.row, reasons, *(self.values.get(f) for f in CANONICAL_FIELDS)]


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def write_rejects(path: Path, rows: list[RejectedRow]) -> None:
    """Write ``rows`` to ``path`` (.xlsx or .csv) with a Reasons column."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS)
            for row in rows:
                writer.writerow([_csv_safe(v) for v in row.cells()])
        return
    if suffix not in (".xlsx", ".xlsm"):
        raise InputRejected(f"--rejects {path.name} must end in .xlsx or .csv")
    # openpyxl only when a rejects workbook is asked for: the import itself never needs it.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Rejected rows")
    sheet.append(list(HEADERS))
    for row in rows:
        cells = []
        for value in row.cells():
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
            elif isinstance(value, dt.datetime | dt.date):
                cell.number_format = "dd/mm/yyyy"
            cells.append(cell)
        sheet.append(cells)
    workbook.save(path)
