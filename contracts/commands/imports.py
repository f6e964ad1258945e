"""`contracts import` and `contracts template`: registers in, an empty register out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from contracts.commands.context import store
from contracts.commands.render import to_json
from contracts.errors import InputRejected
from importers import import_file


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
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
    "--as-new",
    is_flag=True,
    help="Import as a register of its own even when most of its contracts are already in "
    "another source (by default that stops: it is usually the same register renamed).",
)
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
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write every finding of every file to this spreadsheet (.xlsx).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="text for people (twenty findings of each kind), json for scripts (all of them, "
    "printed alone on stdout).",
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
    as_new: bool,
    skip_invalid: bool,
    rejects: Path | None,
    report_path: Path | None,
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
    if report_path is not None:
        from importers.findings_workbook import check_report_path  # openpyxl: only if asked

        check_report_path(report_path)
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
                    as_new=as_new,
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
    if report_path is not None:
        from importers.findings_workbook import write_findings_workbook

        write_findings_workbook(report_path, results)
        if fmt == "text":
            click.echo(f"every finding written to {report_path}")
    if fmt == "json":
        to_json({"files": results})
    if failed:
        if fmt == "text":
            click.echo(
                f"Error: {failed} of {len(paths)} file(s) rejected; nothing written from them",
                err=True,
            )
        ctx.exit(1)


@click.command("template")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace OUT if it already exists.")
@click.pass_context
def template_command(ctx: click.Context, out: Path, force: bool) -> None:
    """Write an empty register with the canonical headers, drop-downs and notes.

    For teams starting a new register: commissioner, service category and
    contract form have drop-down lists; a Notes sheet explains each column.

    An existing file is never replaced without --force: it may be a register
    someone has already filled in.

    Example: contracts template new-register.xlsx
    """
    if out.is_file() and not force:
        raise click.ClickException(
            f"{out} already exists; nothing written (add --force to replace it, or give "
            "another file name)"
        )
    from importers.template import write_template  # openpyxl: only for this command

    with store(ctx).unit_of_work() as session:
        write_template(session, out)
    click.echo(f"wrote {out}")
