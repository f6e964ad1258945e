"""What the commands print: rows as a table, CSV or JSON, and each report's shape.

JSON goes to stdout alone (scripts parse it); tables use rich, which drops
colour and box drawing when the output is not a terminal. The library returns
data; how a duplicate report, a proposal or the summary looks on a terminal
is decided here, next to the commands, and nowhere in the domain.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

import click

from contracts.commands.formats import FORMATS as FORMATS
from contracts.commands.formats import RAW_CSV as RAW_CSV
from contracts.commands.json_out import to_json as to_json
from contracts.commands.table_stream import print_streamed
from contracts.commands.tables import (
    DATE,
    ID,
    MONEY,
    NUMBER,
    TEXT,
    Column,
    print_rows,
    show_date,
    show_money,
)
from contracts.store.money import format_gbp

if TYPE_CHECKING:  # types only: importing them would load the finder for every command
    from rich.console import Console

    from contracts.duplicates.pair import PairExplanation
    from contracts.proposals.summary import Consolidation, RegisterSummary

# OWASP's CSV injection advice: a spreadsheet reads a cell that starts with one of
# these as a formula, so text from a register is written with a leading ' instead.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(str(_plain(v)) for v in value)
    return value


def csv_cell(value: Any, *, raw: bool = False) -> Any:
    """One CSV cell: text that a spreadsheet would run as a formula gets a leading '.

    Only text is guarded: numbers and dates the tool writes itself (a negative
    Decimal, say) stay numbers. ``raw`` writes the text exactly, for scripts.
    """
    if value is None:
        return ""
    plain = _plain(value)
    guarded = isinstance(value, str | list | tuple) and not raw
    if guarded and isinstance(plain, str) and plain.startswith(FORMULA_STARTS):
        return "'" + plain
    return plain


def raw_csv_requested() -> bool:
    """Whether --raw was given (globally or on the command) in the running command."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(RAW_CSV))


def to_csv(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    out: TextIO | None,
    *,
    raw: bool | None = None,
) -> None:
    """Write ``rows`` as CSV, safe to open in a spreadsheet unless ``raw`` (default: --raw)."""
    exact = raw_csv_requested() if raw is None else raw
    writer = csv.writer(out or sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(c), raw=exact) for c in columns])


def to_table(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None = None,
    console: Console | None = None,
    right_aligned: Sequence[str] = (),
) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(column, justify="right" if column in right_aligned else "left")
    for row in rows:
        table.add_row(*["" if row.get(c) is None else str(_plain(row.get(c))) for c in columns])
    (console or Console()).print(table)


def emit(
    rows: list[dict[str, Any]],
    columns: Sequence[str],
    fmt: str,
    *,
    json_data: Any = None,
    title: str | None = None,
    right_aligned: Sequence[str] = (),
) -> None:
    """Print ``rows`` in the chosen format; ``json_data`` overrides the JSON body."""
    if fmt == "json":
        to_json(rows if json_data is None else json_data)
    elif fmt == "csv":
        to_csv(rows, columns, sys.stdout)
    else:
        to_table(rows, columns, title=title, right_aligned=right_aligned)


# --- cards: one thing, field by field -----------------------------------------

FIELD_COLUMNS = ("field", "value")


