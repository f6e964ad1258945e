"""Import messages that say what happened: suggestions only for fields not yet mapped,
cells quoted as the register shows them, the tense of what was done, and a note for each
useful field the file lacks."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from openpyxl import Workbook

from cli import main
from tests.importers.helpers import HEADERS, saved_by_libreoffice, write_csv, write_workbook

ROW = ["MSE-1", "Community nursing", "Mid Essex CCG", "Provide CIC", "01/04/2016", "31/03/2019",
       "£1,200,000"]  # fmt: skip


def invoke(runner: CliRunner, url: str, *args: str) -> Result:
    return runner.invoke(main, ["--database", url, *args])


def _findings(result: Result) -> list[dict[str, Any]]:
    (report,) = json.loads(result.stdout)["files"]
    return report["findings"]  # type: ignore[no-any-return]


def _by_code(result: Result) -> dict[str, dict[str, Any]]:
    return {f["code"]: f for f in _findings(result)}


def test_no_suggestion_for_a_field_already_mapped(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    headers = [*HEADERS, "Contract Manager", "Annual vlaue"]
    path = write_csv(tmp_path / "mid.csv", [headers, [*ROW, "J. Smith", "5"]])
    result = invoke(runner, database_url, "import", str(path), "--dry-run", "--format", "json")
    unknown = {f["value"]: f for f in _findings(result) if f["code"] == "unknown-column"}
    # "Contract Manager" looks most like a title, but "Contract title" is the title
    manager = unknown["Contract Manager"]
    assert manager["severity"] == "info"
    assert manager["message"] == (
        "column 'Contract Manager' was not recognised and was not imported "
        "(or --map 'Contract Manager=ignore')"
    )
    # "Annual vlaue" looks like the annual value, which "Value p.a. (£)" already holds;
    # without that column, the suggestion is made
    assert "use --map" not in unknown["Annual vlaue"]["message"].split("(or")[0]
    headers = ["Contract Ref", "Contract title", "Commissioner", "Supplier", "Annual vlaue"]
    path = write_csv(tmp_path / "mid2.csv", [headers, [*ROW[:4], "5"]])
    result = invoke(runner, database_url, "import", str(path), "--dry-run", "--format", "json")
    (vlaue,) = [f for f in _findings(result) if f["code"] == "unknown-column"]
    assert vlaue["severity"] == "warning"
    assert "if it is the annual value, use --map 'Annual vlaue=annual_value'" in vlaue["message"]


def _dated_register(path: Path) -> Path:
    """A register as a UK team keeps it: real date cells shown as dd/mm/yyyy."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Contracts"
    sheet.append(["Ref", "Title", "Commissioner", "Provider", "Start", "End", "Annual value"])
    rows = [
        ["CPR-1", "Podiatry", "Castle Point and Rochford CCG", "Provide CIC",
         dt.datetime(2017, 4, 1), dt.datetime(2016, 3, 31), 1000],
        ["CPR-2", "Falls service", "Castle Point and Rochford CCG", "Provide CIC",
         dt.datetime(2016, 4, 1), dt.datetime(2017, 3, 31), dt.datetime(2016, 3, 31)],
    ]  # fmt: skip
    for values in rows:
        sheet.append(values)
    for cells in sheet.iter_rows(min_row=2, min_col=5, max_col=7):
        for cell in cells:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "dd/mm/yyyy"
    workbook.save(path)
    return path


