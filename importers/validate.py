"""One register row → a :class:`ContractRecord` and its findings.

Every problem is a finding that names the file and cell; a row with any
error yields no record (it is rejected). Organisations resolve through the
in-memory :class:`OrganisationIndex`, once per distinct spelling.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl.utils import get_column_letter

from contracts.findings import Finding, Severity
from contracts.organisations.index import OrganisationIndex
from contracts.store.imports import ContractRecord, NewProvider, row_key
from contracts.store.models import Organisation
from contracts.vocabulary import canonical_category, canonical_form
from importers.columns import ColumnMap
from importers.parties import Parties
from importers.values import (
    DAY_FIRST,
    MONTH_FIRST,
    Problem,
    clean_text,
    numeric_order_evidence,
    parse_date,
    parse_money,
)

# A contract longer than this is "multi-year", where the total must cover a year.
MULTI_YEAR_DAYS = 366


@dataclass
class Place:
    """How findings name a place in one file: "Sheet!D17" in a workbook, "D17" in a CSV."""

    file: str
    sheet: str
    is_csv: bool

    def cell(self, column: int, row: int) -> str:
        ref = f"{get_column_letter(column + 1)}{row}"
        return ref if self.is_csv else f"{self.sheet}!{ref}"

    def row(self, row: int) -> str:
        return f"row {row}" if self.is_csv else f"{self.sheet}!row {row}"

    def finding(
        self,
        code: str,
        severity: Severity,
        message: str,
        *,
        cell: str | None = None,
        value: Any = None,
    ) -> Finding:
        return Finding(
            code=code,
            severity=severity,
            message=message,
            file=self.file,
            sheet=None if self.is_csv else self.sheet,
            cell=cell,
            value=None if value is None else str(value),
        )


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
                    "date-order",
                    Severity.INFO,
                    f"column '{header}' read month-first (US style) because of '{raw}'",
                    cell=place.cell(column, number),
                    value=raw,
                )
            )
        elif MONTH_FIRST in proof:
            orders[name] = DAY_FIRST
            number, raw = proof[MONTH_FIRST]
            findings.append(
                place.finding(
                    "mixed-date-order",
                    Severity.WARNING,
                    f"column '{header}' mixes day-first and month-first dates; it was read "
                    "day-first, so dates like this one are errors",
                    cell=place.cell(column, number),
                    value=raw,
                )
            )
        elif ambiguous and not proof and sheet_month_first:
            orders[name] = MONTH_FIRST
            other, (number, raw) = proven[MONTH_FIRST]
            findings.append(
                place.finding(
                    "date-order",
                    Severity.INFO,
                    f"column '{header}' has only dates that read either way; read month-first "
                    f"like column '{columns.header_of(other)}' ('{raw}')",
                    cell=place.cell(column, header_row),
                )
            )
        else:
            orders[name] = DAY_FIRST
            if ambiguous and not proof:
                findings.append(
                    place.finding(
                        "date-order",
                        Severity.INFO,
                        f"column '{header}' has only dates that read either way; "
                        "read day-first (UK style)",
                        cell=place.cell(column, header_row),
                    )
                )
    return orders, findings


@dataclass
class RowResult:
    record: ContractRecord | None
    findings: list[Finding]
    source_key: str | None
    raw: dict[str, Any] = field(default_factory=dict)


class RowValidator:
    """Validates the rows of one sheet; shares reference and provider memory across sheets."""

    def __init__(
        self,
        *,
        place: Place,
        columns: ColumnMap,
        index: OrganisationIndex,
        default_commissioner: Organisation | None,
        date_orders: dict[str, str],
        seen_keys: dict[str, str],
        new_providers: dict[str, NewProvider],
    ) -> None:
        self.place = place
        self.columns = columns
        self.index = index
        self.default_commissioner = default_commissioner
        self.date_orders = date_orders
        self.seen_keys = seen_keys  # source_key -> where it was first seen (whole file)
        self.new_providers = new_providers  # normalised name -> placeholder (whole file)
        self.parties = Parties(index, default_commissioner, new_providers)
        self._warned_vocabulary: set[tuple[str, str]] = set()

    # --- cells ---------------------------------------------------------------

    def raw(self, values: tuple[Any, ...], name: str) -> Any:
        column = self.columns.fields.get(name)
        if column is None or column >= len(values):
            return None
        value = values[column]
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def validate(self, number: int, values: tuple[Any, ...]) -> RowResult:
        findings: list[Finding] = []
        place = self.place

        def problem(name: str, issue: Problem, raw: Any) -> None:
            column = self.columns.fields[name]
            message = f"{self.columns.headers[column]}: {issue.message}"
            findings.append(
                place.finding(
                    issue.code,
                    Severity.ERROR,
                    message,
                    cell=place.cell(column, number),
                    value=raw,
                )
            )

        def row_error(code: str, message: str, value: Any = None) -> None:
            findings.append(
                place.finding(code, Severity.ERROR, message, cell=place.row(number), value=value)
            )

        text: dict[str, str | None] = {}
        for name in (
            "reference",
            "title",
            "commissioner",
            "associate_commissioners",
            "provider",
            "provider_code",
            "commissioner_code",
            "service_category",
            "contract_form",
            "payment_mechanism",
            "status",
            "notes",
        ):
            text[name] = clean_text(self.raw(values, name))
        raw_reference = self.raw(values, "reference")
        reference = None
        if raw_reference is not None:
            reference = clean_text(raw_reference) if not isinstance(raw_reference, str) else None
            reference = reference or str(raw_reference).strip() or None

        money: dict[str, Decimal | None] = {}
        for name in ("annual_value", "total_value"):
            raw = self.raw(values, name)
            parsed = parse_money(raw, self.columns.multipliers.get(name, Decimal(1)))
            if isinstance(parsed, Problem):
                problem(name, parsed, raw)
                money[name] = None
            else:
                money[name] = parsed
        dates: dict[str, dt.date | None] = {}
        for name in ("start_date", "end_date"):
            raw = self.raw(values, name)
            parsed_date = parse_date(raw, self.date_orders.get(name, DAY_FIRST))
            if isinstance(parsed_date, Problem):
                problem(name, parsed_date, raw)
                dates[name] = None
            else:
                dates[name] = parsed_date

        title = text["title"]
        if not title:
            row_error("missing-title", "the contract has no title")

        def emit(code: str, severity: Severity, message: str, name: str, value: Any) -> None:
            cell = self._column_cell(name, number)
            findings.append(place.finding(code, severity, message, cell=cell, value=value))

        start = dates["start_date"]
        provider = self.parties.provider(text["provider"], text["provider_code"], start, emit)
        commissioner = self.parties.commissioner(
            text["commissioner"], text["commissioner_code"], start, emit
        )
        associates = self.parties.associates(text["associate_commissioners"], start, emit)
        category = self._vocabulary("service_category", text, number, findings)
        form = self._vocabulary("contract_form", text, number, findings)
        self._checks(number, dates, money, findings)

        source_key = None
        if reference:
            source_key = reference[:200]
        elif title and (text["provider"] or text["provider_code"]):
            commissioner_name = commissioner.name if commissioner else text["commissioner"]
            provider_text = text["provider"] or text["provider_code"] or ""
            source_key = row_key(title, provider_text, commissioner_name, dates["start_date"])
        if source_key is not None:
            first = self.seen_keys.get(source_key)
            if first is not None:
                if reference:
                    row_error(
                        "duplicate-reference",
                        f"reference '{reference}' is also used at {first}; "
                        "each contract needs its own reference",
                        reference,
                    )
                else:
                    row_error(
                        "duplicate-row",
                        f"this row repeats {first} (same title, provider, commissioner and "
                        "start); remove one or give them references",
                    )
            else:
                self.seen_keys[source_key] = place.row(number)

        raw_values = {
            name: values[column] if column < len(values) else None
            for name, column in self.columns.fields.items()
        }
        if any(f.is_error for f in findings) or title is None or provider is None:
            return RowResult(None, findings, source_key, raw_values)
        assert source_key is not None
        record = ContractRecord(
            source_key=source_key,
            title=title[:500],
            provider=provider,
            commissioner_id=commissioner.id if commissioner else None,
            sheet=place.sheet,
            row=number,
            reference=reference[:100] if reference else None,
            associate_ids=tuple(a.id for a in associates),
            service_category=category,
            contract_form=form,
            start_date=dates["start_date"],
            end_date=dates["end_date"],
            annual_value=money["annual_value"],
            total_value=money["total_value"],
            payment_mechanism=_cut(text["payment_mechanism"], 100),
            status=_cut(text["status"], 50),
            notes=text["notes"],
        )
        return RowResult(record, findings, source_key, raw_values)

    # --- parts ---------------------------------------------------------------

    def _column_cell(self, name: str, number: int) -> str:
        column = self.columns.fields.get(name)
        return self.place.cell(column, number) if column is not None else self.place.row(number)

    def _vocabulary(
        self, name: str, text: dict[str, str | None], number: int, findings: list[Finding]
    ) -> str | None:
        value = text[name]
        if value is None:
            return None
        canonical = (
            canonical_category(value) if name == "service_category" else (canonical_form(value))
        )
        if canonical is not None:
            return canonical
        if (name, value.lower()) not in self._warned_vocabulary:
            self._warned_vocabulary.add((name, value.lower()))
            what = "service category" if name == "service_category" else "contract form"
            findings.append(
                self.place.finding(
                    f"unknown-{'category' if name == 'service_category' else 'contract-form'}",
                    Severity.WARNING,
                    f"'{value}' is not a {what} the tool knows; kept as written "
                    "(see `contracts template` for the list)",
                    cell=self._column_cell(name, number),
                    value=value,
                )
            )
        return _cut(value, 100)

    def _checks(
        self,
        number: int,
        dates: dict[str, dt.date | None],
        money: dict[str, Decimal | None],
        findings: list[Finding],
    ) -> None:
        start, end = dates["start_date"], dates["end_date"]
        annual, total = money["annual_value"], money["total_value"]
        if start and end and end < start:
            findings.append(
                self.place.finding(
                    "end-before-start",
                    Severity.ERROR,
                    f"the contract ends ({end:%d/%m/%Y}) before it starts ({start:%d/%m/%Y})",
                    cell=self._column_cell("end_date", number),
                    value=end.isoformat(),
                )
            )
        for name, amount in money.items():
            if amount is not None and amount < 0:
                findings.append(
                    self.place.finding(
                        "negative-value",
                        Severity.ERROR,
                        f"{self.columns.header_of(name)} is negative; a contract value "
                        "cannot be below zero",
                        cell=self._column_cell(name, number),
                        value=f"{amount:.2f}",
                    )
                )
        multi_year = start and end and (end - start).days > MULTI_YEAR_DAYS
        if multi_year and annual is not None and total is not None and 0 <= total < annual:
            findings.append(
                self.place.finding(
                    "total-below-annual",
                    Severity.WARNING,
                    f"the total value ({total:,.2f}) is below the annual value ({annual:,.2f}) "
                    "for a contract of more than a year; check both",
                    cell=self._column_cell("total_value", number),
                    value=f"{total:.2f}",
                )
            )


def _cut(text: str | None, length: int) -> str | None:
    return text[:length] if text else text
