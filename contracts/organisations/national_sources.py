"""Readers for the public ODS and ONS files the national reference data is built from.

Each function reads one kind of source file as published (no header, cp1252
with odd delimiters, a UTF-8 BOM) and returns plain rows. Only the builder in
:mod:`contracts.organisations.national` uses them; the tool itself reads the
compact files the builder writes, so nothing here runs for a user.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Words that stay lower case inside a name, and short words that are acronyms.
_SMALL_WORDS = {"and", "of", "the", "on", "upon", "in", "for", "at", "with", "by", "under"}
_ACRONYMS = {"NHS", "CCG", "ICB", "UK", "NELFT", "GP", "H&J", "CIC", "LLP", "PLC"}
_SPECIAL = {"2GETHER": "2gether"}


def title_case(text: str) -> str:
    """ "GUY'S AND ST THOMAS' NHS FOUNDATION TRUST" → "Guy's and St Thomas' NHS Foundation Trust".

    ODS publishes names in capitals; the tool shows names as people write them.
    """
    words = text.split()
    out = []
    for position, word in enumerate(words):
        out.append(_title_word(word, first=position == 0))
    return " ".join(out)


def _title_word(word: str, *, first: bool) -> str:
    core = word.strip("(),")
    if core.upper() in _ACRONYMS:
        return word.upper()
    if core.upper() in _SPECIAL:
        return word.upper().replace(core.upper(), _SPECIAL[core.upper()])
    parts = word.split("-")
    titled = []
    for index, part in enumerate(parts):
        lower = part.lower()
        if (index > 0 or not first) and lower in _SMALL_WORDS:
            titled.append(lower)
        else:
            # Capitalise the first letter; "guy's" stays "Guy's", "(westminster)" "(Westminster)".
            titled.append(re.sub(r"[a-z]", lambda m: m.group(0).upper(), lower, count=1))
    return "-".join(titled)


def ods_date(text: str) -> dt.date | None:
    """An ODS date (YYYYMMDD), or None when blank."""
    text = text.strip()
    return dt.datetime.strptime(text, "%Y%m%d").date() if text else None


@dataclass(frozen=True)
class OdsRecord:
    """One row of an ODS extract (etr, eccg): the positions the ODS file spec gives."""

    code: str
    name: str
    region: str  # column 3, national grouping
    geography: str  # column 4, high-level health geography (an ICB code in 2025)
    open_date: dt.date | None
    close_date: dt.date | None
    role: str  # column 14 (eccg only): RO319 sub-ICB location, RO218 hub, RO327 …


def read_ods(path: Path) -> list[OdsRecord]:
    """An ODS CSV extract without header row (quoted or not)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            OdsRecord(
                code=row[0].strip(),
                name=row[1].strip(),
                region=row[2].strip(),
                geography=row[3].strip(),
                open_date=ods_date(row[10]),
                close_date=ods_date(row[11]),
                role=row[13].strip() if len(row) > 13 else "",
            )
            for row in csv.reader(handle)
            if row and row[0].strip()
        ]


def read_csv(path: Path) -> list[dict[str, str]]:
    """A CSV with a header row, UTF-8 with or without BOM; values stripped."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            {key.strip(): (value or "").strip() for key, value in row.items() if key}
            for row in csv.DictReader(handle)
        ]


@dataclass(frozen=True)
class HospitalSite:
    code: str
    name: str
    sector: str
    city: str
    parent_code: str
    parent_name: str


def read_hospitals(path: Path) -> list[HospitalSite]:
    """An NHS Choices hospital list: cp1252, delimiter "¬" or "~" (sniffed from the header)."""
    text = path.read_text(encoding="cp1252")
    header = text.split("\n", 1)[0]
    delimiter = "¬" if "¬" in header else "~"
    return [
        HospitalSite(
            code=row["OrganisationCode"].strip(),
            name=" ".join(row["OrganisationName"].split()),
            sector=row["Sector"].strip(),
            city=" ".join(row["City"].split()),
            parent_code=row["ParentODSCode"].strip(),
            parent_name=" ".join(row["ParentName"].split()),
        )
        for row in csv.DictReader(text.splitlines(), delimiter=delimiter, quoting=csv.QUOTE_NONE)
    ]


def rows_with_prefix(
    rows: list[dict[str, str]], column: str, prefix: str
) -> Iterator[dict[str, str]]:
    return (row for row in rows if row[column].startswith(prefix))
