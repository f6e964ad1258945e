"""The `contracts` command line: a thin click layer over the `contracts` library.

Each command parses its options, opens one unit of work, calls one library
function and renders the result. Problems with the user's input arrive as
`ContractsError` and leave as one readable sentence with exit code 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from contracts import db, organisations, register
from contracts.errors import ContractsError
from contracts.money import format_gbp
from contracts.output import FORMATS, emit, to_json
from contracts.summary import summarise_register

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


if __name__ == "__main__":  # pragma: no cover
    main(prog_name="contracts")
