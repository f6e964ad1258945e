"""How findings name a place in a register: "Sheet!D17" in a workbook, "D17" or
"line 17" in a CSV."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

from contracts.findings import Finding, FindingCode


@dataclass
class Place:
    """How findings name a place in one file: "Sheet!D17" in a workbook; in a CSV "D17" is
    column D of the record that starts on line 17 (a quoted cell may span lines)."""

    file: str
    sheet: str
    is_csv: bool

    def cell(self, column: int, row: int) -> str:
        ref = f"{get_column_letter(column + 1)}{row}"
        return ref if self.is_csv else f"{self.sheet}!{ref}"

    def row(self, row: int) -> str:
        return f"line {row}" if self.is_csv else f"{self.sheet}!row {row}"

    def finding(self, kind: FindingCode, **fields: Any) -> Finding:
        """A finding of ``kind`` in this file and sheet; ``fields`` (cell, value, column,
        the message's params) as :meth:`FindingCode.finding` takes them."""
        return kind.finding(file=self.file, sheet=None if self.is_csv else self.sheet, **fields)
