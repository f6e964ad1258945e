"""The `contracts` command line: a thin door onto the `contracts` library.

``main`` is the click group: it reads --database, puts a lazily opened
`Store` on ``ctx.obj`` and turns the library's errors into one readable
sentence with exit code 1. Each command lives in ``contracts/commands/``, one
module per command group; each parses its options, opens one unit of work,
calls one library function and renders the result.

A command's module is imported only when that command runs (or its own help is
asked for): `contracts --help` lists them from ``COMMANDS`` below without
loading SQLAlchemy, openpyxl, NumPy, OR-Tools or rich. A test checks that
each line there says what the command's own help says.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from contracts.commands.context import RAW_OPTION, Store
from contracts.errors import ContractsError
from contracts.store.defaults import DEFAULT_URL, ENV_VAR


class LazyCommand:
    """Where a command lives, and the first paragraph of its help for the listing."""

    def __init__(self, module: str, attribute: str, summary: str) -> None:
        self.module = module
        self.attribute = attribute
        self.summary = summary

    def load(self) -> click.Command:
        command = getattr(importlib.import_module(self.module), self.attribute)
        assert isinstance(command, click.Command)
        return command


_MODULES = "contracts.commands."
COMMANDS: dict[str, LazyCommand] = {
    "db": LazyCommand(
        _MODULES + "db", "db_group", "The database schema: apply migrations, show the revision."
    ),
    "demo": LazyCommand(
        _MODULES + "sample",
        "demo_command",
        "Run the whole job on the embedded mid and south Essex sample.",
    ),
    "duplicates": LazyCommand(
        _MODULES + "duplicates",
        "duplicates_group",
        "Contracts recorded more than once, each set with its score and reasons.",
    ),
    "export": LazyCommand(
        _MODULES + "workbook",
        "export_command",
        "Write the finance workbook OUT.xlsx: Summary, Plan, Proposals, Contracts, Duplicates.",
    ),
    "import": LazyCommand(
        _MODULES + "imports",
        "import_command",
        "Import commissioning teams' registers (.xlsx, .xlsm or .csv) as they are.",
    ),
    "list": LazyCommand(
        _MODULES + "register", "list_command", "List the contracts in the register."
    ),
    "orgs": LazyCommand(
        _MODULES + "orgs",
        "orgs_group",
        "Reference data: organisations, their codes, aliases and successors.",
    ),
    "plan": LazyCommand(
        _MODULES + "proposals",
        "plan_command",
        "The non-overlapping set of proposals to carry out, when each goes live, and what "
        "each member contract needs (an extension or an early end) to get there.",
    ),
    "proposals": LazyCommand(
        _MODULES + "proposals",
        "proposals_group",
        "The stored consolidation proposals and their decisions.",
    ),
    "propose": LazyCommand(
        _MODULES + "proposals",
        "propose_command",
        "Run the consolidation rules and store the candidate proposals.",
    ),
    "review": LazyCommand(
        _MODULES + "workbook",
        "review_command",
        "Read finance decisions back from an edited workbook into the store.",
    ),
    "sample": LazyCommand(
        _MODULES + "sample",
        "sample_command",
        "Write a realistic mid and south Essex sample: ten registers and truth.json.",
    ),
    "show": LazyCommand(
        _MODULES + "register",
        "show_command",
        "Show one contract with its parties, provenance and history.",
    ),
    "sources": LazyCommand(
        _MODULES + "sources",
        "sources_group",
        "The registers imported: each source with its contracts and imports.",
    ),
    "summary": LazyCommand(
        _MODULES + "register",
        "summary_command",
        "Headline figures: contracts and annual value, by commissioner, provider or status.",
    ),
    "template": LazyCommand(
        _MODULES + "imports",
        "template_command",
        "Write an empty register with the canonical headers, drop-downs and notes.",
    ),
}


class ContractsGroup(click.Group):
    """Loads each command on first use, and turns the library's errors into one
    sentence on stderr and exit code 1."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.add_command(COMMANDS[cmd_name].load(), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The listing from ``COMMANDS``, worded as click words it, without importing any."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            loaded = self.commands.get(name)
            command = loaded or click.Command(name, help=COMMANDS[name].summary)
            rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ContractsError as error:
            raise click.ClickException(str(error)) from error
        except Exception as error:
            database_error(ctx, error)
            raise


def database_error(ctx: click.Context, error: Exception) -> None:
    """Raise the one-sentence form of a database error (SQLAlchemy is loaded if one
    was raised); return for any other error."""
    exc = sys.modules.get("sqlalchemy.exc")
    if exc is None or not isinstance(error, exc.DBAPIError):
        return
    from contracts.store import db

    url = db.safe_url(ctx.obj.url if isinstance(ctx.obj, Store) else "")
    if isinstance(error, exc.OperationalError):
        if "locked" in str(error.orig) or "lock timeout" in str(error.orig):
            raise click.ClickException(
                f"the database {url} is busy with another import or "
                "propose; try again when it has finished"
            ) from error
        raise click.ClickException(f"database error on {url}: {error.orig}") from error
    # a value the database refuses (e.g. PostgreSQL and NUL)
    first_line = str(error.orig).strip().splitlines()[0]
    raise click.ClickException(
        f"the database {url} refused the change ({first_line}); nothing was written"
    ) from error


@click.group(cls=ContractsGroup)
@click.option(
    "--database",
    envvar=ENV_VAR,
    default=DEFAULT_URL,
    show_default=True,
    help=f"SQLAlchemy URL of the store, e.g. postgresql+psycopg://user@host/db (or set {ENV_VAR}).",
)
@RAW_OPTION
@click.version_option(package_name="essex-contracts")
@click.pass_context
def main(ctx: click.Context, database: str) -> None:
    """Keep Essex commissioning contracts in one store, find the same contract
    recorded twice, and propose fewer contracts for mid and south Essex.

    Start with `contracts demo`, or `contracts import register.xlsx`.
    """
    ctx.obj = Store(database)
    ctx.call_on_close(ctx.obj.close)


if __name__ == "__main__":  # pragma: no cover
    main(prog_name="contracts")
