"""Dates in options are read as import reads them, by one click type on every date option."""

from __future__ import annotations

import datetime as dt

import click
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cli import main
from contracts.commands.context import DATE, DateType
from tests.commands.conftest import Run

SPELLINGS = ["01/04/2016", "1/4/2016", "1 April 2016", "1 Apr 2016", "2016-04-01"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_import_reads_lists_the_same(run: Run, spelling: str) -> None:
    wanted = run(80, "list", "--active-on", "2016-04-01", "--format", "csv").output
    assert run(80, "list", "--active-on", spelling, "--format", "csv").output == wanted


@pytest.mark.parametrize("width", [80, 100])
def test_plan_and_propose_take_a_day_first_date(run: Run, width: int) -> None:
    plan = run(width, "plan", "--on", "01/04/2016").output
    assert "Plan as at 2016-04-01" in plan
    dry = run(width, "propose", "--on", "1 April 2016", "--dry-run").output
    assert "(dry run: nothing stored)" in dry


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("31/02/2016", "'31/02/2016' is not a real date"),
        ("4/30/2016", "not a real date when read day-first"),
        ("banana", "'banana' is not a date"),
        ("TBC", "'TBC' is not a date"),
    ],
)
def test_a_wrong_date_is_one_sentence_with_examples(demo_url: str, typed: str, why: str) -> None:
    result = CliRunner().invoke(main, ["--database", demo_url, "list", "--active-on", typed])
    assert result.exit_code == 2
    assert why in result.output
    assert "write it like 01/04/2016, 1 April 2016 or 2016-04-01" in result.output


def test_every_date_option_uses_the_one_type() -> None:
    def options(command: click.Command) -> list[click.Option]:
        found = [p for p in command.params if isinstance(p, click.Option)]
        if isinstance(command, click.Group):
            for sub in command.commands.values():
                found += options(sub)
        return found

    dated = [o for o in options(main) if {"--on", "--active-on", "--go-live"} & set(o.opts)]
    dated += [o for o in options(main) if "--ending-before" in o.opts]
    assert len(dated) >= 5
    assert all(isinstance(o.type, DateType) for o in dated)


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_any_date_round_trips_in_each_spelling(day: dt.date) -> None:
    for text in (day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%d %B %Y")):
        assert DATE.convert(text, None, None) == day
