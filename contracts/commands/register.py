"""`contracts list`, `show` and `summary`: reading the register."""

from __future__ import annotations

import datetime as dt

import click

from contracts.commands.context import FORMAT_OPTION, parse_date, store
from contracts.commands.render import CONTRACT_COLUMNS, contract_card, emit, register_summary
from contracts.proposals.summary import summarise_register
from contracts.store import register


@click.command("list")
@click.option("--commissioner", help="Only contracts this commissioner is party to (name or code).")
@click.option("--provider", help="Only contracts with this provider (name or code).")
@click.option("--category", help="Only this service category, e.g. 'community'.")
@click.option("--active-on", callback=parse_date, help="Only contracts in force on this date.")
@FORMAT_OPTION
@click.pass_context
def list_command(
    ctx: click.Context,
    commissioner: str | None,
    provider: str | None,
    category: str | None,
    active_on: dt.date | None,
    fmt: str,
) -> None:
    """List the contracts in the register.

    Example: contracts list --provider BTUH --active-on 2016-04-01
    """
    with store(ctx).unit_of_work() as session:
        found = register.list_contracts(
            session,
            commissioner=commissioner,
            provider=provider,
            service_category=category,
            active_on=active_on,
        )
        data = [register.contract_json(c) for c in found]
    emit(
        data, CONTRACT_COLUMNS, fmt, title=f"{len(data)} contracts", right_aligned=("annual_value",)
    )


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
