"""The `contracts` command line: a thin click layer over the `contracts` library.

Each command parses its options, opens one unit of work, calls one library
function and renders the result. Problems with the user's input arrive as
`ContractsError` and leave as one readable sentence with exit code 1.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from contracts import (
    db,
    duplicate_snapshot,
    duplicates,
    export,
    organisations,
    proposals,
    register,
    review,
)
from contracts import demo as demo_module
from contracts import sample as sample_module
from contracts.errors import ContractsError, InputRejected
from contracts.money import format_gbp
from contracts.org_suggest import suggest_pairs
from contracts.output import FORMATS, emit, to_json, to_table
from contracts.summary import summarise_register
from importers import import_file
from importers.template import write_template

FORMAT_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table for people, csv or json for scripts (json is printed alone on stdout).",
)


class Store:
    """The database named on the command line, opened on first use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = db.open_database(self.url)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: committed if the block succeeds, rolled back if not."""
        with db.session_factory(self.engine).begin() as session:
            yield session


class ContractsGroup(click.Group):
    """Turns the library's errors into one sentence on stderr and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ContractsError as error:
            raise click.ClickException(str(error)) from error
        except OperationalError as error:
            url = ctx.obj.url if isinstance(ctx.obj, Store) else ""
            if "locked" in str(error.orig):
                raise click.ClickException(
                    f"the database {db.safe_url(url)} is busy with another import; "
                    "try again when it has finished"
                ) from error
            raise click.ClickException(
                f"database error on {db.safe_url(url)}: {error.orig}"
            ) from error


def parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date like 2016-04-01") from None


@click.group(cls=ContractsGroup)
@click.option(
    "--database",
    envvar=db.ENV_VAR,
    default=db.DEFAULT_URL,
    show_default=True,
    help="SQLAlchemy URL of the store, e.g. postgresql+psycopg://user@host/db "
    f"(or set {db.ENV_VAR}).",
)
@click.version_option(package_name="essex-contracts")
@click.pass_context
def main(ctx: click.Context, database: str) -> None:
    """Keep Essex commissioning contracts in one store, find the same contract
    recorded twice, and propose fewer contracts for mid and south Essex.

    Start with `contracts demo`, or `contracts import register.xlsx`.
    """
    ctx.obj = Store(database)
    ctx.call_on_close(ctx.obj.close)


def store(ctx: click.Context) -> Store:
    return ctx.find_object(Store)  # type: ignore[return-value]


# --- db ---------------------------------------------------------------------


@main.group("db")
def db_group() -> None:
    """The database schema: apply migrations, show the revision."""


@db_group.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Apply every alembic migration the database lacks.

    Example: contracts --database sqlite:///team.db db upgrade
    """
    url = store(ctx).url
    db.upgrade(url)
    click.echo(f"{db.safe_url(url)} is at revision {db.current_revision(url)} (head)")


@db_group.command("current")
@click.pass_context
def db_current(ctx: click.Context) -> None:
    """Show the schema revision of the database and the newest this tool knows.

    Example: contracts db current
    """
    url = store(ctx).url
    current = db.current_revision(url)
    head = db.head_revision()
    state = "up to date" if current == head else "run 'contracts db upgrade'"
    click.echo(f"{db.safe_url(url)}: revision {current or 'none'} (head {head}; {state})")


# --- organisations ----------------------------------------------------------


@main.group("orgs", invoke_without_command=True)
@FORMAT_OPTION
@click.pass_context
def orgs_group(ctx: click.Context, fmt: str) -> None:
    """Reference data: organisations, their codes, aliases and successors.

    Without a subcommand, lists them (same as `contracts orgs list`).
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(orgs_list, fmt=fmt)


ORG_COLUMNS = ("code", "name", "kind", "footprint", "commissioner", "successor")


def _org_row(org_json: dict[str, Any]) -> dict[str, Any]:
    return {**org_json, "commissioner": "yes" if org_json["is_commissioner"] else ""}


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
    emit([_org_row(d) for d in data], ORG_COLUMNS, fmt, json_data=data, title="Organisations")


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
    if fmt == "json":
        to_json(data)
        return
    rows = [{"field": k, "value": v} for k, v in data.items()]
    emit(rows, ("field", "value"), fmt, title=data["name"])


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


