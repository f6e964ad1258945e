"""Rendering rows as a table, CSV or JSON: the three --format choices.

JSON goes to stdout alone (scripts parse it); tables use rich, which drops
colour and box drawing when the output is not a terminal.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table

FORMATS = ("table", "csv", "json")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(str(_plain(v)) for v in value)
    return value


def to_json(data: Any, out: TextIO | None = None) -> None:
    """Write ``data`` as JSON (Decimals as two-place strings, dates ISO)."""

    def default(value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{value:.2f}"
        if isinstance(value, dt.date):
            return value.isoformat()
        raise TypeError(f"cannot write {type(value).__name__} as JSON")

    json.dump(data, out or sys.stdout, indent=2, default=default, ensure_ascii=False)
    (out or sys.stdout).write("\n")


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], out: TextIO | None) -> None:
    writer = csv.writer(out or sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else _plain(row.get(c)) for c in columns])


def to_table(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None = None,
    console: Console | None = None,
    right_aligned: Sequence[str] = (),
) -> None:
    table = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(column, justify="right" if column in right_aligned else "left")
    for row in rows:
        table.add_row(*["" if row.get(c) is None else str(_plain(row.get(c))) for c in columns])
    (console or Console()).print(table)


def emit(
    rows: list[dict[str, Any]],
    columns: Sequence[str],
    fmt: str,
    *,
    json_data: Any = None,
    title: str | None = None,
    right_aligned: Sequence[str] = (),
) -> None:
    """Print ``rows`` in the chosen format; ``json_data`` overrides the JSON body."""
    if fmt == "json":
        to_json(rows if json_data is None else json_data)
    elif fmt == "csv":
        to_csv(rows, columns, sys.stdout)
    else:
        to_table(rows, columns, title=title, right_aligned=right_aligned)