def test_a_date_cell_is_quoted_as_the_workbook_shows_it(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    (saved,) = saved_by_libreoffice([_dated_register(tmp_path / "cpr.xlsx")], tmp_path / "lo")
    result = invoke(runner, database_url, "import", str(saved), "--format", "json")
    assert result.exit_code == 1
    found = _by_code(result)
    ends = found["end-before-start"]
    assert (ends["cell"], ends["value"]) == ("Contracts!F2", "31/03/2016")
    assert ends["message"] == "the contract ends (31/03/2016) before it starts (01/04/2017)"
    money = found["bad-money"]
    assert (money["cell"], money["value"]) == ("Contracts!G3", "31/03/2016")
    assert money["message"] == "Annual value: 31/03/2016 is not an amount of money"
    text = invoke(runner, database_url, "import", str(saved))
    assert "end-before-start  cpr.xlsx  Contracts!F2  '31/03/2016'" in text.output
    assert "2016-03-31" not in text.output


def test_a_csv_cell_is_quoted_as_written(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    rows = [
        ["MSE-1", "Community nursing", "Mid Essex CCG", "Provide CIC", "1 April 2017",
         "31-Mar-2016", "(1,000)"],
    ]  # fmt: skip
    path = write_csv(tmp_path / "mid.csv", [HEADERS, *rows], encoding="cp1252")
    result = invoke(runner, database_url, "import", str(path), "--format", "json")
    found = _by_code(result)
    assert found["end-before-start"]["value"] == "31-Mar-2016"
    assert found["negative-value"]["value"] == "(1,000)"


def test_the_tense_says_what_was_done(runner: CliRunner, database_url: str, tmp_path: Path) -> None:
    rows = [ROW, ["MSE-2", "Wheelchair service", "Mid Essex CCG", "Acme Wheels Ltd",
                  "01/04/2016", "31/03/2017", "250k"]]  # fmt: skip
    path = write_workbook(
        tmp_path / "mid.xlsx", {"Register": [HEADERS, *rows]}, hidden_rows={"Register": [3]}
    )
    dry = invoke(runner, database_url, "import", str(path), "--dry-run")
    assert "new provider 'Acme Wheels Ltd' will be added" in dry.output
    assert "1 row(s) are hidden in Excel but will be imported: rows 3" in dry.output

    done = invoke(runner, database_url, "import", str(path))
    assert done.exit_code == 0, done.output
    assert "new provider 'Acme Wheels Ltd' added" in done.output
    assert "will be added" not in done.output
    assert "1 row(s) are hidden in Excel but were imported: rows 3" in done.output

    shorter = write_workbook(tmp_path / "mid.xlsx", {"Register": [HEADERS, ROW]})
    dry = invoke(runner, database_url, "import", str(shorter), "--dry-run")
    assert (
        "'Wheelchair service' is no longer in this register; it will be marked as not in the "
        "register (kept, not deleted)"
    ) in dry.output
    done = invoke(runner, database_url, "import", str(shorter))
    assert "'Wheelchair service' is no longer in this register; marked as not in" in done.output

    # a refused file has added nothing: its new provider is still to be added
    bad = [["X-1", "Podiatry", "Mid Essex CCG", "Feet First Ltd", "01/04/2016", "31/02/2017",
            "£10,000"]]  # fmt: skip
    refused = invoke(
        runner, database_url, "import", str(write_csv(tmp_path / "x.csv", [HEADERS, *bad]))
    )
    assert refused.exit_code == 1
    assert "new provider 'Feet First Ltd' will be added" in refused.output


def test_a_note_for_each_useful_field_the_file_lacks(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    bare = write_csv(
        tmp_path / "bare.csv",
        [
            ["Ref", "Title", "Commissioner", "Supplier"],
            ["B-1", "Podiatry", "Mid Essex CCG", "EPUT"],
        ],
    )
    result = invoke(runner, database_url, "import", str(bare), "--dry-run", "--format", "json")
    notes = {f["message"] for f in _findings(result) if f["code"] == "no-column"}
    assert notes == {
        "no column holds the service category: every contract's service category is left "
        "unknown (if one does, name it with --map 'Header=service_category')",
        "no column holds the contract form: each contract's form is inferred from its parties "
        "and title (if one does, name it with --map 'Header=contract_form')",
        "no column holds the start date: every contract's start is left unknown (if one does, "
        "name it with --map 'Header=start_date')",
        "no column holds the end date: every contract's end is left unknown (if one does, name "
        "it with --map 'Header=end_date')",
        "no column holds the annual value or the total value: every contract's value is left "
        "unknown (if one does, name it with --map 'Header=annual_value' or "
        "'Header=total_value')",
    }
    assert all(f["cell"] == "line 1" for f in _findings(result) if f["code"] == "no-column")
    # a whole-life value is a value: no note for it; the other notes stay
    full = write_csv(
        tmp_path / "full.csv",
        [
            ["Ref", "Title", "Commissioner", "Supplier", "Category", "Contract type", "Start",
             "End", "Total contract value"],
            ["B-1", "Podiatry", "Mid Essex CCG", "EPUT", "community", "NHS Standard Contract",
             "01/04/2016", "31/03/2017", "£10,000"],
        ],
    )  # fmt: skip
    result = invoke(runner, database_url, "import", str(full), "--dry-run", "--format", "json")
    assert [f for f in _findings(result) if f["code"] == "no-column"] == []
    text = invoke(runner, database_url, "import", str(bare), "--dry-run")
    assert "no-column  bare.csv  line 1  ''  no column holds the service category" in text.output
