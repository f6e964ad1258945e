"""Refusals that say what a file holds, a text report that stays readable on a big file,
and every finding in JSON or in a spreadsheet (where text stays text)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from cli import main
from contracts.errors import InputRejected
from importers import import_file
from importers.report import SHOWN_PER_CODE
from tests.importers.helpers import write_csv, write_workbook


def invoke(runner: CliRunner, url: str, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(main, ["--database", url, *args])


def test_no_header_row_says_what_the_first_rows_hold(session: Session, tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "odd.xlsx",
        {
            "Sheet1": [
                ["Our contracts, March"],
                [],
                ["Scheme no.", "Prov.", "Yearly cost", "Budget holder"],
                ["S-1", "EPUT", 1000, "J. Smith"],
            ]
        },
    )
    with pytest.raises(InputRejected) as refused:
        import_file(session, path, commissioner="99E")
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith("odd.xlsx has no header row that names contract fields")
    assert "row 1: 'Our contracts, March'" in message
    assert "row 3: 'Scheme no.', 'Prov.', 'Yearly cost', 'Budget holder'" in message
    assert "'Prov.' may be the provider" in message
    assert message.endswith("or use --map 'Header=field'")


def _many_bad_rows(path: Path, count: int) -> Path:
    rows = [["Ref", "Title", "Supplier", "Annual value"]]
    rows += [[f"B-{n}", f"Service {n}", "EPUT", "=lots"] for n in range(count)]
    return write_csv(path, rows)


def test_the_text_report_shows_twenty_of_each_code_and_counts_the_rest(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    path = _many_bad_rows(tmp_path / "big.csv", 45)
    result = invoke(runner, database_url, "import", str(path), "--commissioner", "99E")
    assert result.exit_code == 1
    shown = [line for line in result.stdout.splitlines() if line.startswith("    bad-money")]
    assert len(shown) == SHOWN_PER_CODE == 20
    assert "… and 25 more bad-money (every finding: --format json" in result.stdout
    as_json = invoke(
        runner, database_url, "import", str(path), "--commissioner", "99E", "--format", "json"
    )
    (report,) = json.loads(as_json.stdout)["files"]
    assert [f["code"] for f in report["findings"]].count("bad-money") == 45


def test_report_writes_every_finding_to_a_spreadsheet_as_text(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    bad = _many_bad_rows(tmp_path / "big.csv", 30)
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    out = tmp_path / "findings.xlsx"
    result = invoke(
        runner,
        database_url,
        "import",
        str(bad),
        str(old),
        "--commissioner",
        "99E",
        "--report",
        str(out),
    )
    assert result.exit_code == 1
    assert f"every finding written to {out}" in result.stdout
    workbook = load_workbook(out)
    findings = workbook["Findings"]
    header = [c.value for c in findings[1]]
    assert header == ["File", "Severity", "Code", "Sheet", "Place", "Value", "Message"]
    rows = [[c for c in row] for row in findings.iter_rows(min_row=2)]
    money = [row for row in rows if row[2].value == "bad-money"]
    assert len(money) == 30
    assert money[0][4].value == "D2"
    assert money[0][5].value == "=lots" and money[0][5].data_type == "s"  # text, not a formula
    files = {row[0].value: row for row in workbook["Files"].iter_rows(min_row=2)}
    assert files["old.xls"][2].value == "refused"
    assert "old Excel 97-2003" in files["old.xls"][9].value
    assert files["big.csv"][2].value == "rejected" and files["big.csv"][7].value == 30
    workbook.close()


def test_report_must_be_a_workbook(runner: CliRunner, database_url: str, tmp_path: Path) -> None:
    path = _many_bad_rows(tmp_path / "big.csv", 1)
    result = invoke(runner, database_url, "import", str(path), "--report", "out.txt")
    assert result.exit_code == 1
    assert "--report out.txt must end in .xlsx" in result.stderr
