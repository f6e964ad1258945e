"""`contracts plan`'s report: the timeline for people, a row per member for CSV, the
plan as JSON."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import click

from contracts.commands.render import to_csv, to_json
from contracts.commands.tables import terminal_width
from contracts.proposals.plan import Plan, needs
from contracts.proposals.timeline import headline, timeline

PLAN_CSV_COLUMNS = (
    "step",
    "proposal",
    "title",
    "lead_commissioner",
    "go_live",
    "contract",
    "reference",
    "source",
    "end_date",
    "months",
    "needs",
    "annual_value",
)


def _csv_rows(plan: Plan) -> Iterator[dict[str, Any]]:
    return (
        {
            "step": step,
            "proposal": p.id,
            "title": p.title,
            "lead_commissioner": p.lead_commissioner,
            "go_live": p.go_live,
            "contract": m.id,
            "reference": m.reference,
            "source": m.source,
            "end_date": m.end_date,
            "months": m.extension.months,
            "needs": needs(m),
            "annual_value": m.annual_value,
        }
        for step, p in enumerate(plan.proposals, 1)
        for m in p.members
    )


def plan_report(plan: Plan, fmt: str) -> None:
    """`contracts plan`: the timeline for people, a row per member for CSV, the plan JSON."""
    if fmt == "json":
        to_json(plan.as_json(lazy=True))
        return
    if fmt == "csv":
        to_csv(_csv_rows(plan), PLAN_CSV_COLUMNS, None)
        return
    for line in timeline(plan, terminal_width()):
        click.echo(line)
    if plan.left_out:
        click.echo("")
        click.echo(f"Left out, each an alternative to a planned contract ({len(plan.left_out)}):")
        for other in plan.left_out:
            click.echo(f"  {other.id}  {other.title}  (overlaps {other.conflicts_with})")
    if plan.empty:
        click.echo(
            f"Not planned: {', '.join(plan.empty)} (none of their contracts is in the register)"
        )
    click.echo("")
    click.echo(headline(plan))
