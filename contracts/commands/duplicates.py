"""`contracts duplicates`: the report, the evidence for a pair, and people's verdicts."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable

import click
from sqlalchemy.orm import Session

from contracts.commands.context import (
    FORMAT_OPTION,
    hint_if_empty_default,
    own_file_option,
    store,
)
from contracts.commands.duplicate_report import DUPLICATE_ORDERS, MEMBER_TABLE, duplicate_report
from contracts.commands.render import emit, pair_explanation
from contracts.commands.sorting import sort_items, sort_option
from contracts.commands.tables import parse_columns, table_options
from contracts.duplicates import finder as duplicates
from contracts.duplicates import learned_weights, pair, stored_run
from contracts.duplicates import training as duplicate_training
from contracts.duplicates.finder import DuplicateReport, DuplicateSet
from contracts.organisations.index import find_organisation


def _only(
    session: Session, report: DuplicateReport, commissioner: str | None, provider: str | None
) -> DuplicateReport:
    """The sets with a copy whose commissioner (or provider) is the one named, by any name."""
    sets = report.sets
    for name, field in ((commissioner, "commissioner"), (provider, "provider")):
        if name is not None:
            wanted = find_organisation(session, name).name

            def has(found: DuplicateSet, field: str = field, wanted: str = wanted) -> bool:
                return any(getattr(m, field) == wanted for m in found.members)

            sets = [s for s in sets if has(s)]
    return dataclasses.replace(report, sets=sets)


@click.group("duplicates", invoke_without_command=True)
@click.option(
    "--min-score",
    type=click.FloatRange(0.0, 1.0),
    help="Link pairs scoring at least this (0-1); default the weights file's threshold.",
)
@own_file_option(
    "--weights",
    "weights_path",
    "A TOML file overriding the default weights (contracts/data/duplicate_weights.toml).",
)
@click.option(
    "--explain-blocking", is_flag=True, help="Also print how many pairs each block rule produced."
)
@click.option("--commissioner", help="Only sets with a copy of this commissioner's (name or code).")
@click.option("--provider", help="Only sets with a copy with this provider (name or code).")
@sort_option(DUPLICATE_ORDERS, "value")
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Table: print every set, even when there are more than 50 (csv and json always do).",
)
@table_options(MEMBER_TABLE)
@FORMAT_OPTION
@click.pass_context
def duplicates_group(
    ctx: click.Context,
    min_score: float | None,
    weights_path: str | None,
    explain_blocking: bool,
    commissioner: str | None,
    provider: str | None,
    sort: str,
    everything: bool,
    columns: str | None,
    wide: bool,
    fmt: str,
) -> None:
    """Contracts recorded more than once, each set with its score and reasons.

    Sets are sorted by the value that would be counted twice (--sort for another
    order); with more than 50, the table shows the first 20 and the totals. Record a verdict
    with `contracts duplicates confirm A B` or `reject A B`; see the evidence
    for any two contracts with `contracts duplicates explain A B`.

    Example: contracts duplicates --min-score 0.9 --explain-blocking
    """
    if ctx.invoked_subcommand is not None:
        return
    chosen = parse_columns(MEMBER_TABLE, columns)
    progress = sys.stderr.isatty()
    with store(ctx).unit_of_work() as session:
        report = duplicates.find_duplicates(
            session, min_score=min_score, weights_path=weights_path, show_progress=progress
        )
        if min_score is None and weights_path is None:
            # The default sets: keep them, so summary, propose and export need not look again.
            stored_run.remember(session, report)
        shown = _only(session, report, commissioner, provider)
        hint_if_empty_default(ctx, session)
    shown.sets = sort_items(shown.sets, DUPLICATE_ORDERS, sort)
    duplicate_report(
        shown,
        fmt,
        explain_blocking=explain_blocking,
        everything=everything,
        chosen=chosen,
        wide=wide,
        found_in_all=len(report.sets) if commissioner or provider else None,
    )


@duplicates_group.command("explain")
@click.argument("a")
@click.argument("b")
@own_file_option("--weights", "weights_path", "A TOML file overriding the default weights.")
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
        explanation = pair.explain_pair(session, a, b, weights_path=weights_path)
    pair_explanation(explanation, fmt)


def _decide(ctx: click.Context, a: str, b: str, decision: str, notes: str | None) -> None:
    with store(ctx).unit_of_work() as session:
        stored = pair.record_decision(session, a, b, decision, notes)
        both = f"{stored.contract_uid_a} and {stored.contract_uid_b}"
    click.echo(f"{both}: {decision} (honoured on every later run)")


def _verdict(name: str) -> Callable[[Callable[..., None]], click.Command]:
    """A verdict command on a pair: A and B, and the notes the audit log keeps."""

    def command(function: Callable[..., None]) -> click.Command:
        for decorate in (
            click.pass_context,
            click.option("--notes", help="Why, for the audit log."),
            click.argument("b"),
            click.argument("a"),
        ):
            function = decorate(function)
        return duplicates_group.command(name)(function)

    return command


@_verdict("confirm")
def duplicates_confirm(ctx: click.Context, a: str, b: str, notes: str | None) -> None:
    """Record that A and B are the same contract: they stay in one set whatever the score.

    Example: contracts duplicates confirm 12 mid-essex-ccg-register:ME/0042
    """
    _decide(ctx, a, b, pair.CONFIRMED, notes)


@_verdict("reject")
def duplicates_reject(ctx: click.Context, a: str, b: str, notes: str | None) -> None:
    """Record that A and B are different contracts: they are never linked directly.

    Example: contracts duplicates reject 12 40 --notes "two lots of one tender"
    """
    _decide(ctx, a, b, pair.REJECTED, notes)


@duplicates_group.command("train")
@click.option("--dry-run", is_flag=True, help="Show the estimates; keep nothing.")
@click.option("--reset", is_flag=True, help="Forget the learned weights: back to the defaults.")
@FORMAT_OPTION
@click.pass_context
def duplicates_train(ctx: click.Context, dry_run: bool, reset: bool, fmt: str) -> None:
    """Re-estimate the weights from the pairs people confirmed and rejected, for this store.

    Each level's m (how often copies land on it) and u (how often different
    contracts do) are counted from the decisions, the shipped weights counting
    as 100 decisions of each kind, so a few decisions move a weight a little.
    Detection in this store then uses the learned weights; `duplicates explain`
    says where each weight came from.

    Example: contracts duplicates train --dry-run
    """
    if reset:
        with store(ctx).unit_of_work() as session:
            count = learned_weights.forget(session)
        click.echo(f"Forgot {count} learned weights; detection uses the shipped defaults")
        return
    with store(ctx).unit_of_work() as session:
        result = duplicate_training.train(session, dry_run=dry_run)
    emit(
        result.rows(),
        ("field", "level", "default", "learned", "m", "u", "confirmed", "rejected"),
        fmt,
        json_data=result.as_json(),
        title=f"Weights from {result.confirmed} confirmed and {result.rejected} rejected pairs",
        right_aligned=("default", "learned", "m", "u", "confirmed", "rejected"),
    )
    if fmt == "table":
        kept = "nothing kept (dry run)" if dry_run else "kept for this store"
        skipped = f"; {len(result.skipped)} decisions skipped" if result.skipped else ""
        click.echo(
            f"{kept}{skipped}: the shipped weights count as 100 decisions of each kind, so "
            "few decisions move them little"
        )
