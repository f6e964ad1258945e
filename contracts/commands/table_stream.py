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
from itertools import islice, pairwise
from typing import Any

import click

from contracts.commands.tables import MONEY, NUMBER, TEXT, Column, Layout, cell, layout

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
    plain = console.color_system is None  # no styles to draw: rows may be drawn directly
    current: list[Mapping[str, Any]] = first
    upcoming: list[Mapping[str, Any]] | None = second
    is_first = True
    while True:
        if plain and not is_first:
            text = "".join(_drawn(fitted, console, row) for row in current)
            if upcoming is None:
                text += _rich(fitted, console, current[-1:], False).splitlines(True)[-1]
            console.file.write(text)
        else:
            lines = _rich(fitted, console, current, is_first, title).splitlines(True)
            console.file.write("".join(lines[: None if upcoming is None else -1]))
        if upcoming is None:
            break
        current, upcoming, is_first = upcoming, next(rest, None), False
    console.file.flush()


def _rich(
    fitted: Layout,
    console: Any,
    rows: list[Mapping[str, Any]],
    header: bool,
    title: str | None = None,
) -> str:
    """``rows`` as rich draws them; without the header, without the top border either."""
    table = fitted.table(rows, title=title)
    table.show_header = header
    with console.capture() as capture:
        console.print(table)
    text: str = capture.get()
    return text if header else text.split("\n", 1)[1]


def _drawn(fitted: Layout, console: Any, row: Mapping[str, Any]) -> str:
    """One row's lines, as rich draws them in a table without styles: drawn here when
    every cell is plain text (rich's own word wrap), else by rich (markup, emoji codes,
    wide or control characters, or a value longer than its fixed column)."""
    from rich._wrap import divide_line  # rich's word wrap, so the lines break where rich's do

    columns: list[list[str]] = []
    for column in fitted.shown:
        text = cell(row.get(column.key), column.kind)
        width = fitted.widths[column.key]
        if not _plain_text(text):
            return _rich_row(fitted, console, row)
        if column.kind == TEXT:
            cuts = [0, *divide_line(text, width, fold=True), len(text)]
            parts = [text[a:b] for a, b in pairwise(cuts) if b > a] or [""]
            if any(len(part.rstrip()) > width for part in parts):
                return _rich_row(fitted, console, row)
            columns.append([part[:width].ljust(width) for part in parts])
        elif len(text) > width:
            return _rich_row(fitted, console, row)
        elif column.kind in (MONEY, NUMBER):
            columns.append([text.rstrip().rjust(width)])
        else:
            columns.append([text.ljust(width)])
    height = max(len(lines) for lines in columns)
    blank = [" " * fitted.widths[c.key] for c in fitted.shown]
    return "".join(
        "│ "
        + " │ ".join(lines[i] if i < len(lines) else blank[n] for n, lines in enumerate(columns))
        + " │\n"
        for i in range(height)
    )


def _plain_text(text: str) -> bool:
    """Text rich shows as it is: no markup ([), no emoji codes (:), one cell a character."""
    if "[" in text or ":" in text or not text.isprintable():
        return False
    if text.isascii():
        return True
    from rich.cells import cell_len

    return bool(cell_len(text) == len(text))


def _rich_row(fitted: Layout, console: Any, row: Mapping[str, Any]) -> str:
    return _rich(fitted, console, [row], False).rsplit("\n", 2)[0] + "\n"
