"""Opening a register file and streaming its rows, with each row's number.

Supports .xlsx/.xlsm (openpyxl read-only, cached values; defusedxml guards
the XML) and .csv (UTF-8 with or without BOM, or Windows-1252 as Excel saves
it). Everything else, and files that cannot be read, are refused with one
sentence that says what to do (:class:`contracts.errors.InputRejected`).
Rows are streamed, so a 100,000-row register is never held in memory.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import WorkSheetParser

from contracts.errors import InputRejected

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv",)
# A 100,000-row register unzips to well under 100 MB; far beyond it is a zip bomb.
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_CHUNK = 1024 * 1024
ENCODING_NAMES = {"utf-8-sig": "UTF-8 with BOM", "utf-8": "UTF-8", "cp1252": "Windows-1252"}

Row = tuple[int, tuple[Any, ...]]  # (1-based row number, cell values from column A)


@dataclass
class SheetRows:
    """One sheet's rows as they stream, and what was hidden (known as rows are read)."""

    name: str
    rows: Iterator[Row]
    hidden: bool = False
    hidden_rows: list[int] = field(default_factory=list)
    hidden_columns: set[int] = field(default_factory=set)  # 0-based


class RegisterFile:
    """An open register: its sheets, encoding and content hash. Close it (or use ``with``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        self.encoding: str | None = None
        self.content_hash = ""
        self.expected_rows = 0  # for the progress bar only
        self._workbook: Any = None
        self._handles: list[Any] = []
        self._generators: list[Generator[Row, None, None]] = []
        _refuse_unreadable(path)
        if path.suffix.lower() in CSV_SUFFIXES:
            self.kind = "csv"
            self.encoding, self.content_hash = _detect_encoding(path)
            self.sheet_names = [path.stem]
            # About 100 bytes a row in a typical register CSV.
            self.expected_rows = path.stat().st_size // 100
        else:
            self.kind = "xlsx"
            self.content_hash = _hash_file(path)
            self._workbook = _open_workbook(path)
            self.sheet_names = list(self._workbook.sheetnames)
            self.expected_rows = sum(ws.max_row or 0 for ws in self._workbook.worksheets)

    @property
    def encoding_label(self) -> str | None:
        return ENCODING_NAMES.get(self.encoding or "", self.encoding)

    def sheets(self) -> Iterator[SheetRows]:
        if self.kind == "csv":
            yield SheetRows(self.path.stem, self._csv_rows())
            return
        for worksheet in self._workbook.worksheets:
            yield self._excel_sheet(worksheet)

    def _csv_rows(self) -> Iterator[Row]:
        handle = self.path.open(encoding=self.encoding, newline="")
        self._handles.append(handle)
        sample = handle.read(16384)
        handle.seek(0)
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        try:
            for number, row in enumerate(csv.reader(handle, dialect), start=1):
                yield number, tuple(row)
        except csv.Error as error:
            raise InputRejected(
                f"{self.name} is not a well-formed CSV file ({error}); "
                "open it in Excel and save it again as CSV"
            ) from error
        finally:
            handle.close()

    def _excel_sheet(self, worksheet: Any) -> SheetRows:
        sheet = SheetRows(worksheet.title, iter(()), hidden=worksheet.sheet_state != "visible")
        rows = self._excel_rows(worksheet, sheet)
        # A sheet read only as far as its header holds its part of the zip open: close it too.
        self._generators.append(rows)
        sheet.rows = rows
        return sheet

    def _excel_rows(self, worksheet: Any, sheet: SheetRows) -> Generator[Row, None, None]:
        # openpyxl's read-only worksheet drops row and column attributes; its own
        # parser keeps them, so hidden rows and columns are seen in the same pass.
        workbook = self._workbook
        with worksheet._get_source() as source:
            parser = WorkSheetParser(
                source,
                workbook.shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            columns_seen = False
            try:
                for number, cells in parser.parse():
                    if not columns_seen:
                        columns_seen = True
                        sheet.hidden_columns = _hidden_columns(parser.column_dimensions)
                    attrs = parser.row_dimensions.get(str(number))
                    if attrs and attrs.get("hidden") in ("1", "true"):
                        sheet.hidden_rows.append(number)
                    if not cells:
                        continue
                    values: list[Any] = [None] * cells[-1]["column"]
                    for cell in cells:
                        values[cell["column"] - 1] = cell["value"]
                    yield number, tuple(values)
            except (ValueError, KeyError, SyntaxError) as error:
                raise InputRejected(
                    f"{self.name} sheet '{worksheet.title}' is damaged ({error}); "
                    "open it in Excel and save it again"
                ) from error

    def close(self) -> None:
        for rows in self._generators:
            rows.close()
        self._generators.clear()
        for handle in self._handles:
            handle.close()
        self._handles.clear()
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None

    def __enter__(self) -> RegisterFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_register(path: Path | str) -> RegisterFile:
    """Open ``path`` for reading, or raise InputRejected with what to do instead."""
    return RegisterFile(Path(path))


def _hidden_columns(dimensions: dict[str, dict[str, str]]) -> set[int]:
    hidden: set[int] = set()
    for attrs in dimensions.values():
        if attrs.get("hidden") in ("1", "true"):
            hidden.update(range(int(attrs["min"]) - 1, int(attrs.get("max", attrs["min"]))))
    return hidden


def _refuse_unreadable(path: Path) -> None:
    name = path.name
    if not path.is_file():
        raise InputRejected(f"{path} does not exist or is not a file; check the path")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputRejected(
            f"{name} is an old Excel 97-2003 workbook (.xls); open it in Excel, "
            "save it as .xlsx and import that"
        )
    if suffix in (".ods", ".fods"):
        raise InputRejected(
            f"{name} is an OpenDocument spreadsheet; save it as .xlsx "
            "(File > Save As > Excel 2007-365) and import that"
        )
    if suffix not in EXCEL_SUFFIXES + CSV_SUFFIXES:
        raise InputRejected(
            f"{name} is not a register this tool reads; save it as .xlsx or .csv and import that"
        )
    if path.stat().st_size == 0:
        raise InputRejected(f"{name} is empty; there is nothing to import")


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _open_workbook(path: Path) -> Any:
    name = path.name
    with path.open("rb") as handle:
        head = handle.read(65536)
    if head.startswith(_OLE_MAGIC):
        if _ENCRYPTED_MARK in head or b"EncryptionInfo" in head.replace(b"\x00", b""):
            raise InputRejected(
                f"{name} is password-protected; remove the password in Excel "
                "(File > Info > Protect Workbook > Encrypt with Password), save and import again"
            )
        raise InputRejected(
            f"{name} is an old Excel 97-2003 workbook renamed .xlsx; open it in Excel, "
            "save it as .xlsx and import that"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise InputRejected(
            f"{name} is not a readable Excel workbook (it may be damaged or not really "
            ".xlsx); open it in Excel and save it again"
        ) from error
    if unzipped > MAX_UNZIPPED_BYTES:
        raise InputRejected(
            f"{name} would unzip to {unzipped // (1024 * 1024)} MB, far more than any "
            "register; it was refused as unsafe"
        )
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise InputRejected(
            f"{name} is not a readable Excel workbook ({error}); open it in Excel and save it again"
        ) from error


def _detect_encoding(path: Path) -> tuple[str, str]:
    """UTF-8 (BOM or not) if every byte decodes as UTF-8, else Windows-1252."""
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    cp1252 = codecs.getincrementaldecoder("cp1252")()
    is_utf8 = is_cp1252 = True
    first = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            if not first:
                first = chunk[:3]
            digest.update(chunk)
            if is_utf8:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
            if is_cp1252:
                try:
                    cp1252.decode(chunk)
                except UnicodeDecodeError:
                    is_cp1252 = False
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    if is_utf8:
        return ("utf-8-sig" if first == codecs.BOM_UTF8 else "utf-8"), digest.hexdigest()
    if is_cp1252:
        return "cp1252", digest.hexdigest()
    raise InputRejected(
        f"{path.name} is neither UTF-8 nor Windows-1252 text; in Excel save it as "
        "'CSV UTF-8 (Comma delimited)' and import that"
    )
