"""What the importer tells the user about a file's layout: columns taken, passed over,
unknown, missing — and, when it refuses a file, one sentence on what the file holds.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from contracts.errors import InputRejected
from contracts.findings import Finding, Severity, codes
from importers.columns import header_match, nearest_field
from importers.place import Place
from importers.reading import Row
from importers.table import HEADER_SEARCH_ROWS, Table, is_blank

_SCALE_WORDS = {Decimal(1000): "thousands", Decimal(1_000_000): "millions"}
SHOWN_ROWS = 3  # rows quoted when no header row is found
SHOWN_CELLS = 8
CELL_CHARS = 30


def _field_words(name: str) -> str:
    return name.replace("_", " ")


def column_findings(table: Table, place: Place) -> list[Finding]:
    """Columns not recognised, passed over for a better one, scaled, or hidden."""
    findings = []
    columns = table.columns
    for column in columns.unknown:
        header = columns.headers[column]
        # in a recognised layout, the columns not taken are known not to be contract fields
        near = nearest_field(header) if table.schema is None else None
        if near in columns.fields:  # never suggest a field a column already holds
            near = None
        findings.append(
            place.finding(
                codes.UNKNOWN_COLUMN,
                severity=Severity.WARNING if near else None,
                variant="near" if near else None,
                header=header,
                words=_field_words(near or ""),
                field=near,
                cell=place.cell(column, table.header_row),
                value=header,
            )
        )
    for passed in columns.duplicates:
        header = columns.headers[passed.column]
        findings.append(
            place.finding(
                codes.DUPLICATE_COLUMN,
                severity=Severity.WARNING if passed.close else None,
                header=header,
                words=_field_words(passed.field),
                reason=passed.reason,
                cell=place.cell(passed.column, table.header_row),
                value=header,
            )
        )
    for name, multiplier in columns.multipliers.items():
        if multiplier != 1:
            findings.append(
                place.finding(
                    codes.VALUES_SCALED,
                    header=columns.header_of(name),
                    scale=_SCALE_WORDS.get(multiplier, "units"),
                    multiplier=multiplier,
                    cell=place.cell(columns.fields[name], table.header_row),
                )
            )
    for column in sorted(table.sheet.hidden_columns & set(columns.fields.values())):
        findings.append(
            place.finding(
                codes.HIDDEN_COLUMN,
                header=columns.headers[column],
                cell=place.cell(column, table.header_row),
            )
        )
    return findings


# Fields a register need not have but the tool uses, and what becomes of them without.
_USEFUL = (
    ("service_category", None, "every contract's service category is left unknown"),
    ("contract_form", None, "each contract's form is inferred from its parties and title"),
    ("start_date", None, "every contract's start is left unknown"),
    ("end_date", None, "every contract's end is left unknown"),
    ("annual_value", "value", "every contract's value is left unknown"),
)


def absent_fields(table: Table, place: Place) -> list[Finding]:
    """A note for each useful field no column holds: category, form, dates, value."""
    fields = table.columns.fields
    notes = []
    for name, variant, outcome in _USEFUL:
        if name in fields or (variant == "value" and "total_value" in fields):
            continue
        notes.append(
            place.finding(
                codes.NO_COLUMN,
                variant=variant,
                words=_field_words(name),
                outcome=outcome,
                field=name,
                cell=place.row(table.header_row),
            )
        )
    return notes


def missing_columns(table: Table, place: Place, missing: Iterable[str]) -> list[Finding]:
    """An error for each required field no column holds, naming the headers there are."""
    headers = ", ".join(f"'{h}'" for h in table.columns.headers.values())
    return [
        place.finding(
            codes.MISSING_COLUMN,
            variant="commissioner" if name == "commissioner" else None,
            words=_field_words(name),
            row=table.header_row,
            headers=headers,
            field=name,
            cell=place.row(table.header_row),
        )
        for name in sorted(missing)
    ]


def _shown(value: Any) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"


def no_header_refusal(name: str, heads: Sequence[tuple[str, Sequence[Row]]]) -> InputRejected:
    """One sentence: no header row, what the first rows hold, and the fields they resemble."""
    quoted: list[str] = []
    near: dict[str, str] = {}
    for sheet, head in heads:
        rows = [(n, v) for n, v in head if not is_blank(v)][:SHOWN_ROWS]
        if not rows:
            continue
        where = f"sheet '{sheet}' " if len(heads) > 1 else ""
        cells = [
            f"row {n}: " + ", ".join(f"'{_shown(v)}'" for v in values if v not in (None, ""))[:200]
            for n, values in rows
        ]
        quoted.append(where + "; ".join(cells))
        for _, values in rows:
            for value in values[: SHOWN_CELLS * 3]:
                if not isinstance(value, str) or not value.strip() or len(value) > 60:
                    continue
                match = header_match(value)
                field = match.field if match else nearest_field(value)
                if field and value not in near:
                    near[" ".join(value.split())] = field
    seen = "; ".join(quoted) if quoted else "nothing but blank rows"
    hints = ", ".join(f"'{h}' may be the {_field_words(f)}" for h, f in list(near.items())[:6])
    nearest = f"; of those, {hints}" if hints else ""
    return InputRejected(
        f"{name} has no header row that names contract fields in the first "
        f"{HEADER_SEARCH_ROWS} rows of any sheet; it begins {seen}{nearest}; "
        "add headers such as Title, Provider, Commissioner, or use --map 'Header=field'"
    )


def payments_refusal(name: str, table: Table) -> InputRejected:
    """One sentence: the file lists payments, not contracts, and how to import it anyway."""
    headers = list(table.columns.headers.values())
    shown = ", ".join(f"'{h}'" for h in headers[:8]) + (", …" if len(headers) > 8 else "")
    guess = next(
        (
            table.columns.headers[c]
            for c in table.columns.unknown
            if any(w in table.columns.headers[c].lower() for w in ("type", "category", "area"))
        ),
        "Expense Type",
    )
    what = table.schema.name if table.schema else "list of payments"
    return InputRejected(
        f"{name} looks like a {what}, not a contract register: its columns are {shown} and "
        f"each row is a payment; to import it anyway, say which column is the title, "
        f"e.g. --map '{guess}=title'"
    )


def renamed_register_refusal(name: str, source: str, matched: int, total: int) -> InputRejected:
    """One sentence: the file looks like a register already imported under another name."""
    quoted = shlex.quote(source)
    return InputRejected(
        f"{name} looks like the register already imported as '{source}' ({matched} of its "
        f"{total} contracts have the same references there); to update that register, "
        f"import it with --source {quoted}, or to add it as a register of its own, "
        "use --as-new"
    )
