"""Builders for register files, written by the tests themselves (no binary fixtures)."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
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


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
NO_SOFFICE = (
    "LibreOffice is not installed (soffice is not on the PATH); "
    "apt-get install libreoffice-calc-nogui, as .ci/run does"
)


def saved_by_libreoffice(paths: Sequence[Path], out_dir: Path) -> list[Path]:
    """Each of ``paths`` opened in LibreOffice Calc (headless) and saved again as .xlsx in
    ``out_dir``: the nearest a test can come to a register saved by a spreadsheet program."""
    if SOFFICE is None:
        pytest.skip(NO_SOFFICE)
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / f"lo-profile-{uuid.uuid4().hex}"  # parallel runs must not share one
    completed = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--calc",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out_dir),
            *(str(p) for p in paths),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    shutil.rmtree(profile, ignore_errors=True)
    converted = [out_dir / (p.stem + ".xlsx") for p in paths]
    assert completed.returncode == 0 and all(c.exists() for c in converted), completed.stderr
    return converted
