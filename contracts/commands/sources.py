"""`contracts sources`: the registers imported, one with its imports, and retiring one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from contracts.commands.context import FORMAT_OPTION, listing_group, store
from contracts.commands.render import FIELD_COLUMNS, emit, field_rows, to_json
from contracts.commands.tables import (
    DATE_FORMAT,
    ID,
    NUMBER,
    TEXT,
    Column,
    parse_columns,
    print_rows,
    table_options,
)
from contracts.store import sources

SOURCE_COLUMNS = ("source", "status", "contracts", "not_in_register", "imports", "last_import")
BATCH_COLUMNS = (
    "id",
    "imported_at",
    "file",
    "outcome",
    "rows_read",
    "created",
    "updated",
    "unchanged",
    "missing",
    "rejected",
)
# Tables that fit the terminal: a source's name is an identifier, never cut.
SOURCE_TABLE = (
    Column("source", ID, rank=0),
    Column("status", TEXT, rank=1, least=8),
    Column("contracts", NUMBER, rank=0),
    Column("not_in_register", NUMBER, rank=3, header="not in register"),
    Column("imports", NUMBER, rank=2),
    Column("last_import", TEXT, rank=2, least=10, header="last import"),
)
BATCH_TABLE = (
    Column("id", ID, rank=0),
    Column("imported_at", ID, rank=0, header="imported"),
    Column("file", ID, rank=1),
    Column("outcome", TEXT, rank=2, least=10),
    *(Column(key, NUMBER, rank=1) for key in BATCH_COLUMNS[4:]),
)


def _when(iso: str | None) -> str:
    """A timestamp as people read it: 02/12/2026 03:26."""
    if not iso:
        return ""
    moment = dt.datetime.fromisoformat(iso)
    return moment.strftime(f"{DATE_FORMAT} %H:%M")


def _row(data: dict[str, Any]) -> dict[str, Any]:
    """A source for a table: dates as people read them, the retirement in the status."""
    shown = dict(data)
    shown["last_import"] = _when(data["last_import"])
    if data["retired_at"]:
        shown["status"] = f"retired {_when(data['retired_at'])[:10]}"
    return shown


sources_group = listing_group(
    "sources", "The registers imported: each source with its contracts and imports."
)


@sources_group.command("list")
@table_options(SOURCE_TABLE)
@FORMAT_OPTION
@click.pass_context
def sources_list(
    ctx: click.Context, fmt: str, columns: str | None = None, wide: bool = False
) -> None:
    """List every source with its contracts in the register and its imports.

    A retired source is listed as retired, with no contracts in the register.

    Example: contracts sources list --format csv
    """
    with store(ctx).unit_of_work() as session:
        data = [s.as_json() for s in sources.list_sources(session)]
    if fmt == "table":
        chosen = parse_columns(SOURCE_TABLE, columns)
        rows = [_row(d) for d in data]
        print_rows(rows, SOURCE_TABLE, title=f"{len(data)} sources", chosen=chosen, wide=wide)
    else:
        emit(data, SOURCE_COLUMNS, fmt)


@sources_group.command("show")
@click.argument("name")
@table_options(BATCH_TABLE)
@FORMAT_OPTION
@click.pass_context
def sources_show(
    ctx: click.Context, name: str, fmt: str, columns: str | None = None, wide: bool = False
) -> None:
    """Show one source: its contracts, its status and every import of it.

    Example: contracts sources show mid-essex-ccg-contract-register
    """
    with store(ctx).unit_of_work() as session:
        summary = sources.find_source(session, name)
        data = summary.as_json()
        batches = [sources.batch_json(b) for b in sources.source_batches(session, name)]
    if fmt == "json":
        to_json({**data, "imports": batches})
        return
    if fmt == "csv":
        emit(batches, BATCH_COLUMNS, fmt)
        return
    emit(field_rows(_row(data).items()), FIELD_COLUMNS, fmt, title=f"Source {name}")
    shown = [{**b, "imported_at": _when(b["imported_at"])} for b in batches]
    chosen = parse_columns(BATCH_TABLE, columns)
    print_rows(shown, BATCH_TABLE, title="Imports", chosen=chosen, wide=wide)


@sources_group.command("retire")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Retire without asking.")
@click.pass_context
def sources_retire(ctx: click.Context, name: str, yes: bool) -> None:
    """Retire a register: its contracts leave the register and stay in history.

    They leave `list`, `summary`, duplicates and proposals; `show` of one
    says its register was retired. Nothing is deleted, and the source name
    cannot be imported again (import the register under another --source).

    Example: contracts sources retire basildon-brentwood-ccg-contracts-old --yes
    """
    with store(ctx).unit_of_work() as session:
        summary = sources.find_source(session, name)
        if summary.retired is None and not yes:
            click.confirm(
                f"Retire '{name}'? Its {summary.contracts} contract(s) in the register will "
                "leave it (kept, with the retirement in their history)",
                abort=True,
            )
        count = sources.retire_source(session, name)
    click.echo(
        f"retired '{name}': {count} contract(s) left the register; they stay in history "
        "(contracts show ID)"
    )
