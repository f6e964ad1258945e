"""Write each commissioner's register in its own layout and habits.

Real registers differ in everything but content: header names and synonyms,
title rows and merged cells above the header, a two-row header, totals rows,
money as numbers or as "£1,234,567" / "1.2m" / "TBC", real Excel dates or
day-first text, one CSV saved from Excel in Windows-1252 with CRLF, one
workbook with its ended contracts on an "Expired" sheet. Every cell written
is also recorded as the value the importer should read from it, which is
what ``truth.json`` states.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Generic, TypeVar

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from contracts.organisations.reference import REFERENCE_ORGANISATIONS
from contracts.sample.layouts import (
    ABBREVIATIONS,
    CATEGORY_SPELLINGS,
    FORM_SPELLINGS,
    MONTHS,
    Layout,
)
from contracts.sample.world import AS_AT, Entity

_REFERENCE = {org.key: org for org in REFERENCE_ORGANISATIONS}
_TRUNCATE_AT = 30  # finance systems cut names at 30 characters


@dataclass
class PlacedRow:
    """One register line: the entity it records and the values the importer should read."""

    entity: Entity
    is_lead_copy: bool
    reference: str
    sheet: str | None
    row: int
    annual_value: Decimal | None  # as the importer parses the cell written


@dataclass
class WrittenRegister:
    layout: Layout
    path: Path
    sheets: list[str]
    rows: list[PlacedRow] = field(default_factory=list)


# --- spelling ---------------------------------------------------------------------


def commissioner_spelling(code: str, index: int) -> str:
    org = _REFERENCE[code]
    names = (org.name, *org.aliases)
    return names[index % len(names)]


def provider_spelling(entity: Entity, style: str, rng: random.Random) -> str:
    provider = entity.provider
    if style == "full":
        return provider.spellings[0]
    if style == "truncate" and provider.code:
        return provider.spellings[0][:_TRUNCATE_AT].rstrip()
    if style == "caps":
        return rng.choice(provider.spellings).upper()
    if style == "mixed":
        return rng.choice(provider.spellings)
    return provider.spellings[0]


def reword(title: str, rng: random.Random, provider_short: str) -> str:
    """How an associate writes the lead's title: abbreviated, annotated or in capitals."""
    how = rng.randrange(4)
    if how == 0:
        for long, short in ABBREVIATIONS:
            title = title.replace(long, short)
        return title
    if how == 1:
        return f"{title} ({provider_short})"
    if how == 2:
        return title.upper()
    return f"{title} - associate"