def field_rows(items: Iterable[tuple[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a card: one per field."""
    return [{"field": k, "value": v} for k, v in items]


# --- organisations ------------------------------------------------------------

ORG_COLUMNS = ("code", "name", "kind", "footprint", "commissioner", "successor")


def organisation_row(org_json: dict[str, Any]) -> dict[str, Any]:
    return {**org_json, "commissioner": "yes" if org_json["is_commissioner"] else ""}


def organisation_card(data: dict[str, Any], fmt: str) -> None:
    if fmt == "json":
        to_json(data)
        return
    emit(field_rows(data.items()), FIELD_COLUMNS, fmt, title=data["name"])


# --- the register -------------------------------------------------------------

CONTRACT_COLUMNS = (
    "id",
    "reference",
    "source",
    "title",
    "commissioner",
    "provider",
    "service_category",
    "start_date",
    "end_date",
    "annual_value",
)
# The same columns in a table: identifiers first and never cut; a narrow terminal
# leaves out the source, the category and the start before the title or the value.
CONTRACT_TABLE = (
    Column("id", ID, rank=0),
    Column("reference", ID, rank=0),
    Column("source", TEXT, rank=8, least=16),
    Column("title", TEXT, rank=1, least=18),
    Column("commissioner", TEXT, rank=5, least=14),
    Column("provider", TEXT, rank=2, least=14),
    Column("service_category", TEXT, rank=7, least=10, header="category"),
    Column("start_date", DATE, rank=6, header="start"),
    Column("end_date", DATE, rank=3, header="end"),
    Column("annual_value", MONEY, rank=1),
)


def contract_list(
    read: Callable[[], Iterator[dict[str, Any]]],
    count: int,
    fmt: str,
    *,
    chosen: list[str] | None,
    wide: bool,
) -> None:
    """`contracts list`: a table that fits the terminal, or every field for scripts; each
    row written as ``read()`` gives it (the table reads twice: widths first)."""
    if fmt == "table":
        title = f"{count} contracts"
        print_streamed(read, CONTRACT_TABLE, title=title, chosen=chosen, wide=wide)
    elif fmt == "json":
        to_json(read())
    else:
        to_csv(read(), CONTRACT_COLUMNS, sys.stdout)


SUMMARY_COLUMNS = ("name", "code", "contracts", "annual_value", "unknown_values")
SUMMARY_TABLE = (
    Column("name", TEXT, rank=0, least=20),
    Column("code", ID, rank=3),
    Column("contracts", NUMBER, rank=0),
    Column("annual_value", MONEY, rank=0),
    Column("unknown_values", NUMBER, rank=2, header="unknown values"),
)
SUMMARY_BY = ("commissioner", "provider", "status")


def summary_headline(summary: RegisterSummary) -> str:
    """The summary in one sentence, saying which contracts it counts."""
    total = summary.total
    counted = (
        f"{total.contracts} contracts in force on {show_date(summary.on)}"
        if summary.on
        else f"{total.contracts} contracts in the register (every date, ended ones too; "
        "--on DATE counts those in force)"
    )
    unknown = f" ({total.unknown_values} with no known value)" if total.unknown_values else ""
    return f"{counted}, annual value {format_gbp(total.annual_value)}{unknown}"


def register_summary(summary: RegisterSummary, fmt: str, by: str | None = None) -> None:
    """The summary: one table for scripts (``by``, default commissioner) with the headline
    in JSON; for people the tables by commissioner and provider (or ``by``), the totals,
    then before → after."""
    data = summary.as_dict()
    if fmt != "table":
        key = f"by_{by or 'commissioner'}"
        if fmt == "json":
            keep = ("on", "contracts", "annual_value", "unknown_values", "duplicate_sets")
            to_json(
                {
                    "headline": summary_headline(summary),
                    **{k: data[k] for k in keep},
                    "duplicates_counted_once": data["duplicates_counted_once"],
                    "by": by or "commissioner",
                    key: data[key],
                    "consolidation": data["consolidation"],
                }
            )
        else:
            to_csv(data[key], SUMMARY_COLUMNS, None)
        return
    for name in (by,) if by else SUMMARY_BY[:2]:
        print_rows(data[f"by_{name}"], SUMMARY_TABLE, title=f"By {name}")
    click.echo(summary_headline(summary))
    if summary.duplicate_sets:
        click.echo(
            f"{summary.duplicate_sets} contracts recorded more than once are counted once "
            f"({summary.duplicates_counted_once} extra copies left out; "
            "see `contracts duplicates`)"
        )
    _consolidation(summary.consolidation, fmt, by)


def _consolidation(consolidation: Consolidation | None, fmt: str, by: str | None) -> None:
    """The summary's before → after part: what the proposals would leave."""
    if consolidation is None or not consolidation.proposals:
        return
    data = consolidation.as_dict()
    columns = (
        Column("name", TEXT, rank=0, least=20),
        Column("code", ID, rank=3),
        Column("before", NUMBER, rank=0),
        Column("after", NUMBER, rank=0),
    )
    for key, title in (("by_commissioner", "commissioner"), ("by_provider", "provider")):
        if by and by != title:
            continue
        print_rows(data[key], columns, title=f"Contracts before → after the plan, by {title}")
    if fmt == "table":
        unknown = consolidation.unknown_values_covered
        click.echo(
            f"After the plan (contracts plan): "
            f"{consolidation.contracts_before} contracts → {consolidation.contracts_after} "
            f"({consolidation.contracts_covered} contracts become {consolidation.proposals} "
            f"new contracts, each counted once; {format_gbp(consolidation.value_covered)} a year "
            "covered" + (f", {unknown} with no known value" if unknown else "") + ")"
        )


# --- duplicates ---------------------------------------------------------------


def pair_explanation(explanation: PairExplanation, fmt: str) -> None:
    """The two records' values side by side, the evidence field by field, and the verdict."""
    first, second = (f"{m.id} {m.source}/{m.reference or '-'}" for m in explanation.members)
    rows = [{**row, first: row.pop("a"), second: row.pop("b")} for row in explanation.rows()]
    if fmt == "table":
        emit(rows, ("field", first, second), fmt, title="What each record holds")
    emit(
        rows,
        ("field", "level", "weight", "from", "evidence")
        if fmt == "table"
        else ("field", first, second, "level", "weight", "from", "evidence"),
        fmt,
        json_data=explanation.as_json(),
        title=" vs ".join(f"{m.id} {m.source}/{m.reference or '-'}" for m in explanation.members),
        right_aligned=("weight",),
    )
    if fmt == "table":
        click.echo(
            f"score {explanation.comparison.score:.3f} "
            f"(log2 odds {explanation.comparison.log_odds:+.1f}): {explanation.verdict}"
        )


# --- proposals ----------------------------------------------------------------

PROPOSAL_COLUMNS = (
    "id",
    "status",
    "rule",
    "title",
    "lead_commissioner",
    "contracts",
    "annual_value",
    "earliest_start",
    "flags",
)


def _proposal_row(data: dict[str, Any]) -> dict[str, Any]:
    """A proposal's row of a table or CSV: its columns only (there may be 25,000)."""
    review = " (review)" if data["needs_review"] else ""
    return {
        **{column: data.get(column) for column in PROPOSAL_COLUMNS},
        "status": data["status"] + review,
        "contracts": f"{data['contracts_before']} → {data['contracts_after']}",
        "flags": len(data["flags"]),
    }


def proposal_run(data: dict[str, Any], fmt: str, *, dry_run: bool, explain: bool = False) -> None:
    """What `contracts propose` found, and what it kept and replaced (the JSON streamed:
    its proposals may be an iterator)."""
    if fmt == "json":
        to_json(data)
        return
    rows = [_proposal_row(p) for p in data["proposals"]]
    title = f"{len(rows)} proposals as at {show_date(data['as_at'])} ({data['footprint']})"
    if fmt == "table":
        largest = sorted(rows, key=lambda r: -Decimal(r["annual_value"] or 0))
        print_rows(largest, PROPOSAL_TABLE, title=title)
    else:
        emit(rows, PROPOSAL_COLUMNS, fmt, json_data=data)
    if fmt == "table":
        click.echo(
            f"{data['contracts_before']} contracts → {data['contracts_after']} if every "
            "proposal were accepted (a contract in two proposals counted once); "
            f"{data['kept']} decided proposals kept, {data['replaced']} earlier candidates "
            "replaced" + (" (dry run: nothing stored)" if dry_run else "")
        )
        if data["needs_review"]:
            click.echo(f"Needs review (members changed): {', '.join(data['needs_review'])}")
        _left_out(data, explain)


def _left_out(data: dict[str, Any], explain: bool) -> None:
    """Say how many contracts no rule could consider, and why; list them with --explain."""
    counts = data["left_out"]
    if not counts:
        return
    total = sum(counts.values())
    why = "; ".join(f"{n} {reason}" for reason, n in counts.items())
    hint = "" if explain else " (--explain lists each)"
    click.echo(f"{total} contracts in the register no rule could consider: {why}{hint}")
    if explain:
        print_rows(
            data["left_out_contracts"],
            (Column("id", ID, rank=0), Column("uid", ID, rank=0), Column("reason", TEXT, rank=0)),
            title="Contracts no rule could consider",
        )


PROPOSAL_TABLE = (
    Column("id", ID, rank=0),
    Column("status", ID, rank=4),
    Column("rule", ID, rank=5),
    Column("title", TEXT, rank=1, least=18),
    Column("lead_commissioner", TEXT, rank=2, least=12, header="lead"),
    Column("contracts", NUMBER, rank=1),
    Column("annual_value", MONEY, rank=1),
    Column("earliest_start", DATE, rank=3, header="start"),
    Column("flags", NUMBER, rank=6),
)


def proposal_list(
    read: Callable[[], Iterator[dict[str, Any]]],
    count: int,
    fmt: str,
    *,
    chosen: list[str] | None = None,
    wide: bool = False,
) -> None:
    """`contracts proposals list`: a table that fits the terminal, or the JSON shape; each
    proposal written as ``read()`` gives it (the table reads twice: widths first)."""
    if fmt == "table":

        def rows() -> Iterator[dict[str, Any]]:
            return (_proposal_row(d) for d in read())

        title = f"{count} proposals"
        print_streamed(rows, PROPOSAL_TABLE, title=title, chosen=chosen, wide=wide)
    elif fmt == "json":
        to_json(read())
    else:
        to_csv((_proposal_row(d) for d in read()), PROPOSAL_COLUMNS, sys.stdout)


def proposal_card(data: dict[str, Any], fmt: str) -> None:
    """One proposal field by field, then the contracts it would replace."""
    if fmt == "json":
        to_json(data)
        return

    def people(value: Any, shown: Any) -> Any:
        """Money and dates as every table writes them; CSV keeps them plain."""
        return shown(value) if fmt == "table" and value is not None else value

    fields = ("id", "rule", "title", "status", "needs_review", "provider", "lead_commissioner")
    rows = [{"field": k, "value": data[k]} for k in fields]
    if fmt == "table":
        rows[fields.index("needs_review")]["value"] = "yes" if data["needs_review"] else "no"
    rows += [
        {"field": "commissioners", "value": "; ".join(data["commissioners"])},
        {"field": "annual_value", "value": people(data["annual_value"], show_money)},
        {
            "field": "contracts",
            "value": f"{data['contracts_before']} → {data['contracts_after']}",
        },
        {"field": "earliest_start", "value": people(data["earliest_start"], show_date)},
    ]
    rows += [{"field": "reason", "value": r} for r in data["reasons"]]
    rows += [{"field": "flag", "value": f} for f in data["flags"]]
    rows += [
        {"field": "decision", "value": f"{d['decision']} by {d['decided_by']} ({d['via']})"}
        for d in data["decisions"]
    ]
    emit(rows, FIELD_COLUMNS, fmt, title=f"Proposal {data['id']}")
    members = (
        Column("id", ID, rank=0),
        Column("reference", ID, rank=0),
        Column("source", TEXT, rank=4, least=16),
        Column("title", TEXT, rank=1, least=18),
        Column("annual_value", MONEY, rank=1),
        Column("end_date", DATE, rank=2, header="end"),
    )
    if fmt == "table":
        print_rows(data["contracts"], members, title="Contracts it would replace")
    else:
        emit(data["contracts"], [c.key for c in members], fmt)