# --- import -----------------------------------------------------------------


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--source", help="Name of the register (default: the file name without extension).")
@click.option(
    "--sheet", help="Import only this sheet (default: every sheet that looks like a register)."
)
@click.option(
    "--map",
    "mappings",
    multiple=True,
    metavar="'HEADER=field'",
    help="Map a column to a field, e.g. --map 'Supplier Ref=reference'; "
    "'HEADER=ignore' drops it. Repeatable.",
)
@click.option(
    "--commissioner",
    help="The commissioner of every row, for a register with no commissioner column "
    "(name or code).",
)
@click.option("--dry-run", is_flag=True, help="Do everything but write to the database.")
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Import the valid rows and set the invalid ones aside in --rejects.",
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write rejected rows with their reasons here (.xlsx or .csv).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="text for people, json for scripts (printed alone on stdout).",
)
@click.pass_context
def import_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    source: str | None,
    sheet: str | None,
    mappings: tuple[str, ...],
    commissioner: str | None,
    dry_run: bool,
    skip_invalid: bool,
    rejects: Path | None,
    fmt: str,
) -> None:
    """Import commissioning teams' registers (.xlsx, .xlsm or .csv) as they are.

    Finds the header row, maps the columns, checks every row and reports each
    problem with its cell. A file imports whole or not at all; re-importing
    the same source updates it in place and keeps the old values in history.
    Exit code 1 when a file is rejected.

    Example: contracts import mid-essex-register.xlsx --map 'Budget Ref=reference'
    """
    if len(paths) > 1 and (source or rejects):
        raise click.UsageError("--source and --rejects take one file; import files one at a time")
    if skip_invalid and not rejects:
        raise click.UsageError(
            "--skip-invalid needs --rejects OUT.xlsx, so the rejected rows are kept"
        )
    show_progress = sys.stderr.isatty() and fmt == "text"
    results: list[dict[str, Any]] = []
    failed = 0
    for path in paths:
        try:
            with store(ctx).unit_of_work() as session:
                report = import_file(
                    session,
                    path,
                    source=source,
                    sheet=sheet,
                    mapping=mappings,
                    commissioner=commissioner,
                    dry_run=dry_run,
                    skip_invalid=skip_invalid,
                    rejects=rejects,
                    show_progress=show_progress,
                )
        except InputRejected as error:
            failed += 1
            results.append({"file": path.name, "outcome": "refused", "error": str(error)})
            if fmt == "text":
                click.echo(f"Error: {error}", err=True)
            continue
        failed += report.failed
        results.append(report.as_json())
        if fmt == "text":
            click.echo(report.render_text())
    if fmt == "json":
        to_json({"files": results})
    if failed:
        if fmt == "text":
            click.echo(
                f"Error: {failed} of {len(paths)} file(s) rejected; nothing written from them",
                err=True,
            )
        ctx.exit(1)


@main.command("template")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def template_command(ctx: click.Context, out: Path) -> None:
    """Write an empty register with the canonical headers, drop-downs and notes.

    For teams starting a new register: commissioner, service category and
    contract form have drop-down lists; a Notes sheet explains each column.

    Example: contracts template new-register.xlsx
    """
    with store(ctx).unit_of_work() as session:
        write_template(session, out)
    click.echo(f"wrote {out}")


# --- the register -----------------------------------------------------------

CONTRACT_COLUMNS = (
    "id",
    "reference",
    "source",
    "title",
    "commissioner",
    "provider",
    "service_category",
    "start_date",
    "end_date",
    "annual_value",
)


@main.command("list")
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


@main.command("show")
@click.argument("id_or_reference")
@FORMAT_OPTION
@click.pass_context
def show_command(ctx: click.Context, id_or_reference: str, fmt: str) -> None:
    """Show one contract with its parties, provenance and history.

    Example: contracts show 42
    """
    with store(ctx).unit_of_work() as session:
        data = register.contract_detail(register.find_contract(session, id_or_reference))
    if fmt == "json":
        to_json(data)
        return
    rows = [{"field": k, "value": v} for k, v in data.items() if k not in ("history",)]
    rows += [{"field": "changed", "value": h} for h in data["history"]]
    emit(rows, ("field", "value"), fmt, title=f"Contract {data['id']}")


# --- duplicates -------------------------------------------------------------

