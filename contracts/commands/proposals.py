"""`contracts propose` and `contracts proposals`: run the rules, read and decide proposals."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

import click

from contracts.commands.context import (
    DATE,
    FORMAT_OPTION,
    hint_if_empty_default,
    own_file_option,
    store,
)
from contracts.commands.render import PROPOSAL_TABLE, proposal_card, proposal_list, proposal_run
from contracts.commands.sorting import Order, money, sort_items, sort_option
from contracts.commands.tables import parse_columns, table_options
from contracts.commands.timeline import plan_report
from contracts.proposals import decisions, listing, shapes
from contracts.proposals import stored as proposals
from contracts.proposals.packing import Objective
from contracts.proposals.plan import make_plan
from contracts.store import locks

PROPOSE_LOCK = "contracts: propose"
F = TypeVar("F", bound=Any)


@click.command("propose")
@own_file_option(
    "--rules",
    "rules_path",
    "A rules TOML file of your own (default: the shipped contracts/data/rules.toml).",
)
@click.option(
    "--footprint",
    default="mid and south Essex",
    show_default=True,
    help="Only contracts led by commissioners of this footprint: a name from "
    "contracts/data/footprints.toml, an ICB or STP by code or name (QH8, 'Norfolk and "
    "Waveney'), your own FILE.toml[:NAME], or 'all'.",
)
@click.option(
    "--on",
    "on",
    type=DATE,
    help="Only contracts in force on this date (default today), e.g. 2016-04-01.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Replace the stored candidates even though they were made for another date.",
)
@click.option("--dry-run", is_flag=True, help="Show what the rules find; store nothing.")
@click.option(
    "--explain",
    is_flag=True,
    help="Also list each contract no rule could consider, with the reason.",
)
@FORMAT_OPTION
@click.pass_context
def propose_command(
    ctx: click.Context,
    rules_path: str | None,
    footprint: str,
    on: dt.date | None,
    replace: bool,
    dry_run: bool,
    explain: bool,
    fmt: str,
) -> None:
    """Run the consolidation rules and store the candidate proposals.

    Undecided candidates of an earlier run at the same date are replaced;
    accepted, rejected and deferred proposals keep their decision (and are
    flagged for review if their contracts have changed). Proposals belong to
    the date they were made for: another --on than the stored run's stops,
    unless --replace.

    Every contract no rule could consider (not in force, outside the footprint,
    a form no rule merges, another record of one already counted) is counted
    by reason; --explain lists each. A missing contract form is inferred from
    the parties and the title, and the proposals' reasons say so.

    Example: contracts propose --on 2016-04-01 --explain
    """
    with store(ctx).unit_of_work() as session:
        locks.hold(session, PROPOSE_LOCK)  # one propose at a time per store
        run = proposals.propose(
            session,
            rules_path=rules_path,
            footprint=footprint,
            on=on or dt.date.today(),
            dry_run=dry_run,
            replace=replace,
            explain=explain,
        )
        data = run.as_json(lazy=True)  # each proposal's JSON made as it is shown
        if explain:
            data["left_out_contracts"] = [item.as_json() for item in run.left_out]
    proposal_run(data, fmt, dry_run=dry_run, explain=explain)


PROPOSAL_ORDERS = {
    "value": Order(lambda p: money(p["annual_value"]), largest_first=True),
    "contracts": Order(lambda p: p["contracts_before"], largest_first=True),
    "start": Order(lambda p: p["earliest_start"]),
    "rule": Order(lambda p: p["rule"]),
    "status": Order(lambda p: p["status"]),
    "lead": Order(lambda p: p["lead_commissioner"]),
    "provider": Order(lambda p: p["provider"]),
    "title": Order(lambda p: p["title"]),
}


def _proposal_filters(command: F) -> F:
    """--status, --rule, --commissioner, --provider and --sort, for proposals (list)."""
    for option in reversed(
        (
            click.option(
                "--status", help="Only candidate, accepted, rejected or deferred proposals."
            ),
            click.option("--rule", help="Only proposals of this rule, e.g. three-hospitals."),
            click.option(
                "--commissioner",
                help="Only proposals this commissioner is party to (name or code).",
            ),
            click.option(
                "--provider",
                help="Only proposals with this provider, theirs or a member's (name or code).",
            ),
            sort_option(PROPOSAL_ORDERS, "value"),
            table_options(PROPOSAL_TABLE),
        )
    ):
        command = option(command)
    return command


@click.group("proposals", invoke_without_command=True)
@_proposal_filters
@FORMAT_OPTION
@click.pass_context
def proposals_group(ctx: click.Context, fmt: str, **filters: Any) -> None:
    """The stored consolidation proposals and their decisions.

    Without a subcommand, lists them (same as `contracts proposals list`).

    Example: contracts proposals --status candidate --format csv
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(proposals_list, fmt=fmt, **filters)


