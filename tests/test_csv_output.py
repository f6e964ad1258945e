"""CSV output is safe to open in a spreadsheet: register text never becomes a formula."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cli import main
from contracts.commands.render import FORMULA_STARTS, csv_cell, to_csv
from tests.importers.helpers import HEADERS, write_csv

HOSTILE_TITLE = '=HYPERLINK("http://evil.example","x")'
HOSTILE_REFERENCE = "-1+2"
HOSTILE_PROVIDER = "@SUM(A1) Care"
PERIOD = ("01/04/2016", "31/03/2019")
HOSTILE_NOTES = ("+1+1", "\t=1+1", "\r=1+1")


def _register(path: Path, reference: str) -> Path:
    return write_csv(
        path,
        [
            [*HEADERS],
            [reference, HOSTILE_TITLE, "Mid Essex CCG", HOSTILE_PROVIDER, *PERIOD, "1200000"],
            ["OK-1", "+1+1 nursing", "Mid Essex CCG", "Provide CIC", *PERIOD, "1000"],
        ],
    )


def _import_hostile_registers(runner: CliRunner, url: str, tmp_path: Path) -> None:
    """The same hostile contract in two registers, so it is a duplicate set too."""
    for source, reference in (("first", HOSTILE_REFERENCE), ("second", "=2+3")):
        path = _register(tmp_path / f"{source}.csv", reference)
        result = runner.invoke(main, ["--database", url, "import", str(path)])
        assert result.exit_code == 0, result.output


def _cells(output: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(output)) for cell in row]


def _csv_outputs(runner: CliRunner, url: str, *flags: str) -> dict[str, str]:
    outputs = {}
    commands = (["list"], ["summary"], ["summary", "--by", "provider"], ["orgs", "list"])
    for command in (*commands, ["duplicates"]):
        result = runner.invoke(
            main, ["--database", url, *flags, *command, "--format", "csv"], catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
        outputs[" ".join(command)] = result.output
    return outputs


def test_csv_cells_from_register_text_never_start_a_formula(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    _import_hostile_registers(runner, database_url, tmp_path)
    outputs = _csv_outputs(runner, database_url)
    for command, output in outputs.items():
        cells = _cells(output)
        dangerous = [c for c in cells if c.startswith(FORMULA_STARTS)]
        assert dangerous == [], f"{command}: {dangerous}"
    list_cells = _cells(outputs["list"])
    assert "'" + HOSTILE_TITLE in list_cells
    assert "'" + HOSTILE_REFERENCE in list_cells
    assert "'=2+3" in list_cells
    assert "'" + HOSTILE_PROVIDER in _cells(outputs["orgs list"])
    assert "'" + HOSTILE_PROVIDER in _cells(outputs["summary --by provider"])
    assert "'" + HOSTILE_TITLE in _cells(outputs["duplicates"])


def test_raw_writes_the_text_exactly_globally_or_per_command(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    _import_hostile_registers(runner, database_url, tmp_path)
    raw = _cells(_csv_outputs(runner, database_url, "--raw")["list"])
    assert HOSTILE_TITLE in raw and HOSTILE_REFERENCE in raw
    result = runner.invoke(main, ["--database", database_url, "list", "--format", "csv", "--raw"])
    assert result.exit_code == 0, result.output
    assert HOSTILE_TITLE in _cells(result.output)


def test_json_stays_exact(runner: CliRunner, database_url: str, tmp_path: Path) -> None:
    _import_hostile_registers(runner, database_url, tmp_path)
    result = runner.invoke(main, ["--database", database_url, "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    titles = {row["title"] for row in json.loads(result.output)}
    references = {row["reference"] for row in json.loads(result.output)}
    assert HOSTILE_TITLE in titles and HOSTILE_REFERENCE in references


@pytest.mark.parametrize("text", [HOSTILE_TITLE, *HOSTILE_NOTES, "@x", "-"])
def test_every_formula_start_is_guarded_and_raw_is_exact(text: str) -> None:
    assert csv_cell(text) == "'" + text
    assert csv_cell(text, raw=True) == text
    assert csv_cell([text, "b"]) == "'" + text + "; b"


def test_numbers_the_tool_writes_stay_numbers() -> None:
    from decimal import Decimal

    assert csv_cell(Decimal("-1000")) == "-1000.00"
    assert csv_cell(-3) == -3
    assert csv_cell("plain text") == "plain text"
    assert csv_cell(None) == ""


@pytest.mark.libreoffice
def test_libreoffice_opens_the_csv_with_no_formula(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (soffice is not on the PATH)")
    _import_hostile_registers(runner, database_url, tmp_path)
    rows = [{"text": t} for t in (HOSTILE_TITLE, HOSTILE_REFERENCE, "=2+3", "@SUM(A1)")]
    buffer = io.StringIO()
    to_csv(rows, ("text",), buffer)
    out_dir = tmp_path / "lo"
    out_dir.mkdir()
    paths = [tmp_path / "probes.csv"]
    paths[0].write_text(buffer.getvalue(), encoding="utf-8")
    raw_buffer = io.StringIO()
    to_csv(rows, ("text",), raw_buffer, raw=True)
    raw_path = tmp_path / "raw-probes.csv"
    raw_path.write_text(raw_buffer.getvalue(), encoding="utf-8")
    for command, output in _csv_outputs(runner, database_url).items():
        path = tmp_path / f"{command.replace(' ', '-')}.csv"
        path.write_text(output, encoding="utf-8")
        paths.append(path)
    profile = tmp_path / f"lo-profile-{uuid.uuid4().hex}"
    completed = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            *("--headless", "--norestore", "--convert-to", "xlsx", "--outdir", str(out_dir)),
            str(raw_path),
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    # The control: the same text written --raw does become formulas in LibreOffice.
    raw_book = load_workbook(out_dir / "raw-probes.xlsx")
    assert any(c.data_type == "f" for row in raw_book.active.iter_rows() for c in row)
    raw_book.close()
    texts = []
    for path in paths:
        converted = out_dir / (path.stem + ".xlsx")
        assert converted.exists(), completed.stderr
        workbook = load_workbook(converted)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{path.name} {cell.coordinate}: {cell.value}"
                    texts.append(cell.value)
        workbook.close()
    assert "'" + HOSTILE_TITLE in texts  # still there, as text
