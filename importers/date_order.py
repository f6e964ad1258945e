"""Day-first or month-first: deciding, per date column, how its text dates read.

"30/4/2020" proves day-first and "4/30/2020" month-first; a column holding
only dates that read either way follows the sheet's other date column, or
the UK's day-first. Decided once per sheet from the first rows read ahead.
"""

from __future__ import annotations

from typing import Any

from contracts.findings import Finding, codes
from importers.columns import ColumnMap
from importers.place import Place
from importers.values import DAY_FIRST, MONTH_FIRST, numeric_order_evidence


def _order_proof(
    rows: list[tuple[int, tuple[Any, ...]]], column: int
) -> tuple[dict[str, tuple[int, Any]], int]:
    proof: dict[str, tuple[int, Any]] = {}
    ambiguous = 0
    for number, values in rows:
        raw = values[column] if column < len(values) else None
        evidence = numeric_order_evidence(raw)
        if evidence is not None:
            proof.setdefault(evidence, (number, raw))
        elif isinstance(raw, str) and "/" in raw and raw.strip()[:1].isdigit():
            ambiguous += 1
    return proof, ambiguous


def decide_date_orders(
    rows: list[tuple[int, tuple[Any, ...]]], columns: ColumnMap, place: Place, header_row: int
) -> tuple[dict[str, str], list[Finding]]:
    """Day-first or month-first for each date column, from the text dates in ``rows``.

    "30/4/2020" proves day-first and "4/30/2020" month-first. A column with
    only dates that read either way ("1/4/2020") follows the sheet's other
    date column when that one is proven, and is otherwise read day-first, as
    the UK writes.
    """
    proofs = {
        name: (columns.fields[name], *_order_proof(rows, columns.fields[name]))
        for name in ("start_date", "end_date")
        if name in columns.fields
    }
    proven = {
        order: (name, found[order]) for name, (_, found, _) in proofs.items() for order in found
    }
    sheet_month_first = MONTH_FIRST in proven and DAY_FIRST not in proven
    orders: dict[str, str] = {}
    findings: list[Finding] = []
    for name, (column, proof, ambiguous) in proofs.items():
        header = columns.headers[column]
        if MONTH_FIRST in proof and DAY_FIRST not in proof:
            number, raw = proof[MONTH_FIRST]
            orders[name] = MONTH_FIRST
            findings.append(
                place.finding(
                    codes.DATE_ORDER,
                    variant="proven",
                    header=header,
                    raw=raw,
                    cell=place.cell(column, number),
                    value=raw,
                )
            )
        elif MONTH_FIRST in proof:
            orders[name] = DAY_FIRST
            number, raw = proof[MONTH_FIRST]
            findings.append(
                place.finding(
                    codes.MIXED_DATE_ORDER,
                    header=header,
                    cell=place.cell(column, number),
                    value=raw,
                )
            )
        elif ambiguous and not proof and sheet_month_first:
            orders[name] = MONTH_FIRST
            other, (number, raw) = proven[MONTH_FIRST]
            findings.append(
                place.finding(
                    codes.DATE_ORDER,
                    variant="follows",
                    header=header,
                    other=columns.header_of(other),
                    raw=raw,
                    cell=place.cell(column, header_row),
                )
            )
        else:
            orders[name] = DAY_FIRST
            if ambiguous and not proof:
                findings.append(
                    place.finding(
                        codes.DATE_ORDER, header=header, cell=place.cell(column, header_row)
                    )
                )
    return orders, findings
