"""A big sheet is read a window of rows at a time; it must read exactly as the whole sheet.

Each workbook here is read twice: whole (as every sheet under the window size
is) and cut into windows of a few hundred bytes of XML (as a sheet of tens of
thousands of rows is), and both must give the same rows, the same report
and the same findings.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from importers import import_file, xlsx_windows
from importers.reading import open_register
from tests.importers.helpers import HEADERS, saved_by_libreoffice, write_workbook
from tests.importers.test_workbooks import SHARED, _register_parts
from tests.importers.xlsx_parts import Book, Part, cell, row, write_book

WHOLE = 1 << 40  # no sheet is this big: read whole


def _read(path: Path) -> list[tuple[Any, ...]]:
    with open_register(path) as register:
        return [
            (s.name, s.hidden, s.hidden_rows, s.hidden_columns, list(s.rows))
            for s in register.sheets()
        ]


def _imported(session: Session, path: Path) -> dict[str, Any]:
    report = import_file(session, path, commissioner="99F", dry_run=True)
    return report.as_json()


def _both_ways(
    session: Session, path: Path, monkeypatch: pytest.MonkeyPatch, window: int
) -> dict[str, Any]:
    """The rows and the import report of ``path``, read whole and in windows: the same."""
    outcomes = {}
    for name, size in (("whole", WHOLE), ("windows", window)):
        monkeypatch.setattr(xlsx_windows, "WINDOW_BYTES", size)
        monkeypatch.setattr(xlsx_windows, "READ_WHOLE_UP_TO", size)
        outcomes[name] = (_read(path), _imported(session, path))
    assert outcomes["windows"][0] == outcomes["whole"][0]
    assert outcomes["windows"][1] == outcomes["whole"][1]
    with zipfile.ZipFile(path) as archive:  # and the windows were used
        biggest = max(i.file_size for i in archive.infolist() if "sheets/" in i.filename)
    assert biggest > window
    return outcomes["whole"][1]


def _register_rows(count: int) -> list[list[Any]]:
    """A register with what the row checks look at: a shared reference, a duplicate,
    blank rows in the middle, a bad date, and a totals row."""
    rows: list[list[Any]] = [["Mid Essex contract register"], [], HEADERS]
    for n in range(count):
        supplier = "Provide CIC" if n % 2 else "EPUT"
        rows.append(
            [
                f"MSE-{n}",
                f"Service {n}",
                "Mid Essex CCG",
                supplier,
                dt.datetime(2016, 4, 1) + dt.timedelta(days=n),
                "31/03/2019",
                1000 + n,
            ]
        )
        if n % 17 == 5:
            rows.append([])  # a blank row: no <row> in the file
    rows.append(["FW-1", "Framework lot", "Mid Essex CCG", "EPUT", "01/04/2016", "", 10])
    rows.append(["FW-1", "Framework lot", "Mid Essex CCG", "Provide CIC", "01/04/2016", "", 10])
    rows.append(["MSE-3", "Again", "Mid Essex CCG", "Provide CIC", "01/04/2016", "", 5])
    rows.append(["MSE-X", "Bad date", "Mid Essex CCG", "EPUT", "31/02/2016", "", 5])
    rows.append(["Total", None, None, None, None, None, sum(1000 + n for n in range(count)) + 30])
    return rows


@pytest.mark.parametrize("window", [200, 3000])
def test_a_register_reads_the_same_whole_and_in_windows(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    path = write_workbook(
        tmp_path / "register.xlsx",
        {"Register": _register_rows(120), "Notes": [["Read me"]]},
        hidden_rows={"Register": [9, 40]},
        hidden_columns={"Register": ["G"]},
    )
    report = _both_ways(session, path, monkeypatch, window)
    codes = {f["code"] for f in report["findings"]}
    assert {"shared-reference", "duplicate-reference", "bad-date", "hidden-rows"} <= codes
    assert {"totals-mismatch", "hidden-column"} <= codes
    assert report["rows_read"] == 124


@pytest.mark.parametrize(
    ("prefix", "dimension", "date1904"),
    [("", None, False), ("", "A1:B2", False), ("x", "A1:F6", False), ("", "A1:F6", True)],
)
def test_workbook_parts_read_the_same_whole_and_in_windows(
    session: Session,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    prefix: str,
    dimension: str | None,
    date1904: bool,
) -> None:
    """Shared and inline strings, rich text, cached formula results, an error cell, a
    hidden row and column, a namespace prefix, a wrong <dimension>, the 1904 dates."""
    path = write_book(
        tmp_path / "parts.xlsx",
        Book([_register_parts(prefix, dimension)], SHARED, date1904=date1904),
    )
    report = _both_ways(session, path, monkeypatch, 100)
    codes = {f["code"] for f in report["findings"]}
    assert {"bad-money", "hidden-rows", "hidden-column"} <= codes


def test_rows_that_do_not_say_their_number_are_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = "".join(
        row(n, cell(f"A{n}", text, kind="inlineStr"), cell(f"B{n}", title, kind="inlineStr"))
        for n, (text, title) in enumerate(
            [("Ref", "Title"), ("R-1", "Podiatry"), ("R-2", "Falls")], start=1
        )
    ).replace(' r="1"', "", 1)
    path = write_book(tmp_path / "unnumbered.xlsx", Book([Part("Register", rows)], SHARED))
    monkeypatch.setattr(xlsx_windows, "WINDOW_BYTES", 50)
    monkeypatch.setattr(xlsx_windows, "READ_WHOLE_UP_TO", 50)
    ((_name, _hidden, _rows, _columns, read),) = _read(path)
    assert [values[:2] for _number, values in read] == [
        ("Ref", "Title"),
        ("R-1", "Podiatry"),
        ("R-2", "Falls"),
    ]


@pytest.mark.libreoffice
def test_a_register_saved_by_libreoffice_reads_the_same_whole_and_in_windows(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = _register_rows(60)
    rows.append(["F-1", "Formula", "Mid Essex CCG", "EPUT", "01/04/2016", "", "=6*7"])
    original = write_workbook(
        tmp_path / "cpr.xlsx",
        {"Register": rows},
        hidden_rows={"Register": [12]},
        merge={"Register": ["A1:C1"]},
    )
    (saved,) = saved_by_libreoffice([original], tmp_path / "lo")
    report = _both_ways(session, saved, monkeypatch, 1000)
    assert "hidden-rows" in {f["code"] for f in report["findings"]}
    with zipfile.ZipFile(saved) as archive:  # LibreOffice writes shared strings and <dimension>
        assert "xl/sharedStrings.xml" in archive.namelist()
