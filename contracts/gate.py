"""The one gate every file the tool reads or writes passes first.

A register, a workbook sent back for review, a rules or weights file: each is
checked here before any parser sees it, so a FIFO cannot hang the tool, a
symlink to /dev/zero cannot fill memory, and a zip bomb or an XML entity
bomb is refused in one sentence (:class:`contracts.errors.InputRejected`)
instead of being expanded. The limits are far above any real register.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError

from contracts.errors import InputRejected

MB = 1024 * 1024
# A 100,000-row register is about 15 MB as .xlsx and 30 MB as .csv.
MAX_FILE_BYTES = 256 * MB
MAX_TEXT_FILE_BYTES = 1 * MB  # a rules or weights file is a few kilobytes
MAX_ZIP_ENTRIES = 10_000  # an .xlsx has one part per sheet, style, image…
# A 100,000-row register unzips to well under 100 MB; far beyond it is a zip bomb.
MAX_UNZIPPED_BYTES = 1024 * MB
# Sheet XML compresses 10-50 times; deflate's ceiling is about 1,000. A big part
# that compresses more than this is a bomb, not a register.
MAX_RATIO = 250
RATIO_FROM_BYTES = 16 * MB  # small parts may compress as well as they like
# A register has hundreds of rows, a big one 100,000; a sheet beyond these is refused
# before its rows are read, with the figures, rather than read for minutes.
MAX_ROWS = 250_000
MAX_CELLS = 20_000_000  # rows × columns of the used range

_XML_SUFFIXES = (".xml", ".rels", ".vml")
_CHUNK = 1024 * 1024
_DTD_MARKS = tuple(
    mark.encode(encoding)
    for mark in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)

# What reading a damaged or hostile package raises beneath any spreadsheet library.
DAMAGE: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    ParseError,
    DefusedXmlException,
)

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def check_input(path: Path | str, what: str, max_bytes: int = MAX_FILE_BYTES) -> int:
    """Refuse ``path`` unless it is a readable regular file of at most ``max_bytes``.

    ``what`` names the file's role in the sentence ("the register", "the rules
    file"). Opened without blocking, so a FIFO is refused rather than waited on;
    a symlink is judged by what it points to. Returns the size in bytes.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise InputRejected(
            f"cannot read {what} {path}: it does not exist; check the path"
        ) from None
    except PermissionError:
        raise InputRejected(f"cannot read {what} {path}: permission denied") from None
    except OSError as error:  # a socket (ENXIO), a dangling device, a loop of links
        raise InputRejected(
            f"cannot read {what} {path}: {error.strerror}; it must be a file saved on disk"
        ) from None
    try:
        info = os.fstat(descriptor)
    finally:
        os.close(descriptor)
    _refuse_special(path, info.st_mode, what)
    if info.st_size > max_bytes:
        raise InputRejected(
            f"{what} {path} is {_size(info.st_size)}, more than the {_size(max_bytes)} "
            "this tool reads; it was refused as unsafe"
        )
    return info.st_size


def check_output(path: Path | str, what: str) -> None:
    """Refuse to write ``what`` over anything but a regular file (a FIFO would hang the
    save, a device would swallow it) or into a folder that does not exist."""
    target = Path(path)
    try:
        info = target.stat()
    except FileNotFoundError:
        if not target.parent.is_dir():
            raise InputRejected(
                f"cannot write {what} {path}: the folder {target.parent} does not exist"
            ) from None
        return
    except OSError as error:
        raise InputRejected(f"cannot write {what} {path}: {error.strerror}") from None
    _refuse_special(path, info.st_mode, what, writing=True)


def check_zip(path: Path | str, what: str) -> None:
    """Refuse a zip package (an .xlsx) that would inflate beyond reason, or whose XML
    declares a DTD (the door to billion-laughs and XXE; no spreadsheet writes one)."""
    name = Path(path).name
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            _refuse_bomb(name, what, entries)
            for entry in entries:
                if entry.filename.endswith(_XML_SUFFIXES) and _declares_dtd(archive, entry):
                    raise InputRejected(
                        f"{what} {name} has an XML document type declaration in "
                        f"{entry.filename}, which no spreadsheet program writes; it was "
                        "refused as unsafe"
                    )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as error:
        raise InputRejected(
            f"{what} {name} is not a readable Excel workbook (it may be damaged or not really "
            ".xlsx); open it in Excel and save it again"
        ) from error
    except zlib.error as error:  # a corrupt deflate stream
        raise InputRejected(
            f"{what} {name} is damaged (its compressed data is corrupt); open it in Excel "
            "and save it again"
        ) from error
    except (OSError, RuntimeError) as error:  # RuntimeError: an encrypted entry
        raise InputRejected(
            f"{what} {name} is damaged ({error}); open it in Excel and save it again"
        ) from error


def check_size(name: str, rows: int, columns: int) -> None:
    """Refuse a sheet of more than MAX_ROWS rows or MAX_CELLS cells (rows × columns)."""
    if rows > MAX_ROWS or rows * columns > MAX_CELLS:
        raise InputRejected(
            f"{name} has {rows:,} rows × {columns:,} columns, more than the {MAX_ROWS:,} rows "
            f"or {MAX_CELLS:,} cells this tool reads from one sheet; split the register"
        )


def _declares_dtd(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bool:
    """Whether the part holds ``<!DOCTYPE`` or ``<!ENTITY`` anywhere (a comment can push a
    DOCTYPE far down; text in a cell is escaped, so the marks never occur in data)."""
    overlap = max(len(mark) for mark in _DTD_MARKS)
    tail = b""
    with archive.open(entry) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if any(mark in window for mark in _DTD_MARKS):
                return True
            tail = window[-overlap:]
    return False


def _refuse_bomb(name: str, what: str, entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > MAX_ZIP_ENTRIES:
        raise InputRejected(
            f"{what} {name} holds {len(entries):,} files inside, more than the "
            f"{MAX_ZIP_ENTRIES:,} any workbook needs; it was refused as unsafe"
        )
    unzipped = sum(entry.file_size for entry in entries)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise InputRejected(
            f"{what} {name} would unzip to {_size(unzipped)}, far more than any register; "
            "it was refused as unsafe"
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
            raise InputRejected(
                f"{what} {name} has a part ({entry.filename}) that would inflate "
                f"{ratio:,.0f} times to {_size(entry.file_size)}, as only a zip bomb does; "
                "it was refused as unsafe"
            )


def _refuse_special(path: Path | str, mode: int, what: str, *, writing: bool = False) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((label for test, label in _KINDS if test(mode)), "not a regular file")
    subject = f"cannot write {what} {path}: it" if writing else f"{what} {path}"
    raise InputRejected(f"{subject} is {kind}, not a file; give the path of a file on disk")


def _size(count: int) -> str:
    return f"{count / MB:,.0f} MB" if count >= MB else f"{count:,} bytes"
