"""Streaming worksheets that finance staff can read, print and trust.

openpyxl's write-only mode keeps memory flat, but it writes a sheet's layout
(widths, frozen panes, page fit) when the first row arrives and its tables,
filters and print settings when the sheet closes; :class:`SheetWriter` does
each at the right moment. It also decides what becomes a formula: only
:class:`Formula` values, never text, whatever the text starts with.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

GBP_FORMAT = "£#,##0.00;[Red]-£#,##0.00"
DATE_FORMAT = "dd/mm/yyyy"  # UK day-first, as the registers write them
COUNT_FORMAT = "#,##0"
SCORE_FORMAT = "0.00"
TABLE_STYLE = "TableStyleMedium2"
HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
# Long text wraps inside its column and sits at the top of the row, so printed
# rows keep their figures beside their labels.
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
# Excel's limit on the characters in one cell.
MAX_CELL_TEXT = 32767


LINE_HEIGHT = 15  # points: one line of 11-point text
# A row is never taller than this on paper; longer text (a proposal's reasons) is whole
# in the cell, and printed up to here.
MAX_LINES = 8


def lines_needed(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` characters wide.

    Spreadsheet applications do not re-measure rows when they open a file (LibreOffice
    leaves written rows at one line), so wrapped rows get their height written out.
    """
    per_line = max(width * 1.2, 1)  # text averages narrower than "0", the width's unit
    return sum(max(-(-len(part) // int(per_line)), 1) for part in text.split("\n"))


def set_height(ws: WriteOnlyWorksheet, row: int, lines: int) -> None:
    """Give ``row`` room for ``lines`` lines of text (before it is appended)."""
    if lines > 1:
        ws.row_dimensions[row].height = LINE_HEIGHT * min(lines, MAX_LINES)


class Formula(str):
    """One of the tool's own formulas ("=SUMIFS(...)"): the only text written as a formula."""


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    # text, money, date, count (a plain whole number), score, formula-money, formula-count
    kind: str = "text"
    hidden: bool = False
    wrap: bool = False  # long text: wrapped within the width rather than cut off

    @property
    def number_format(self) -> str | None:
        if self.kind in ("money", "formula-money"):
            return GBP_FORMAT
        if self.kind == "date":
            return DATE_FORMAT
        if self.kind == "formula-count":
            return COUNT_FORMAT
        if self.kind == "score":
            return SCORE_FORMAT
        return None


def clean_text(text: str) -> str:
    """Text Excel can store: no XML-illegal control characters, not over the cell limit."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_TEXT]


def text_cell(ws: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    """A cell that is text whatever it starts with ("=", "+", "-", "@", tab, CR).

    openpyxl turns a value starting with "=" into a formula; forcing the data
    type back to "s" writes it as an inline string, which no spreadsheet
    application evaluates.
    """
    cell = WriteOnlyCell(ws, value=clean_text(text))
    cell.data_type = "s"
    return cell


class _StreamedCell(Cell):
    """A styled cell for a write-only sheet, with a constant ``repr``.

    openpyxl's ``append`` first tries each cell as a plain value and formats the
    refusal with ``repr(cell)``, which works out the cell's coordinate: a tenth
    of an export's time. Nothing else reads this ``repr``.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "<streamed cell>"


class SheetWriter:
    """Appends rows to one write-only sheet and dresses it as a filtered, printable table."""

    def __init__(
        self,
        ws: WriteOnlyWorksheet,
        columns: Sequence[Column],
        *,
        table_name: str,
    ) -> None:
        self.ws = ws
        self.columns = list(columns)
        self.table_name = table_name
        self.rows_written = 0
        # One styled prototype per number format: copying its style array is far
        # cheaper than resolving a number format for every cell of a large sheet.
        self._prototypes: dict[tuple[str, bool], Cell] = {}
        self._set_layout()
        self._append_header()

    def _set_layout(self) -> None:
        # Must happen before the first row: write-only mode writes these first.
        for index, column in enumerate(self.columns, start=1):
            dimension = self.ws.column_dimensions[get_column_letter(index)]
            dimension.width = column.width
            dimension.hidden = column.hidden
        self.ws.freeze_panes = "B2"
        # The page fit goes in the sheet's properties, which are written first too.
        width = sum(c.width for c in self.columns if not c.hidden)
        set_print_settings(self.ws, header_rows="1:1", width=width)

    def _append_header(self) -> None:
        set_height(self.ws, 1, max(lines_needed(c.header, c.width) for c in self.columns))
        header = []
        for column in self.columns:
            cell = text_cell(self.ws, column.header)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = WRAP  # a header wider than its column wraps, never cut
            header.append(cell)
        self.ws.append(header)

    def _styled(self, value: Any, number_format: str, *, wrap: bool = False) -> Cell:
        key = (number_format, wrap)
        prototype = self._prototypes.get(key)
        if prototype is None:
            prototype = WriteOnlyCell(self.ws)
            prototype.number_format = number_format
            prototype.alignment = WRAP if wrap else TOP
            self._prototypes[key] = prototype
        cell = _StreamedCell(self.ws, row=1, column=1, value=value)
        cell._style = prototype._style.__copy__()
        return cell

    def cell(self, value: Any, column: Column) -> Any:
        """The value as the sheet should hold it: text as text, formulas, styled numbers."""
        if value is None:
            return None
        if isinstance(value, Formula):
            return self._styled(str(value), column.number_format or "General")
        if isinstance(value, str):
            # openpyxl only reads a leading "=" as a formula; anything else is
            # already written as an inline string, which is never evaluated.
            if value.startswith("=") or ILLEGAL_CHARACTERS_RE.search(value):
                cell = text_cell(self.ws, value)
                cell.alignment = WRAP if column.wrap else TOP
                return cell
            return self._styled(value[:MAX_CELL_TEXT], "General", wrap=column.wrap)
        if isinstance(value, Decimal | dt.date) or column.number_format:
            return self._styled(value, column.number_format or "General")
        return value

    def append(self, values: Sequence[Any]) -> None:
        row = self.last_row + 1
        lines = max(
            (
                lines_needed(v, c.width)
                for v, c in zip(values, self.columns, strict=True)
                if c.wrap and isinstance(v, str) and not c.hidden
            ),
            default=1,
        )
        set_height(self.ws, row, lines)
        self.ws.append([self.cell(v, c) for v, c in zip(values, self.columns, strict=True)])
        self.rows_written += 1
        # Written out with the row: forget it, so memory stays flat on large sheets.
        self.ws.row_dimensions.pop(row, None)

    @property
    def last_row(self) -> int:
        return self.rows_written + 1

    def finish(self) -> None:
        """Table style with filters (the print settings were set with the layout)."""
        last_column = get_column_letter(len(self.columns))
        ref = f"A1:{last_column}{max(self.last_row, 2)}"
        if self.rows_written:
            table = Table(displayName=self.table_name, ref=ref)
            # Write-only sheets cannot be read back, so name the columns here
            # rather than letting openpyxl look for the header cells.
            table.tableColumns = [
                TableColumn(id=i, name=c.header) for i, c in enumerate(self.columns, start=1)
            ]
            table.autoFilter = AutoFilter(ref=ref)
            table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
            with warnings.catch_warnings():
                # openpyxl warns on every write-only table; the columns are named above.
                warnings.filterwarnings("ignore", "In write-only mode you must add table columns")
                self.ws.add_table(table)
        else:
            self.ws.auto_filter.ref = ref


# Printing on A4 landscape: about 140 characters of 11-point text fit across at 100%.
# Below 70% the text is too small to read, so a wider sheet prints across several
# pages (its first column repeated) rather than shrunk to one page wide.
PAGE_CHARACTERS = 140
READABLE_SCALE = 0.7


def set_print_settings(
    ws: WriteOnlyWorksheet,
    *,
    header_rows: str | None,
    width: float | None = None,
    title_columns: str | None = "A:A",
    pages_tall: int = 0,
) -> None:
    """A4 landscape, header rows repeated, fit to one page wide while still readable.

    ``width`` is the sheet's printed width in characters (its visible columns).
    Call it before the first row: write-only sheets write the page fit first.
    """
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    fits = width is None or width <= PAGE_CHARACTERS / READABLE_SCALE
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=fits)
    if fits:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = pages_tall  # 0: as many pages as the rows need
    else:
        ws.page_setup.scale = round(READABLE_SCALE * 100)
        if title_columns:
            ws.print_title_cols = title_columns
    if header_rows:
        ws.print_title_rows = header_rows
    ws.oddFooter.center.text = "&A, page &P"