@proposals_group.command("list")
@_proposal_filters
@FORMAT_OPTION
@click.pass_context
def proposals_list(
    ctx: click.Context,
    status: str | None,
    rule: str | None,
    commissioner: str | None,
    provider: str | None,
    sort: str,
    columns: str | None,
    wide: bool,
    fmt: str,
) -> None:
    """List the stored proposals, largest annual value first (--sort for another order).

    The table shows as many of id, status, rule, title, lead, contracts before → after,
    value, earliest start and flags as the terminal has room for (--wide for all).

    Example: contracts proposals list --status candidate --rule three-hospitals
    """
    chosen = parse_columns(PROPOSAL_TABLE, columns)
    with store(ctx).unit_of_work() as session:
        keys = listing.proposal_keys(
            session, status=status, rule=rule, commissioner=commissioner, provider=provider
        )
        hint_if_empty_default(ctx, session)
        ids = [key["id"] for key in sort_items(keys, PROPOSAL_ORDERS, sort)]
        del keys
        # Written as read, a chunk at a time; the table reads them twice (widths, then rows).
        proposal_list(
            lambda: map(shapes.proposal_json, listing.proposal_views(session, ids)),
            len(ids),
            fmt,
            chosen=chosen,
            wide=wide,
        )


@proposals_group.command("show")
@click.argument("proposal_id")
@FORMAT_OPTION
@click.pass_context
def proposals_show(ctx: click.Context, proposal_id: str, fmt: str) -> None:
    """Show one proposal: its contracts, reasons, flags and decisions.

    Example: contracts proposals show P-4af4744f16
    """
    with store(ctx).unit_of_work() as session:
        data = shapes.proposal_detail(decisions.find_proposal(session, proposal_id))
    proposal_card(data, fmt)


@proposals_group.command("decide")
@click.argument("proposal_id")
@click.argument("decision", type=click.Choice(["accept", "reject", "defer"]))
@click.option("--notes", help="Why, for the decision record and the audit log.")
@click.pass_context
def proposals_decide(
    ctx: click.Context, proposal_id: str, decision: str, notes: str | None
) -> None:
    """Accept, reject or defer a proposal; kept on every later `contracts propose`.

    Example: contracts proposals decide P-4af4744f16 accept --notes "board 12 May"
    """
    with store(ctx).unit_of_work() as session:
        proposal = decisions.find_proposal(session, proposal_id)
        recorded = decisions.set_decision(session, proposal, decision, notes=notes)
        message = f"{proposal.id} {proposal.title}: {proposal.status}"
    click.echo(message if recorded else f"{message} (already recorded; nothing changed)")


@click.command("plan")
@click.option(
    "--on",
    "on",
    type=DATE,
    help="The date the stored proposals were made for (the default); another date is refused.",
)
@click.option(
    "--objective",
    type=click.Choice([o.value for o in Objective]),
    default=Objective.CONTRACTS.value,
    show_default=True,
    help="What to maximise first: contracts removed, or annual value covered (the other "
    "breaks ties).",
)
@click.option(
    "--go-live",
    "go_live",
    type=DATE,
    help="One go-live date for every new contract (default: the day after its last member ends).",
)
@FORMAT_OPTION
@click.pass_context
def plan_command(
    ctx: click.Context, on: dt.date | None, objective: str, go_live: dt.date | None, fmt: str
) -> None:
    """The non-overlapping set of proposals to carry out, when each goes live, and what
    each member contract needs (an extension or an early end) to get there.

    Accepted proposals are always in the plan and rejected or deferred ones never; of
    the candidates, the plan takes the set with no contract twice that removes the most
    contracts (then covers the most annual value), and names for each one left out the
    planned proposal it overlaps.

    Example: contracts plan --format json
    """
    with store(ctx).unit_of_work() as session:
        plan = make_plan(session, on=on, objective=objective, go_live=go_live)
        hint_if_empty_default(ctx, session)
    plan_report(plan, fmt)
