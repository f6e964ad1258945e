"""What every command shares: the store named by --database, --format, and date options.

``cli.main`` puts a `Store` on ``ctx.obj``; it opens the database only when a
command first asks for it, so `contracts --help` and `contracts sample` never
touch a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
import click.core

from contracts.commands.formats import FORMATS, RAW_CSV

if TYPE_CHECKING:  # SQLAlchemy is imported by the first command that opens the store
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

F = TypeVar("F", bound=Callable[..., Any])


def ask_for_raw_csv(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """A click callback: --raw writes CSV cells exactly (ctx.meta is shared by every level)."""
    if value:
        ctx.meta[RAW_CSV] = True


RAW_OPTION = click.option(
    "--raw",
    is_flag=True,
    expose_value=False,
    callback=ask_for_raw_csv,
    help="CSV: write text exactly, without the leading ' that keeps a cell starting "
    "with = + - @ from being run as a formula by a spreadsheet.",
)

_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table for people, csv or json for scripts (json is printed alone on stdout).",
)


def _format_options(command: F) -> F:
    """--format, and --raw for CSV that scripts read byte for byte."""
    return _FORMAT(RAW_OPTION(command))


FORMAT_OPTION = _format_options


def listing_group(name: str, about: str) -> click.Group:
    """A command group that lists its things when given no subcommand, like `contracts orgs`.

    Its `list` subcommand does the listing; the group only passes --format on.
    """

    @click.group(name, invoke_without_command=True)
    @FORMAT_OPTION
    @click.pass_context
    def group(ctx: click.Context, fmt: str) -> None:
        if ctx.invoked_subcommand is None:
            ctx.invoke(group.commands["list"], fmt=fmt)

    group.help = f"{about}\n\nWithout a subcommand, lists them (same as `contracts {name} list`)."
    return group


def own_file_option(flag: str, dest: str, help_text: str) -> Callable[[F], F]:
    """An option naming a TOML file of the user's own (rules, weights) over a shipped one."""
    option: Callable[[F], F] = click.option(
        flag, dest, type=click.Path(dir_okay=False), help=help_text
    )
    return option


class Store:
    """The database named on the command line, opened on first use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from contracts.store import db

            self._engine = db.open_database(self.url)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: committed if the block succeeds, rolled back if not."""
        from contracts.store import db

        with db.session_factory(self.engine).begin() as session:
            yield session


DEMO_DATABASE = "demo-output/contracts.db"  # where `contracts demo` puts its database


def hint_if_empty_default(ctx: click.Context, session: Session) -> None:
    """On stderr: the default database was used (no --database, no environment variable)
    and holds no contracts, so the user most likely meant another one."""
    root = ctx.find_root()
    if root.get_parameter_source("database") != click.core.ParameterSource.DEFAULT:
        return
    from sqlalchemy import func, select

    from contracts.store import db
    from contracts.store.models import Contract

    if session.scalar(select(func.count()).select_from(Contract)):
        return
    there = " (there is one here)" if Path(DEMO_DATABASE).is_file() else ""
    click.echo(
        f"The default database {db.DEFAULT_URL} (contracts.db in this folder) holds no "
        f"contracts. Name yours with --database URL or {db.ENV_VAR}; `contracts demo` puts "
        f"its database in {DEMO_DATABASE}{there}: --database sqlite:///{DEMO_DATABASE}",
        err=True,
    )


def store(ctx: click.Context) -> Store:
    """The `Store` that ``cli.main`` put on the context."""
    return ctx.find_object(Store)  # type: ignore[return-value]


class DateType(click.ParamType):
    """A date option read as `import` reads a date cell: 01/04/2016, 1 April 2016, 2016-04-01.

    The importer's own parser, day first as in every English register, so
    the dates people type match the dates they imported.
    """

    name = "date"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        from importers.values import parse_date  # here: `contracts --help` need not load it

        parsed = parse_date(str(value))
        if isinstance(parsed, dt.date):
            return parsed
        # The parser speaks of a register's column; an option has no column.
        why = parsed.message.split(" (")[0] if parsed is not None else f"'{value}' is not a date"
        self.fail(f"{why}; write it like 01/04/2016, 1 April 2016 or 2016-04-01", param, ctx)


DATE = DateType()
