"""The invented world behind the sample: real contracts, before any register records them.

An :class:`Entity` is one contract as it really is (lead commissioner,
associates, provider, service, period, value). The registers in
:mod:`contracts.sample_files` then record each entity once per commissioner
that keeps it: the lead's copy and the associates' copies are the duplicates
the tool has to find. The situations the tool exists for (consolidation
groups, near-misses, decoys) are planted here on purpose, so that the answers
are known; the rest of the register is background drawn from a seeded
``random.Random``, never the global one, so a seed always gives the same world.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from contracts.organisations.names import normalise_name, simplify
from contracts.organisations.reference import REFERENCE_ORGANISATIONS

AS_AT = dt.date(2016, 4, 1)
FOOTPRINT = "mid and south Essex"
FOOTPRINT_CCGS = ("99E", "99F", "06Q", "99G", "07G")
COUNCILS = ("E10000012", "E06000033", "E06000034")
OUTSIDE_CCGS = ("06T", "07H")
COMMISSIONERS = (*FOOTPRINT_CCGS, *COUNCILS, *OUTSIDE_CCGS)
FOOTPRINT_COMMISSIONERS = (*FOOTPRINT_CCGS, *COUNCILS)
# Mid Essex keeps only the contracts it leads alone; the other four CCGs also
# record the contracts they are associates on, which makes the duplicates.
ASSOCIATE_CCGS = ("99E", "99F", "99G", "07G")

RULE_ONE_PROVIDER_ONE_SERVICE = "one-provider-one-service"
RULE_ONE_COMMISSIONER_ONE_PROVIDER = "one-commissioner-one-provider"
RULE_THREE_HOSPITALS = "three-hospitals"
RULE_NHS_AND_COUNCIL = "nhs-and-council"

NHS_SC = "NHS Standard Contract"
NHS_SHORT = "NHS Standard Contract (shorter form)"
LA_CONTRACT = "local authority contract"
GRANT = "grant agreement"
SLA = "service level agreement"

# The smallest register that still holds every planted situation.
MINIMUM_CONTRACTS = 100


@dataclass(frozen=True)
class Provider:
    key: str  # ODS code, a short key for Provide, or "X017" for an invented one
    name: str  # the name the store knows it by
    kind: str
    code: str | None = None  # ODS code of reference providers; None for invented ones
    spellings: tuple[str, ...] = ()  # other ways registers of 2016 write it
    # The commissioners a small local provider works for; empty means anyone.
    home: tuple[str, ...] = ()

    def serves(self, commissioner: str) -> bool:
        return not self.home or commissioner in self.home


@dataclass
class Entity:
    """One real contract, however many registers record it."""

    key: str  # "E0042"
    lead: str  # commissioner code
    associates: tuple[str, ...]
    provider: Provider
    category: str  # canonical service category
    form: str  # canonical contract form
    title: str
    start: dt.date
    end: dt.date
    annual_value: Decimal | None
    payment: str | None = None

    @property
    def is_active(self) -> bool:
        return self.start <= AS_AT <= self.end

    @property
    def years(self) -> int:
        """Whole years in the period (every term starts on the 1st and runs whole years)."""
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        return max(1, months // 12)

    @property
    def total_value(self) -> Decimal | None:
        return None if self.annual_value is None else self.annual_value * self.years

    @property
    def keepers(self) -> tuple[str, ...]:
        """The commissioners whose registers record this contract: the lead first."""
        return (self.lead, *(a for a in self.associates if a in ASSOCIATE_CCGS))


@dataclass
class Group:
    id: str
    rule: str
    members: list[Entity]


@dataclass
class NearMiss:
    first: Entity
    second: Entity
    why: str


@dataclass
class Decoy:
    entity: Entity
    why: str


@dataclass
class World:
    seed: int
    entities: list[Entity] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    near_misses: list[NearMiss] = field(default_factory=list)
    decoys: list[Decoy] = field(default_factory=list)
    invented: list[Provider] = field(default_factory=list)


# --- providers ----------------------------------------------------------------

# Names that would be wrong as at 2016 (the later mergers) are never written.
_ANACHRONISMS = {
    "Mid and South Essex NHS Foundation Trust",
    "MSEFT",
    "MSE FT",
    "Mid & South Essex NHS FT",
    "East Suffolk and North Essex NHS Foundation Trust",
    "East Suffolk and North Essex NHS FT",
    "ESNEFT",
}
_NAME_IN_2016 = {"RAJ": "Southend University Hospital NHS Foundation Trust"}
_REFERENCE_KINDS = {
    "RDD": "acute trust",
    "RQ8": "acute trust",
    "RAJ": "acute trust",
    "RDE": "acute trust",
    "RQW": "acute trust",
    "RYC": "ambulance trust",
    "RAT": "community trust",
    "RWN": "mental health trust",
    "RRD": "mental health trust",
    "PROVIDE": "community interest company",
}


def reference_providers() -> dict[str, Provider]:
    providers = {}
    for org in REFERENCE_ORGANISATIONS:
        if org.key not in _REFERENCE_KINDS:
            continue
        name_2016 = _NAME_IN_2016.get(org.key, org.name)
        spellings = tuple(
            s for s in (name_2016, *org.aliases) if s not in _ANACHRONISMS and s != org.name
        )
        providers[org.key] = Provider(
            key=org.key,
            name=org.name,
            kind=_REFERENCE_KINDS[org.key],
            code=org.ods_code,
            spellings=(name_2016, *(s for s in spellings if s != name_2016)),
        )
    return providers


_SOUTH = ("99E", "99F", "99G", "07G", "E10000012", "E06000033", "E06000034")
# Essex towns, and the commissioners whose patients live there.
PLACE_HOMES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ("Basildon", "Billericay", "Brentwood", "Wickford", "Laindon", "Pitsea"),
        ("99E", "E10000012"),
    ),
    **dict.fromkeys(
        ("Canvey Island", "Benfleet", "Hadleigh", "Rayleigh", "Rochford", "Hockley", "Hullbridge"),
        ("99F", "E10000012"),
    ),
    **dict.fromkeys(
        (
            "Chelmsford",
            "Maldon",
            "Braintree",
            "Witham",
            "Halstead",
            "Burnham-on-Crouch",
            "South Woodham Ferrers",
            "Great Baddow",
            "Danbury",
            "Heybridge",
            "Chelmer Valley",
            "Dengie",
            "Blackwater",
        ),
        ("06Q", "E10000012"),
    ),
    **dict.fromkeys(
        ("Leigh-on-Sea", "Westcliff", "Shoeburyness", "Thorpe Bay", "Prittlewell"),
        ("99G", "E06000033"),
    ),
    **dict.fromkeys(
        ("Grays", "Tilbury", "Stanford-le-Hope", "Corringham", "Purfleet", "Chafford Hundred"),
        ("07G", "E06000034"),
    ),
    **dict.fromkeys(("Colchester", "Clacton", "Harwich"), ("06T", "E10000012")),
    **dict.fromkeys(("Harlow", "Epping", "Saffron Walden", "Loughton"), ("07H", "E10000012")),
    "Thames Estuary": _SOUTH,
    "Crouch Valley": ("99E", "99F", "06Q", "E10000012"),
}
PLACES = tuple(PLACE_HOMES)
SURNAMES = (
    "Ashdown",
    "Beaumont",
    "Carrington",
    "Davenport",
    "Ellerby",
    "Fairfax",
    "Greville",
    "Hartley",
    "Ingram",
    "Kingsley",
    "Langford",
    "Merriman",
    "Norwood",
    "Oakley",
    "Pembroke",
    "Radcliffe",
    "Sherwood",
    "Thornton",
    "Underwood",
    "Whitmore",
)
# kind -> name patterns; no pattern is the start of another, so that a name cut
# short by a finance system can never be taken for a different organisation.
INVENTED_KINDS: dict[str, tuple[str, ...]] = {
    "voluntary": (
        "{place} Carers Trust",
        "{place} Council for Voluntary Service",
        "{place} Befriending Network",
        "{place} Advocacy Partnership",
        "{place} Wellbeing Collective CIC",
        "{place} Volunteer Bureau",
    ),
    "hospice": ("{place} Hospice Care Trust", "{surname} House Hospice"),
    "care home": (
        "{place} Lodge Care Home Ltd",
        "{place} Court Nursing Home Ltd",
        "{surname} House Residential Care Ltd",
        "{place} Grange Care Ltd",
    ),
    "home care": ("{place} Home Care Ltd", "{surname} Care Services Ltd"),
    "gp federation": (
        "{place} GP Alliance Ltd",
        "{place} Primary Care Federation",
        "{place} Health Partnership CIC",
    ),
    "independent": (
        "{place} Diagnostics Ltd",
        "{place} Physiotherapy Clinic Ltd",
        "{surname} Eye Clinic Ltd",
        "{surname} Surgical Centre Ltd",
    ),
    "transport": ("{place} Patient Transport Ltd", "{surname} Ambulance Services Ltd"),
}
# How often each kind turns up among the invented providers.
_KIND_WEIGHTS = {
    "voluntary": 9,
    "hospice": 2,
    "care home": 9,
    "home care": 5,
    "gp federation": 4,
    "independent": 5,
    "transport": 2,
}
# The minimum of each kind the planted situations need.
_KIND_MINIMUM = {"voluntary": 5, "hospice": 2, "care home": 3, "home care": 2}
_KIND_MINIMUM |= {"gp federation": 2, "independent": 2, "transport": 2}


def _variants(name: str) -> tuple[str, ...]:
    """Spellings of an invented name that every register would resolve to one body.

    Only changes the name normaliser undoes (case, "&", Ltd/Limited, CIC), because
    an unknown provider is created as written: a freer variant would be a new body.
    """
    variants = {name, name.upper()}
    if name.endswith(" Ltd"):
        variants.add(name[: -len(" Ltd")] + " Limited")
    if name.endswith(" CIC"):
        variants.add(name[: -len(" CIC")] + " Community Interest Company")
    if " and " in name:
        variants.add(name.replace(" and ", " & "))
    return (name, *sorted(variants - {name}))


def invent_providers(rng: random.Random, count: int) -> list[Provider]:
    """``count`` plausible small providers, unique even after normalisation."""
    taken = {normalise_name(s) for o in REFERENCE_ORGANISATIONS for s in (o.name, *o.aliases)}
    known_simple = sorted(
        simplify(s) for o in REFERENCE_ORGANISATIONS for s in (o.name, *o.aliases)
    )
    candidates: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for kind, patterns in INVENTED_KINDS.items():
        names = [
            (p.format(place=place, surname=surname), PLACE_HOMES.get(place, ()))
            for p in patterns
            for place in (PLACES if "{place}" in p else ("",))
            for surname in (SURNAMES if "{surname}" in p else ("",))
        ]
        rng.shuffle(names)
        candidates[kind] = names
    kinds = sorted(_KIND_WEIGHTS)
    wanted = [k for k, n in sorted(_KIND_MINIMUM.items()) for _ in range(n)]
    while len(wanted) < count:
        wanted.append(rng.choices(kinds, weights=[_KIND_WEIGHTS[k] for k in kinds])[0])
    chosen: list[tuple[str, str, tuple[str, ...]]] = []
    for kind in wanted:
        while candidates[kind]:
            name, home = candidates[kind].pop()
            key = normalise_name(name)
            simple = simplify(name)
            if key in taken or any(k.startswith(simple) for k in known_simple):
                continue
            taken.add(key)
            chosen.append((kind, name, home))
            break
    return [
        Provider(key=f"X{i:03d}", name=name, kind=kind, spellings=_variants(name), home=home)
        for i, (kind, name, home) in enumerate(chosen, start=1)
    ]