DUPLICATE_COLUMNS = (
    "set",
    "score",
    "id",
    "reference",
    "source",
    "title",
    "provider",
    "period",
    "annual_value",
    "reasons",
)

DUPLICATE_MEMBER_COLUMNS = DUPLICATE_COLUMNS[2:-1]


@main.group("duplicates", invoke_without_command=True)
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
            duplicate_snapshot.remember(session, report)
    rows = [
        {
            "set": found.id + (" (weak link)" if found.weak_link else ""),
            "score": f"{found.score:.2f}",
            "id": member.id,
            "reference": member.reference,
            "source": member.source,
            "title": member.title,
            "provider": member.provider,
            "period": member.period,
            "annual_value": member.annual_value,
            "reasons": "; ".join(found.reasons),
        }
        for found in report.sets
        for member in found.members
    ]
    if fmt == "table":
        shown = 0  # rows hold each set's members in turn
        for found in report.sets:
            weak = "  WEAK LINK" if found.weak_link else ""
            click.echo(
                f"\n{found.id}  score {found.score:.2f}  "
                f"{format_gbp(found.value_at_stake)} a year at stake{weak}"
            )
            click.echo("  " + "; ".join(found.reasons))
            members = rows[shown : shown + len(found.members)]
            shown += len(found.members)
            to_table(members, DUPLICATE_MEMBER_COLUMNS, right_aligned=("annual_value",))
    else:
        emit(rows, DUPLICATE_COLUMNS, fmt, json_data=report.as_json())
    err = fmt == "json"
    if fmt == "table":
        copies = sum(len(s.members) for s in report.sets)
        at_stake = sum((s.value_at_stake for s in report.sets), Decimal("0.00"))
        click.echo(
            f"{len(report.sets)} sets ({copies} copies) among {report.contracts_considered} "
            f"contracts at score ≥ {report.min_score:g}; {format_gbp(at_stake)} a year "
            "would be counted twice"
        )
    if explain_blocking:
        click.echo("Candidate pairs by block rule:", err=err)
        for rule, count in report.blocking.items():
            click.echo(f"  {rule}: {count}", err=err)
        click.echo(f"  compared (each pair once): {report.pairs_compared}", err=err)
        for note in report.capped:
            click.echo(f"  capped: {note}", err=err)


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
    emit(
        explanation.rows(),
        ("field", "level", "weight", "evidence"),
        fmt,
        json_data=explanation.as_json(),
        title=" vs ".join(f"{m.id} {m.source}/{m.reference or '-'}" for m in explanation.members),
        right_aligned=("weight",),
    )
    if fmt == "table":
        click.echo(
            f"score {explanation.comparison.score:.3f} "
            f"(log2 odds {explanation.comparison.log_odds:+.1f}): {explanation.verdict}"
        )


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


# --- proposals --------------------------------------------------------------

PROPOSAL_COLUMNS = (
    "id",
    "status",
    "rule",
    "title",
    "lead_commissioner",
    "contracts",
    "annual_value",
    "earliest_start",
    "flags",
)
# A terminal is narrow: the table keeps what a person scans first.
PROPOSAL_TABLE_COLUMNS = ("id", "status", "title", "contracts", "annual_value", "flags")


def _proposal_columns(fmt: str) -> tuple[str, ...]:
    return PROPOSAL_TABLE_COLUMNS if fmt == "table" else PROPOSAL_COLUMNS


def _proposal_row(data: dict[str, Any]) -> dict[str, Any]:
    review = " (review)" if data["needs_review"] else ""
    return {
        **data,
        "status": data["status"] + review,
        "contracts": f"{data['contracts_before']} → {data['contracts_after']}",
        "flags": len(data["flags"]),
    }


