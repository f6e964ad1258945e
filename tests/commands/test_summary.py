"""`contracts summary`: one table per call for scripts, the headline in JSON, --on DATE."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.commands.conftest import WIDTHS, Run, lines_fit

HEADER = ["name", "code", "contracts", "annual_value", "unknown_values"]


@pytest.mark.parametrize("by", ["commissioner", "provider", "status"])
def test_csv_is_one_table_per_call(run: Run, by: str) -> None:
    rows = list(csv.reader(io.StringIO(run(80, "summary", "--by", by, "--format", "csv").output)))
    assert rows[0] == HEADER
    assert all(len(row) == len(HEADER) for row in rows)
    assert HEADER not in rows[1:]  # one header: one table
    data = json.loads(run(80, "summary", "--by", by, "--format", "json").output)
    assert [r[0] for r in rows[1:]] == [line["name"] for line in data[f"by_{by}"]]
    assert sum(int(r[2]) for r in rows[1:]) == data["contracts"]


def test_csv_defaults_to_commissioners(run: Run) -> None:
    default = run(80, "summary", "--format", "csv").output
    assert default == run(80, "summary", "--by", "commissioner", "--format", "csv").output
    assert "NHS Mid Essex CCG" in default


def test_json_has_the_headline_and_the_one_table(run: Run) -> None:
    data = json.loads(run(80, "summary", "--format", "json").output)
    assert data["headline"].startswith(f"{data['contracts']} contracts in the register")
    assert data["by"] == "commissioner" and "by_provider" not in data
    assert data["consolidation"]["contracts_before"] == data["contracts"]


def test_on_counts_only_contracts_in_force(run: Run) -> None:
    every = json.loads(run(80, "summary", "--format", "json").output)
    on = json.loads(run(80, "summary", "--on", "01/04/2016", "--format", "json").output)
    in_force = json.loads(run(80, "list", "--active-on", "2016-04-01", "--format", "json").output)
    assert on["on"] == "2016-04-01"
    assert on["contracts"] + on["duplicates_counted_once"] == len(in_force)
    assert on["contracts"] < every["contracts"]
    assert on["headline"].startswith(f"{on['contracts']} contracts in force on 01/04/2016")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_table_fits_with_money_in_pounds(run: Run, width: int) -> None:
    output = run(width, "summary", "--on", "2016-04-01").output
    lines_fit(output, width)
    assert "By commissioner" in output and "By provider" in output
    assert "contracts in force on 01/04/2016, annual value £" in output
    only = run(width, "summary", "--by", "status").output
    assert "By status" in only and "By provider" not in only
