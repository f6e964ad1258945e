"""Reading CSV registers by RFC 4180, in the encodings Excel and finance systems write.

Quoting is never guessed: a cell in double quotes may hold the delimiter,
line breaks and doubled quotes (``""``), whatever the file's first rows
suggest. Only the delimiter is chosen, as the one (of ``, ; tab |``) that
splits the first records most consistently. Encodings: UTF-8 with or without
BOM, Windows-1252, and UTF-16 (Excel's "Unicode Text", tab-separated).
Each record is numbered by the line it starts on, as a text editor counts
lines, so a finding points at the place a person can find.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections import Counter
from collections.abc import Generator, Iterable
from pathlib import Path
from typing import Any

from contracts import gate
from contracts.errors import InputRejected
from importers.xlsx import Row

DELIMITERS = (",", "\t", ";", "|")
ENCODING_NAMES = {
    "utf-8-sig": "UTF-8 with BOM",
    "utf-8": "UTF-8",
    "cp1252": "Windows-1252",
    "utf-16": "UTF-16 (Excel Unicode Text)",
    "utf-16-le": "UTF-16LE without BOM",
    "utf-16-be": "UTF-16BE without BOM",
}
# No spreadsheet cell holds more (Excel's limit): a longer quoted cell that spans
# lines is a quote that never closed, swallowing the rows after it.
MAX_CELL_CHARS = 32_767
# Python's csv refuses a cell over 128 KB; an over-long cell is a finding like in a
# workbook (text-too-long), so the reader takes cells up to this before refusing the file.
MAX_FIELD_CHARS = 16 * 1024 * 1024
MAX_COLUMNS = 16_384  # Excel's own limit (column XFD); a wider row is not a register
_SAMPLE_CHARS = 64 * 1024
_CHUNK = 1024 * 1024
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _bom_encoding(first: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if first.startswith(bom):
            return encoding
    return None


def _unmarked_utf16(first: bytes) -> str | None:
    """UTF-16 without a BOM, from its zero bytes: ASCII text has one in every other byte."""
    sample = first[: 4096 - (len(first[:4096]) % 2)]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.3 and even == 0:
        return "utf-16-le"
    if even > half * 0.3 and odd == 0:
        return "utf-16-be"
    return None


def detect_encoding(path: Path) -> tuple[str, str]:
    """(encoding, sha256 of the bytes): a BOM says which; else UTF-8 if every byte
    decodes as UTF-8, else Windows-1252; anything else is refused."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        first = handle.read(_CHUNK)
        marked = _bom_encoding(first) or _unmarked_utf16(first)
        candidates = [marked] if marked else ["utf-8", "cp1252"]
        decoders = {name: codecs.getincrementaldecoder(name)() for name in candidates}
        chunk = first
        while chunk:
            digest.update(chunk)
            for name, decoder in list(decoders.items()):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    del decoders[name]
            chunk = handle.read(_CHUNK)
    for name, decoder in list(decoders.items()):
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            del decoders[name]
    if marked and marked not in decoders:
        raise InputRejected(
            f"{path.name} says it is {ENCODING_NAMES.get(marked, marked)} text but is not; "
            "in Excel save it as 'CSV UTF-8 (Comma delimited)' and import that"
        )
    if marked:
        return marked, digest.hexdigest()
    if "utf-8" in decoders:
        return "utf-8", digest.hexdigest()
    if "cp1252" in decoders:
        return "cp1252", digest.hexdigest()
    raise InputRejected(
        f"{path.name} is neither UTF-8 nor Windows-1252 text; in Excel save it as "
        "'CSV UTF-8 (Comma delimited)' and import that"
    )


def _reader(handle: Iterable[str], delimiter: str) -> Any:
    """RFC 4180: double quotes around a cell, "" for a quote inside one; never guessed."""
    return csv.reader(
        handle,
        delimiter=delimiter,
        quotechar='"',
        doublequote=True,
        skipinitialspace=False,
        strict=False,
    )


def choose_delimiter(sample: str, truncated: bool) -> str:
    """The delimiter that gives the first records one field count most consistently
    (more fields breaking ties), reading them with RFC 4180 quoting."""
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        try:
            records = [r for r in _reader(io.StringIO(sample, newline=""), delimiter) if r]
        except csv.Error:
            continue
        if truncated and len(records) > 1:
            records.pop()  # may be cut in the middle
        if not records:
            continue
        counts = Counter(len(r) for r in records)
        fields, seen = counts.most_common(1)[0]
        if fields < 2:
            continue
        score = (seen / len(records), fields)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _runaway(name: str, line: int, error: object = None) -> InputRejected:
    detail = f" ({error})" if error else ""
    return InputRejected(
        f"{name} line {line} opens a quoted cell that never closes{detail}; check the "
        'quotes on that line (a quote inside a cell is written "")'
    )


def sniff_delimiter(path: Path, encoding: str) -> str:
    """The delimiter of the file, from its first records."""
    with path.open(encoding=encoding, newline="") as handle:
        sample = handle.read(_SAMPLE_CHARS + 1)
    truncated = len(sample) > _SAMPLE_CHARS
    return choose_delimiter(sample[:_SAMPLE_CHARS], truncated)


def records(path: Path, encoding: str, delimiter: str) -> Generator[Row, None, None]:
    name = path.name
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD_CHARS))
    with path.open(encoding=encoding, newline="") as handle:
        reader = _reader(handle, delimiter)
        ended = 0  # the line the previous record ended on
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                if "field larger" in str(error):
                    raise _runaway(name, ended + 1) from error
                raise InputRejected(
                    f"{name} is not a well-formed CSV file at line {ended + 1} ({error}); "
                    "open it in Excel and save it again as CSV"
                ) from error
            start, ended = ended + 1, reader.line_num
            if start > gate.MAX_ROWS:
                gate.check_size(name, start, len(record))
            if len(record) > MAX_COLUMNS:
                raise InputRejected(
                    f"{name} line {start} has {len(record):,} cells, more than the "
                    f"{MAX_COLUMNS:,} columns a spreadsheet holds; it is not a register"
                )
            if ended > start and any(len(cell) > MAX_CELL_CHARS for cell in record):
                raise _runaway(name, start)
            yield start, tuple(record)