@main.command("propose")
@click.option(
    "--rules",
    "rules_path",
    type=click.Path(dir_okay=False),
    help="A rules TOML file of your own (default: the shipped contracts/data/rules.toml).",
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
    callback=parse_date,
    help="Only contracts in force on this date (default today), e.g. 2016-04-01.",
)
@click.option("--dry-run", is_flag=True, help="Show what the rules find; store nothing.")
@FORMAT_OPTION
@click.pass_context
def propose_command(
    ctx: click.Context,
    rules_path: str | None,
    footprint: str,
    on: dt.date | None,
    dry_run: bool,
    fmt: str,
) -> None:
    """Run the consolidation rules and store the candidate proposals.

    Undecided candidates of an earlier run are replaced; accepted, rejected
    and deferred proposals keep their decision (and are flagged for review if
    their contracts have changed).

    Example: contracts propose --on 2016-04-01
    """
    with store(ctx).unit_of_work() as session:
        run = proposals.propose(
            session,
            rules_path=rules_path,
            footprint=footprint,
            on=on or dt.date.today(),
            dry_run=dry_run,
        )
        data = run.as_json()
    rows = [_proposal_row(p) for p in data["proposals"]]
    emit(
        rows,
        _proposal_columns(fmt),
        fmt,
        json_data=data,
        title=f"{len(rows)} proposals as at {data['as_at']} ({data['footprint']})",
        right_aligned=("annual_value", "flags"),
    )
    if fmt == "table":
        click.echo(
            f"{data['contracts_before']} contracts → {data['contracts_after']} if every "
            "proposal were accepted (a contract in two proposals counted once); "
            f"{data['kept']} decided proposals kept, {data['replaced']} earlier candidates "
            "replaced" + (" (dry run: nothing stored)" if dry_run else "")
        )
        if data["needs_review"]:
            click.echo(f"Needs review (members changed): {', '.join(data['needs_review'])}")


@main.group("proposals", invoke_without_command=True)
@click.option("--status", help="Only candidate, accepted, rejected or deferred proposals.")
@FORMAT_OPTION
@click.pass_context
def proposals_group(ctx: click.Context, status: str | None, fmt: str) -> None:
    """The stored consolidation proposals and their decisions.

    Without a subcommand, lists them (same as `contracts proposals list`).

    Example: contracts proposals --status candidate --format csv
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(proposals_list, status=status, fmt=fmt)


@proposals_group.command("list")
@click.option("--status", help="Only candidate, accepted, rejected or deferred proposals.")
@FORMAT_OPTION
@click.pass_context
def proposals_list(ctx: click.Context, status: str | None, fmt: str) -> None:
    """List the stored proposals: rule, title, lead, contracts before → after, value.

    Example: contracts proposals list --status accepted --format json
    """
    with store(ctx).unit_of_work() as session:
        data = [
            proposals.proposal_json(p) for p in proposals.list_proposals(session, status=status)
        ]
    emit(
        [_proposal_row(d) for d in data],
        _proposal_columns(fmt),
        fmt,
        json_data=data,
        title=f"{len(data)} proposals",
        right_aligned=("annual_value", "flags"),
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
        data = proposals.proposal_detail(proposals.find_proposal(session, proposal_id))
    if fmt == "json":
        to_json(data)
        return
    fields = ("id", "rule", "title", "status", "needs_review", "provider", "lead_commissioner")
    rows = [{"field": k, "value": data[k]} for k in fields]
    rows += [
        {"field": "commissioners", "value": "; ".join(data["commissioners"])},
        {"field": "annual_value", "value": data["annual_value"]},
        {
            "field": "contracts",
            "value": f"{data['contracts_before']} → {data['contracts_after']}",
        },
        {"field": "earliest_start", "value": data["earliest_start"]},
    ]
    rows += [{"field": "reason", "value": r} for r in data["reasons"]]
    rows += [{"field": "flag", "value": f} for f in data["flags"]]
    rows += [
        {"field": "decision", "value": f"{d['decision']} by {d['decided_by']} ({d['via']})"}
        for d in data["decisions"]
    ]
    emit(rows, ("field", "value"), fmt, title=f"Proposal {data['id']}")
    emit(
        data["contracts"],
        ("id", "reference", "source", "title", "annual_value", "end_date"),
        fmt,
        title="Contracts it would replace",
        right_aligned=("annual_value",),
    )


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
        proposal = proposals.find_proposal(session, proposal_id)
        recorded = proposals.set_decision(session, proposal, decision, notes=notes)
        message = f"{proposal.id} {proposal.title}: {proposal.status}"
    click.echo(message if recorded else f"{message} (already recorded; nothing changed)")


@main.command("summary")
@FORMAT_OPTION
@click.pass_context
def summary_command(ctx: click.Context, fmt: str) -> None:
    """Headline figures: contracts and annual value, by commissioner and provider.

    Example: contracts summary --format json
    """
    with store(ctx).unit_of_work() as session:
        summary = summarise_register(session)
    data = summary.as_dict()
    if fmt == "json":
        to_json(data)
        return
    columns = ("name", "code", "contracts", "annual_value", "unknown_values")
    money = ("contracts", "annual_value", "unknown_values")
    emit(data["by_commissioner"], columns, fmt, title="By commissioner", right_aligned=money)
    emit(data["by_provider"], columns, fmt, title="By provider", right_aligned=money)
    if fmt == "table":
        click.echo(
            f"{summary.total.contracts} contracts in the register, annual value "
            f"{format_gbp(summary.total.annual_value)}"
            + (
                f" ({summary.total.unknown_values} with no known value)"
                if summary.total.unknown_values
                else ""
            )
        )
        if summary.duplicate_sets:
            click.echo(
                f"{summary.duplicate_sets} contracts recorded more than once are counted once "
                f"({summary.duplicates_counted_once} extra copies left out; "
                "see `contracts duplicates`)"
            )
    _echo_consolidation(summary.consolidation, fmt)


def _echo_consolidation(consolidation: Any, fmt: str) -> None:
    """The summary's before → after part: what the proposals would leave."""
    if consolidation is None or not consolidation.proposals:
        return
    data = consolidation.as_dict()
    columns = ("name", "code", "before", "after")
    for key, title in (("by_commissioner", "commissioner"), ("by_provider", "provider")):
        emit(
            data[key],
            columns,
            fmt,
            title=f"Contracts before → after the proposals, by {title}",
            right_aligned=("before", "after"),
        )
    if fmt == "table":
        unknown = consolidation.unknown_values_covered
        click.echo(
            f"If every candidate and accepted proposal were accepted: "
            f"{consolidation.contracts_before} contracts → {consolidation.contracts_after} "
            f"({consolidation.contracts_covered} contracts in {consolidation.proposals} "
            f"proposals, each counted once; {format_gbp(consolidation.value_covered)} a year "
            "covered" + (f", {unknown} with no known value" if unknown else "") + ")"
        )


