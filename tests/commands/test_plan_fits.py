"""`contracts plan` draws its bars to fit the terminal, references whole."""

from __future__ import annotations

import json

import pytest

from contracts.proposals.timeline import TERM
from tests.commands.conftest import WIDTHS, Run


@pytest.mark.parametrize("width", WIDTHS)
def test_the_timeline_fits_and_keeps_references_whole(run: Run, width: int) -> None:
    plan = json.loads(run(width, "plan", "--format", "json").output)
    output = run(width, "plan").output
    drawn = [line for line in output.splitlines() if TERM in line and "current term" not in line]
    assert drawn and all(len(line) <= width for line in drawn)
    for proposal in plan["proposals"]:
        for member in proposal["contracts"]:
            assert f"   {member['reference']} " in output
    assert "…" not in "\n".join(drawn)
    assert "extend 42 months to 31/03/2021" in output


def test_at_100_columns_each_note_follows_its_bar(run: Run) -> None:
    wide = run(100, "plan").output
    assert any(TERM in line and "ends 30/09/2017; extend" in line for line in wide.splitlines())
    narrow = run(80, "plan").output
    assert not any(TERM in line and "; extend" in line for line in narrow.splitlines())
