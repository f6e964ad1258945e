"""One register row → a :class:`ImportedRow` and its findings.

Every problem is a finding that names the file and cell; a row with any
error yields no record (it is rejected). Organisations resolve through the
in-memory :class:`OrganisationIndex`, once per distinct spelling.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import KW_ONLY, dataclass, field
from decimal import Decimal
from typing import Any

from contracts.contract_forms import form_to_store
from contracts.findings import Finding, FindingCode, codes
from contracts.organisations.index import OrganisationIndex
from contracts.organisations.names import normalise_name
from contracts.store.imports import ImportedRow, NewProvider, row_key
from contracts.store.models import Organisation
from contracts.vocabulary import (
    canonical_category,
    canonical_form,
    nearest_category,
    refine_category,
)
from importers.columns import ColumnMap
from importers.ledger import KeyLedger
from importers.parties import Parties
from importers.place import Place
from importers.values import (
    DAY_FIRST,
    Problem,
    annual_from_total,
    clean_text,
    is_placeholder,
    parse_date,
    parse_money,
    text_problem,
)

# A contract longer than this is "multi-year", where the total must cover a year.
MULTI_YEAR_DAYS = 366
# The fields read as text: cleaned, checked for control characters and length.
TEXT_FIELDS = (
    "reference",
    "title",
    "commissioner",
    "associate_commissioners",
    "provider",
    "service_category",
    "contract_form",
    "payment_mechanism",
    "status",
    "notes",
    "provider_code",
    "commissioner_code",
)


@dataclass
class RowResult:
    record: ImportedRow | None
    findings: list[Finding]
    source_key: str | None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(eq=False)
class RowValidator:
    """Validates the rows of one sheet; shares reference and provider memory across sheets."""

    _: KW_ONLY
    place: Place
    columns: ColumnMap
    index: OrganisationIndex
    default_commissioner: Organisation | None
    date_orders: dict[str, str]
    seen_keys: KeyLedger  # source_key -> where it was first seen (whole file)
    new_providers: dict[str, NewProvider]  # normalised name -> placeholder (whole file)
    shared_references: set[str] = field(default_factory=set)
    parties: Parties = field(init=False)
    _warned_vocabulary: set[tuple[str, str]] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        self.parties = Parties(self.index, self.default_commissioner, self.new_providers)
        # The text fields this sheet maps, with their columns: a row's text is read in
        # one pass over them (the others are None without a look).
        self._text_columns = [
            (name, column, name in self.columns.parts)
            for name in TEXT_FIELDS
            if (column := self.columns.fields.get(name)) is not None
        ]

    # --- cells ---------------------------------------------------------------

    def raw(self, values: tuple[Any, ...], name: str) -> Any:
        column = self.columns.fields.get(name)
        if column is None or column >= len(values):
            return None
        value = values[column]
        if isinstance(value, str):
            if not value.strip():
                return None
            if name in self.columns.parts:  # "name|address|…": the name alone
                return value.split("|", 1)[0].strip() or None
        return value

    def reference(self, values: tuple[Any, ...]) -> str | None:
        """The row's reference as written (a number cell as its digits)."""
        raw = self.raw(values, "reference")
        if raw is None:
            return None
        reference = clean_text(raw) if not isinstance(raw, str) else None
        return reference or str(raw).strip() or None

    def is_complete(self, values: tuple[Any, ...]) -> bool:
        """A row that is a whole contract wherever it stands (under the totals row, say):
        a title, a provider, a commissioner (or --commissioner) and a date or a value."""

        def has(*names: str) -> bool:
            return any(self.raw(values, name) is not None for name in names)

        commissioner = self.default_commissioner is not None or has(
            "commissioner", "commissioner_code"
        )
        return (
            has("title")
            and has("provider", "provider_code")
            and commissioner
            and has("start_date", "end_date", "annual_value", "total_value")
        )

    def supplier_key(self, values: tuple[Any, ...]) -> str | None:
        """The provider's name, normalised: which supplier a row is for."""
        name = clean_text(self.raw(values, "provider"))
        return (normalise_name(name) or name.lower()) if name else None

    def validate(self, number: int, values: tuple[Any, ...]) -> RowResult:
        findings: list[Finding] = []
        place = self.place

        def problem(name: str, issue: Problem, raw: Any) -> None:
            column = self.columns.fields[name]
            findings.append(
                place.finding(
                    issue.kind,
                    variant=issue.variant,
                    column=self.columns.headers[column],
                    cell=place.cell(column, number),
                    value=raw,
                    **issue.params,
                )
            )

        def row_error(kind: FindingCode, value: Any = None, **params: Any) -> None:
            findings.append(place.finding(kind, cell=place.row(number), value=value, **params))

        text = self._texts(values)
        for name, cleaned in text.items():
            if cleaned is not None and (issue := text_problem(name, cleaned)) is not None:
                problem(name, issue, cleaned[:60])
        reference = self.reference(values)

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
            elif parsed_date is not None and is_placeholder(parsed_date):
                findings.append(
                    place.finding(
                        codes.PLACEHOLDER_DATE,
                        header=self.columns.header_of(name),
                        day=parsed_date,
                        cell=self._column_cell(name, number),
                        value=raw,
                    )
                )
                dates[name] = None
            else:
                dates[name] = parsed_date

        title = text["title"]
        if not title:
            row_error(codes.MISSING_TITLE)

        def emit(kind: FindingCode, name: str, value: Any, /, **details: Any) -> None:
            cell = self._column_cell(name, number)
            findings.append(place.finding(kind, cell=cell, value=value, **details))

        start = dates["start_date"]
        provider = self.parties.provider(text["provider"], text["provider_code"], start, emit)
        commissioner = self.parties.commissioner(
            text["commissioner"], text["commissioner_code"], start, emit
        )
        associates = self.parties.associates(text["associate_commissioners"], start, emit)
        # A broad NHS category ("MH") narrowed where the title says which part it is.
        category = refine_category(
            self._vocabulary("service_category", text, number, findings), title
        )
        form, form_inferred = form_to_store(
            self._vocabulary("contract_form", text, number, findings),
            commissioner_kind=commissioner.kind if commissioner else None,
            provider_kind=provider.kind if isinstance(provider, Organisation) else None,
            title=title,
        )
        self._checks(number, values, dates, money, findings)
        annual_given = self.raw(values, "annual_value") is not None
        self._derive_annual(number, dates, money, findings, annual_given)

        source_key = None
        if reference and reference in self.shared_references and text["provider"]:
            # a framework: one contract per supplier, each keyed by reference and supplier
            source_key = f"{reference}/{self.supplier_key(values)}"[:200]
        elif reference:
            source_key = reference[:200]
        elif title and (text["provider"] or text["provider_code"]):
            commissioner_name = commissioner.name if commissioner else text["commissioner"]
            provider_text = text["provider"] or text["provider_code"] or ""
            source_key = row_key(title, provider_text, commissioner_name, dates["start_date"])
        if source_key is not None:
            first = self.seen_keys.first_seen(source_key, place.row(number))
            if first is not None:
                if reference:
                    shared = reference in self.shared_references
                    findings.append(
                        place.finding(
                            codes.DUPLICATE_REFERENCE,
                            variant="same-supplier" if shared else None,
                            reference=reference,
                            first=first,
                            cell=place.row(number),
                            value=reference,
                        )
                    )
                else:
                    row_error(codes.DUPLICATE_ROW, first=first)

        if any(f.is_error for f in findings) or title is None or provider is None:
            raw_values = {
                name: values[column] if column < len(values) else None
                for name, column in self.columns.fields.items()
            }
            return RowResult(None, findings, source_key, raw_values)
        assert source_key is not None
        record = ImportedRow(
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
            contract_form_inferred=form_inferred,
            start_date=dates["start_date"],
            end_date=dates["end_date"],
            annual_value=money["annual_value"],
            total_value=money["total_value"],
            payment_mechanism=_cut(text["payment_mechanism"], 100),
            status=_cut(text["status"], 50),
            notes=text["notes"],
        )
        return RowResult(record, findings, source_key)

    # --- parts ---------------------------------------------------------------

    def _texts(self, values: tuple[Any, ...]) -> dict[str, str | None]:
        """Every text field's cleaned text (None for an empty or absent cell): what
        ``clean_text(self.raw(values, name))`` gives, in one pass for the whole row."""
        text: dict[str, str | None] = dict.fromkeys(TEXT_FIELDS)
        size = len(values)
        for name, column, in_parts in self._text_columns:
            if column >= size or (value := values[column]) is None:
                continue
            if isinstance(value, str):
                if in_parts:  # "name|address|…": the name alone
                    value = value.split("|", 1)[0]
                text[name] = " ".join(value.split()) or None
            else:
                text[name] = clean_text(value)
        return text

    def _column_cell(self, name: str, number: int) -> str:
        column = self.columns.fields.get(name)
        return self.place.cell(column, number) if column is not None else self.place.row(number)

    def _as_written(
        self, kind: FindingCode, name: str, number: int, values: tuple[Any, ...], **params: Any
    ) -> Finding:
        """A finding at ``name``'s cell of this row, its value as the register shows it."""
        return self.place.finding(
            kind, cell=self._column_cell(name, number), value=self.raw(values, name), **params
        )

    def _vocabulary(
        self, name: str, text: dict[str, str | None], number: int, findings: list[Finding]
    ) -> str | None:
        value = text[name]
        if value is None:
            return None
        canonical = (
            canonical_category(value) if name == "service_category" else canonical_form(value)
        )
        if canonical is not None:
            return canonical
        if (name, value.lower()) not in self._warned_vocabulary:
            self._warned_vocabulary.add((name, value.lower()))
            cell = self._column_cell(name, number)
            if name == "service_category":
                nearest, alike = nearest_category(value)
                finding = self.place.finding(
                    codes.UNKNOWN_CATEGORY,
                    word=value,
                    nearest=nearest,
                    alike=alike,
                    cell=cell,
                    value=value,
                )
            else:
                finding = self.place.finding(
                    codes.UNKNOWN_CONTRACT_FORM, word=value, cell=cell, value=value
                )
            findings.append(finding)
        return _cut(value, 100)

    def _derive_annual(
        self,
        number: int,
        dates: dict[str, dt.date | None],
        money: dict[str, Decimal | None],
        findings: list[Finding],
        annual_given: bool,
    ) -> None:
        """A year's value from the whole-life value and the period, when only those
        are given; stored as the annual value, and said to be derived."""
        start, end, total = dates["start_date"], dates["end_date"], money["total_value"]
        if money["annual_value"] is not None or total is None or total < 0:
            return
        if annual_given:  # written but unreadable: an error already, never replaced
            return
        if start is None or end is None or end < start:
            return
        annual, months = annual_from_total(total, start, end)
        money["annual_value"] = annual
        findings.append(
            self.place.finding(
                codes.ANNUAL_VALUE_DERIVED,
                variant="a-year" if months <= 12 else None,
                annual=annual,
                total=total,
                months=f"{months.normalize():f}",
                start=start,
                end=end,
                cell=self._column_cell("total_value", number),
                value=f"{annual:.2f}",
            )
        )

    def _checks(
        self,
        number: int,
        values: tuple[Any, ...],
        dates: dict[str, dt.date | None],
        money: dict[str, Decimal | None],
        findings: list[Finding],
    ) -> None:
        start, end = dates["start_date"], dates["end_date"]
        annual, total = money["annual_value"], money["total_value"]
        if start and end and end < start:
            findings.append(
                self._as_written(
                    codes.END_BEFORE_START, "end_date", number, values, end=end, start=start
                )
            )
        for name, amount in money.items():
            if amount is not None and amount < 0:
                header = self.columns.header_of(name)
                findings.append(
                    self._as_written(codes.NEGATIVE_VALUE, name, number, values, header=header)
                )
        multi_year = start and end and (end - start).days > MULTI_YEAR_DAYS
        if multi_year and annual is not None and total is not None and 0 <= total < annual:
            findings.append(
                self._as_written(
                    codes.TOTAL_BELOW_ANNUAL,
                    "total_value",
                    number,
                    values,
                    total=total,
                    annual=annual,
                )
            )


def _cut(text: str | None, length: int) -> str | None:
    return text[:length] if text else text
