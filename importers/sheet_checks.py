"""Checks over a whole sheet, beside the row-by-row validation: references several
suppliers share, rows a published layout says are not contracts, and the totals row."""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from contracts.findings import Finding, codes
from contracts.store.money import format_gbp
from importers.columns import ColumnMap, mapping_key
from importers.ledger import KeyLedger
from importers.place import Place
from importers.report import ImportReport
from importers.table import Table, is_blank
from importers.validate import RowValidator
from importers.values import Problem, parse_money


def shared_references(
    table: Table, validator: RowValidator, place: Place, report: ImportReport, ledger: KeyLedger
) -> set[str]:
    """References used by more than one supplier (a framework, or lots): each supplier's
    row is its own contract. Found in a first look over the sheet, so each row's key
    does not depend on the order of the rows; each reference's first supplier is kept
    in the ``ledger``, not in memory."""
    if table.sheet.again is None:
        return set()
    first_rows: dict[str, int] = {}  # a shared reference -> the row that used it first
    suppliers: dict[str, set[str]] = {}
    rows = table.sheet.again()
    try:
        for number, values in rows:
            if number <= table.header_row or is_blank(values):
                continue
            reference = validator.reference(values)
            supplier = validator.supplier_key(values)
            if reference is None or supplier is None:
                continue
            seen = ledger.first_supplier(table.sheet.name, reference, supplier, number)
            if seen is not None and seen[0] != supplier:
                suppliers.setdefault(reference, {seen[0]}).add(supplier)
                first_rows.setdefault(reference, seen[1])
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()
    for reference, names in suppliers.items():
        report.findings.append(
            place.finding(
                codes.SHARED_REFERENCE,
                reference=reference,
                count=len(names),
                cell=place.row(first_rows[reference]),
                value=reference,
            )
        )
    return set(suppliers)


def not_a_contract_check(table: Table) -> Callable[[tuple[Any, ...]], str | None] | None:
    """The schema's test of a row ("an opportunity, not a contract"), by header name."""
    schema = table.schema
    if schema is None or schema.not_a_contract is None:
        return None
    test = schema.not_a_contract
    by_key = {mapping_key(h): c for c, h in table.columns.headers.items()}

    def check(values: tuple[Any, ...]) -> str | None:
        def cell(header: str) -> Any:
            column = by_key.get(_key(header))
            return values[column] if column is not None and column < len(values) else None

        return test(cell)

    return check


@functools.cache
def _key(header: str) -> str:
    return mapping_key(header)


def check_totals(
    totals_row: tuple[int, tuple[Any, ...]],
    columns: ColumnMap,
    sums: dict[str, Decimal],
    unknown_values: int,
    rejected: int,
    place: Place,
) -> Finding:
    number, values = totals_row
    checked: list[str] = []
    for name in ("annual_value", "total_value"):
        column = columns.fields.get(name)
        if column is None or column >= len(values) or values[column] in (None, ""):
            continue
        stated = parse_money(values[column], columns.multipliers.get(name, Decimal(1)))
        if isinstance(stated, Problem) or stated is None:
            continue
        if stated != sums[name]:
            return place.finding(
                codes.TOTALS_MISMATCH,
                variant="rejected" if rejected else None,
                stated=format_gbp(stated),
                header=columns.header_of(name),
                summed=format_gbp(sums[name]),
                rejected=rejected,
                cell=place.cell(column, number),
                value=str(values[column]),
            )
        checked.append(f"{columns.header_of(name)} {format_gbp(stated)}")
    if not checked:
        return place.finding(codes.TOTALS_ROW, variant="no-value", cell=place.row(number))
    return place.finding(
        codes.TOTALS_ROW,
        variant="unknown-values" if unknown_values else None,
        checked=", ".join(checked),
        unknown=unknown_values,
        cell=place.row(number),
    )
