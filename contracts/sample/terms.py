"""The terms of an invented contract: its plausible value, period, payment and title.

Drawn from the seeded ``random.Random`` the world passes in, so a seed always
gives the same terms; split from :mod:`contracts.sample.world`, which invents
who holds the contracts.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from contracts.sample.world import AS_AT, Provider

VALUE_RANGES: dict[str, tuple[int, int]] = {
    "acute": (2_000_000, 24_000_000),
    "a&e": (8_000_000, 26_000_000),
    "ambulance": (6_000_000, 22_000_000),
    "community": (400_000, 28_000_000),
    "mental health": (250_000, 32_000_000),
    "continuing healthcare": (80_000, 1_500_000),
    "diagnostics": (120_000, 3_000_000),
    "nhs 111": (900_000, 3_500_000),
    "patient transport": (800_000, 4_000_000),
    "urgent care": (600_000, 5_000_000),
    "end of life care": (250_000, 2_500_000),
    "primary care": (150_000, 3_000_000),
    "learning disabilities": (200_000, 6_000_000),
    "social care": (400_000, 9_000_000),
    "residential care": (150_000, 4_000_000),
    "public health": (200_000, 5_000_000),
    "voluntary sector support": (20_000, 350_000),
}

# The most a small provider of each kind holds in one contract a year.
SMALL_PROVIDER_CAPS: dict[str, int] = {
    "voluntary": 600_000,
    "hospice": 2_500_000,
    "care home": 3_000_000,
    "home care": 5_000_000,
    "gp federation": 3_000_000,
    "independent": 4_000_000,
    "transport": 4_000_000,
}


def value_range(category: str, provider: Provider) -> tuple[int, int]:
    """The plausible annual values of ``category``, scaled to the provider's size."""
    low, high = VALUE_RANGES[category]
    cap = SMALL_PROVIDER_CAPS.get(provider.kind) if provider.code is None else None
    if cap is not None and high > cap:
        high = cap
        low = min(low, high // 5)
    return low, high


TITLES: dict[str, tuple[str, ...]] = {
    "acute": ("Acute Hospital Services", "Elective and Non-Elective Acute Services"),
    "a&e": ("Accident and Emergency Services", "A&E and Urgent Care Centre"),
    "ambulance": ("Emergency Ambulance Services (999)", "999 Emergency Ambulance Service"),
    "community": (
        "Community Health Services",
        "Community Nursing and Therapies",
        "Musculoskeletal Physiotherapy Service",
        "Podiatry Service",
        "Community Equipment Service",
    ),
    "mental health": (
        "Adult Mental Health Services",
        "Improving Access to Psychological Therapies",
        "Dementia Support Service",
        "Mental Health Crisis Café",
    ),
    "continuing healthcare": ("Continuing Healthcare Placements", "CHC Nursing Home Beds"),
    "diagnostics": (
        "Direct Access Diagnostics",
        "Community Ultrasound Service",
        "Direct Access Pathology",
        "MRI Scanning Service",
    ),
    "nhs 111": ("NHS 111 Service",),
    "patient transport": ("Non-Emergency Patient Transport Service",),
    "urgent care": ("GP Out of Hours Service", "Urgent Care Centre", "Walk-in Centre"),
    "end of life care": ("Specialist Palliative Care", "Hospice at Home Service"),
    "primary care": ("Extended GP Access", "Enhanced Services – Care Homes", "Primary Care Hub"),
    "learning disabilities": (
        "Learning Disability Day Services",
        "Supported Living – Learning Disabilities",
    ),
    "social care": ("Domiciliary Care", "Reablement Service", "Home Care Framework"),
    "residential care": ("Residential Care Placements", "Nursing Home Block Beds"),
    "public health": (
        "Sexual Health Services",
        "Substance Misuse Treatment",
        "Stop Smoking Service",
        "Health Visiting",
    ),
    "voluntary sector support": (
        "Carers Support Service",
        "Advocacy Service",
        "Befriending Service",
        "Information and Advice Service",
    ),
}
LOCALITIES = {
    "99E": ("Basildon", "Brentwood", "Billericay and Wickford"),
    "99F": ("Castle Point", "Rochford", "Canvey Island"),
    "06Q": ("Chelmsford", "Maldon", "Braintree"),
    "99G": ("Southend", "Leigh-on-Sea", "Shoeburyness"),
    "07G": ("Thurrock", "Grays", "Tilbury"),
    "E10000012": ("Mid Essex", "South East Essex", "Basildon"),
    "E06000033": ("Southend", "Westcliff", "Leigh"),
    "E06000034": ("Thurrock", "Grays", "Purfleet"),
    "06T": ("Colchester", "Tendring", "Clacton"),
    "07H": ("Harlow", "Epping Forest", "Uttlesford"),
}


def pick_value(rng: random.Random, category: str, *, low: int = 0, high: int = 0) -> Decimal:
    """A plausible annual value, mostly round, sometimes to the penny; never a float."""
    lo, hi = (low, high) if high else VALUE_RANGES[category]
    tenth, third = lo + (hi - lo) // 10, lo + (hi - lo) // 3
    band = rng.choices([(lo, tenth), (tenth, third), (third, hi)], weights=[5, 3, 2])[0]
    pounds = rng.randint(*band)
    roll = rng.randrange(10)
    if roll < 5:
        return Decimal(round(pounds, -3))
    if roll < 8:
        return Decimal(pounds)
    return Decimal(pounds) + Decimal(rng.randrange(100)) / 100


def add_years(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year + years)


def term_ending(start: dt.date, years: int) -> dt.date:
    return add_years(start, years) - dt.timedelta(days=1)


# Quarter days from the CCGs' first day to the day of the register, and the
# terms (whole years) that keep a contract starting then in force on that day.
_ACTIVE_STARTS = tuple(
    dt.date(year, month, 1)
    for year in range(2013, 2017)
    for month in (1, 4, 7, 10)
    if dt.date(2013, 4, 1) <= dt.date(year, month, 1) <= AS_AT
)
_ACTIVE_TERMS = {
    start: tuple(y for y in (1, 2, 3, 4, 5) if add_years(start, y) - dt.timedelta(1) >= AS_AT)
    for start in _ACTIVE_STARTS
}


def active_period(rng: random.Random) -> tuple[dt.date, dt.date]:
    """A period in force on 1 April 2016: starts on a quarter day, runs whole years."""
    start = rng.choice(_ACTIVE_STARTS)
    return start, term_ending(start, rng.choice(_ACTIVE_TERMS[start]))


def expired_period(rng: random.Random) -> tuple[dt.date, dt.date]:
    """A period that ended before 1 April 2016."""
    start = rng.choice([dt.date(y, m, 1) for y in (2012, 2013, 2014) for m in (4, 10)])
    terms = [y for y in (1, 2, 3) if term_ending(start, y) < AS_AT]
    return start, term_ending(start, rng.choice(terms))


def payment_for(rng: random.Random, category: str) -> str:
    if category in ("acute", "a&e", "diagnostics"):
        return rng.choice(("PbR tariff", "Activity based", "Cost and volume"))
    if category in ("residential care", "continuing healthcare"):
        return rng.choice(("Cost per case", "Spot purchase", "Block"))
    return rng.choice(("Block", "Block", "Block with CQUIN", "Cost and volume"))


def title_for(rng: random.Random, category: str, commissioner: str) -> str:
    title = rng.choice(TITLES[category])
    if rng.randrange(4) == 0:
        title = f"{title} – {rng.choice(LOCALITIES[commissioner])}"
    return title
