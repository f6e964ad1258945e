"""`contracts duplicates`: the report, the evidence for a pair, and people's verdicts."""

from __future__ import annotations

import sys

import click

from contracts.commands.context import FORMAT_OPTION, store
from contracts.commands.render import duplicate_report, pair_explanation
from contracts.duplicates import finder as duplicates
from contracts.duplicates import stored_run


@click.group("duplicates", invoke_without_command=True)
@click.option(
    "--min-score",
    type=click.FloatRange(0.0, 1.0),
    help="Link pairs scoring at least this (0-1); default the weights file's threshold.",
)
@click.option(
    "--weights",
    "weights_path",
    type=click.Path(dir_okay=False),
    help="A TOML file overriding the default weights (contracts/data/duplicate_weights.toml).",
)
@click.option(
    "--explain-blocking", is_flag=True, help="Also print how many pairs each block rule produced."
)
@FORMAT_OPTION
@click.pass_context
def duplicates_group(
    ctx: click.Context,
    min_score: float | None,
    weights_path: str | None,
    explain_blocking: bool,
    fmt: str,
) -> None:
    """Contracts recorded more than once, each set with its score and reasons.

    Sets are sorted by the value that would be counted twice. Record a verdict
    with `contracts duplicates confirm A B` or `reject A B`; see the evidence
    for any two contracts with `contracts duplicates explain A B`.

    Example: contracts duplicates --min-score 0.9 --explain-blocking
    """
    if ctx.invoked_subcommand is not None:
        return
    with store(ctx).unit_of_work() as session:
        report = duplicates.find_duplicates(
            session,
            min_score=min_score,
            weights_path=weights_path,
            show_progress=sys.stderr.isatty(),
        )
        if min_score is None and weights_path is None:
            # The default sets: keep them, so summary, propose and export need not look again.
            stored_run.remember(session, report)
    duplicate_report(report, fmt, explain_blocking=explain_blocking)


@duplicates_group.command("explain")
@click.argument("a")
@click.argument("b")
@click.option(
    "--weights",
    "weights_path",
    type=click.Path(dir_okay=False),
    help="A TOML file overriding the default weights.",
)
@FORMAT_OPTION
@click.pass_context
def duplicates_explain(
    ctx: click.Context, a: str, b: str, weights_path: str | None, fmt: str
) -> None:
    """Show the evidence, field by field, for any two contracts, matched or not.

    A and B are contract numbers or uids (source:reference).

    Example: contracts duplicates explain 12 40
    """
    with store(ctx).unit_of_work() as session:
        explanation = duplicates.explain_pair(session, a, b, weights_path=weights_path)
    pair_explanation(explanation, fmt)


def _decide(ctx: click.Context, a: str, b: str, decision: str, notes: str | None) -> None:
    with store(ctx).unit_of_work() as session:
        stored = duplicates.record_decision(session, a, b, decision, notes)
        pair = f"{stored.contract_uid_a} and {stored.contract_uid_b}"
    click.echo(f"{pair}: {decision} (honoured on every later run)")


@duplicates_group.command("confirm")
@click.argument("a")
@click.argument("b")
@click.option("--notes", help="Why, for the audit log.")
@click.pass_context
def duplicates_confirm(ctx: click.Context, a: str, b: str, notes: str | None) -> None:
    """Record that A and B are the same contract: they stay in one set whatever the score.

    Example: contracts duplicates confirm 12 mid-essex-ccg-register:ME/0042
    """
    _decide(ctx, a, b, duplicates.CONFIRMED, notes)


@duplicates_group.command("reject")
@click.argument("a")
@click.argument("b")
@click.option("--notes", help="Why, for the audit log.")
@click.pass_context
def duplicates_reject(ctx: click.Context, a: str, b: str, notes: str | None) -> None:
    """Record that A and B are different contracts: they are never linked directly.

    Example: contracts duplicates reject 12 40 --notes "two lots of one tender"
    """
    _decide(ctx, a, b, duplicates.REJECTED, notes)
