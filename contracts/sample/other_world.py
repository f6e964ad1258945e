"""A second yardstick: the same mid and south Essex, as other publishers would record it.

The tool's own sample (:mod:`contracts.sample.generate`) is written with the tool's
vocabulary in mind, so scoring well on it proves little. This world is
planned without looking at the matcher or the rules: its own seeds, its own
invented providers, its own titles, a later date (1 April 2018, after the two
Essex mental health trusts merged into EPUT) and the NHS Standard Contract's
service categories rather than the tool's. :mod:`contracts.sample.other`
writes it the way other registers do; ``truth.json`` has the same shape as the
tool's own sample, so ``bench/quality_bench.py`` scores both.
The real providers and the services are data, in ``contracts/data/sample_other_providers.toml``
and ``contracts/data/sample_other_services.toml``.
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


@dataclass(frozen=True)
class Service:
    """A service the other publishers buy: its category code, words, titles and values."""

    name: str
    category: str  # the NHS Standard Contract's category code, or a council's own line
    words: str  # how people say the service itself
    titles: tuple[str, ...]
    values: tuple[int, int]  # typical annual value in pounds, lowest and highest
    council: bool = False  # bought by councils, not CCGs


_SERVICES = read_rows("sample_other_services.toml", "service", Service)
SERVICES = {s.name: (s.category, s.words) for s in _SERVICES}
TITLES = {s.name: s.titles for s in _SERVICES}
VALUES = {s.name: s.values for s in _SERVICES}
COUNCIL_SERVICES = frozenset(s.name for s in _SERVICES if s.council)


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
