"""`contracts orgs`: every NHS body and council in England, their aliases and successors."""

from __future__ import annotations

from pathlib import Path

import click

from contracts.commands.context import FORMAT_OPTION, listing_group, store
from contracts.commands.render import ORG_COLUMNS, emit, organisation_card, organisation_row
from contracts.commands.tables import ID, TEXT, Column, parse_columns, print_rows, table_options
from contracts.organisations import index as organisations
from contracts.organisations.suggest import suggest_pairs

orgs_group = listing_group(
    "orgs", "Reference data: organisations, their codes, aliases and successors."
)


# A code is an identifier, never cut; names wrap; the rest goes first on a narrow terminal.
ORG_TABLE = (
    Column("code", ID, rank=0),
    Column("name", TEXT, rank=0, least=24),
    Column("kind", TEXT, rank=1, least=10),
    Column("footprint", TEXT, rank=2, least=10),
    Column("commissioner", TEXT, rank=3, least=12),
    Column("successor", TEXT, rank=2, least=16),
)


@orgs_group.command("list")
@table_options(ORG_TABLE)
@FORMAT_OPTION
@click.pass_context
def orgs_list(ctx: click.Context, fmt: str, columns: str | None = None, wide: bool = False) -> None:
    """List every organisation with its code, kind, footprint and successor.

    Example: contracts orgs list --format json
    """
    with store(ctx).unit_of_work() as session:
        data = [
            organisations.organisation_json(o) for o in organisations.list_organisations(session)
        ]
    rows = [organisation_row(d) for d in data]
    if fmt == "table":
        chosen = parse_columns(ORG_TABLE, columns)
        print_rows(rows, ORG_TABLE, title="Organisations", chosen=chosen, wide=wide)
    else:
        emit(rows, ORG_COLUMNS, fmt, json_data=data)


@orgs_group.command("show")
@click.argument("name_or_code")
@FORMAT_OPTION
@click.pass_context
def orgs_show(ctx: click.Context, name_or_code: str, fmt: str) -> None:
    """Show one organisation, found by any spelling or code.

    Example: contracts orgs show BTUH
    """
    with store(ctx).unit_of_work() as session:
        data = organisations.organisation_json(
            organisations.find_organisation(session, name_or_code)
        )
    organisation_card(data, fmt)


@orgs_group.command("alias")
@click.argument("alias")
@click.argument("organisation")
@click.pass_context
def orgs_alias(ctx: click.Context, alias: str, organisation: str) -> None:
    """Record ALIAS as another spelling or code of ORGANISATION.

    Example: contracts orgs alias "Basildon Univ Hosp" RDD
    """
    with store(ctx).unit_of_work() as session:
        created = organisations.add_alias(session, alias, organisation)
        name = created.organisation.name
    click.echo(f"'{alias}' now resolves to {name}")


@orgs_group.command("merge")
@click.argument("old")
@click.argument("new")
@click.pass_context
def orgs_merge(ctx: click.Context, old: str, new: str) -> None:
    """Record that NEW succeeds OLD (a merger). Nothing is deleted.

    Example: contracts orgs merge RWN R1L
    """
    with store(ctx).unit_of_work() as session:
        merged = organisations.merge_organisations(session, old, new)
        message = f"{merged.name} is now succeeded by {merged.successor.name}"  # type: ignore[union-attr]
    click.echo(message)


@orgs_group.command("add")
@click.argument("name")
@click.option(
    "--kind",
    required=True,
    help="What it is: CCG, ICB, local authority, NHS trust, NHS foundation trust, NHS England, "
    "independent sector, voluntary/community or other.",
)
@click.option("--code", help="Its ODS code, or its ONS GSS code (E06…, E07…).")
@click.option(
    "--commissioner/--not-commissioner",
    default=None,
    help="Whether it commissions (default: yes for CCGs, ICBs, councils and NHS England).",
)
@click.pass_context
def orgs_add(
    ctx: click.Context, name: str, kind: str, code: str | None, commissioner: bool | None
) -> None:
    """Add a body the reference data lacks, so registers can name it.

    Example: contracts orgs add "Essex Carers Network" --kind voluntary/community --code NQX
    """
    with store(ctx).unit_of_work() as session:
        added = organisations.add_organisation(
            session, name, kind, code=code, commissioner=commissioner
        )
        message = f"added {added.name} ({added.code or 'no code'}, {added.kind})"
    click.echo(message)


@orgs_group.command("load")
@click.option(
    "--from",
    "directory",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A folder with a newer organisations.csv and aliases.csv (default: the shipped ones).",
)
@click.pass_context
def orgs_load(ctx: click.Context, directory: Path | None) -> None:
    """Bring the reference organisations up to date; run it again and nothing changes.

    Adds what is missing and updates names, dates, successors and parents of the
    reference data. Never deletes an organisation or alias, and keeps successors
    recorded with `orgs merge`.

    Example: contracts orgs load --from refreshed-data/
    """
    with store(ctx).unit_of_work() as session:
        report = organisations.load_reference(session, directory)
    click.echo(report.summary())
    for name in report.adopted:
        click.echo(f"  {name}: an imported provider, now with its reference code")


SUGGEST_COLUMNS = ("score", "organisation", "same_as", "evidence", "command")


@orgs_group.command("suggest")
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many pairs.")
@FORMAT_OPTION
@click.pass_context
def orgs_suggest(ctx: click.Context, limit: int | None, fmt: str) -> None:
    """Pairs of organisations that are probably one body, with the evidence.

    Nothing is merged: settle each with `orgs merge` (the command is shown) or
    `orgs alias`. Two organisations of the reference data are never suggested.

    Example: contracts orgs suggest --limit 20
    """
    with store(ctx).unit_of_work() as session:
        pairs = suggest_pairs(session, limit=limit)
        data = [p.as_dict() for p in pairs]
        rows = [
            {**d, "score": f"{p.score:.0f}", "evidence": "; ".join(p.evidence)}
            for p, d in zip(pairs, data, strict=True)
        ]
    emit(rows, SUGGEST_COLUMNS, fmt, json_data=data, title=f"{len(rows)} probable pairs")