def rounded(value: Decimal) -> Decimal:
    """A value as an associate rounds it: to £10,000 over a million, else to £1,000."""
    step = Decimal(10_000) if value >= 1_000_000 else Decimal(1_000)
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def money_cell(value: Decimal | None, style: str) -> tuple[Any, Decimal | None]:
    """The cell to write and the amount the importer should read from it."""
    if value is None:
        return "TBC", None
    if style == "number":
        return value, value
    if style == "gbp":
        text = f"£{value:,.2f}" if value != value.to_integral_value() else f"£{value:,.0f}"
        return text, value
    if value >= 1_000_000:
        millions = (value / 1_000_000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return f"£{millions}m", millions * 1_000_000
    if value >= 10_000:
        thousands = (value / 1_000).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return f"£{thousands}k", thousands * 1_000
    return f"£{value:,.2f}", value


def date_cell(day: dt.date, style: str) -> Any:
    if style == "excel":
        return day
    if style == "dmy":
        return day.strftime("%d/%m/%Y")
    month = MONTHS[day.month - 1]
    if style == "long":
        return f"{day.day} {month} {day.year}"
    return f"{day.day}-{month[:3]}-{day.year}"


# --- rows -------------------------------------------------------------------------------


E = TypeVar("E")


@dataclass
class Line(Generic[E]):
    """One register's copy of an entity as it is written: both samples' registers use it."""

    entity: E
    lead_copy: bool
    reference: str = ""
    cells: dict[str, Any] = field(default_factory=dict)
    annual_value: Decimal | None = None  # as the importer reads the cell


def _short_name(entity: Entity) -> str:
    return min(entity.provider.spellings, key=len)


def _lines(layout: Layout, entities: list[Entity], rng: random.Random) -> list[Line[Entity]]:
    lines = [
        Line(e, e.lead == layout.commissioner) for e in entities if layout.commissioner in e.keepers
    ]
    lines.sort(key=lambda line: (line.entity.start, line.entity.key))
    first = rng.randint(1, 240)
    for n, line in enumerate(lines, start=first):
        line.reference = layout.ref_pattern.format(n=n, year=line.entity.start.year)
    if layout.row_order == "random":
        rng.shuffle(lines)
    elif layout.row_order == "provider":
        lines.sort(key=lambda line: (line.entity.provider.name, line.reference))
    for line in lines:
        line.cells = _cells(layout, line, rng)
    return lines


def _cells(layout: Layout, line: Line[Entity], rng: random.Random) -> dict[str, Any]:
    entity = line.entity
    title = entity.title
    value = entity.annual_value
    if not line.lead_copy:
        title = reword(title, rng, _short_name(entity))
        if value is not None and rng.randrange(2) == 0:
            value = rounded(value)
    annual, line.annual_value = money_cell(value, layout.money_style)
    total = None if value is None else value * entity.years

    def spell_org(code: str) -> str:
        return commissioner_spelling(code, layout.commissioner_spelling)

    status = "Live" if entity.is_active else ("Ended" if entity.end < AS_AT else "Not started")
    return {
        "reference": line.reference,
        "title": title,
        "provider": provider_spelling(entity, layout.provider_style, rng),
        "commissioner": spell_org(entity.lead),
        "associate_commissioners": layout.separator.join(spell_org(a) for a in entity.associates),
        "service_category": CATEGORY_SPELLINGS[layout.category_style][entity.category],
        "contract_form": FORM_SPELLINGS[layout.form_style][entity.form],
        "start_date": date_cell(entity.start, layout.date_style),
        "end_date": date_cell(entity.end, layout.date_style),
        "annual_value": annual,
        "total_value": money_cell(total, layout.money_style)[0],
        "payment_mechanism": entity.payment,
        "status": status,
    }


# --- writers ---------------------------------------------------------------------------


def write_register(
    layout: Layout, entities: list[Entity], out_dir: Path, rng: random.Random
) -> WrittenRegister:
    """Write ``layout``'s register of ``entities`` into ``out_dir``; say where each row went."""
    lines = _lines(layout, entities, rng)
    path = out_dir / layout.file_name
    if layout.is_csv:
        return _write_csv(layout, lines, path)
    return _write_workbook(layout, lines, path)


def _placed(line: Line[Entity], sheet: str | None, row: int) -> PlacedRow:
    return PlacedRow(line.entity, line.lead_copy, line.reference, sheet, row, line.annual_value)


def _write_csv(layout: Layout, lines: list[Line[Entity]], path: Path) -> WrittenRegister:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    width = len(layout.columns)
    for title in layout.title_rows:
        writer.writerow([title] + [""] * (width - 1))
    if layout.title_rows:
        writer.writerow([""] * width)
    writer.writerow([header for _, header in layout.columns])
    register = WrittenRegister(layout, path, sheets=[])
    row = len(layout.title_rows) + (1 if layout.title_rows else 0) + 1
    for line in lines:
        row += 1
        writer.writerow(["" if line.cells[f] is None else line.cells[f] for f in layout.fields])
        register.rows.append(_placed(line, None, row))
    # Excel saves "£" and "–" as single Windows-1252 bytes.
    path.write_bytes(buffer.getvalue().encode("cp1252"))
    return register


def _write_workbook(layout: Layout, lines: list[Line[Entity]], path: Path) -> WrittenRegister:
    workbook = Workbook()
    workbook.properties.creator = "essex-contracts sample"
    # A fixed timestamp, so the same seed writes the same document properties.
    fixed = dt.datetime(2016, 4, 4, 9, 0, 0)
    workbook.properties.created = fixed
    workbook.properties.modified = fixed
    current: list[Line[Entity]] = []
    expired: list[Line[Entity]] = []
    for line in lines:
        ended = layout.expired_sheet is not None and line.entity.end < AS_AT
        (expired if ended else current).append(line)
    assert layout.sheet is not None
    sheets = [(layout.sheet, current)]
    if layout.expired_sheet:
        sheets.append((layout.expired_sheet, expired))
    register = WrittenRegister(layout, path, sheets=[name for name, _ in sheets])
    for index, (name, sheet_lines) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        assert sheet is not None
        sheet.title = name
        _fill_sheet(layout, sheet, name, sheet_lines, register)
    workbook.save(path)
    workbook.close()
    return register


def _fill_sheet(
    layout: Layout, sheet: Any, name: str, lines: list[Line[Entity]], register: WrittenRegister
) -> None:
    width = len(layout.columns)
    row = 0
    bold = Font(bold=True)
    for title in layout.title_rows:
        row += 1
        sheet.cell(row=row, column=1, value=title).font = Font(bold=True, size=12)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    if layout.title_rows:
        row += 1  # a blank row under the titles
    if layout.header_groups:
        row += 1
        column = 1
        for label, span in layout.header_groups:
            for offset in range(span):
                if not label:
                    header = layout.columns[column + offset - 1][1]
                    sheet.cell(row=row, column=column + offset, value=header).font = bold
                    sheet.merge_cells(
                        start_row=row,
                        start_column=column + offset,
                        end_row=row + 1,
                        end_column=column + offset,
                    )
            if label:
                cell = sheet.cell(row=row, column=column, value=label)
                cell.font = bold
                cell.alignment = Alignment(horizontal="center")
                sheet.merge_cells(
                    start_row=row, start_column=column, end_row=row, end_column=column + span - 1
                )
                for offset in range(span):
                    header = layout.columns[column + offset - 1][1]
                    sheet.cell(row=row + 1, column=column + offset, value=header).font = bold
            column += span
        row += 1
    else:
        row += 1
        for column, (_, header) in enumerate(layout.columns, start=1):
            sheet.cell(row=row, column=column, value=header).font = bold
    formats = _number_formats(layout)
    for line in lines:
        row += 1
        for column, field_name in enumerate(layout.fields, start=1):
            value = line.cells[field_name]
            cell = sheet.cell(row=row, column=column, value=value if value != "" else None)
            if field_name in formats and not isinstance(value, str):
                cell.number_format = formats[field_name]
        register.rows.append(_placed(line, name, row))
    if layout.totals_label and name == layout.sheet:
        _totals_row(layout, sheet, row + 2, lines)
    for column in range(1, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 22
    sheet.freeze_panes = sheet.cell(row=row - len(lines) + 1, column=1)


def _number_formats(layout: Layout) -> dict[str, str]:
    formats = {"annual_value": layout.money_format, "total_value": layout.money_format}
    if layout.date_style == "excel":
        formats |= {"start_date": layout.date_format, "end_date": layout.date_format}
    return formats


def _totals_row(layout: Layout, sheet: Any, row: int, lines: list[Line[Entity]]) -> None:
    """A totals row as finance keep it: the label, then the sums of the money columns.

    Written as numbers, not formulas: openpyxl cannot store a formula's cached
    value, and the importer reads values only.
    """
    label_column = layout.fields.index("title") + 1
    sheet.cell(row=row, column=label_column, value=layout.totals_label).font = Font(bold=True)
    for field_name in ("annual_value", "total_value"):
        if field_name not in layout.fields:
            continue
        amounts: list[Decimal] = [
            v for line in lines if isinstance(v := line.cells[field_name], Decimal)
        ]
        total: Decimal = sum(amounts, Decimal(0))
        cell = sheet.cell(row=row, column=layout.fields.index(field_name) + 1, value=total)
        cell.number_format = layout.money_format
        cell.font = Font(bold=True)
