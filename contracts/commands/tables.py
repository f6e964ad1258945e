"""Tables that fit the terminal: columns chosen by width and importance.

A person reads a table on an 80- or 100-column terminal. Identifiers
(numbers, references, IDs, codes), money and dates are never cut or
wrapped, because a cut reference cannot be typed back into `contracts show`;
only long text (titles, names) wraps. When everything does not fit, the
least important columns are left out and a line says which, and how to get
them (`--wide`, `--columns`). CSV and JSON never pass through here.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import shutil
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import click

from contracts.store.money import format_gbp

if TYPE_CHECKING:  # rich is loaded when a table is drawn: `import` and JSON output need none
    from rich.table import Table

F = TypeVar("F", bound=Callable[..., Any])

ID, TEXT, MONEY, DATE, NUMBER = "id", "text", "money", "date", "number"
DATE_FORMAT = "%d/%m/%Y"  # as registers and `import` write dates; the same in every table
# Rich's default box: a border and one space of padding either side of each column.
PER_COLUMN, EDGE = 3, 1


@dataclass(frozen=True)
class Column:
    """One column of a table: its key in the rows, how it reads, and how much it matters.

    ``rank`` orders columns by importance (0 first); a narrow terminal drops
    the highest ranks. ``least`` is the narrowest a text column may wrap to.
    """

    key: str
    kind: str = TEXT
    rank: int = 5
    least: int = 12
    header: str | None = None

    @property
    def title(self) -> str:
        return self.header or self.key


def show_date(value: Any) -> str:
    """A date as people read it in every table: 01/04/2016."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value.strftime(DATE_FORMAT) if isinstance(value, dt.date) else ""


def show_money(value: Any) -> str:
    """Money as £ with thousands separators; "unknown" for a missing value, never £0."""
    if isinstance(value, str):
        value = Decimal(value)
    return format_gbp(value)


def cell(value: Any, kind: str) -> str:
    """The text of one cell."""
    if kind == MONEY:
        return show_money(value)
    if value is None:
        return ""
    if kind == DATE:
        return show_date(value)
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value)


