"""Reading .xlsx/.xlsm workbooks as Excel, LibreOffice, Google Sheets and openpyxl save them.

Cell values come from python-calamine (a Rust reader): shared strings,
rich-text runs, inline strings, cached formula results, a missing or wrong
``<dimension>``, the 1904 date system — all through its public API, about
ten times faster than openpyxl's read-only mode. Calamine says nothing of
hidden rows and columns, and turns error cells ("#REF!") into blanks, so a
light second pass streams each sheet's XML for just those: the attributes
of ``<row>`` and ``<col>`` start tags and the few cells typed ``t="e"``.
A sheet whose XML is big is read by calamine a window of rows at a time
(:mod:`importers.xlsx_windows`), so memory does not grow with the rows.
"""

from __future__ import annotations

import itertools
import posixpath
import re
import tempfile
import zipfile
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import ElementTree
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from contracts import gate
from contracts.errors import InputRejected
from importers import xlsx_windows
from importers.place import split_reference

Row = tuple[int, tuple[Any, ...]]  # (1-based row number, cell values from column A)
_CHUNK = 1024 * 1024
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = "/officeDocument"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PREFIX = re.compile(rb"<(?:([A-Za-z_][\w.\-]*):)?worksheet\b")
_ATTRIBUTE = re.compile(rb"""([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_TRUE = (b"1", b"true")
_ROW_NUMBER = re.compile(rb"\br\s*=\s*[\"'](\d+)")
_ERROR_TYPE = re.compile(rb"\bt\s*=\s*[\"']e[\"']")


@dataclass
class SheetLayout:
    """What a sheet's values do not say: hidden rows and columns, and error cells."""

    hidden_rows: list[int] = field(default_factory=list)
    hidden_columns: set[int] = field(default_factory=set)  # 0-based
    errors: dict[int, dict[int, str]] = field(default_factory=dict)  # row -> column -> "#REF!"
    rows: int = 0  # the number of the last row tag


class Workbook:
    """An open workbook: its worksheets (name, hidden?) and their rows, streamed one sheet
    at a time. Close it when done."""

    def __init__(self, path: Path) -> None:
        self.name = path.name
        try:
            self._calamine = CalamineWorkbook.from_path(str(path))
        except CalamineError as error:
            raise _damaged(self.name, error) from error
        self._archive = zipfile.ZipFile(path)
        parts = _sheet_parts(self._archive)
        self.sheets: list[tuple[str, bool]] = [
            (meta.name, meta.visible != SheetVisibleEnum.Visible)
            for meta in self._calamine.sheets_metadata
            if meta.typ == SheetTypeEnum.WorkSheet
        ]
        self._parts = {name: parts.get(name) for name, _ in self.sheets}
        self._worksheet_parts = set(parts.values())
        self._scratch: tempfile.TemporaryDirectory[str] | None = None  # for windows
        self._passes = itertools.count()
        # About 150 bytes of sheet XML a row: enough to decide on a progress bar.
        self.expected_rows = sum(
            self._archive.getinfo(part).file_size // 150
            for part in self._parts.values()
            if part is not None
        )

    def layout(self, sheet: str) -> SheetLayout:
        part = self._parts.get(sheet)
        if part is None:
            return SheetLayout()
        with self._archive.open(part) as stream:
            return scan_layout(stream)

    def rows(
        self, sheet: str, layout: SheetLayout
    ) -> tuple[int, Callable[[], Generator[Row, None, None]]]:
        """(rows in the sheet, a function that streams them from the top each time it is
        called, as (1-based number, values from column A)); a small sheet is parsed once,
        a big one a window at a time on each pass."""
        part = self._parts.get(sheet)
        if (
            part is not None
            and self._archive.getinfo(part).file_size > xlsx_windows.READ_WHOLE_UP_TO
        ):
            # as wide as its first row read (the first window's width)
            width = next((len(v) for _n, v in self._windowed(sheet, part, SheetLayout())), 0)
            gate.check_size(f"{self.name} sheet '{sheet}'", layout.rows, width)
            return layout.rows, lambda: self._windowed(sheet, part, layout)
        return self._whole(sheet, layout)

    def _whole(
        self, sheet: str, layout: SheetLayout
    ) -> tuple[int, Callable[[], Generator[Row, None, None]]]:
        try:
            data = self._calamine.get_sheet_by_name(sheet)
        except CalamineError as error:
            raise self._damaged_sheet(sheet, error) from error
        gate.check_size(f"{self.name} sheet '{sheet}'", data.height, data.width)
        start = data.start
        if start is None:  # an empty sheet (calamine cannot iterate one)
            return 0, lambda: _rows(iter(()), 0, {})
        return data.height, lambda: _rows(data.iter_rows(), start[1], layout.errors)

    def _windowed(self, sheet: str, part: str, layout: SheetLayout) -> Generator[Row, None, None]:
        """The rows of a big sheet, read by calamine a window at a time (as ``_rows``
        gives them: every row from 1, blank ones too, each as wide as the first window's)."""
        if self._scratch is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="contracts-import-")
            base = Path(self._scratch.name, "base.xlsx")
            xlsx_windows.base_workbook(self._archive, self._worksheet_parts, base)
        base = Path(self._scratch.name, "base.xlsx")
        file = Path(self._scratch.name, f"window-{next(self._passes)}.xlsx")  # one per pass
        label = f"{self.name} sheet '{sheet}'"
        number, width = 0, 0
        with self._archive.open(part) as stream:
            for window in xlsx_windows.sheet_windows(stream):
                if number == 0 and not all(map(xlsx_windows.numbered_rows, window)):
                    # rows that do not say their number are numbered by their place
                    _height, whole = self._whole(sheet, layout)
                    yield from whole()
                    return
                try:
                    data = xlsx_windows.window_workbook(base, file, part, window)
                    cells = data.get_sheet_by_name(sheet)
                except CalamineError as error:
                    raise self._damaged_sheet(sheet, error) from error
                if cells.start is None:
                    data.close()
                    continue
                first_row, first_column = cells.start
                width = width or first_column + cells.width
                gate.check_size(label, layout.rows, max(width, first_column + cells.width))
                pad = ("",) * first_column
                for offset, values in enumerate(cells.to_python(skip_empty_area=True)):
                    row = first_row + 1 + offset
                    while number + 1 < row:  # rows the window did not hold are blank
                        number += 1
                        yield number, ("",) * width
                    found = pad + tuple(values)
                    if len(found) < width:
                        found += ("",) * (width - len(found))
                    if row in layout.errors:
                        found = _with_errors(found, layout.errors[row])
                    number = row
                    yield row, found
                data.close()

    def _damaged_sheet(self, sheet: str, error: Exception) -> InputRejected:
        return InputRejected(
            f"{self.name} sheet '{sheet}' is damaged ({error}); open it in Excel and save it again"
        )

    def close(self) -> None:
        self._calamine.close()
        self._archive.close()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None


