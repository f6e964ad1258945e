"""Facts the national builder needs that no source file states as data.

Each is small, public and cited; the builder checks each against the source
files it can (codes present before and absent after, quoted notes), so a
newer release that contradicts one stops the build instead of being
silently overridden.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from contracts.data_tables import read_rows

# Health and Care Act 2022: CCGs were abolished and ICBs established on 1 July 2022.
CCG_ABOLISHED = dt.date(2022, 6, 30)
ICB_ESTABLISHED = dt.date(2022, 7, 1)

# The rcpch succession list marks rows from 2026 as planned when it was written.
PLANNED_FROM = dt.date(2026, 1, 1)

# Trust successions the rcpch file states in its notes or names rather than
# as a predecessor code: (old, new, date, text that must appear in the notes).
TRUST_LINKS_FROM_NOTES: tuple[tuple[str, str, dt.date, str], ...] = (
    ("RM2", "R0A", dt.date(2017, 10, 1), "true merger of RM2+RW3 on 2017-10-01"),
    ("RW3", "R0A", dt.date(2017, 10, 1), "true merger of RM2+RW3 on 2017-10-01"),
    # RNN's row gives its pre-merger name, North Cumbria University Hospitals
    # NHS Trust, which the 2016 ODS list codes RNL.
    ("RNL", "RNN", dt.date(2019, 10, 1), "acquired Cumbria Partnership NHS Foundation Trust"),
)


class CouncilReorganisation(NamedTuple):
    """A local government reorganisation after April 2019 (the earliest ONS list
    here already has the 2019 ones): ``successor`` is "" when the area was split."""

    date: dt.date
    successor: str
    predecessors: tuple[str, ...]
    order: str  # the structural changes order


COUNCIL_REORGANISATIONS: tuple[CouncilReorganisation, ...] = read_rows(
    "council_reorganisations.toml", "reorganisation", CouncilReorganisation
)

# Councils whose name is not "<area> Council" / "<area> County Council" /
# "London Borough of <area>"; other spellings (Borough, District, City,
# Metropolitan) meet through the name normaliser.
COUNCIL_NAMES: dict[str, str] = {
    "E06000047": "Durham County Council",
    "E06000010": "Hull City Council",
    "E06000053": "Council of the Isles of Scilly",
    "E06000065": "North Yorkshire Council",
    "E09000001": "City of London Corporation",
    "E09000011": "Royal Borough of Greenwich",
    "E09000020": "Royal Borough of Kensington and Chelsea",
    "E09000021": "Royal Borough of Kingston upon Thames",
    "E09000033": "Westminster City Council",
}
