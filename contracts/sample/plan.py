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

from contracts.organisations.reference import THREE_HOSPITALS
from contracts.sample.background import Background
from contracts.sample.planner import OTHER_CATEGORY, OTHER_PROVIDER
from contracts.sample.terms import expired_period
from contracts.sample.world import (
    AS_AT,
    FOOTPRINT_CCGS,
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
    Decoy,
    Entity,
    World,
)

_OUTSIDE_DECOY = "outside footprint"


class _Planner(Background):
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
        first, second = (
            self.add(
                council,
                self.invented("independent", council),
                "community",
                LA_CONTRACT,
                title=title,
            )
            for council in ("E10000012", "E06000034")
        )
        self.near_miss(first, second, OTHER_PROVIDER)
        self.planted_services |= {
            (first.provider.key, "community"),
            (second.provider.key, "community"),
        }


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
