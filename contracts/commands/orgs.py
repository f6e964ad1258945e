"""`contracts orgs`: the reference organisations, their aliases and successors."""

from __future__ import annotations

import click

from contracts.commands.context import FORMAT_OPTION, store
from contracts.commands.render import ORG_COLUMNS, emit, organisation_card, organisation_row
from contracts.organisations import index as organisations


@click.group("orgs", invoke_without_command=True)
@FORMAT_OPTION
@click.pass_context
def orgs_group(ctx: click.Context, fmt: str) -> None:
    """Reference data: organisations, their codes, aliases and successors.

    Without a subcommand, lists them (same as `contracts orgs list`).
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(orgs_list, fmt=fmt)


@orgs_group.command("list")
@FORMAT_OPTION
@click.pass_context
def orgs_list(ctx: click.Context, fmt: str) -> None:
    """List every organisation with its code, kind, footprint and successor.

    Example: contracts orgs list --format json
    """
    with store(ctx).unit_of_work() as session:
        data = [
            organisations.organisation_json(o) for o in organisations.list_organisations(session)
        ]
    emit(
        [organisation_row(d) for d in data], ORG_COLUMNS, fmt, json_data=data, title="Organisations"
    )


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
