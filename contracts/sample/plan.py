"""Plant the situations the tool exists for, then fill the register around them.

Every planted group is recoverable by the rules as the issue defines them: its
members are in force on 1 April 2016, held by footprint commissioners, and of
one contract form. Decoys sit right beside the groups (same provider and
service) but cannot legitimately join one: they are outside the footprint,
expired, or grants. The background never uses a planted provider for a
planted service, so the planted groups are exactly what the rules should find
for those providers.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from contracts.organisations.reference import THREE_HOSPITALS
from contracts.sample.world import (
    AS_AT,
    ASSOCIATE_CCGS,
    COUNCILS,
    FOOTPRINT_CCGS,
    FOOTPRINT_COMMISSIONERS,
    GRANT,
    LA_CONTRACT,
    MINIMUM_CONTRACTS,
    NHS_SC,
    NHS_SHORT,
    OUTSIDE_CCGS,
    RULE_NHS_AND_COUNCIL,
    RULE_ONE_COMMISSIONER_ONE_PROVIDER,
    RULE_ONE_PROVIDER_ONE_SERVICE,
    RULE_THREE_HOSPITALS,
    SLA,
    Decoy,
    Entity,
    Group,
    NearMiss,
    Provider,
    World,
    active_period,
    expired_period,
    invent_providers,
    payment_for,
    pick_value,
    reference_providers,
    term_ending,
    title_for,
)
from contracts.sample.world import (
    value_range as plausible_range,  # add() has a value_range argument
)

SUCCESSIVE = "successive contracts"
OTHER_PROVIDER = "same title, another provider"
OTHER_CATEGORY = "same provider and title, another service category"

# Share of the register each commissioner holds (weights, not percentages).
COMMISSIONER_WEIGHTS = {
    "99E": 13,
    "99F": 8,
    "06Q": 14,
    "99G": 9,
    "07G": 9,
    "E10000012": 16,
    "E06000033": 7,
    "E06000034": 6,
    "06T": 10,
    "07H": 8,
}
# Which services each kind of provider offers.
KIND_CATEGORIES: dict[str, tuple[str, ...]] = {
    "acute trust": ("acute", "diagnostics", "urgent care"),
    "ambulance trust": ("ambulance", "nhs 111", "patient transport"),
    "community trust": ("community", "learning disabilities"),
    "mental health trust": ("mental health", "learning disabilities", "public health"),
    "community interest company": ("community", "continuing healthcare", "social care"),
    "voluntary": ("voluntary sector support", "mental health", "learning disabilities"),
    "hospice": ("end of life care",),
    "care home": ("residential care", "continuing healthcare"),
    "home care": ("social care", "learning disabilities"),
    "gp federation": ("primary care", "urgent care"),
    "independent": ("diagnostics", "community", "acute"),
    "transport": ("patient transport",),
}
COUNCIL_CATEGORIES = {
    "social care",
    "residential care",
    "public health",
    "voluntary sector support",
    "learning disabilities",
    "community",
}
CCG_CATEGORIES = {c for cats in KIND_CATEGORIES.values() for c in cats} - {
    "social care",
    "public health",
}
# Providers each commissioner's background draws on (reference keys), and how often.
REFERENCE_CHOICES = {
    "ccg": ("RDD", "RQ8", "RAJ", "RYC", "RAT", "RWN", "PROVIDE", "RDE", "RQW"),
    "council": ("RWN", "RAJ", "RAT", "PROVIDE"),
    "06T": ("RDE", "RRD", "PROVIDE", "RYC"),
    "07H": ("RQW", "RAT", "RYC"),
}
_OUTSIDE_DECOY = "outside footprint"


class _Planner:
    def __init__(self, rng: random.Random, contracts: int) -> None:
        self.rng = rng
        self.world = World(seed=0)
        self.ref = reference_providers()
        self.world.invented = invent_providers(rng, max(40, contracts // 10))
        self._unused = {p.key: p for p in self.world.invented}
        self._local: dict[str, list[Provider]] = {}
        self._by_signature: dict[tuple[str, str, str], list[Entity]] = {}
        # (provider key, category) and (commissioner, provider key) the background avoids
        self.planted_services: set[tuple[str, str]] = set()
        self.planted_pairs: set[tuple[str, str]] = set()
        # What is already in force in the footprint, so the background seldom
        # makes accidental overlaps (some are realistic; a register of them is not).
        self.active_pairs: set[tuple[str, str]] = set()
        self.active_services: dict[tuple[str, str], set[str]] = {}

    # --- building blocks ---------------------------------------------------------

    def invented(self, kind: str, *serving: str) -> Provider:
        """An unused invented provider of ``kind``, local to ``serving`` where one is."""
        of_kind = [key for key in sorted(self._unused) if self._unused[key].kind == kind]
        local = [k for k in of_kind if all(self._unused[k].serves(c) for c in serving)]
        if not of_kind:
            raise AssertionError(f"no invented provider of kind {kind!r} is left")
        return self._unused.pop((local or of_kind)[0])

    def add(
        self,
        lead: str,
        provider: Provider,
        category: str,
        form: str,
        *,
        associates: tuple[str, ...] = (),
        title: str | None = None,
        period: tuple[dt.date, dt.date] | None = None,
        value: Decimal | None = None,
        value_range: tuple[int, int] | None = None,
        value_known: bool = True,
    ) -> Entity:
        rng = self.rng
        start, end = period or active_period(rng)
        if value is None and value_known:
            low, high = value_range or plausible_range(category, provider)
            value = pick_value(rng, category, low=low, high=high)
        entity = Entity(
            key=f"E{len(self.world.entities) + 1:04d}",
            lead=lead,
            associates=associates,
            provider=provider,
            category=category,
            form=form,
            title=title or title_for(rng, category, lead),
            start=start,
            end=end,
            annual_value=value,
            payment=payment_for(rng, category),
        )
        self.world.entities.append(entity)
        self._by_signature.setdefault((lead, provider.key, entity.title), []).append(entity)
        if entity.is_active and lead in FOOTPRINT_COMMISSIONERS:
            self.active_pairs.add((lead, provider.key))
            self.active_services.setdefault((provider.key, category), set()).add(lead)
        return entity

    def group(self, rule: str, members: list[Entity]) -> None:
        gid = f"G{len(self.world.groups) + 1:02d}"
        self.world.groups.append(Group(gid, rule, members))
        for member in members:
            self.planted_services.add((member.provider.key, member.category))

    def near_miss(self, first: Entity, second: Entity, why: str) -> None:
        self.world.near_misses.append(NearMiss(first, second, why))

    def successor_of(self, old: Entity, years: int) -> Entity:
        """The contract that took over from ``old`` the day after it ended."""
        start = old.end + dt.timedelta(days=1)
        while term_ending(start, years) < AS_AT:
            years += 1  # a successor is the contract in force on the day
        new = self.add(
            old.lead,
            old.provider,
            old.category,
            old.form,
            associates=old.associates,
            title=old.title,
            period=(start, term_ending(start, years)),
        )
        self.near_miss(old, new, SUCCESSIVE)
        return new

    # --- the planted situations --------------------------------------------------

    def plant(self) -> None:
        self._ambulance()
        self._mental_health()
        self._hospice_and_transport()
        self._carers()
        self._three_hospitals()
        self._nhs_and_council()
        self._one_commissioner_one_provider()
        self._other_category_and_title()

    def _ambulance(self) -> None:
        ryc = self.ref["RYC"]
        lead = self.add("99E", ryc, "ambulance", NHS_SC, associates=("99F",))
        old = self.add(
            "06Q", ryc, "ambulance", NHS_SC, period=(dt.date(2013, 4, 1), AS_AT - dt.timedelta(1))
        )
        mid = self.successor_of(old, 3)
        others = [self.add(c, ryc, "ambulance", NHS_SC) for c in ("99G", "07G")]
        self.group(RULE_ONE_PROVIDER_ONE_SERVICE, [lead, mid, *others])
        for ccg in OUTSIDE_CCGS:
            self.add(ccg, ryc, "ambulance", NHS_SC)

    def _mental_health(self) -> None:
        rwn = self.ref["RWN"]
        first = self.add("99E", rwn, "mental health", NHS_SC, value_range=(12_000_000, 30_000_000))
        old = self.add(
            "99F",
            rwn,
            "mental health",
            NHS_SC,
            period=(dt.date(2013, 4, 1), dt.date(2015, 3, 31)),
            value_range=(6_000_000, 14_000_000),
        )
        second = self.successor_of(old, 3)
        rest = [
            self.add(c, rwn, "mental health", NHS_SC, value_range=(8_000_000, 24_000_000))
            for c in ("99G", "07G")
        ]
        self.group(RULE_ONE_PROVIDER_ONE_SERVICE, [first, second, *rest])
        self.mental_health_99e = first
        self.add(
            "06T", self.ref["RRD"], "mental health", NHS_SC, value_range=(15_000_000, 30_000_000)
        )

    def _hospice_and_transport(self) -> None:
        hospice = self.invented("hospice", "99E", "99F", "99G", "E06000033")
        members = [
            self.add(c, hospice, "end of life care", NHS_SHORT) for c in ("99E", "99F", "99G")
        ]
        self.group(RULE_ONE_PROVIDER_ONE_SERVICE, members)
        self.add(
            "E06000033",
            hospice,
            "end of life care",
            GRANT,
            title="Hospice Grant",
            value_range=(40_000, 240_000),
        )
        transport = self.invented("transport", "99E", "06Q", "99F", "07G")
        members = [
            self.add("99E", transport, "patient transport", NHS_SC, associates=("07G",)),
            self.add("06Q", transport, "patient transport", NHS_SC),
            self.add("99F", transport, "patient transport", NHS_SC),
        ]
        self.group(RULE_ONE_PROVIDER_ONE_SERVICE, members)

    def _carers(self) -> None:
        carers = self.invented("voluntary", "06Q", "99E", "E10000012")
        other = self.invented("voluntary", "99F")
        category = "voluntary sector support"
        title = "Carers Support Service"
        first = self.add("06Q", carers, category, NHS_SHORT, title=title)
        second = self.add("99E", carers, category, NHS_SHORT)
        self.group(RULE_ONE_PROVIDER_ONE_SERVICE, [first, second])
        self.add(
            "E10000012",
            carers,
            category,
            GRANT,
            title="Carers Grant",
            value_range=(25_000, 180_000),
        )
        self.add(
            "E10000012", carers, category, LA_CONTRACT, title=title, period=expired_period(self.rng)
        )
        lookalike = self.add("99F", other, category, NHS_SHORT, title=title)
        self.near_miss(first, lookalike, OTHER_PROVIDER)

    def _three_hospitals(self) -> None:
        rdd, rq8, raj = (self.ref[code] for code in THREE_HOSPITALS)
        members = [
            self.add(
                "99E",
                rdd,
                "acute",
                NHS_SC,
                associates=("07G",),
                value_range=(90_000_000, 190_000_000),
            ),
            self.add("06Q", rq8, "acute", NHS_SC, value_range=(120_000_000, 210_000_000)),
            self.add(
                "99G",
                raj,
                "acute",
                NHS_SC,
                associates=("99F",),
                value_range=(100_000_000, 180_000_000),
            ),
        ]
        hosted = {("99E", "RDD"), ("07G", "RDD"), ("06Q", "RQ8"), ("99G", "RAJ"), ("99F", "RAJ")}
        separate: dict[tuple[str, str], Entity] = {}
        for ccg in FOOTPRINT_CCGS:
            for hospital in (rdd, rq8, raj):
                if (ccg, hospital.key) in hosted:
                    continue
                if (ccg, hospital.key) == ("99G", "RDD"):
                    old = self.add(
                        ccg,
                        hospital,
                        "acute",
                        NHS_SC,
                        period=(dt.date(2013, 4, 1), dt.date(2015, 3, 31)),
                    )
                    separate[ccg, hospital.key] = self.successor_of(old, 3)
                    continue
                title = "Acute Services Contract" if ccg == "99E" else None
                separate[ccg, hospital.key] = self.add(ccg, hospital, "acute", NHS_SC, title=title)
        self.near_miss(separate["99E", "RQ8"], separate["99E", "RAJ"], OTHER_PROVIDER)
        members += list(separate.values())
        members.append(self.add("99E", rdd, "a&e", NHS_SC))
        self.group(RULE_THREE_HOSPITALS, members)
        for ccg, provider, low, high in (
            ("06T", rq8, 2_000_000, 9_000_000),
            ("07H", rq8, 1_000_000, 6_000_000),
            ("06T", self.ref["RDE"], 150_000_000, 230_000_000),
            ("07H", self.ref["RQW"], 110_000_000, 190_000_000),
        ):
            self.add(ccg, provider, "acute", NHS_SC, value_range=(low, high))

    def _nhs_and_council(self) -> None:
        for ccg, council, key, outside, nhs_range, council_range in (
            ("06Q", "E10000012", "PROVIDE", "06T", (18_000_000, 34_000_000), (900_000, 4_000_000)),
            ("07G", "E06000034", "RAT", "07H", (9_000_000, 20_000_000), (500_000, 3_000_000)),
        ):
            provider = self.ref[key]
            members = [
                self.add(ccg, provider, "community", NHS_SC, value_range=nhs_range),
                self.add(council, provider, "community", LA_CONTRACT, value_range=council_range),
            ]
            self.group(RULE_NHS_AND_COUNCIL, members)
            self.add(outside, provider, "community", NHS_SC, value_range=nhs_range)

    def _one_commissioner_one_provider(self) -> None:
        rwn = self.ref["RWN"]
        members = [
            self.mental_health_99e,
            self.add("99E", rwn, "community", NHS_SC, value_range=(8_000_000, 22_000_000)),
            self.add("99E", rwn, "learning disabilities", NHS_SC),
        ]
        self.group(RULE_ONE_COMMISSIONER_ONE_PROVIDER, members)
        self.planted_pairs.add(("99E", "RWN"))

        care = self.invented("care home", "E10000012")
        old = self.add(
            "E10000012", care, "residential care", LA_CONTRACT, period=expired_period(self.rng)
        )
        members = [
            self.successor_of(old, 3),
            self.add("E10000012", care, "continuing healthcare", LA_CONTRACT),
        ]
        self.group(RULE_ONE_COMMISSIONER_ONE_PROVIDER, members)
        self.planted_pairs.add(("E10000012", care.key))

        federation = self.invented("gp federation", "06Q")
        members = [
            self.add("06Q", federation, "primary care", NHS_SHORT),
            self.add("06Q", federation, "urgent care", NHS_SHORT, value_range=(600_000, 2_500_000)),
        ]
        self.group(RULE_ONE_COMMISSIONER_ONE_PROVIDER, members)
        self.planted_pairs.add(("06Q", federation.key))

    def _other_category_and_title(self) -> None:
        home = self.invented("home care", "99G", "E06000033")
        title = "Support at Home Service"
        nhs = self.add(
            "99G", home, "community", NHS_SHORT, title=title, value_range=(150_000, 600_000)
        )
        council = self.add("E06000033", home, "social care", LA_CONTRACT, title=title)
        self.near_miss(nhs, council, OTHER_CATEGORY)
        self.planted_services |= {(home.key, "community"), (home.key, "social care")}

        title = "Community Equipment Service"
        first = self.add(
            "E10000012",
            self.invented("independent", "E10000012"),
            "community",
            LA_CONTRACT,
            title=title,
        )
        second = self.add(
            "E06000034",
            self.invented("independent", "E06000034"),
            "community",
            LA_CONTRACT,
            title=title,
        )
        self.near_miss(first, second, OTHER_PROVIDER)
        self.planted_services |= {
            (first.provider.key, "community"),
            (second.provider.key, "community"),
        }

    # --- the background ----------------------------------------------------------

    def fill(self, contracts: int) -> None:
        """Add background contracts until the registers hold ``contracts`` rows."""
        rows = sum(len(e.keepers) for e in self.world.entities)
        commissioners = sorted(COMMISSIONER_WEIGHTS)
        weights = [COMMISSIONER_WEIGHTS[c] for c in commissioners]
        while rows < contracts:
            lead = self.rng.choices(commissioners, weights=weights)[0]
            entity = self._background(lead, room=contracts - rows)
            if entity is not None:
                rows += len(entity.keepers)

    def _background(self, lead: str, room: int) -> Entity | None:
        rng = self.rng
        expired = rng.randrange(10) == 0
        provider, category = self._provider_and_category(lead, expired)
        if provider is None:
            return None
        associates: tuple[str, ...] = ()
        if lead in ASSOCIATE_CCGS and not expired and room > 2 and rng.randrange(7) == 0:
            others = [c for c in ASSOCIATE_CCGS if c != lead]
            associates = tuple(sorted(rng.sample(others, rng.choice((1, 1, 2)))))
        low, high = plausible_range(category, provider)
        value = pick_value(rng, category, low=low, high=high)
        known = not (lead in (*COUNCILS, "06T") and rng.randrange(25) == 0)
        for _attempt in range(6):
            base = title_for(rng, category, lead)
            period = expired_period(rng) if expired else active_period(rng)
            if not self._lookalike(lead, provider, base, period):
                break
        title, lot = base, 1
        while self._lookalike(lead, provider, title, period):
            # Only a big register runs out of titles and periods: another lot of
            # one framework is a different contract, and says so in its title.
            lot += 1
            title = f"{base} – Lot {lot}"
        return self.add(
            lead,
            provider,
            category,
            self._form(lead, provider, value),
            associates=associates,
            title=title,
            period=period,
            value=value if known else None,
            value_known=known,
        )

    def _lookalike(
        self, lead: str, provider: Provider, title: str, period: tuple[dt.date, dt.date]
    ) -> bool:
        """Whether a contract like this is already in force: one commissioner, one
        provider, one title, overlapping periods. That would be a duplicate no one
        could tell apart, not a different contract."""
        start, end = period
        return any(
            other.start <= end and start <= other.end
            for other in self._by_signature.get((lead, provider.key, title), [])
        )

    def _provider_and_category(self, lead: str, expired: bool) -> tuple[Provider | None, str]:
        rng = self.rng
        kind = "ccg" if lead in FOOTPRINT_CCGS else "council" if lead in COUNCILS else lead
        allowed = COUNCIL_CATEGORIES if kind == "council" else CCG_CATEGORIES
        for attempt in range(50):
            if lead not in self._local:
                self._local[lead] = [p for p in self.world.invented if p.serves(lead)]
            local = self._local[lead]
            if rng.randrange(3) == 0 or not local:
                provider = self.ref[rng.choice(REFERENCE_CHOICES[kind])]
            else:
                provider = rng.choice(local)
            categories = [
                c
                for c in KIND_CATEGORIES[provider.kind]
                if c in allowed and (expired or self._free(lead, provider, c, strict=attempt < 8))
            ]
            if categories:
                return provider, rng.choice(categories)
        return None, ""

    def _free(self, lead: str, provider: Provider, category: str, *, strict: bool) -> bool:
        """Whether a background contract here would stay out of every planted group."""
        if lead in OUTSIDE_CCGS:
            return True
        if (provider.key, category) in self.planted_services:
            return False
        if (lead, provider.key) in self.planted_pairs:
            return False
        if provider.key in THREE_HOSPITALS and category in ("acute", "a&e"):
            return False
        # One accidental overlap in five is kept: real registers have them too. A big
        # register runs out of free combinations, so after a few tries any will do.
        if not strict:
            return True
        overlaps = (lead, provider.key) in self.active_pairs or bool(
            self.active_services.get((provider.key, category), set()) - {lead}
        )
        return not overlaps or self.rng.randrange(5) == 0

    def _form(self, lead: str, provider: Provider, value: Decimal | None) -> str:
        if lead in COUNCILS:
            return SLA if provider.code and self.rng.randrange(4) == 0 else LA_CONTRACT
        small = value is not None and value < Decimal(1_000_000)
        return NHS_SHORT if small and not provider.code else NHS_SC


def build_world(seed: int = 1, contracts: int = 320) -> World:
    """The whole invented register for ``seed``: entities, planted groups and decoys."""
    if contracts < MINIMUM_CONTRACTS:
        raise ValueError(f"a sample needs at least {MINIMUM_CONTRACTS} contracts")
    planner = _Planner(random.Random(seed), contracts)
    planner.world.seed = seed
    planner.plant()
    planner.fill(contracts)
    world = planner.world
    for entity in world.entities:
        if entity.lead in OUTSIDE_CCGS:
            world.decoys.append(Decoy(entity, _OUTSIDE_DECOY))
        elif not entity.is_active:
            world.decoys.append(Decoy(entity, "expired"))
        elif entity.form == GRANT:
            world.decoys.append(Decoy(entity, "grant agreement"))
    return world
