"""`contracts list`, `show` and `summary`: reading the register."""

from __future__ import annotations

import datetime as dt

import click

from contracts.commands.card import contract_card
from contracts.commands.context import DATE, FORMAT_OPTION, hint_if_empty_default, store
from contracts.commands.render import (
    CONTRACT_TABLE,
    SUMMARY_BY,
    contract_list,
    register_summary,
)
from contracts.commands.sorting import Order, sort_items
from contracts.commands.tables import parse_columns, table_options
from contracts.proposals.summary import summarise_register
from contracts.store import listing, register

# Each order reads the value contract_keys gives beside a contract's id (money as a
# Decimal, dates as dates, names as text): the second of the pair.
CONTRACT_ORDERS = {
    "value": Order(lambda key: key[1], largest_first=True),
    "start": Order(lambda key: key[1]),
    "end": Order(lambda key: key[1]),
    "provider": Order(lambda key: key[1]),
    "commissioner": Order(lambda key: key[1]),
    "title": Order(lambda key: key[1]),
}


@click.command("list")
@click.option("--commissioner", help="Only contracts this commissioner is party to (name or code).")
@click.option("--provider", help="Only contracts with this provider (name or code).")
@click.option("--category", help="Only this service category, e.g. 'community'.")
@click.option(
    "--active-on", type=DATE, help="Only contracts in force on this date, e.g. 01/04/2016."
)
@click.option(
    "--ending-before",
    type=DATE,
    help="Only contracts that end before this date, soonest first: the contracts to bring "
    "to one end date (with --active-on, those not ended by then).",
)
@click.option(
    "--sort",
    type=click.Choice(["register", *CONTRACT_ORDERS]),
    help="Order: register (as imported, the default), or value (largest first), start, end, "
    "provider, commissioner, title; end with --ending-before.",
)
@table_options(CONTRACT_TABLE)
@FORMAT_OPTION
@click.pass_context
def list_command(
    ctx: click.Context,
    commissioner: str | None,
    provider: str | None,
    category: str | None,
    active_on: dt.date | None,
    ending_before: dt.date | None,
    sort: str | None,
    columns: str | None,
    wide: bool,
    fmt: str,
) -> None:
    """List the contracts in the register.

    Example: contracts list --active-on 01/04/2016 --ending-before 01/04/2018
    """
    chosen = parse_columns(CONTRACT_TABLE, columns)
    sort = sort or ("end" if ending_before else "register")
    with store(ctx).unit_of_work() as session:
        keys = listing.contract_keys(
            session,
            sort_by=None if sort == "register" else sort,
            commissioner=commissioner,
            provider=provider,
            service_category=category,
            active_on=active_on,
            ending_before=ending_before,
        )
        hint_if_empty_default(ctx, session)
        if sort != "register":
            keys = sort_items(keys, CONTRACT_ORDERS, sort)
        ids = [key[0] for key in keys]
        del keys
        # Written as read, a chunk at a time; the table reads them twice (widths, then rows).
        contract_list(
            lambda: listing.contract_rows(session, ids),
            len(ids),
            fmt,
            chosen=chosen,
            wide=wide,
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
@click.option(
    "--on",
    type=DATE,
    help="Count only the contracts in force on this date, e.g. 01/04/2016 (default: every "
    "contract in the register, as the plan and the workbook count them).",
)
@click.option(
    "--by",
    type=click.Choice(SUMMARY_BY),
    help="The one table to print: csv and json print one table a call (default "
    "commissioner); the table format prints commissioner and provider unless --by.",
)
@FORMAT_OPTION
@click.pass_context
def summary_command(ctx: click.Context, on: dt.date | None, by: str | None, fmt: str) -> None:
    """Headline figures: contracts and annual value, by commissioner, provider or status.

    Counts every contract in the register unless --on DATE, each duplicate set once;
    the headline says which.

    Example: contracts summary --on 01/04/2016 --by provider --format csv
    """
    with store(ctx).unit_of_work() as session:
        summary = summarise_register(session, on=on)
        hint_if_empty_default(ctx, session)
    register_summary(summary, fmt, by)
