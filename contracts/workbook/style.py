"""How the finance workbook looks, and how its rows are streamed (XlsxWriter).

XlsxWriter in constant-memory mode writes each row out when the next one
starts, so a sheet of 100,000 contracts costs the memory of one row. Its cell
formats belong to the workbook: :class:`Styles` makes each combination once.
What becomes a formula is decided here and only here: a :class:`Formula`
value, never text, whatever the text starts with ("=", "+", "-", "@").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_range
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

GBP_FORMAT = "£#,##0.00;[Red]-£#,##0.00"
DATE_FORMAT = "dd/mm/yyyy"  # UK day-first, as the registers write them
COUNT_FORMAT = "#,##0"
SCORE_FORMAT = "0.00"
TABLE_STYLE = "TableStyleMedium2"
HEADER_FILL = "#DDEBF7"
# Excel's limit on the characters in one cell.
MAX_CELL_TEXT = 32767
# Characters XML cannot hold at all: dropped from register text (tab, CR and LF stay).
_ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
# Register text is only ever text: XlsxWriter's write() would otherwise turn "=..."
# into a formula, "http://..." into a link and "0123" into a number.
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
# What a formula's stored result is: none, so every spreadsheet application works it
# out itself (LibreOffice trusts a stored result in a file that says Excel wrote it).
NO_RESULT = ""
_EPOCH = dt.date(1899, 12, 30)  # day 0 of spreadsheet date serials (after 28/02/1900)
_FIRST_PLAIN_SERIAL = dt.date(1900, 3, 1)

LINE_HEIGHT = 15  # points: one line of 11-point text
# A row is never taller than this on paper; longer text (a proposal's reasons) is whole
# in the cell, and printed up to here.
MAX_LINES = 8


def new_workbook(path: Path | str) -> Workbook:
    """A workbook that streams its sheets and writes register text only as text."""
    return Workbook(str(path), WORKBOOK_OPTIONS)


def lines_needed(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` characters wide.

    Spreadsheet applications do not re-measure rows when they open a file (LibreOffice
    leaves written rows at one line), so wrapped rows get their height written out.
    """
    per_line = max(width * 1.2, 1)  # text averages narrower than "0", the width's unit
    return sum(max(-(-len(part) // int(per_line)), 1) for part in text.split("\n"))


def set_lines(ws: Worksheet, row: int, lines: int) -> None:
    """Give ``row`` (from 0) room for ``lines`` lines of text, before its cells are written."""
    if lines > 1:
        ws.set_row(row, LINE_HEIGHT * min(lines, MAX_LINES))


def pixels(cm: float) -> int:
    """A chart dimension in the screen pixels XlsxWriter sizes charts in (96 to the inch)."""
    return round(cm / 2.54 * 96)


def serial(day: dt.date) -> int:
    """A date as the spreadsheet's day number (what a date cell holds)."""
    return (day - _EPOCH).days


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
    # isprintable() is false for every control character (and for tab, LF, non-breaking
    # spaces): only then is the pattern worth searching, a fifth of the cost per cell.
    if not text.isprintable() and _ILLEGAL_CHARACTERS.search(text):
        text = _ILLEGAL_CHARACTERS.sub("", text)
    return text[:MAX_CELL_TEXT]


class Styles:
    """The workbook's cell formats, each combination made once."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self._made: dict[tuple[Any, ...], Format] = {}

    def get(
        self,
        number_format: str | None = None,
        *,
        wrap: bool = False,
        top: bool = False,
        bold: bool = False,
        fill: bool = False,
        size: int | None = None,
    ) -> Format:
        key = (number_format, wrap, top, bold, fill, size)
        made = self._made.get(key)
        if made is None:
            properties: dict[str, Any] = {}
            if number_format:
                properties["num_format"] = number_format
            if wrap:
                properties["text_wrap"] = True
            if top or wrap:  # wrapped text sits at the top, beside its row's figures
                properties["valign"] = "top"
            if bold:
                properties["bold"] = True
            if fill:
                properties.update(pattern=1, bg_color=HEADER_FILL)
            if size:
                properties["font_size"] = size
            made = self._made[key] = self.workbook.add_format(properties)
        return made

    @property
    def header(self) -> Format:
        """A header cell: bold on the fill, wrapped (never cut) within its column."""
        return self.get(bold=True, fill=True, wrap=True)


def write_value(
    ws: Worksheet, row: int, col: int, value: Any, cell_format: Format | None = None
) -> None:
    """One cell: a Formula as a formula, text always as text, dates as dates, numbers."""
    if value is None:
        return
    if isinstance(value, Formula):
        ws.write_formula(row, col, value, cell_format, NO_RESULT)
    elif isinstance(value, str):
        ws.write_string(row, col, clean_text(value), cell_format)
    elif type(value) is dt.date and value >= _FIRST_PLAIN_SERIAL:
        ws.write_number(row, col, serial(value), cell_format)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, value, cell_format)
    else:  # int, Decimal (written exactly: XlsxWriter formats it with format(), no float)
        ws.write_number(row, col, value, cell_format)


class SheetWriter:
    """Streams rows into one sheet and dresses it as a filtered, printable Excel table."""

    def __init__(
        self,
        ws: Worksheet,
        columns: Sequence[Column],
        styles: Styles,
        *,
        table_name: str,
    ) -> None:
        self.ws = ws
        self.columns = list(columns)
        self.table_name = table_name
        self.rows_written = 0
        # Per column: the format of its values (numbers by kind; text at the top, or
        # wrapped), and whether its text sets the row's height.
        self._formats = [
            styles.get(c.number_format, wrap=c.wrap, top=True)
            if c.number_format or c.kind == "text"
            else None
            for c in self.columns
        ]
        # The wrapped columns, with the characters a line holds in each.
        self._wrapped = [
            (index, c.width, int(max(c.width * 1.2, 1)))
            for index, c in enumerate(self.columns)
            if c.wrap and not c.hidden
        ]
        for index, column in enumerate(self.columns):
            options = {"hidden": True} if column.hidden else None
            ws.set_column(index, index, column.width, None, options)
        ws.freeze_panes(1, 1)
        width = sum(c.width for c in self.columns if not c.hidden)
        set_print_settings(ws, header_rows=1, width=width)
        set_lines(ws, 0, max(lines_needed(c.header, c.width) for c in self.columns))
        for index, column in enumerate(self.columns):
            ws.write_string(0, index, column.header, styles.header)

    def append(self, values: Sequence[Any]) -> None:
        """One row below the last, its height set for its longest wrapped text.

        The export's inner loop (millions of cells): text and numbers go straight to
        XlsxWriter's cell store, anything else through :func:`write_value`.
        """
        row = self.rows_written + 1
        ws = self.ws
        lines = 1
        for index, width, per_line in self._wrapped:
            value = values[index]
            if value.__class__ is str:
                if "\n" in value:
                    lines = max(lines, lines_needed(value, width))
                elif len(value) > per_line:  # one paragraph: lines_needed's sum of one
                    lines = max(lines, -(-len(value) // per_line))
        set_lines(ws, row, lines)
        write_string, write_number = ws._write_string, ws._write_number
        for col, (value, cell_format) in enumerate(zip(values, self._formats, strict=True)):
            kind = value.__class__
            if kind is str:
                write_string(row, col, clean_text(value), cell_format)
            elif kind is int or kind is Decimal:
                write_number(row, col, value, cell_format)
            elif kind is dt.date and value >= _FIRST_PLAIN_SERIAL:  # as write_value writes it
                write_number(row, col, (value - _EPOCH).days, cell_format)
            elif value is not None:
                write_value(ws, row, col, value, cell_format)
        if row - 1 in ws.row_info:
            # Written out as this row began: forget its height, so memory stays flat.
            del ws.row_info[row - 1], ws.row_sizes[row - 1]
        self.rows_written += 1

    @property
    def last_row(self) -> int:
        """The last row written, counted from 1 as the sheet shows it (1: the header)."""
        return self.rows_written + 1

    def finish(self) -> None:
        """The Excel table over the rows, with its filters (or the filters alone, if empty)."""
        last_col = len(self.columns) - 1
        last = max(self.rows_written, 1)
        if self.rows_written:
            add_table(self.ws, self.table_name, [c.header for c in self.columns], last)
        else:
            self.ws.autofilter(0, 0, last, last_col)


def add_table(ws: Worksheet, name: str, headers: Sequence[str], last_row: int) -> None:
    """An Excel table over rows 0..``last_row`` whose header cells are already written.

    XlsxWriter's ``add_table`` refuses constant-memory sheets (it writes the header
    and keeps every cell of the range in memory); the table part itself is only the
    range, the column names and the style, which this gives it directly.
    """
    ref = xl_range(0, 0, last_row, len(headers) - 1)
    ws.tables.append(
        {
            "name": name,
            "range": ref,
            "a_range": ref,
            "autofilter": ref,
            "header_row_count": 1,
            "totals_row_shown": False,
            "show_first_col": False,
            "show_last_col": False,
            "show_row_stripes": True,
            "show_col_stripes": False,
            "style": TABLE_STYLE,
            "description": None,
            "title": None,
            "columns": [
                {
                    "id": index,
                    "name": header,
                    "total_string": "",
                    "total_function": "",
                    "custom_total": "",
                    "total_value": 0,
                    "formula": "",
                    "format": None,
                    "name_format": None,
                }
                for index, header in enumerate(headers, start=1)
            ],
        }
    )


# Printing on A4 landscape: about 140 characters of 11-point text fit across at 100%.
# Below 70% the text is too small to read, so a wider sheet prints across several
# pages (its first column repeated) rather than shrunk to one page wide.
PAGE_CHARACTERS = 140
READABLE_SCALE = 0.7
A4 = 9


def set_print_settings(
    ws: Worksheet,
    *,
    header_rows: int,
    width: float,
    pages_tall: int = 0,
) -> None:
    """A4 landscape, header rows repeated, fit to one page wide while still readable.

    ``width`` is the sheet's printed width in characters (its visible columns);
    ``header_rows`` how many rows at the top repeat on every page (0: none).
    """
    ws.set_landscape()
    ws.set_paper(A4)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if width <= PAGE_CHARACTERS / READABLE_SCALE:
        ws.fit_to_pages(1, pages_tall)  # 0 tall: as many pages as the rows need
        # XlsxWriter leaves out fitToWidth="1", Excel's default; readers that take an
        # absent value as unset (openpyxl) would see no width: say it.
        ws.fit_width = "1"  # type: ignore[assignment]
    else:
        ws.set_print_scale(round(READABLE_SCALE * 100))
        ws.repeat_columns(0)
    if header_rows:
        ws.repeat_rows(0, header_rows - 1)
    ws.set_footer("&C&A, page &P")
