"""The `contracts` command line: a thin door onto the `contracts` library.

``main`` is the click group: it reads --database, puts a lazily opened
`Store` on ``ctx.obj`` and turns the library's errors into one readable
sentence with exit code 1. Each command lives in ``contracts/commands/``, one
module per command group; each parses its options, opens one unit of work,
calls one library function and renders the result.
"""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy.exc import DBAPIError, OperationalError

from contracts.commands import db as db_commands
from contracts.commands import (
    duplicates,
    imports,
    orgs,
    proposals,
    register,
    sample,
    sources,
    workbook,
)
from contracts.commands.context import RAW_OPTION, Store
from contracts.errors import ContractsError
from contracts.store import db


class ContractsGroup(click.Group):
    """Turns the library's errors into one sentence on stderr and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ContractsError as error:
            raise click.ClickException(str(error)) from error
        except OperationalError as error:
            url = ctx.obj.url if isinstance(ctx.obj, Store) else ""
            if "locked" in str(error.orig) or "lock timeout" in str(error.orig):
                raise click.ClickException(
                    f"the database {db.safe_url(url)} is busy with another import or "
                    "propose; try again when it has finished"
                ) from error
            raise click.ClickException(
                f"database error on {db.safe_url(url)}: {error.orig}"
            ) from error
        except DBAPIError as error:  # a value the database refuses (e.g. PostgreSQL and NUL)
            url = ctx.obj.url if isinstance(ctx.obj, Store) else ""
            first_line = str(error.orig).strip().splitlines()[0]
            raise click.ClickException(
                f"the database {db.safe_url(url)} refused the change ({first_line}); "
                "nothing was written"
            ) from error


@click.group(cls=ContractsGroup)
@click.option(
    "--database",
    envvar=db.ENV_VAR,
    default=db.DEFAULT_URL,
    show_default=True,
    help="SQLAlchemy URL of the store, e.g. postgresql+psycopg://user@host/db "
    f"(or set {db.ENV_VAR}).",
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


COMMANDS: tuple[click.Command, ...] = (
    db_commands.db_group,
    orgs.orgs_group,
    imports.import_command,
    imports.template_command,
    register.list_command,
    register.show_command,
    register.summary_command,
    sources.sources_group,
    duplicates.duplicates_group,
    proposals.propose_command,
    proposals.proposals_group,
    proposals.plan_command,
    workbook.export_command,
    workbook.review_command,
    sample.sample_command,
    sample.demo_command,
)
for command in COMMANDS:
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    main(prog_name="contracts")
