"""--sort for the listing commands: each order a named key, missing values always last.

Money sorts largest first (what a commissioning lead looks at first), dates
earliest first, names alphabetically; a contract with no known value or date
goes to the end in either direction, never to the top as if it were £0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import click

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Order:
    """One --sort choice: what it reads from an item, and whether largest comes first."""

    read: Callable[[Any], Any]
    largest_first: bool = False


def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value) if len(value) == 10 else value.casefold()
        except ValueError:
            return value.casefold()
    return value


def sort_items(items: Sequence[T], orders: dict[str, Order], name: str) -> list[T]:
    """``items`` in the named order; ties keep their earlier order (the sort is stable)."""
    order = orders[name]
    known = [item for item in items if order.read(item) is not None]
    missing = [item for item in items if order.read(item) is None]
    known.sort(key=lambda item: _comparable(order.read(item)), reverse=order.largest_first)
    return known + missing


def money(value: Any) -> Decimal | None:
    """A JSON money string (or Decimal) as a Decimal to sort by."""
    return None if value is None else Decimal(value)


def sort_option(orders: dict[str, Order], default: str) -> Callable[[F], F]:
    """--sort NAME, one of ``orders``."""
    return click.option(
        "--sort",
        "sort",
        type=click.Choice(list(orders)),
        default=default,
        show_default=True,
        help="Order: money and counts largest first, dates earliest first, names A to Z "
        "(unknown values last).",
    )
