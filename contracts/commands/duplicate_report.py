"""How `contracts duplicates` looks: each set with its copies, fitted to the terminal.

Every set's table has the same columns, chosen once for all the sets shown,
so the copies line up from one set to the next. At scale (more than
``SCALE`` sets) the table prints the largest ``AT_SCALE`` and the totals,
and says how to get every set; CSV and JSON always hold every set.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import click

from contracts.commands.render import emit
from contracts.commands.sorting import Order
from contracts.commands.tables import ID, MONEY, TEXT, Column, layout, show_date
from contracts.duplicates.finder import DuplicateReport, DuplicateSet, Member
from contracts.store.money import format_gbp

SCALE, AT_SCALE = 50, 20

DUPLICATE_COLUMNS = (
    "set",
    "score",
    "id",
    "reference",
    "source",
    "title",
    "provider",
    "period",
    "annual_value",
    "reasons",
)

# Within a set the provider is usually the same and the commissioner is what tells the
# copies apart, so the commissioner is kept before the provider on a narrow terminal.
MEMBER_TABLE = (
    Column("id", ID, rank=0),
    Column("reference", ID, rank=0),
    Column("commissioner", TEXT, rank=2, least=14),
    Column("title", TEXT, rank=1, least=18),
    Column("provider", TEXT, rank=3, least=14),
    Column("period", ID, rank=4),
    Column("annual_value", MONEY, rank=1),
    Column("source", TEXT, rank=6, least=16),
)


def _start(found: DuplicateSet) -> Any:
    return min((m.start_date for m in found.members if m.start_date), default=None)


def _end(found: DuplicateSet) -> Any:
    return max((m.end_date for m in found.members if m.end_date), default=None)


def _first(found: DuplicateSet, field: str) -> Any:
    return next((getattr(m, field) for m in found.members if getattr(m, field)), None)


DUPLICATE_ORDERS = {
    "value": Order(lambda s: s.value_at_stake, largest_first=True),
    "score": Order(lambda s: s.score, largest_first=True),
    "copies": Order(lambda s: len(s.members), largest_first=True),
    "start": Order(_start),
    "end": Order(_end),
    "provider": Order(lambda s: _first(s, "provider")),
    "commissioner": Order(lambda s: _first(s, "commissioner")),
    "title": Order(lambda s: _first(s, "title")),
}


def _period(member: Member) -> str:
    start = show_date(member.start_date) or "?"
    end = show_date(member.end_date) or "?"
    return f"{start}–{end}"


def _member_row(member: Member) -> dict[str, Any]:
    """A copy's cells, one per column of the table; the period as the terminal shows dates."""
    row = {column.key: getattr(member, column.key) for column in MEMBER_TABLE}
    return row | {"period": _period(member)}


def duplicate_report(
    report: DuplicateReport,
    fmt: str,
    *,
    explain_blocking: bool,
    everything: bool = False,
    chosen: list[str] | None = None,
    wide: bool = False,
    found_in_all: int | None = None,
) -> None:
    """Each set with its score and reasons, the totals, and optionally the blocking counts.

    ``found_in_all`` is the number of sets before filters, when filters were given.
    """
    if fmt == "table":
        _table(report, everything=everything, chosen=chosen, wide=wide)
        _totals(report, found_in_all)
    else:
        rows = [
            {
                "set": found.id + (" (weak link)" if found.weak_link else ""),
                "score": f"{found.score:.2f}",
                "id": member.id,
                "reference": member.reference,
                "source": member.source,
                "title": member.title,
                "provider": member.provider,
                "period": member.period,
                "annual_value": member.annual_value,
                "reasons": "; ".join(found.reasons),
            }
            for found in report.sets
            for member in found.members
        ]
        emit(rows, DUPLICATE_COLUMNS, fmt, json_data=report.as_json())
    if explain_blocking:
        err = fmt == "json"
        click.echo("Candidate pairs by block rule:", err=err)
        for rule, count in report.blocking.items():
            click.echo(f"  {rule}: {count}", err=err)
        click.echo(f"  compared (each pair once): {report.pairs_compared}", err=err)
        for note in report.capped:
            click.echo(f"  capped: {note}", err=err)


def _table(
    report: DuplicateReport, *, everything: bool, chosen: list[str] | None, wide: bool
) -> None:
    shown = report.sets if everything or len(report.sets) <= SCALE else report.sets[:AT_SCALE]
    rows = {found.id: [_member_row(m) for m in found.members] for found in shown}
    fitted = layout(
        MEMBER_TABLE, [r for found in rows.values() for r in found], chosen=chosen, wide=wide
    )
    for found in shown:
        weak = "  WEAK LINK" if found.weak_link else ""
        click.echo(
            f"\n{found.id}  score {found.score:.2f}  "
            f"{format_gbp(found.value_at_stake)} a year at stake{weak}"
        )
        click.echo("  " + "; ".join(found.reasons))
        fitted.print(rows[found.id])
    if len(shown) < len(report.sets):
        click.echo(
            f"\n… and {len(report.sets) - len(shown)} more sets: the {len(shown)} above come "
            "first in this order (--sort); --all prints every set, --format csv or json "
            "writes them all for a spreadsheet or a script"
        )
    hint = fitted.hint()
    if hint and shown:
        click.echo(hint)


def _totals(report: DuplicateReport, found_in_all: int | None) -> None:
    copies = sum(len(s.members) for s in report.sets)
    at_stake = sum((s.value_at_stake for s in report.sets), Decimal("0.00"))
    matching = (
        f" ({found_in_all} in all; these match the filters)" if found_in_all is not None else ""
    )
    click.echo(
        f"{len(report.sets)} sets ({copies} copies){matching} among "
        f"{report.contracts_considered} contracts at score ≥ {report.min_score:g}; "
        f"{format_gbp(at_stake)} a year would be counted twice"
    )
    if report.held_apart:
        click.echo(
            f"{report.held_apart} links held apart: each would have put two records of one "
            "register in one set (confirm the pair if they are one contract)"
        )