def _rows(
    rows: Iterator[list[Any]], first_column: int, errors: dict[int, dict[int, str]]
) -> Generator[Row, None, None]:
    # calamine yields empty rows from row 1 down to the data, then the data
    # rows from the first used column on; blanks are "".
    pad = ("",) * first_column
    for number, values in enumerate(rows, start=1):
        cells = pad + tuple(values) if first_column else tuple(values)
        if number in errors:
            cells = _with_errors(cells, errors[number])
        yield number, cells


def _with_errors(cells: tuple[Any, ...], errors: dict[int, str]) -> tuple[Any, ...]:
    width = max(len(cells), max(errors) + 1)
    filled = list(cells) + [""] * (width - len(cells))
    for column, text in errors.items():
        filled[column] = text
    return tuple(filled)


def _damaged(name: str, error: Exception) -> InputRejected:
    return InputRejected(
        f"{name} is not a readable Excel workbook ({error}); open it in Excel and save it again"
    )


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Id -> (type, part path) from the relationships of ``part``."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    try:
        root = ElementTree.fromstring(archive.read(rels))
    except KeyError:
        return {}
    return {
        rel.get("Id", ""): (rel.get("Type", ""), _resolve(part, rel.get("Target", "")))
        for rel in root.iter(_RELATIONSHIPS)
    }


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip member holding its XML, as the package's relationships say."""
    try:
        package = _relationships(archive, "")
        workbook = next(
            (path for kind, path in package.values() if kind.endswith(_OFFICE_DOCUMENT)),
            "xl/workbook.xml",
        )
        targets = _relationships(archive, workbook)
        root = ElementTree.fromstring(archive.read(workbook))
    except (KeyError, ElementTree.ParseError):
        return {}
    parts: dict[str, str] = {}
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] == "sheet" and element.get(_R_ID) in targets:
            parts[element.get("name", "")] = targets[element.get(_R_ID, "")][1]
    return {name: part for name, part in parts.items() if part in archive.NameToInfo}


