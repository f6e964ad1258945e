"""Exact money: ``Decimal`` in Python, integer pence in the database.

SQLite stores ``Numeric`` as a float (REAL) and silently rounds large values,
so every money column is a BIGINT of pence on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

PENNY = Decimal("0.01")


def to_pence(value: Decimal) -> int:
    """Whole pence for an amount already rounded to the penny; refuses anything finer."""
    if not isinstance(value, Decimal):
        raise TypeError(f"money must be a Decimal, not {type(value).__name__}")
    pence = value * 100
    if pence != pence.to_integral_value():
        raise ValueError(f"{value} is more precise than a penny")
    return int(pence)


def from_pence(pence: int) -> Decimal:
    return (Decimal(pence) / 100).quantize(PENNY)


def format_gbp(value: Decimal | None) -> str:
    """'£1,234,567.89' for people; 'unknown' for a missing value (never £0)."""
    if value is None:
        return "unknown"
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"


def money_json(value: Decimal | None) -> str | None:
    """Money in JSON output: a decimal string with two places, as interface.md says."""
    return None if value is None else f"{value.quantize(PENNY)}"


class Money(TypeDecorator[Decimal]):
    """A ``Decimal`` amount of pounds stored exactly as integer pence."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else to_pence(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else from_pence(int(value))
