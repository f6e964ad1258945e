"""Opening a register file and streaming its rows, with each row's number.

Supports .xlsx/.xlsm (python-calamine for the values, a light pass over the
sheet XML for hidden rows and columns: see :mod:`importers.xlsx`) and .csv
(RFC 4180, in the encodings Excel saves: see :mod:`importers.csvfile`). Everything
else, and files that cannot be read, are refused with one sentence that says
what to do (:class:`contracts.errors.InputRejected`). CSV rows stream; a
workbook is held one sheet at a time, by calamine, never as Python objects.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from contracts import gate
from contracts.errors import InputRejected
from importers.csvfile import ENCODING_NAMES, detect_encoding, records, sniff_delimiter
from importers.xlsx import Row, Workbook

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv",)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_CHUNK = 1024 * 1024


Rows = Generator[Row, None, None]


@dataclass
class SheetRows:
    """One sheet's rows as they stream, and what was hidden (known as rows are read)."""

    name: str
    rows: Iterator[Row]
    hidden: bool = False
    hidden_rows: list[int] = field(default_factory=list)
    hidden_columns: set[int] = field(default_factory=set)  # 0-based
    expected_rows: int = 0  # for the progress bar only
    # the rows again from the top, for a second look (shared references)
    again: Callable[[], Iterator[Row]] | None = None


class RegisterFile:
    """An open register: its sheets, encoding and content hash. Close it (or use ``with``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        self.encoding: str | None = None
        self.content_hash = ""
        self.expected_rows = 0  # for the progress bar only
        self._workbook: Workbook | None = None
        self._handles: list[Any] = []  # row generators, closed with the file
        _refuse_unreadable(path)
        if path.suffix.lower() in CSV_SUFFIXES:
            self.kind = "csv"
            self.encoding, self.content_hash = detect_encoding(path)
            self.sheet_names = [path.stem]
            self.delimiter = ","
            # About 100 bytes a row in a typical register CSV.
            self.expected_rows = path.stat().st_size // 100
        else:
            self.kind = "xlsx"
            self.content_hash = _hash_file(path)
            self._workbook = _open_workbook(path)
            self.sheet_names = [name for name, _hidden in self._workbook.sheets]
            self.expected_rows = self._workbook.expected_rows

    @property
    def encoding_label(self) -> str | None:
        return ENCODING_NAMES.get(self.encoding or "", self.encoding)

    def sheets(self) -> Iterator[SheetRows]:
        if self.kind == "csv":
            encoding = self.encoding
            assert encoding is not None
            delimiter = self.delimiter = sniff_delimiter(self.path, encoding)

            def csv_rows() -> Rows:
                rows = records(self.path, encoding, delimiter)
                self._handles.append(rows)
                return rows

            yield SheetRows(
                self.path.stem, csv_rows(), expected_rows=self.expected_rows, again=csv_rows
            )
            return
        workbook = self._workbook
        assert workbook is not None
        for name, hidden in workbook.sheets:
            layout = workbook.layout(name)
            height, stream = workbook.rows(name, layout)

            def xlsx_rows(
                stream: Callable[[], Generator[Row, None, None]] = stream,
            ) -> Iterator[Row]:
                rows = stream()
                self._handles.append(rows)
                return rows

            yield SheetRows(
                name,
                xlsx_rows(),
                hidden=hidden,
                hidden_rows=layout.hidden_rows,
                hidden_columns=layout.hidden_columns,
                expected_rows=height,
                again=xlsx_rows,
            )

    def close(self) -> None:
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


def _refuse_unreadable(path: Path) -> None:
    name = path.name
    size = gate.check_input(path, "the register")
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
    if size == 0:
        raise InputRejected(f"{name} is empty; there is nothing to import")


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _open_workbook(path: Path) -> Workbook:
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
    gate.check_zip(path, "the register")
    return Workbook(path)
