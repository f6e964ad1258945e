"""How findings name a place in a register: "Sheet!D17" in a workbook, "D17" or
"line 17" in a CSV."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from contracts.findings import Finding, FindingCode, Severity

# A1 references are worked out here rather than with openpyxl.utils: importing openpyxl
# costs every import a third of a second, and calamine, not openpyxl, reads the sheets.
_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


def column_letter(index: int) -> str:
    """The letters of the 1-based column ``index``: 1 → A, 27 → AA, 16384 → XFD."""
    if not 1 <= index <= 16384:
        raise ValueError(f"no column {index} in a worksheet")
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_index(letters: str) -> int:
    """The 1-based column of ``letters``: A → 1, AA → 27."""
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index


def split_reference(reference: str) -> tuple[int, int]:
    """The 1-based column and row of an A1 reference such as ``D17`` or ``$D$17``."""
    found = _REFERENCE.fullmatch(reference)
    if found is None:
        raise ValueError(f"{reference!r} is not an A1 cell reference")
    return column_index(found[1]), int(found[2])


@dataclass
class Place:
    """How findings name a place in one file: "Sheet!D17" in a workbook; in a CSV "D17" is
    column D of the record that starts on line 17 (a quoted cell may span lines)."""

    file: str
    sheet: str
    is_csv: bool

    def cell(self, column: int, row: int) -> str:
        ref = f"{column_letter(column + 1)}{row}"
        return ref if self.is_csv else f"{self.sheet}!{ref}"

    def row(self, row: int) -> str:
        return f"line {row}" if self.is_csv else f"{self.sheet}!row {row}"

    def finding(
        self,
        kind: FindingCode,
        *,
        cell: str | None = None,
        value: Any = None,
        severity: Severity | None = None,
        variant: str | None = None,
        column: str | None = None,
        **params: Any,
    ) -> Finding:
        """A finding of ``kind`` in this file and sheet (see :meth:`FindingCode.finding`)."""
        return kind.finding(
            file=self.file,
            sheet=None if self.is_csv else self.sheet,
            cell=cell,
            value=value,
            severity=severity,
            variant=variant,
            column=column,
            **params,
        )
