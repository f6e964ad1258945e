"""A table of any length, printed as its rows are read.

One rich table of 100,000 rows holds every cell (a gigabyte, and a minute and a
half). Here the widths are worked out in a first pass over the rows (what
:func:`contracts.commands.tables.layout` needs: each column's longest line and
word), then the rows are read again and printed a chunk at a time, each chunk a
rich table of the same widths whose inner borders are cut off, so the chunks
join into the one table a short listing prints: the same text, line for line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

import click

from contracts.commands.tables import Column, Layout, layout

CHUNK = 500  # rows a rich table renders at a time
Rows = Iterable[Mapping[str, Any]]


def _chunks(rows: Rows, size: int) -> Iterator[list[Mapping[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def print_streamed(
    read: Callable[[], Rows],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    chosen: Sequence[str] | None = None,
    wide: bool = False,
    chunk: int | None = None,
) -> None:
    """What :func:`contracts.commands.tables.print_rows` prints, reading the rows twice
    (``read()`` each time) and holding one chunk of them at a time."""
    fitted = layout(columns, read(), chosen=chosen, wide=wide)
    chunks = _chunks(read(), chunk or CHUNK)
    first: list[Mapping[str, Any]] = next(chunks, [])
    following = next(chunks, None)
    if following is None:  # a short table: printed whole, as print_rows prints it
        fitted.print(first, title=title)
    else:
        _print_joined(fitted, first, following, chunks, title)
    hint = fitted.hint()
    if hint and first:
        click.echo(hint)


def _print_joined(
    fitted: Layout,
    first: list[Mapping[str, Any]],
    second: list[Mapping[str, Any]],
    rest: Iterator[list[Mapping[str, Any]]],
    title: str | None,
) -> None:
    """Each chunk a table of the layout's widths: the first with the title and the header
    but no bottom border, the next ones with neither top nor bottom, the last with its
    bottom (rows have no lines between them, so nothing else tells the chunks apart)."""
    from rich.console import Console

    console = Console(width=fitted.width, soft_wrap=False)
    current: list[Mapping[str, Any]] = first
    upcoming: list[Mapping[str, Any]] | None = second
    is_first = True
    while True:
        table = fitted.table(current, title=title if is_first else None)
        table.show_header = is_first
        with console.capture() as capture:
            console.print(table)
        lines = capture.get().splitlines(keepends=True)
        keep = lines[(0 if is_first else 1) : (None if upcoming is None else -1)]
        console.file.write("".join(keep))
        if upcoming is None:
            break
        current, upcoming, is_first = upcoming, next(rest, None), False
    console.file.flush()
