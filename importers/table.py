"""Finding the register table in a sheet: its header row(s), and the rows under it.

Real registers put titles, notes and blank rows above the header, merge
header cells over two-row headers ("Value (£)" over "Annual" and "Total"),
and end with a totals row. This module looks at the first rows only, so the
rest of the sheet still streams.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from importers.columns import ColumnMap, map_columns
from importers.reading import Row, SheetRows
from importers.schemas import Schema, detect_schema

HEADER_SEARCH_ROWS = 30
# A header row must name at least this many canonical fields to count as one.
MIN_HEADER_FIELDS = 2
_TOTAL_WORDS = re.compile(r"^(grand\s+)?(sub\s*-?\s*)?totals?\b[\s:]*(value|£|for\b.*)?$", re.I)


@dataclass
class Table:
    """Where the register sits in a sheet, and its data rows (streamed)."""

    sheet: SheetRows
    header_rows: tuple[int, ...]  # 1-based; two numbers for a two-row header
    labels: list[str | None]
    columns: ColumnMap
    data: Iterator[Row]
    schema: Schema | None = None
    head: tuple[Row, ...] = ()  # the first rows, as read, for messages

    @property
    def header_row(self) -> int:
        return self.header_rows[-1]

    @property
    def looks_like_register(self) -> bool:
        fields = self.columns.fields
        return self.columns.score >= 3 and ("title" in fields or "provider" in fields)


def is_blank(values: tuple[Any, ...]) -> bool:
    for value in values:  # a plain loop: this runs on every row of every register
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return False
    return True


def _text_labels(values: tuple[Any, ...]) -> list[str | None]:
    return [" ".join(str(v).split()) if v is not None and str(v).strip() else None for v in values]


def _looks_like_header_row(values: tuple[Any, ...]) -> bool:
    """Text only: a data row has numbers or dates, a header row has none."""
    cells = [v for v in values if v is not None and str(v).strip()]
    if not cells:
        return False
    return all(isinstance(v, str) and len(v) <= 80 for v in cells)


def _combined_labels(top: tuple[Any, ...], bottom: tuple[Any, ...]) -> list[list[str]]:
    """For each column, the candidate labels of a two-row header, best first.

    A merged cell keeps its text in its first column only, so a blank top
    cell above a labelled bottom cell inherits the top label to its left.
    """
    width = max(len(top), len(bottom))
    top_labels = _text_labels(top) + [None] * (width - len(top))
    bottom_labels = _text_labels(bottom) + [None] * (width - len(bottom))
    candidates: list[list[str]] = []
    parent: str | None = None
    for column in range(width):
        upper, lower = top_labels[column], bottom_labels[column]
        if upper is not None:
            parent = upper
        elif lower is None:
            parent = None
        inherited = upper or (parent if lower is not None else None)
        options = []
        if inherited and lower:
            options += [f"{inherited} {lower}", lower, inherited]
        elif lower:
            options.append(lower)
        elif upper:
            options.append(upper)
        candidates.append(options)
    return candidates


def _best_labels(candidates: list[list[str]], mapping: dict[str, str]) -> list[str | None]:
    labels: list[str | None] = []
    for options in candidates:
        chosen = next((o for o in options if map_columns([o], mapping).score), None)
        labels.append(chosen or (options[0] if options else None))
    return labels


@dataclass
class Header:
    """A header row (or two) found among the first rows, and how its columns map."""

    rows: tuple[int, ...]
    labels: list[str | None]
    columns: ColumnMap
    schema: Schema | None


def _mapped(labels: list[str | None], mapping: dict[str, str]) -> tuple[ColumnMap, Schema | None]:
    schema = detect_schema(labels)
    if schema is None:
        return map_columns(labels, mapping), None
    return map_columns(labels, mapping, schema.keys, schema.name), schema


def find_header(head: list[Row], mapping: dict[str, str]) -> Header | None:
    """The best header among the first rows, or None."""
    best: Header | None = None
    for position, (number, values) in enumerate(head):
        if not _looks_like_header_row(values):
            continue
        labels = _text_labels(values)
        columns, schema = _mapped(labels, mapping)
        if best is None or columns.score > best.columns.score:
            best = Header((number,), labels, columns, schema)
        if position + 1 < len(head):
            next_number, next_values = head[position + 1]
            if next_number == number + 1 and _looks_like_header_row(next_values):
                two_row = _best_labels(_combined_labels(values, next_values), mapping)
                combined, schema = _mapped(two_row, mapping)
                if combined.score > columns.score and combined.score > best.columns.score:
                    best = Header((number, next_number), two_row, combined, schema)
    if best is None:
        return None
    if best.columns.score < MIN_HEADER_FIELDS and best.schema is None:
        # a published layout is known by its headers even when few are contract fields
        return next((h for h in _schema_headers(head, mapping)), None)
    return best


def _schema_headers(head: list[Row], mapping: dict[str, str]) -> Iterator[Header]:
    for number, values in head:
        if _looks_like_header_row(values):
            labels = _text_labels(values)
            columns, schema = _mapped(labels, mapping)
            if schema is not None:
                yield Header((number,), labels, columns, schema)


def find_table(sheet: SheetRows, mapping: dict[str, str]) -> Table | Iterable[Row]:
    """The register in ``sheet``, or, if no row in the first 30 looks like a header,
    those rows (for the message that says what the sheet holds)."""
    head = list(itertools.islice(sheet.rows, HEADER_SEARCH_ROWS))
    found = find_header(head, mapping)
    if found is None:
        return tuple(head)
    after = [row for row in head if row[0] > found.rows[-1]]
    return Table(
        sheet,
        found.rows,
        found.labels,
        found.columns,
        itertools.chain(after, sheet.rows),
        found.schema,
        tuple(head),
    )


def is_totals_row(values: tuple[Any, ...]) -> bool:
    """A row labelled "Total", "Grand total", "Totals:" or "Sub-total" in any text cell."""
    for value in values[:6]:  # a plain loop: this runs on every row of every register
        if isinstance(value, str) and value and _TOTAL_WORDS.match(value.strip()):
            return True
    return False


def is_grand_total(values: tuple[Any, ...]) -> bool:
    return is_totals_row(values) and not any(
        isinstance(v, str) and re.match(r"^\s*sub", v, re.I) for v in values if v is not None
    )
