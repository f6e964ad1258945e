"""What every command shares: the store named by --database, --format, and date options.

``cli.main`` puts a `Store` on ``ctx.obj``; it opens the database only when a
command first asks for it, so `contracts --help` and `contracts sample` never
touch a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from contracts.commands.render import FORMATS, RAW_CSV

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


def store(ctx: click.Context) -> Store:
    """The `Store` that ``cli.main`` put on the context."""
    return ctx.find_object(Store)  # type: ignore[return-value]


def parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    """A click callback: an ISO date, or a one-sentence error naming the value."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date like 2016-04-01") from None
