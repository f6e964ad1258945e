"""A second yardstick: the same mid and south Essex, as other publishers would record it.

The tool's own sample (:mod:`contracts.sample.generate`) is written with the tool's
vocabulary in mind, so scoring well on it proves little. This world is
planned without looking at the matcher or the rules: its own seeds, its own
invented providers, its own titles, a later date (1 April 2018, after the two
Essex mental health trusts merged into EPUT) and the NHS Standard Contract's
service categories rather than the tool's. :mod:`contracts.sample.other`
writes it the way other registers do; ``truth.json`` has the same shape as the
tool's own sample, so ``bench/quality_bench.py`` scores both.
The real providers are data, in ``contracts/data/sample_other_providers.toml``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from contracts.data_tables import read_rows

AS_AT = dt.date(2018, 4, 1)
FOOTPRINT = "mid and south Essex"
CCGS = ("99E", "99F", "06Q", "99G", "07G")
COUNCILS = ("E10000012", "E06000033", "E06000034")
OUTSIDE = ("06T", "07H")
COMMISSIONERS = (*CCGS, *COUNCILS, *OUTSIDE)
# CCGs whose registers also list the contracts they are associates on.
KEEP_ASSOCIATE_COPIES = ("99F", "06Q", "99G", "07G")

NHS_SC = "NHS Standard Contract"
NHS_SHORT = "NHS Standard Contract (shorter form)"
LA_CONTRACT = "local authority contract"
GRANT = "grant agreement"

# The NHS Standard Contract's service categories (2016/17 to 2018/19), by code.
NHS_CATEGORIES: dict[str, str] = {
    "A+E": "Accident and Emergency Services",
    "A": "Acute Services",
    "AM": "Ambulance Services",
    "CR": "Cancer Services",
    "CHC": "Continuing Healthcare Services",
    "CS": "Community Services",
    "D": "Diagnostic, Screening and/or Pathology Services",
    "ELC": "End of Life Care Services",
    "MH": "Mental Health and Learning Disability Services",
    "MHSS": "Mental Health and Learning Disability Secure Services",
    "111": "NHS 111 Services",
    "PT": "Patient Transport Services",
    "R": "Radiotherapy Services",
    "U": "Urgent Care/Walk-in Centre Services/Minor Injuries Unit",
}
# Councils' own service lines.
COUNCIL_LINES: dict[str, str] = {
    "ASC": "Adult Social Care",
    "PH": "Public Health",
    "CYP": "Children's Services",
    "HRS": "Housing Related Support",
}

# service -> (category code, how people say the service itself)
SERVICES: dict[str, tuple[str, str]] = {
    "acute": ("A", "Acute"),
    "emergency": ("A+E", "A&E"),
    "ambulance": ("AM", "Ambulance"),
    "cancer": ("CR", "Cancer"),
    "chc": ("CHC", "Continuing Healthcare"),
    "community": ("CS", "Community Health"),
    "diagnostics": ("D", "Diagnostics"),
    "end of life": ("ELC", "Palliative Care"),
    "mental health": ("MH", "Mental Health"),
    "learning disability": ("MH", "Learning Disabilities"),
    "nhs 111": ("111", "NHS 111"),
    "transport": ("PT", "Patient Transport"),
    "urgent care": ("U", "Urgent Care"),
    "primary care": ("PC", "Primary Care"),
    "home care": ("ASC", "Domiciliary Care"),
    "residential": ("ASC", "Residential Care"),
    "reablement": ("ASC", "Reablement"),
    "carers": ("ASC", "Carers"),
    "sexual health": ("PH", "Sexual Health"),
    "substance misuse": ("PH", "Drugs and Alcohol"),
    "children": ("CYP", "Children and Families"),
    "housing support": ("HRS", "Supporting People"),
}
TITLES: dict[str, tuple[str, ...]] = {
    "acute": (
        "Acute Contract",
        "Acute Hospital Services Agreement",
        "Elective & Non-Elective Care",
    ),
    "emergency": ("Emergency Department", "A&E Services", "Type 1 Emergency Department"),
    "ambulance": ("999 Emergency Ambulance Service", "Emergency & Urgent Ambulance Services"),
    "cancer": ("Chemotherapy Service", "Oncology Outreach Clinics"),
    "chc": ("Continuing Healthcare Beds", "CHC Placements", "Funded Nursing Care Beds"),
    "community": (
        "Community Health Services",
        "Integrated Community Services",
        "Community Nursing & Therapies",
        "MSK Physiotherapy",
        "Adult Podiatry",
    ),
    "diagnostics": (
        "Direct Access Diagnostics",
        "Non-Obstetric Ultrasound",
        "MRI & CT Capacity",
        "Community Phlebotomy",
    ),
    "end of life": ("Specialist Palliative Care", "Hospice Inpatient Beds", "Hospice at Home"),
    "mental health": (
        "Adult Mental Health Services",
        "Community Mental Health Teams",
        "Psychological Therapies (IAPT)",
        "Early Intervention in Psychosis",
    ),
    "learning disability": ("Learning Disability Health Services", "Community LD Team"),
    "nhs 111": ("NHS 111 Service", "Integrated Urgent Care and NHS 111"),
    "transport": ("Non-Emergency Patient Transport", "Patient Transport Services"),
    "urgent care": ("Urgent Care Centre", "GP Out of Hours", "Minor Injuries Unit"),
    "primary care": ("GP Extended Access", "Enhanced Primary Care Hub"),
    "home care": ("Domiciliary Care Framework", "Home Care Services"),
    "residential": ("Residential Care Block Beds", "Nursing Care Placements"),
    "reablement": ("Reablement Service", "Hospital Discharge and Reablement"),
    "carers": ("Carers Support Service", "Carers Information and Advice"),
    "sexual health": ("Integrated Sexual Health Service",),
    "substance misuse": ("Drug & Alcohol Treatment Service", "Young People's Substance Misuse"),
    "children": ("Children's Centres", "Short Breaks for Disabled Children"),
    "housing support": ("Supported Housing for Young People", "Floating Support Service"),
}
# Typical annual values in pounds, by service.
VALUES: dict[str, tuple[int, int]] = {
    "acute": (3_000_000, 40_000_000),
    "emergency": (6_000_000, 20_000_000),
    "ambulance": (8_000_000, 25_000_000),
    "cancer": (300_000, 3_000_000),
    "chc": (100_000, 2_000_000),
    "community": (500_000, 30_000_000),
    "diagnostics": (150_000, 2_500_000),
    "end of life": (300_000, 2_000_000),
    "mental health": (2_000_000, 35_000_000),
    "learning disability": (300_000, 5_000_000),
    "nhs 111": (1_000_000, 4_000_000),
    "transport": (900_000, 4_500_000),
    "urgent care": (500_000, 4_000_000),
    "primary care": (200_000, 2_000_000),
    "home care": (500_000, 8_000_000),
    "residential": (200_000, 5_000_000),
    "reablement": (300_000, 3_000_000),
    "carers": (30_000, 400_000),
    "sexual health": (500_000, 4_000_000),
    "substance misuse": (300_000, 3_500_000),
    "children": (100_000, 2_500_000),
    "housing support": (80_000, 1_500_000),
}
COUNCIL_SERVICES = frozenset(
    [
        "home care",
        "residential",
        "reablement",
        "carers",
        "sexual health",
        "substance misuse",
        "children",
        "housing support",
    ]
)


@dataclass(frozen=True)
class Body:
    """A provider as publishers write it: its code (None if it has none) and spellings."""

    key: str
    name: str
    services: tuple[str, ...]
    code: str | None = None
    spellings: tuple[str, ...] = ()  # the name first, then aliases, abbreviations, variants
    sites: tuple[str, ...] = ()  # hospital sites, for trusts
    short: str = ""  # the abbreviation registers prefix titles with
    local_to: tuple[str, ...] = ()  # commissioners it works for; () = anyone


_REFERENCE_BODIES = read_rows("sample_other_providers.toml", "provider", Body)
REFERENCE_BODIES = {b.key: b for b in _REFERENCE_BODIES}
# The mental health trusts that merged into EPUT on 1 April 2017.
MERGED_INTO_EPUT = ("RWN", "RRD")
EPUT_FROM = dt.date(2017, 4, 1)

PLACES: dict[str, tuple[str, ...]] = {
    "Basildon": ("99E", "E10000012"),
    "Billericay": ("99E", "E10000012"),
    "Wickford": ("99E", "E10000012"),
    "Benfleet": ("99F", "E10000012"),
    "Rayleigh": ("99F", "E10000012"),
    "Canvey": ("99F", "E10000012"),
    "Chelmsford": ("06Q", "E10000012"),
    "Maldon": ("06Q", "E10000012"),
    "Witham": ("06Q", "E10000012"),
    "Southend": ("99G", "E06000033"),
    "Leigh": ("99G", "E06000033"),
    "Shoebury": ("99G", "E06000033"),
    "Grays": ("07G", "E06000034"),
    "Tilbury": ("07G", "E06000034"),
    "Stanford": ("07G", "E06000034"),
    "Clacton": ("06T", "E10000012"),
    "Harlow": ("07H", "E10000012"),
    "Estuary": ("99E", "99F", "99G", "07G", "E10000012", "E06000033", "E06000034"),
    "Essex": COMMISSIONERS,
}
SAINTS = ("Cedd", "Edmund", "Osyth", "Botolph", "Helena", "Clare", "Winifred", "Aidan")
FAMILY = tuple(
    [
        "Ashworth",
        "Bramley",
        "Cavendish",
        "Dunmore",
        "Everett",
        "Fenwick",
        "Gilmour",
        "Halloran",
        "Iveson",
        "Jarrow",
        "Kenward",
        "Lindqvist",
        "Maybury",
        "Northey",
    ]
)
# kind -> (name patterns, legal form, services)
INVENTED: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    "hospice": (("St {saint}'s Hospice", "{place} Hospice Care"), "Ltd", ("end of life",)),
    "transport": (
        ("{place} Patient Travel", "{family} Medical Transport"),
        "Ltd",
        ("transport",),
    ),
    "care group": (
        ("{family} Care Group", "{place} Manor Care Homes"),
        "Ltd",
        ("chc", "residential"),
    ),
    "home care": (
        ("{family} Homecare", "{place} Home Support"),
        "Ltd",
        ("home care", "reablement"),
    ),
    "voluntary": (
        ("{place} Carers Network", "{place} Mind", "{place} Community Connect"),
        "CIC",
        ("carers", "mental health"),
    ),
    "gp federation": (
        ("{place} Health Alliance", "{place} GP Partnership"),
        "CIC",
        ("urgent care", "primary care"),
    ),
    "independent": (
        ("{family} Imaging", "{place} Diagnostic Centre", "{family} Physiotherapy"),
        "Ltd",
        ("diagnostics", "community"),
    ),
    "recovery": (
        ("{family} Recovery Services", "{place} Wellbeing Trust"),
        "CIC",
        ("substance misuse", "sexual health", "housing support", "children"),
    ),
}


def legal_variants(name: str, form: str) -> tuple[str, ...]:
    """The name with its legal form as registers write it: the first is the usual one."""
    if form == "Ltd":
        return (f"{name} Ltd", f"{name} Limited", f"{name.upper()} LTD.", name)
    return (f"{name} CIC", f"{name} C.I.C.", f"{name} Community Interest Company", name)


@dataclass
class Entity:
    """One real contract, however many registers record it."""

    key: str
    lead: str
    associates: tuple[str, ...]
    body: Body
    service: str
    form: str
    title: str
    start: dt.date
    end: dt.date
    annual_value: Decimal | None

    @property
    def category(self) -> str:
        return SERVICES[self.service][0]

    @property
    def is_active(self) -> bool:
        return self.start <= AS_AT <= self.end

    @property
    def keepers(self) -> tuple[str, ...]:
        return (self.lead, *(a for a in self.associates if a in KEEP_ASSOCIATE_COPIES))


@dataclass
class World:
    seed: int
    entities: list[Entity] = field(default_factory=list)
    groups: list[tuple[str, str, list[Entity]]] = field(default_factory=list)  # id, rule, members
    near_misses: list[tuple[Entity, Entity, str]] = field(default_factory=list)
    decoys: list[tuple[Entity, str]] = field(default_factory=list)
    invented: list[Body] = field(default_factory=list)


def invent(rng: random.Random, count: int) -> list[Body]:
    """``count`` small providers with names unique by their first word pair."""
    seen: set[str] = set()
    bodies: list[Body] = []
    kinds = sorted(INVENTED)
    wanted = [k for k in kinds for _ in range(2)]
    while len(wanted) < count:
        wanted.append(rng.choice(kinds))
    for kind in wanted:
        patterns, form, services = INVENTED[kind]
        for _ in range(40):
            place = rng.choice(sorted(PLACES))
            name = rng.choice(patterns).format(
                place=place, saint=rng.choice(SAINTS), family=rng.choice(FAMILY)
            )
            if name.lower() not in seen:
                break
        else:
            continue
        seen.add(name.lower())
        home = PLACES[place] if "{place}" in " ".join(patterns) and place in name else ()
        bodies.append(
            Body(
                key=f"K{len(bodies) + 1:03d}",
                name=legal_variants(name, form)[0],
                services=services,
                spellings=legal_variants(name, form),
                short="".join(w[0] for w in name.split() if w[0].isupper()),
                local_to=home,
            )
        )
    return bodies
