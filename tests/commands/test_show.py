"""`contracts show`: a card of text lines (parties, period, values, provenance, history)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from tests.commands.conftest import WIDTHS, Run
from tests.importers.helpers import write_csv

HEADER = ["Reference", "Title", "Provider", "Start", "End", "Annual value", "Status"]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_card_reads_as_text(run: Run, width: int) -> None:
    data = json.loads(run(width, "show", "6", "--format", "json").output)
    card = run(width, "show", "6").output
    assert card.startswith(f"Contract 6: {data['title']}")
    for line in card.splitlines():
        assert len(line) <= width, line
    flat = " ".join(card.split())
    assert "commissioner NHS Basildon and Brentwood CCG (99E), lead" in flat
    assert "associates NHS Thurrock CCG (07G)" in flat
    assert "period 01/10/2014 to 30/09/2019" in flat
    assert "annual £118,270,000.00" in flat and "total £591,350,000.00" in flat
    assert "provenance basildon-brentwood-ccg-contracts.xlsx, sheet Contracts Register, row" in flat
    for python in ("{", "}", "'file'", "True", "None"):
        assert python not in card


def test_history_is_one_line_per_change(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "register.csv"
    base = ["--database", database_url]
    for value, status in (("1234567.89", ""), ("1300000", "Live")):
        write_csv(
            path, [HEADER, ["R-1", "Podiatry", "EPUT", "01/04/2016", "31/03/2019", value, status]]
        )
        imported = runner.invoke(main, [*base, "import", str(path), "--commissioner", "99E"])
        assert imported.exit_code == 0, imported.output
    card = runner.invoke(main, [*base, "show", "R-1"], env={"COLUMNS": "80"}).output
    history = card[card.index("History") :]
    assert "annual value: £1,234,567.89 → £1,300,000.00" in history
    assert "status: blank → Live" in history
    assert "{" not in card and "[" not in card
    data = json.loads(runner.invoke(main, [*base, "show", "R-1", "--format", "json"]).output)
    assert data["history"][0]["changes"]["annual_value"] == ["1234567.89", "1300000.00"]
