"""Tables that fit 80 and 100 columns: identifiers whole, money in £, dates as people read them."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from cli import main
from tests.commands.conftest import WIDTHS, Run, lines_fit

DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")


@pytest.mark.parametrize("width", WIDTHS)
def test_list_fits_and_keeps_every_reference_whole(run: Run, width: int) -> None:
    contracts = json.loads(run(width, "list", "--format", "json").output)
    table = run(width, "list").output
    lines_fit(table, width)
    for contract in contracts:
        assert contract["reference"] in table  # never cut with …
    assert "…" not in table
    biggest = max(contracts, key=lambda c: float(c["annual_value"] or 0))
    assert f"£{float(biggest['annual_value']):,.2f}" in table
    assert DATE.search(table) and "2016-" not in table
    assert "Not shown at" in table and "--wide" in table


def test_a_wider_terminal_shows_more_columns(run: Run) -> None:
    header = {w: run(w, "list").output.splitlines()[2] for w in (80, 100, 200)}
    count = {w: header[w].count("┃") for w in header}
    assert count[80] < count[100] < count[200]
    assert "Not shown" not in run(200, "list").output


def test_wide_shows_every_column_and_columns_chooses(run: Run) -> None:
    wide = run(80, "list", "--wide").output
    for name in ("source", "commissioner", "category", "start", "provider"):
        assert name in wide.splitlines()[2]
    chosen = run(80, "list", "--columns", "reference,annual_value,provider").output
    assert re.search(r"reference\s+┃\s+annual_value\s+┃\s+provider", chosen.splitlines()[2])
    assert "Not shown" not in chosen


def test_an_unknown_column_names_the_choices(demo_url: str) -> None:
    result = CliRunner().invoke(main, ["--database", demo_url, "list", "--columns", "titel"])
    assert result.exit_code == 2
    assert "did you mean 'title'" in result.output and "annual_value" in result.output


def test_csv_and_json_keep_their_columns(run: Run) -> None:
    csv_header = run(80, "list", "--format", "csv").output.splitlines()[0]
    assert csv_header == (
        "id,reference,source,title,commissioner,provider,service_category,"
        "start_date,end_date,annual_value"
    )
    first = json.loads(run(80, "list", "--format", "json").output)[0]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", first["start_date"])


@pytest.mark.parametrize("width", WIDTHS)
def test_proposals_largest_first_and_fitting(run: Run, width: int) -> None:
    data = json.loads(run(width, "proposals", "list", "--format", "json").output)
    values = [float(p["annual_value"]) for p in data if p["annual_value"] is not None]
    assert values == sorted(values, reverse=True)
    table = run(width, "proposals", "list").output
    lines_fit(table, width)
    for proposal in data:
        assert proposal["id"] in table
    first_row = table.splitlines()[4]
    assert data[0]["id"] in first_row and f"£{values[0]:,.2f}" in first_row


@pytest.mark.parametrize("width", WIDTHS)
def test_duplicates_show_the_commissioner_and_whole_references(run: Run, width: int) -> None:
    sets = json.loads(run(width, "duplicates", "--format", "json").output)
    table = run(width, "duplicates").output
    lines_fit(table, width)
    assert "commissioner" in table
    for found in sets:
        for copy in found["contracts"]:
            assert copy["reference"] in table
    assert "…" not in table


@pytest.mark.parametrize("width", WIDTHS)
def test_a_proposal_card_writes_money_and_dates_for_people(run: Run, width: int) -> None:
    first = json.loads(run(width, "proposals", "list", "--format", "json").output)[0]
    card = run(width, "proposals", "show", first["id"]).output
    lines_fit(card, width)
    assert f"£{float(first['annual_value']):,.2f}" in card
    assert "False" not in card and "True" not in card
    for member in first["contracts"]:
        assert member["reference"] in card
    assert DATE.search(card)
