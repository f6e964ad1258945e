"""`contracts export` and `contracts review`: the finance workbook out and its decisions back."""

from __future__ import annotations

import sys

import click

from contracts.commands.context import store
from contracts.commands.render import to_json
from contracts.workbook import export


@click.command("export")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(["candidate", "accepted", "rejected", "deferred"]),
    help="Only proposals with this status (repeat for several; default: all).",
)
@click.option(
    "--footprint", help="Only proposals made for this footprint, e.g. 'mid and south Essex'."
)
@click.option(
    "--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True
)
@click.pass_context
def export_command(
    ctx: click.Context, out: str, statuses: tuple[str, ...], footprint: str | None, fmt: str
) -> None:
    """Write the finance workbook OUT.xlsx: Summary, Plan, Proposals, Contracts, Duplicates.

    Totals are live formulas finance can audit; the Proposals sheet has a
    Decision drop-down (Accept, Reject, Defer) and Reviewer notes, which
    `contracts review` reads back.

    Example: contracts export proposals.xlsx --status candidate
    """
    with store(ctx).unit_of_work() as session:
        result = export.export_workbook(
            session,
            out,
            statuses=statuses or None,
            footprint=footprint,
            show_progress=sys.stderr.isatty(),
        )
    if fmt == "json":
        to_json(result.as_json())
    else:
        click.echo(result.render_text())


@click.command("review")
@click.argument("workbook", type=click.Path())
@click.option("--dry-run", is_flag=True, help="Check and show the changes without keeping them.")
@click.option("--reviewer", help="Who made the decisions (default: the current user).")
@click.option(
    "--skip-invalid", is_flag=True, help="Apply the valid rows even if other rows have problems."
)
@click.option(
    "--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True
)
@click.pass_context
def review_command(
    ctx: click.Context,
    workbook: str,
    dry_run: bool,
    reviewer: str | None,
    skip_invalid: bool,
    fmt: str,
) -> None:
    """Read finance decisions back from an edited workbook into the store.

    Reads Proposal ID, Decision and Reviewer notes from the Proposals sheet,
    wherever the columns were moved. Nothing is applied if any row is invalid
    (unknown ID, decision not Accept/Reject/Defer, a proposal changed since the
    export, a workbook from another database) unless --skip-invalid; exit 1.

    Example: contracts review proposals.xlsx --reviewer "J. Smith (finance)" --dry-run
    """
    # Imported here: review reads with openpyxl, which export never needs.
    from contracts.workbook import review

    with store(ctx).unit_of_work() as session:
        result = review.review_workbook(
            session, workbook, dry_run=dry_run, reviewer=reviewer, skip_invalid=skip_invalid
        )
    if fmt == "json":
        to_json(result.as_json())
    else:
        click.echo(result.render_text(), err=result.blocked)
    if result.blocked:
        ctx.exit(1)