def terminal_width() -> int:
    """The width to fit: click's terminal_width, else $COLUMNS, else the terminal's."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.terminal_width:
        return ctx.terminal_width
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    return shutil.get_terminal_size((80, 24)).columns


def _longest(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


@dataclass
class Layout:
    """The columns a table shows and their widths, worked out once for all its rows."""

    shown: list[Column]
    widths: dict[str, int]
    hidden: list[Column]
    width: int

    def table(self, rows: Iterable[Mapping[str, Any]], *, title: str | None = None) -> Table:
        from rich.table import Table

        table = Table(title=title, header_style="bold", expand=False)
        for column in self.shown:
            fixed = column.kind != TEXT
            table.add_column(
                column.title,
                justify="right" if column.kind in (MONEY, NUMBER) else "left",
                width=self.widths[column.key],
                no_wrap=fixed,
                overflow="fold",
            )
        for row in rows:
            table.add_row(*(cell(row.get(c.key), c.kind) for c in self.shown))
        return table

    def print(self, rows: Iterable[Mapping[str, Any]], *, title: str | None = None) -> None:
        from rich.console import Console

        console = Console(width=self.width, soft_wrap=False)
        console.print(self.table(rows, title=title))

    def hint(self) -> str | None:
        """The line that says which columns were left out, and how to see them."""
        if not self.hidden:
            return None
        names = ", ".join(c.title for c in self.hidden)
        return textwrap.fill(
            f"Not shown at {self.width} columns: {names} "
            "(--wide shows every column; --columns a,b,c chooses)",
            width=self.width,
        )


def layout(
    columns: Sequence[Column],
    rows: Iterable[Mapping[str, Any]],
    *,
    chosen: Sequence[str] | None = None,
    wide: bool = False,
    width: int | None = None,
) -> Layout:
    """Choose columns by importance until the terminal is full; share the rest among text.

    Fixed columns (identifiers, money, dates) take their longest value; a text
    column takes at least its ``least`` (or its longest word) and wraps. With
    ``chosen`` the named columns are shown in that order whatever the width;
    with ``wide`` every column at its full width.
    """
    width = width or terminal_width()
    by_key = {c.key: c for c in columns}
    natural, least = _measure(columns, rows)
    if wide or chosen:
        shown = [by_key[k] for k in chosen] if chosen else list(columns)
        if wide:
            widths = {c.key: natural[c.key] for c in shown}
            total = sum(widths.values()) + PER_COLUMN * len(shown) + EDGE
            hidden = [c for c in columns if c not in shown]
            return Layout(shown, widths, [] if not chosen else hidden, max(width, total))
    else:
        shown = []
        used = EDGE
        for column in sorted(columns, key=lambda c: c.rank):
            need = least[column.key] + PER_COLUMN
            if column.rank == 0 or used + need <= width:
                shown.append(column)
                used += need
        shown = [c for c in columns if c in shown]  # back in the table's own order
    widths = _share(shown, natural, least, width)
    total = sum(widths.values()) + PER_COLUMN * len(shown) + EDGE
    hidden = [c for c in columns if c not in shown]
    return Layout(shown, widths, hidden if not chosen else [], max(width, total))


def _measure(
    columns: Sequence[Column], rows: Iterable[Mapping[str, Any]]
) -> tuple[dict[str, int], dict[str, int]]:
    """Each column's natural width (its longest line) and least (what a text column may
    wrap to), in one pass over ``rows``: a listing streams them, never holding them all."""
    natural = {c.key: len(c.title) for c in columns}
    words = dict(natural)
    for row in rows:
        for column in columns:
            shown = cell(row.get(column.key), column.kind)
            natural[column.key] = max(natural[column.key], _longest(shown))
            if column.kind == TEXT:
                words[column.key] = max(words[column.key], _longest_word(shown))
    least = {
        c.key: min(natural[c.key], max(c.least, min(words[c.key], 24)))
        if c.kind == TEXT
        else natural[c.key]
        for c in columns
    }
    return natural, least


def _share(
    shown: Sequence[Column], natural: dict[str, int], least: dict[str, int], width: int
) -> dict[str, int]:
    """Widths: fixed columns their longest value; text columns their least, then the room
    left over shared in proportion to what each still wants."""
    widths = {c.key: least[c.key] for c in shown}
    room = width - EDGE - PER_COLUMN * len(shown) - sum(widths.values())
    wants = {c.key: natural[c.key] - least[c.key] for c in shown if c.kind == TEXT}
    wanted = sum(wants.values())
    if room <= 0 or wanted <= 0:
        return widths
    if wanted <= room:
        return {**widths, **{k: widths[k] + v for k, v in wants.items()}}
    given = 0
    for key, want in wants.items():
        extra = want * room // wanted
        widths[key] += extra
        given += extra
    for key in sorted(wants, key=lambda k: -wants[k]):  # the pennies of the division
        if given >= room:
            break
        if widths[key] < natural[key]:
            widths[key] += 1
            given += 1
    return widths


def print_rows(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    chosen: Sequence[str] | None = None,
    wide: bool = False,
) -> None:
    """One table that fits the terminal, and the line naming any column left out."""
    fitted = layout(columns, rows, chosen=chosen, wide=wide)
    fitted.print(rows, title=title)
    hint = fitted.hint()
    if hint and rows:
        click.echo(hint)


def parse_columns(columns: Sequence[Column], value: str | None) -> list[str] | None:
    """--columns a,b,c (keys or headers) as column keys, or a usage error with the list."""
    if not value:
        return None
    names = {c.key: c.key for c in columns} | {c.title: c.key for c in columns}
    chosen = []
    for name in (part.strip() for part in value.split(",")):
        if not name:
            continue
        if name not in names:
            near = difflib.get_close_matches(name, list(names), n=1)
            hint = f"did you mean '{near[0]}'? " if near else ""
            raise click.BadParameter(
                f"'{name}' is not a column; {hint}choose from {', '.join(c.key for c in columns)}",
                param_hint="--columns",
            )
        chosen.append(names[name])
    return chosen


def table_options(columns: Sequence[Column]) -> Callable[[F], F]:
    """--columns and --wide, for a command whose table fits the terminal."""
    names = ",".join(c.key for c in columns)

    def decorate(command: F) -> F:
        # --columns before --wide in --help: the order people reach for them
        command = click.option(
            "--wide",
            is_flag=True,
            help="Table: every column at full width, whatever the terminal's width.",
        )(command)
        return click.option(
            "--columns",
            "columns",
            metavar="A,B,C",
            help=f"Table: only these columns, in this order; of {names}.",
        )(command)

    return decorate
