"""Reading the national reference data shipped in ``contracts/data/organisations/``.

Two CSV files written by :mod:`contracts.organisations.national`: one row per
organisation, and the other spellings (aliases and codes) of each. The
migration that first loads them and ``contracts orgs load`` both read them
here, so a directory with newer files (``--from DIR``) is read the same way.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from contracts.errors import ContractsError

DATA_DIR = Path(__file__).parents[1] / "data" / "organisations"
ORGANISATIONS_FILE = "organisations.csv"
ALIASES_FILE = "aliases.csv"
_REQUIRED = ("key", "name", "kind", "ods_code", "gss_code", "commissioner", "successor")


@dataclass(frozen=True)
class NationalOrganisation:
    key: str  # the ODS or GSS code, or a short name for a body without one
    name: str
    kind: str
    tier: str | None
    ods_code: str | None
    gss_code: str | None
    is_commissioner: bool
    footprint: str | None
    open_date: dt.date | None
    close_date: dt.date | None
    successor: str | None  # key of the successor
    parent: str | None  # key of the body it is part of (CCG → ICB, district → county)
    source: str
    aliases: tuple[str, ...] = ()


def _date(text: str, where: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ContractsError(f"{where}: '{text}' is not a date (YYYY-MM-DD)") from None


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise ContractsError(f"{path} is missing; the reference data needs {path.name}")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def read_national(directory: Path | None = None) -> list[NationalOrganisation]:
    """Every organisation of the reference data in ``directory`` (the shipped one by default)."""
    directory = directory or DATA_DIR
    rows = _rows(directory / ORGANISATIONS_FILE)
    missing = [c for c in _REQUIRED if rows and c not in rows[0]]
    if not rows or missing:
        raise ContractsError(
            f"{directory / ORGANISATIONS_FILE} has no organisations"
            + (f" (columns missing: {', '.join(missing)})" if missing else "")
        )
    aliases: dict[str, list[str]] = defaultdict(list)
    for row in _rows(directory / ALIASES_FILE):
        aliases[row["key"]].append(row["alias"])
    keys = {row["key"] for row in rows}
    unknown = sorted(set(aliases) - keys)
    if unknown:
        raise ContractsError(
            f"{ALIASES_FILE} names organisations that are not listed: {unknown[0]}"
        )
    found = []
    for number, row in enumerate(rows, start=2):
        where = f"{ORGANISATIONS_FILE} line {number}"
        for link in ("successor", "parent"):
            if row.get(link) and row[link] not in keys:
                raise ContractsError(f"{where}: {link} '{row[link]}' is not listed")
        found.append(
            NationalOrganisation(
                key=row["key"],
                name=row["name"],
                kind=row["kind"],
                tier=row.get("tier") or None,
                ods_code=row["ods_code"] or None,
                gss_code=row["gss_code"] or None,
                is_commissioner=row["commissioner"] == "1",
                footprint=row.get("footprint") or None,
                open_date=_date(row.get("open_date", ""), where),
                close_date=_date(row.get("close_date", ""), where),
                successor=row["successor"] or None,
                parent=row.get("parent") or None,
                source=row.get("source", ""),
                aliases=tuple(aliases.get(row["key"], ())),
            )
        )
    return found
