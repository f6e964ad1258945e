"""Rows typed under the totals row: a complete contract is imported, anything else is
left out with a warning that counts it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from cli import main
from tests.importers.helpers import HEADERS, write_csv, write_workbook

ABOVE = [
    ["MSE-1", "Community nursing", "Mid Essex CCG", "Provide CIC", "01/04/2016", "31/03/2019",
     1200000],
    ["MSE-2", "Wheelchair service", "Mid Essex CCG", "Acme Wheels Ltd", "01/04/2016",
     "31/03/2017", 250000],
]  # fmt: skip
TOTAL = [None, "Total", None, None, None, None, 1450000]
BELOW = [
    # typed in after the totals row was made: a whole contract
    ["MSE-3", "Falls prevention", "Mid Essex CCG", "Provide CIC", "01/05/2016", "31/03/2018",
     80000],
    [None, "Prepared by the contracts team, March 2016"],
    ["MSE-4", "Podiatry (to be agreed)", None, None, None, None, None],
]  # fmt: skip


def invoke(runner: CliRunner, url: str, *args: str) -> Result:
    return runner.invoke(main, ["--database", url, *args])


def _findings(result: Result) -> dict[str, dict[str, str]]:
    (report,) = json.loads(result.stdout)["files"]
    return {f["code"]: f for f in report["findings"]}


def test_a_contract_under_the_totals_row_is_imported_and_a_note_is_counted(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    path = write_workbook(
        tmp_path / "mid-essex.xlsx", {"Register": [["Mid Essex"], HEADERS, *ABOVE, TOTAL, *BELOW]}
    )
    result = invoke(runner, database_url, "import", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    found = _findings(result)
    assert found["below-totals-imported"]["cell"] == "Register!row 6"
    assert found["below-totals-imported"]["severity"] == "info"
    assert found["below-totals"]["severity"] == "warning"
    assert found["below-totals"]["cell"] == "Register!row 7"
    assert found["below-totals"]["message"] == (
        "2 row(s) below the totals row were left out: they are not complete contracts (a "
        "title, a provider, a commissioner and a date or value); rows 7, 8"
    )
    # the totals row sums the rows above it, not the one typed below
    assert found["totals-row"]["message"].startswith("the totals row matches the rows above")
    listed = json.loads(invoke(runner, database_url, "list", "--format", "json").stdout)
    assert sorted(c["reference"] for c in listed) == ["MSE-1", "MSE-2", "MSE-3"]


def test_in_a_csv_too_and_the_text_report_says_so(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "mid-essex.csv", [HEADERS, *ABOVE, TOTAL, *BELOW], "cp1252")
    result = invoke(runner, database_url, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "3 created" in result.output
    assert (
        "below-totals  mid-essex.csv  line 6  ''  2 row(s) below the totals row were left out"
    ) in result.output
    assert "below-totals-imported  mid-essex.csv  line 5" in result.output


def test_a_complete_row_below_the_totals_with_an_error_is_an_error(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    broken = ["MSE-3", "Falls prevention", "Mid Essex CCG", "Provide CIC", "01/05/2016",
              "31/02/2018", 80000]  # fmt: skip
    path = write_csv(tmp_path / "mid-essex.csv", [HEADERS, *ABOVE, TOTAL, broken])
    result = invoke(runner, database_url, "import", str(path), "--format", "json")
    assert result.exit_code == 1
    found = _findings(result)
    assert found["bad-date"]["cell"] == "F5"
    assert "below-totals" not in found