def _attributes(text: bytes) -> dict[bytes, bytes]:
    return {
        match[1].rsplit(b":", 1)[-1]: match[2] if match[2] is not None else match[3]
        for match in _ATTRIBUTE.finditer(text)
    }


class _Scanner:
    """Finds hidden rows and columns and error cells in streamed sheet XML.

    Only start tags are read (by pattern, for speed: a full XML parse of a
    100,000-row sheet in Python takes longer than calamine's whole read).
    The stream is cut after a ``row>`` so no row tag or error cell is split.
    """

    def __init__(self, prefix: bytes) -> None:
        tag = re.escape(prefix + b":" if prefix else b"")
        self.row = re.compile(rb"<" + tag + rb"row\b([^>]*)>")
        self.col = re.compile(rb"<" + tag + rb"col\b([^>]*)>")
        self.error = re.compile(
            rb"<" + tag + rb"c\b([^>]*\bt\s*=\s*[\"']e[\"'][^>]*)(?<!/)>(.*?)</" + tag + rb"c>",
            re.S,
        )
        self.value = re.compile(rb"<" + tag + rb"v\b[^>]*>([^<]*)<")
        self.layout = SheetLayout()
        self.last_row = 0

    def feed(self, part: bytes) -> None:
        if b"hidden" in part:
            for match in self.col.finditer(part):
                attrs = _attributes(match[1])
                if attrs.get(b"hidden") in _TRUE and b"min" in attrs:
                    low = int(attrs[b"min"])
                    high = int(attrs.get(b"max", attrs[b"min"]))
                    self.layout.hidden_columns.update(range(low - 1, high))
        self._rows(part)
        self._errors(part)

    def _rows(self, part: bytes) -> None:
        """Hidden rows, and the number of the last row (one with no ``r`` counts on)."""
        rows = self.row.findall(part)  # each row tag's attributes
        if b"hidden" in part:
            for text in rows:
                number = _ROW_NUMBER.search(text)
                self.last_row = int(number[1]) if number else self.last_row + 1
                if b"hidden" in text and _attributes(text).get(b"hidden") in _TRUE:
                    self.layout.hidden_rows.append(self.last_row)
            return
        # No hidden row here: only where the rows end matters, read from the last
        # numbered one (a pattern search per row took as long as unzipping the sheet).
        for after, text in enumerate(reversed(rows)):
            if number := _ROW_NUMBER.search(text):
                self.last_row = int(number[1]) + after
                return
        self.last_row += len(rows)

    def _errors(self, part: bytes) -> None:
        # A literal test first: the pattern's leading \b makes its search of a large sheet
        # slow (90 ms for 10 MB), and most sheets hold no error cell at all.
        if (b'"e"' in part or b"'e'" in part) and _ERROR_TYPE.search(part):
            for match in self.error.finditer(part):
                reference = _attributes(match[1]).get(b"r")
                value = self.value.search(match[2])
                if reference is None or value is None:
                    continue
                try:
                    column, row = split_reference(reference.decode("ascii", "replace"))
                except ValueError:  # a cell with no usable reference: no place to name
                    continue
                column -= 1
                text = value[1].decode("utf-8", "replace")
                self.layout.errors.setdefault(row, {})[column] = text


def scan_layout(stream: Any) -> SheetLayout:
    """Hidden rows and columns and error cells of one sheet's XML, read in chunks."""
    scanner: _Scanner | None = None
    carry = b""
    while chunk := stream.read(_CHUNK):
        buffer = carry + chunk
        if scanner is None:
            prefix = _PREFIX.search(buffer)
            if prefix is None and len(buffer) < 64 * 1024:
                carry = buffer
                continue
            scanner = _Scanner(prefix[1] or b"" if prefix else b"")
        cut = buffer.rfind(b"row>") + len(b"row>")
        if cut < len(b"row>"):
            carry = buffer
            continue
        scanner.feed(buffer[:cut])
        carry = buffer[cut:]
    if carry:
        if scanner is None:
            prefix = _PREFIX.search(carry)
            scanner = _Scanner(prefix[1] or b"" if prefix else b"")
        scanner.feed(carry)
    if scanner is None:
        return SheetLayout()
    scanner.layout.rows = scanner.last_row
    return scanner.layout
