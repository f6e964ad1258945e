"""What the commands print: rows as a table, CSV or JSON, and each report's shape.

JSON goes to stdout alone (scripts parse it); tables use rich, which drops
colour and box drawing when the output is not a terminal. The library returns
data; how a duplicate report, a proposal or the summary looks on a terminal
is decided here, next to the commands, and nowhere in the domain.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

import click

if TYPE_CHECKING:  # rich and the library are imported when a command renders
    from rich.console import Console

    from contracts.duplicates.finder import DuplicateReport
    from contracts.duplicates.pair import PairExplanation
    from contracts.proposals.summary import Consolidation, RegisterSummary

FORMATS = ("table", "csv", "json")

# OWASP's CSV injection advice: a spreadsheet reads a cell that starts with one of
# these as a formula, so text from a register is written with a leading ' instead.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
RAW_CSV = "contracts.raw_csv"  # key in click's shared ctx.meta, set by --raw


def format_gbp(value: Decimal | None) -> str:
    """Money for people (imported here on first use: the store's module loads SQLAlchemy)."""
    from contracts.store.money import format_gbp as money_text

    return money_text(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(str(_plain(v)) for v in value)
    return value


def to_json(data: Any, out: TextIO | None = None) -> None:
    """Write ``data`` as JSON (Decimals as two-place strings, dates ISO)."""

    def default(value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{value:.2f}"
        if isinstance(value, dt.date):
            return value.isoformat()
        raise TypeError(f"cannot write {type(value).__name__} as JSON")

    # Streamed in batches of tokens: json.dump writes each token separately (seconds at
    # 25,000 proposals) and json.dumps holds the whole text (100 MB at national scale).
    target = out or sys.stdout
    encoder = json.JSONEncoder(indent=2, default=default, ensure_ascii=False)
    batch: list[str] = []
    for token in encoder.iterencode(data):
        batch.append(token)
        if len(batch) >= 8192:
            target.write("".join(batch))
            batch.clear()
    batch.append("\n")
    target.write("".join(batch))


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


def contract_card(data: dict[str, Any], fmt: str) -> None:
    if fmt == "json":
        to_json(data)
        return
    rows = field_rows((k, v) for k, v in data.items() if k not in ("history",))
    rows += [{"field": "changed", "value": h} for h in data["history"]]
    emit(rows, FIELD_COLUMNS, fmt, title=f"Contract {data['id']}")


def register_summary(summary: RegisterSummary, fmt: str) -> None:
    """The summary: by commissioner, by provider, the totals, then before → after."""
    data = summary.as_dict()
    if fmt == "json":
        to_json(data)
        return
    columns = ("name", "code", "contracts", "annual_value", "unknown_values")
    money = ("contracts", "annual_value", "unknown_values")
    emit(data["by_commissioner"], columns, fmt, title="By commissioner", right_aligned=money)
    emit(data["by_provider"], columns, fmt, title="By provider", right_aligned=money)
    if fmt == "table":
        click.echo(
            f"{summary.total.contracts} contracts in the register, annual value "
            f"{format_gbp(summary.total.annual_value)}"
            + (
                f" ({summary.total.unknown_values} with no known value)"
                if summary.total.unknown_values
                else ""
            )
        )
        if summary.duplicate_sets:
            click.echo(
                f"{summary.duplicate_sets} contracts recorded more than once are counted once "
                f"({summary.duplicates_counted_once} extra copies left out; "
                "see `contracts duplicates`)"
            )
    _consolidation(summary.consolidation, fmt)


def _consolidation(consolidation: Consolidation | None, fmt: str) -> None:
    """The summary's before → after part: what the proposals would leave."""
    if consolidation is None or not consolidation.proposals:
        return
    data = consolidation.as_dict()
    columns = ("name", "code", "before", "after")
    for key, title in (("by_commissioner", "commissioner"), ("by_provider", "provider")):
        emit(
            data[key],
            columns,
            fmt,
            title=f"Contracts before → after the plan, by {title}",
            right_aligned=("before", "after"),
        )
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

DUPLICATE_MEMBER_COLUMNS = DUPLICATE_COLUMNS[2:-1]


def duplicate_report(report: DuplicateReport, fmt: str, *, explain_blocking: bool) -> None:
    """Each set with its score and reasons, the totals, and optionally the blocking counts."""
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
    if fmt == "table":
        shown = 0  # rows hold each set's members in turn
        for found in report.sets:
            weak = "  WEAK LINK" if found.weak_link else ""
            click.echo(
                f"\n{found.id}  score {found.score:.2f}  "
                f"{format_gbp(found.value_at_stake)} a year at stake{weak}"
            )
            click.echo("  " + "; ".join(found.reasons))
            members = rows[shown : shown + len(found.members)]
            shown += len(found.members)
            to_table(members, DUPLICATE_MEMBER_COLUMNS, right_aligned=("annual_value",))
    else:
        emit(rows, DUPLICATE_COLUMNS, fmt, json_data=report.as_json())
    err = fmt == "json"
    if fmt == "table":
        copies = sum(len(s.members) for s in report.sets)
        at_stake = sum((s.value_at_stake for s in report.sets), Decimal("0.00"))
        click.echo(
            f"{len(report.sets)} sets ({copies} copies) among {report.contracts_considered} "
            f"contracts at score ≥ {report.min_score:g}; {format_gbp(at_stake)} a year "
            "would be counted twice"
        )
        if report.held_apart:
            click.echo(
                f"{report.held_apart} links held apart: each would have put two records of one "
                "register in one set (confirm the pair if they are one contract)"
            )
    if explain_blocking:
        click.echo("Candidate pairs by block rule:", err=err)
        for rule, count in report.blocking.items():
            click.echo(f"  {rule}: {count}", err=err)
        click.echo(f"  compared (each pair once): {report.pairs_compared}", err=err)
        for note in report.capped:
            click.echo(f"  capped: {note}", err=err)


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
# A terminal is narrow: the table keeps what a person scans first.
PROPOSAL_TABLE_COLUMNS = ("id", "status", "title", "contracts", "annual_value", "flags")


def _proposal_columns(fmt: str) -> tuple[str, ...]:
    return PROPOSAL_TABLE_COLUMNS if fmt == "table" else PROPOSAL_COLUMNS


def _proposal_row(data: dict[str, Any]) -> dict[str, Any]:
    review = " (review)" if data["needs_review"] else ""
    return {
        **data,
        "status": data["status"] + review,
        "contracts": f"{data['contracts_before']} → {data['contracts_after']}",
        "flags": len(data["flags"]),
    }


def proposal_run(data: dict[str, Any], fmt: str, *, dry_run: bool, explain: bool = False) -> None:
    """What `contracts propose` found, and what it kept and replaced."""
    rows = [_proposal_row(p) for p in data["proposals"]]
    emit(
        rows,
        _proposal_columns(fmt),
        fmt,
        json_data=data,
        title=f"{len(rows)} proposals as at {data['as_at']} ({data['footprint']})",
        right_aligned=("annual_value", "flags"),
    )
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
        emit(
            data["left_out_contracts"],
            ("id", "uid", "reason"),
            "table",
            title="Contracts no rule could consider",
        )


def proposal_list(data: list[dict[str, Any]], fmt: str) -> None:
    emit(
        [_proposal_row(d) for d in data],
        _proposal_columns(fmt),
        fmt,
        json_data=data,
        title=f"{len(data)} proposals",
        right_aligned=("annual_value", "flags"),
    )


def proposal_card(data: dict[str, Any], fmt: str) -> None:
    """One proposal field by field, then the contracts it would replace."""
    if fmt == "json":
        to_json(data)
        return
    fields = ("id", "rule", "title", "status", "needs_review", "provider", "lead_commissioner")
    rows = [{"field": k, "value": data[k]} for k in fields]
    rows += [
        {"field": "commissioners", "value": "; ".join(data["commissioners"])},
        {"field": "annual_value", "value": data["annual_value"]},
        {
            "field": "contracts",
            "value": f"{data['contracts_before']} → {data['contracts_after']}",
        },
        {"field": "earliest_start", "value": data["earliest_start"]},
    ]
    rows += [{"field": "reason", "value": r} for r in data["reasons"]]
    rows += [{"field": "flag", "value": f} for f in data["flags"]]
    rows += [
        {"field": "decision", "value": f"{d['decision']} by {d['decided_by']} ({d['via']})"}
        for d in data["decisions"]
    ]
    emit(rows, FIELD_COLUMNS, fmt, title=f"Proposal {data['id']}")
    emit(
        data["contracts"],
        ("id", "reference", "source", "title", "annual_value", "end_date"),
        fmt,
        title="Contracts it would replace",
        right_aligned=("annual_value",),
    )
