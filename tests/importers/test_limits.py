"""Limits and findings: sheet size refused with figures, nothing changed silently (early
Excel serials, over-long text, money just under the limit), no library warning printed."""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy.orm import Session

from cli import main
from contracts import gate
from contracts.errors import InputRejected
from importers.pipeline import import_file
from importers.values import MONEY_LIMIT, Problem, parse_date, parse_money
from tests.importers.helpers import HEADERS, write_csv

ROW = ["L-1", "Community nursing", "Mid Essex CCG", "Provide CIC", "01/04/2016", "31/03/2019"]


@pytest.mark.parametrize(
    "written", ["999,999,999,999.995", "1,000,000,000,000", "999999999999.999", "-1e12"]
)
def test_money_at_the_limit_is_refused_as_written(written: str) -> None:
    assert isinstance(parse_money(written), Problem)


def test_the_largest_storable_amount_is_kept_exactly() -> None:
    assert parse_money("999,999,999,999.99") == Decimal("999999999999.99")
    assert isinstance(parse_money(Decimal("999999999999.995")), Problem)
    assert isinstance(parse_money(999999999999.995), Problem)


@given(st.decimals(min_value=0, max_value=MONEY_LIMIT * 2, places=3))
def test_no_amount_stored_reaches_the_limit(amount: Decimal) -> None:
    parsed = parse_money(str(amount))
    if isinstance(parsed, Decimal):
        assert abs(parsed) < MONEY_LIMIT and amount <= MONEY_LIMIT - Decimal("0.01")
    else:
        assert amount > MONEY_LIMIT - Decimal("0.01")


def _serial_workbook(path: Path, serials: list[float]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Register"
    sheet.append(HEADERS)
    for number, serial in enumerate(serials, 1):
        sheet.append([f"S-{number}", "Nursing", "Mid Essex CCG", "Provide CIC", serial])
        sheet.cell(sheet.max_row, 5).number_format = "dd/mm/yyyy"
    workbook.save(path)
    return path


def test_early_and_negative_excel_serials_are_findings_not_dates(
    session: Session, tmp_path: Path
) -> None:
    path = _serial_workbook(tmp_path / "serials.xlsx", [0, -5, 59, 60, 42461])
    report = import_file(session, path, dry_run=True)
    bad = {f.cell: f.message for f in report.findings if f.code == "bad-date"}
    assert set(bad) == {"Register!E2", "Register!E3", "Register!E4", "Register!E5"}, bad
    assert "Excel serial of 60 or less" in bad["Register!E5"]
    assert "serial of 0 or below" in bad["Register!E2"]


def test_placeholder_1900_is_still_a_placeholder() -> None:
    assert parse_date(dt.date(1900, 1, 1)) == dt.date(1900, 1, 1)  # flagged by validate
    assert isinstance(parse_date(dt.date(1900, 2, 28)), Problem)
    assert parse_date(dt.date(1900, 3, 1)) == dt.date(1900, 3, 1)


def test_an_over_long_title_is_the_same_finding_in_csv_and_workbook(
    session: Session, tmp_path: Path
) -> None:
    row = [ROW[0], "t" * 600, *ROW[2:], "1000"]
    csv_path = write_csv(tmp_path / "long.csv", [HEADERS, row])
    workbook = Workbook()
    workbook.active.append(HEADERS)
    workbook.active.append(row)
    xlsx_path = tmp_path / "long.xlsx"
    workbook.save(xlsx_path)
    for path in (csv_path, xlsx_path):
        report = import_file(session, path, dry_run=True)
        codes = [f.code for f in report.findings if f.is_error]
        assert codes == ["text-too-long"], (path.name, codes)
        assert "600 characters, more than the 500" in report.render_text()


def test_a_sheet_beyond_the_size_limits_is_refused_with_its_figures(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gate, "MAX_ROWS", 50)
    rows = [HEADERS] + [[f"R-{n}", *ROW[1:], "1"] for n in range(60)]
    write_csv(tmp_path / "tall.csv", rows)
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(tmp_path / "tall.xlsx")
    for name in ("tall.csv", "tall.xlsx"):
        with pytest.raises(InputRejected, match="more than the 50 rows"):
            import_file(session, tmp_path / name, dry_run=True)
    monkeypatch.setattr(gate, "MAX_ROWS", 1000)
    monkeypatch.setattr(gate, "MAX_CELLS", 100)
    with pytest.raises(InputRejected, match=r"61 rows × 7 columns"):
        import_file(session, tmp_path / "tall.xlsx", dry_run=True)


def test_openpyxl_warnings_are_never_printed_by_review(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    workbook = Workbook()
    workbook.active.append(["Proposal ID", "Decision"])
    path = tmp_path / "warns.xlsx"
    workbook.save(path)
    # a defined name for a sheet that is not there: openpyxl warns and skips it
    patched = tmp_path / "warned.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/workbook.xml":
                # "<definedNames />" or, written through lxml, "<definedNames/>"
                data = re.sub(
                    rb"<definedNames ?/>",
                    b'<definedNames><definedName name="x" localSheetId="5">'
                    b"Sheet!$A$1</definedName></definedNames>",
                    data,
                )
                assert b"localSheetId" in data
            target.writestr(info, data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = runner.invoke(main, ["--database", database_url, "review", str(patched)])
    assert result.exit_code == 1, result.output
    assert "UserWarning" not in result.output and "warn" not in result.output.lower()
    assert not [w for w in caught if issubclass(w.category, UserWarning)]
