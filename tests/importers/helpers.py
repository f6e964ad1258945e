"""Builders for register files, written by the tests themselves (no binary fixtures)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

HEADERS = [
    "Contract Ref",
    "Contract title",
    "Commissioner",
    "Supplier",
    "Start",
    "Expiry",
    "Value p.a. (£)",
]


def write_workbook(path: Path, sheets: dict[str, Sequence[Sequence[Any]]], **options: Any) -> Path:
    """An .xlsx with one sheet per entry; ``merge`` / ``hidden_rows`` / ``hidden_columns``
    map a sheet name to ranges, row numbers or column letters."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        for cells in options.get("merge", {}).get(name, []):
            sheet.merge_cells(cells)
        for number in options.get("hidden_rows", {}).get(name, []):
            sheet.row_dimensions[number].hidden = True
        for letter in options.get("hidden_columns", {}).get(name, []):
            sheet.column_dimensions[letter].hidden = True
    workbook.save(path)
    workbook.close()
    return path


def write_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> Path:
    """A CSV as Excel writes it: CRLF line ends, quoted where needed."""
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def simple_register(path: Path, rows: Sequence[Sequence[Any]] | None = None) -> Path:
    """A one-sheet register with a title row above the header."""
    body = (
        rows
        if rows is not None
        else [
            [
                "MSE-1",
                "Community nursing",
                "Mid Essex CCG",
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
        ]
    )
    return write_workbook(path, {"Register": [["Mid Essex contract register"], [], HEADERS, *body]})
