"""`contracts list`, `show` and `summary`: reading the register."""

from __future__ import annotations

import datetime as dt

import click

from contracts.commands.context import FORMAT_OPTION, parse_date, store
from contracts.commands.render import (
    CONTRACT_TABLE,
    contract_card,
    contract_list,
    register_summary,
)
from contracts.commands.tables import parse_columns, table_options
from contracts.store import register
from contracts.store.summary import summarise_register


@click.command("list")
@click.option("--commissioner", help="Only contracts this commissioner is party to (name or code).")
@click.option("--provider", help="Only contracts with this provider (name or code).")
@click.option("--category", help="Only this service category, e.g. 'community'.")
@click.option("--active-on", callback=parse_date, help="Only contracts in force on this date.")
@table_options(CONTRACT_TABLE)
@FORMAT_OPTION
@click.pass_context
def list_command(
    ctx: click.Context,
    commissioner: str | None,
    provider: str | None,
    category: str | None,
    active_on: dt.date | None,
    columns: str | None,
    wide: bool,
    fmt: str,
) -> None:
    """List the contracts in the register.

    Example: contracts list --provider BTUH --active-on 2016-04-01
    """
    chosen = parse_columns(CONTRACT_TABLE, columns)
    with store(ctx).unit_of_work() as session:
        found = register.list_contracts(
            session,
            commissioner=commissioner,
            provider=provider,
            service_category=category,
            active_on=active_on,
        )
        data = [register.contract_json(c) for c in found]
    contract_list(data, fmt, chosen=chosen, wide=wide)


@click.command("show")
@click.argument("id_or_reference")
@FORMAT_OPTION
@click.pass_context
def show_command(ctx: click.Context, id_or_reference: str, fmt: str) -> None:
    """Show one contract with its parties, provenance and history.

    Example: contracts show 42
    """
    with store(ctx).unit_of_work() as session:
        data = register.contract_detail(register.find_contract(session, id_or_reference))
    contract_card(data, fmt)


@click.command("summary")
@FORMAT_OPTION
@click.pass_context
def summary_command(ctx: click.Context, fmt: str) -> None:
    """Headline figures: contracts and annual value, by commissioner and provider.

    Example: contracts summary --format json
    """
    with store(ctx).unit_of_work() as session:
        summary = summarise_register(session)
    register_summary(summary, fmt)
