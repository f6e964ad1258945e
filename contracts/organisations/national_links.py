"""Facts the national builder needs that no source file states as data.

Each is small, public and cited; the builder checks each against the source
files it can (codes present before and absent after, quoted notes), so a
newer release that contradicts one stops the build instead of being
silently overridden.
"""

from __future__ import annotations

import datetime as dt

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

# Local government reorganisations after April 2019 (the earliest ONS list
# here already has the 2019 ones): (date, successor or "" when the area was
# split, predecessors, the structural changes order).
COUNCIL_REORGANISATIONS: tuple[tuple[dt.date, str, tuple[str, ...], str], ...] = (
    (
        dt.date(2020, 4, 1),
        "E06000060",
        ("E10000002", "E07000004", "E07000005", "E07000006", "E07000007"),
        "The Buckinghamshire (Structural Changes) Order 2019",
    ),
    (
        dt.date(2021, 4, 1),
        "E06000061",
        ("E07000150", "E07000152", "E07000153", "E07000156"),
        "The Northamptonshire (Structural Changes) Order 2020",
    ),
    (
        dt.date(2021, 4, 1),
        "E06000062",
        ("E07000151", "E07000154", "E07000155"),
        "The Northamptonshire (Structural Changes) Order 2020",
    ),
    (
        dt.date(2021, 4, 1),
        "",
        ("E10000021",),
        "The Northamptonshire (Structural Changes) Order 2020 (split in two)",
    ),
    (
        dt.date(2023, 4, 1),
        "E06000063",
        ("E07000026", "E07000028", "E07000029"),
        "The Cumbria (Structural Changes) Order 2022",
    ),
    (
        dt.date(2023, 4, 1),
        "E06000064",
        ("E07000027", "E07000030", "E07000031"),
        "The Cumbria (Structural Changes) Order 2022",
    ),
    (
        dt.date(2023, 4, 1),
        "",
        ("E10000006",),
        "The Cumbria (Structural Changes) Order 2022 (split in two)",
    ),
    (
        dt.date(2023, 4, 1),
        "E06000065",
        (
            "E10000023",
            "E07000163",
            "E07000164",
            "E07000165",
            "E07000166",
            "E07000167",
            "E07000168",
            "E07000169",
        ),
        "The North Yorkshire (Structural Changes) Order 2022",
    ),
    (
        dt.date(2023, 4, 1),
        "E06000066",
        ("E10000027", "E07000187", "E07000188", "E07000189", "E07000246"),
        "The Somerset (Structural Changes) Order 2022",
    ),
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
