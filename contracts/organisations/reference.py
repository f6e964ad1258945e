"""The Essex organisations every database starts with.

Plain data, so a migration can insert it without importing the ORM models;
the organisations themselves are in ``contracts/data/reference_organisations.toml``.
NHS bodies carry ODS codes, councils ONS GSS codes. Trust names and open
dates were checked against the ODS trust extracts in
``shared/data/real/ods`` (2016 and 2025 releases); mergers are recorded as
successors with the closing date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from contracts.data_tables import read_rows

MSE = "mid and south Essex"
NEE = "north east Essex"
WE = "west Essex"
OTHER = "other"


@dataclass(frozen=True)
class ReferenceOrganisation:
    key: str  # the code, or a short name for bodies without one
    name: str
    kind: str
    footprint: str = OTHER
    is_commissioner: bool = False
    ods_code: str | None = None
    gss_code: str | None = None
    open_date: dt.date | None = None
    close_date: dt.date | None = None
    successor: str | None = None  # key of the successor organisation
    aliases: tuple[str, ...] = field(default_factory=tuple)


REFERENCE_ORGANISATIONS: tuple[ReferenceOrganisation, ...] = read_rows(
    "reference_organisations.toml", "organisation", ReferenceOrganisation
)

# The three acute hospitals of mid and south Essex, by ODS code: the
# "one contract for the three hospitals" rule looks for them and their successor.
THREE_HOSPITALS: tuple[str, ...] = ("RDD", "RQ8", "RAJ")
