"""Reading a big sheet through calamine one window of rows at a time, so memory stays flat.

python-calamine reads a whole sheet into memory before it gives the first row
(it cannot stream: dimastbk/python-calamine#42), about 0.7 MiB per 1,000 rows
of a typical register. A sheet whose XML is bigger than :data:`WINDOW_BYTES`
is therefore cut, at row boundaries, into windows of about that size; each
window is handed to calamine as a small workbook of its own — the original's
workbook, relationships, styles and shared strings, and this slice of the
sheet's rows, which keep their own row numbers — written to a temporary file,
so the window's bytes are not copied again in memory. The values are
calamine's, read by the same code as a small sheet's, so both paths give the
same rows.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from python_calamine import CalamineWorkbook

# A sheet's XML beyond this is read in windows of about this much (about 22,000 rows
# of a 14-column register, some 16 MiB while read); below it, whole. Reading whole is
# the faster path (one parse serves both passes over the sheet, and no window files),
# and up to this size it peaks no higher than the windows do: measured on a 13,700-row
# register (9.8 MB of XML), 3.2 s and 96 MiB whole against 3.6 s and 107 MiB in 2 MiB
# windows.
WINDOW_BYTES = 16 * 1024 * 1024
_CHUNK = 1024 * 1024
_SHEET_DATA = re.compile(rb"<(?:([A-Za-z_][\w.\-]*):)?sheetData\b[^>]*?(/?)>")
_WORKSHEET = re.compile(rb"<(?:([A-Za-z_][\w.\-]*):)?worksheet\b")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?dimension\b[^>]*>(?:\s*</[^>]*dimension>)?")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb"\br\s*=")


def base_workbook(archive: zipfile.ZipFile, worksheet_parts: set[str], path: Path) -> None:
    """Write the workbook without its worksheets (nor pictures) to ``path``: the part
    every window shares."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as base:
        for info in archive.infolist():
            name = info.filename
            if name in worksheet_parts or not name.endswith((".xml", ".rels")):
                continue
            with archive.open(info) as source, base.open(name, "w") as target:
                shutil.copyfileobj(source, target, 1024 * 1024)


def window_workbook(
    base: Path, path: Path, part: str, pieces: tuple[bytes, ...]
) -> CalamineWorkbook:
    """A calamine workbook of ``base`` with ``pieces`` (joined) as the worksheet at ``part``,
    written to ``path``."""
    shutil.copyfile(base, path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as book, book.open(part, "w") as sheet:
        for piece in pieces:
            sheet.write(piece)
    return CalamineWorkbook.from_path(str(path))


def numbered_rows(sheet_xml: bytes) -> bool:
    """Whether every row tag of this slice says its number (``r="…"``): a window can be
    read apart from the rows above it only then."""
    return all(_ROW_NUMBER.search(match[1]) for match in _ROW_TAG.finditer(sheet_xml))


Window = tuple[bytes, ...]


def sheet_windows(stream: IO[bytes], window_bytes: int | None = None) -> Iterator[Window]:
    """The sheet's XML as complete worksheets of about ``window_bytes`` of rows each, in
    pieces: everything before ``<sheetData>`` (less ``<dimension>``), a run of whole
    rows, and the closing tags."""
    size = window_bytes or WINDOW_BYTES
    buffer = b""
    while (found := _SHEET_DATA.search(buffer)) is None:
        chunk = stream.read(_CHUNK)
        if not chunk:
            yield (buffer,)  # no sheet data: calamine says what it makes of it
            return
        buffer += chunk
    if found[2]:  # <sheetData/>: an empty sheet
        yield buffer, stream.read()
        return
    worksheet = _WORKSHEET.search(buffer)
    outer = worksheet[1] + b":" if worksheet and worksheet[1] else b""
    inner = found[1] + b":" if found[1] else b""
    head = _DIMENSION.sub(b"", buffer[: found.end()])
    closing = b"</" + inner + b"sheetData></" + outer + b"worksheet>"
    row_end = b"</" + inner + b"row>"
    data_end = b"</" + inner + b"sheetData>"
    rest = bytearray(buffer[found.end() :])
    del buffer
    ended = False
    while True:
        while not ended and len(rest) < size and rest.find(data_end) < 0:
            chunk = stream.read(_CHUNK)
            ended = not chunk
            rest += chunk
        end = rest.find(data_end)
        if end >= 0:
            yield head, bytes(rest[:end]), closing
            return
        cut = rest.rfind(row_end)
        if cut < 0 or ended:
            if ended:  # a sheet cut short: calamine says what it makes of it
                yield head, bytes(rest), closing
                return
            size *= 2  # one row bigger than a window: take more
            continue
        cut += len(row_end)
        yield head, bytes(rest[:cut]), closing
        del rest[:cut]
