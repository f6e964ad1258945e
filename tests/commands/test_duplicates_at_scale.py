"""At scale the duplicates table prints the largest sets and the totals, and says how to get all."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import click
import pytest
from click.testing import CliRunner

from contracts.commands.duplicate_report import AT_SCALE, SCALE, duplicate_report
from contracts.duplicates.finder import DuplicateReport, DuplicateSet, Member


def _report(sets: int) -> DuplicateReport:
    found = []
    for n in range(sets):
        members = [
            Member(
                id=2 * n + k,
                uid=f"reg{k}:REF-{n:04d}",
                reference=f"REF-{n:04d}",
                source=f"reg{k}",
                title=f"Community service number {n}",
                provider="Provide CIC",
                commissioner=f"NHS Commissioner {k}",
                start_date=dt.date(2016, 4, 1),
                end_date=dt.date(2019, 3, 31),
                annual_value=Decimal(1000 * (sets - n)),
            )
            for k in (1, 2)
        ]
        found.append(
            DuplicateSet(
                id=f"D-{n:08x}",
                contract_ids=[m.id for m in members],
                members=members,
                score=0.99,
                reasons=["same provider"],
                weak_link=False,
                value_at_stake=Decimal(1000 * (sets - n)),
                representative_id=members[0].id,
            )
        )
    return DuplicateReport(found, {}, 0, [], 0.8, 2 * sets)


def _printed(report: DuplicateReport, fmt: str = "table", **options: bool) -> str:
    @click.command()
    def show() -> None:
        duplicate_report(report, fmt, explain_blocking=False, **options)

    result = CliRunner().invoke(show, [], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return result.output


def test_many_sets_print_the_largest_and_the_totals() -> None:
    report = _report(SCALE + 10)
    output = _printed(report)
    shown = [s for s in report.sets if f"\n{s.id}  " in output]
    assert shown == report.sets[:AT_SCALE]
    assert f"… and {SCALE + 10 - AT_SCALE} more sets" in output
    assert "--all" in output and "--format csv or json" in output
    assert f"{SCALE + 10} sets ({2 * (SCALE + 10)} copies)" in output  # totals over all


@pytest.mark.parametrize("sets", [SCALE, SCALE + 10])
def test_all_prints_every_set_and_json_always_does(sets: int) -> None:
    report = _report(sets)
    output = _printed(report, everything=True)
    assert all(f"\n{s.id}  " in output for s in report.sets)
    assert "more sets" not in output
    assert len(json.loads(_printed(report, "json"))) == sets