# --- the finance workbook ---------------------------------------------------


@main.command("export")
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
    """Write the finance workbook OUT.xlsx: Summary, Proposals, Contracts, Duplicates.

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


@main.command("review")
@click.argument("workbook", type=click.Path(dir_okay=False, exists=True))
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


# --- the sample and the demo ------------------------------------------------


@main.command("sample")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--seed", type=int, default=1, show_default=True, help="The same seed writes the same files."
)
@click.option(
    "--contracts",
    "contract_count",
    type=int,
    default=sample_module.DEFAULT_CONTRACTS,
    show_default=True,
    help="How many register lines to write across all the files.",
)
def sample_command(out_dir: Path, seed: int, contract_count: int) -> None:
    """Write a realistic mid and south Essex sample: ten registers and truth.json.

    One register per commissioner (the five CCGs of the footprint, the three
    councils, the two other Essex CCGs), each in its own layout, with planted
    duplicates, consolidation candidates and decoys; truth.json beside them
    holds the known answers. Files without a commissioner column need the
    --commissioner option printed beside them when you import them.

    Example: contracts sample sample-registers --seed 7 --contracts 500
    """
    result = sample_module.write_sample(out_dir, seed=seed, contracts=contract_count)
    truth = sample_module.load_truth(result.truth_path)
    for entry in truth["files"]:
        option = entry["commissioner_option"]
        hint = f"  (import with --commissioner {option})" if option else ""
        click.echo(f"wrote {out_dir / entry['path']}{hint}")
    click.echo(
        f"{result.contracts} contracts in {len(result.files)} registers (seed {seed}); "
        f"the known answers are in {result.truth_path}"
    )


@main.command("demo")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(demo_module.DEFAULT_OUT),
    show_default=True,
    help="Folder for the sample, its database (new on every run) and the workbook.",
)
def demo_command(out_dir: Path) -> None:
    """Run the whole job on the embedded mid and south Essex sample.

    Writes the sample registers into --out, imports them into a fresh database
    there (never ./contracts.db), prints the duplicate report and the
    consolidation proposals as at 1 April 2016, writes
    consolidation-proposals.xlsx and ends with the headline.

    Example: contracts demo --out demo-output
    """
    demo_module.run_demo(out_dir, echo=click.echo)


if __name__ == "__main__":  # pragma: no cover
    main(prog_name="contracts")
