"""`contracts template`: an empty register in the canonical layout, for new teams.

Headers are the canonical fields (so the file imports with no --map),
commissioner, service category and contract form are drop-downs fed from a
hidden Lists sheet, and a Notes sheet explains each column.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts import gate
from contracts.data_tables import read_rows
from contracts.errors import InputRejected
from contracts.store.models import Organisation
from contracts.vocabulary import CONTRACT_FORMS, SERVICE_CATEGORIES
from importers.columns import CANONICAL_FIELDS, MONEY_FIELDS

# Rows of the register sheet that carry the drop-downs and formats.
TEMPLATE_ROWS = 2000


class ColumnNote(NamedTuple):
    """How the Notes sheet explains one column (contracts/data/template_columns.toml)."""

    field: str
    need: str  # required | recommended | optional
    holds: str
    example: str


COLUMN_NOTES: dict[str, tuple[str, str, str]] = {
    note.field: (note.need, note.holds, note.example)
    for note in read_rows("template_columns.toml", "column", ColumnNote)
}


def header_for(field: str) -> str:
    """The template's header for a field, e.g. "Annual value (£)"; it maps back to the field."""
    label = field.replace("_", " ").capitalize()
    return f"{label} (£)" if field in MONEY_FIELDS else label


def _commissioner_names(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(Organisation.name)
            .where(Organisation.is_commissioner.is_(True))
            .order_by(Organisation.name)
        )
    )


def write_template(session: Session, path: Path | str) -> Path:
    """Write the empty register to ``path`` (.xlsx) and return it."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputRejected(f"the template must be an .xlsx file, not '{path.name}'")
    gate.check_output(path, "the template")
    workbook = Workbook()
    register = workbook.active
    register.title = "Register"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for column, field in enumerate(CANONICAL_FIELDS, start=1):
        cell = register.cell(row=1, column=column, value=header_for(field))
        cell.font, cell.fill = bold, fill
        register.column_dimensions[get_column_letter(column)].width = max(
            14, len(header_for(field)) + 4
        )
    register.freeze_panes = "A2"

    lists = workbook.create_sheet("Lists")
    lists.sheet_state = "hidden"
    choices = {
        "commissioner": _commissioner_names(session),
        "service_category": list(SERVICE_CATEGORIES),
        "contract_form": list(CONTRACT_FORMS),
    }
    for list_column, (field, values) in enumerate(choices.items(), start=1):
        letter = get_column_letter(list_column)
        lists.cell(row=1, column=list_column, value=field)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=list_column, value=value).data_type = "s"
        target = get_column_letter(CANONICAL_FIELDS.index(field) + 1)
        validation = DataValidation(
            type="list",
            formula1=f"=Lists!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=field != "commissioner",
            errorTitle="Not in the list",
            error=f"Pick a {field.replace('_', ' ')} from the list.",
        )
        validation.add(f"{target}2:{target}{TEMPLATE_ROWS}")
        register.add_data_validation(validation)
    for field in ("start_date", "end_date"):
        letter = get_column_letter(CANONICAL_FIELDS.index(field) + 1)
        for row in range(2, TEMPLATE_ROWS + 1):
            register[f"{letter}{row}"].number_format = "dd/mm/yyyy"
    for field in MONEY_FIELDS:
        letter = get_column_letter(CANONICAL_FIELDS.index(field) + 1)
        for row in range(2, TEMPLATE_ROWS + 1):
            register[f"{letter}{row}"].number_format = "£#,##0.00"

    notes = workbook.create_sheet("Notes")
    notes.append(["Column", "Field", "Required", "What it holds", "Example"])
    for cell in notes[1]:
        cell.font, cell.fill = bold, fill
    for field in CANONICAL_FIELDS:
        required, meaning, example = COLUMN_NOTES[field]
        notes.append([header_for(field), field, required, meaning, example])
    notes.append([])
    notes.append(
        ["Import it with: contracts import this-file.xlsx (unknown values: leave blank, not 0)"]
    )
    for letter, width in zip("ABCDE", (26, 24, 12, 70, 50), strict=True):
        notes.column_dimensions[letter].width = width
    workbook.save(path)
    workbook.close()
    return path
