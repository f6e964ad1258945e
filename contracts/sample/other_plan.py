"""Plant the other publishers' world: twelve groups, their near-misses and decoys.

Planned as a commissioning analyst would describe mid and south Essex in
April 2018, not from the tool's rules: ambulance, NHS 111, mental health,
hospice, transport and continuing healthcare bought separately by several
CCGs; the three hospitals' acute and A&E contracts; community services bought
by a CCG and its council from one provider; a commissioner holding several
contracts with one provider. Decoys sit beside them (outside the footprint,
ended, grants) and the background never reuses a planted provider for a
planted service.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from contracts.sample.other_world import (
    AS_AT,
    CCGS,
    COUNCIL_SERVICES,
    COUNCILS,
    EPUT_FROM,
    GRANT,
    KEEP_ASSOCIATE_COPIES,
    LA_CONTRACT,
    MERGED_INTO_EPUT,
    NHS_SC,
    NHS_SHORT,
    OUTSIDE,
    REFERENCE_BODIES,
    TITLES,
    VALUES,
    Body,
    Entity,
    World,
    invent,
)

ONE_PROVIDER_ONE_SERVICE = "one-provider-one-service"
ONE_COMMISSIONER_ONE_PROVIDER = "one-commissioner-one-provider"
THREE_HOSPITALS = "three-hospitals"
NHS_AND_COUNCIL = "nhs-and-council"
MINIMUM_CONTRACTS = 120
WEIGHTS = {"99E": 12, "99F": 8, "06Q": 13, "99G": 9, "07G": 8}
WEIGHTS |= {"E10000012": 15, "E06000033": 7, "E06000034": 6, "06T": 9, "07H": 7}


def fy_start(year: int, month: int = 4) -> dt.date:
    return dt.date(year, month, 1)


def ending(start: dt.date, years: int) -> dt.date:
    return start.replace(year=start.year + years) - dt.timedelta(days=1)


def term(year: int, years: int, month: int = 4) -> tuple[dt.date, dt.date]:
    """A planted contract's period: ``years`` whole years from the 1st of ``month``."""
    return fy_start(year, month), ending(fy_start(year, month), years)


class _Plan:
    def __init__(self, seed: int, contracts: int) -> None:
        self.rng = random.Random(f"other-publishers:{seed}")
        self.world = World(seed)
        self.world.invented = invent(self.rng, max(36, contracts // 9))
        self.free = list(self.world.invented)
        self.planted: set[tuple[str, str]] = set()  # (provider key, service)
        self.planted_pairs: set[tuple[str, str]] = set()  # (commissioner, provider key)
        self.signatures: set[tuple[str, str, str]] = set()  # active (lead, provider, service)

    # --- building blocks ---------------------------------------------------------

    def body(self, key: str) -> Body:
        return REFERENCE_BODIES[key]

    def take(self, service: str, *serving: str) -> Body:
        """An unused invented provider offering ``service``, local to ``serving`` if one is."""
        offering = [b for b in self.free if service in b.services]
        local = [b for b in offering if not b.local_to or set(serving) <= set(b.local_to)]
        chosen = (local or offering)[0]
        self.free.remove(chosen)
        return chosen

    def period(self) -> tuple[dt.date, dt.date]:
        """A term in force on the day: financial years, sometimes from October."""
        while True:
            start = fy_start(
                self.rng.choice((2014, 2015, 2016, 2017, 2018)), self.rng.choice((4, 4, 4, 10))
            )
            end = ending(start, self.rng.choice((1, 2, 3, 3, 5)))
            if start <= AS_AT <= end:
                return start, end

    def ended(self) -> tuple[dt.date, dt.date]:
        start = fy_start(self.rng.choice((2012, 2013, 2014, 2015)))
        end = ending(start, self.rng.choice((1, 2)))
        return start, min(end, AS_AT - dt.timedelta(days=1))

    def value(self, service: str, low: int = 0, high: int = 0) -> Decimal:
        lo, hi = (low, high) if high else VALUES[service]
        pounds = self.rng.randint(lo, hi)
        if self.rng.randrange(3):
            return Decimal(round(pounds, -3))
        return Decimal(pounds) + Decimal(self.rng.randrange(100)) / 100

    def add(
        self,
        lead: str,
        body: Body,
        service: str,
        form: str,
        *,
        associates: tuple[str, ...] = (),
        title: str | None = None,
        period: tuple[dt.date, dt.date] | None = None,
        value: Decimal | None = None,
        values: tuple[int, int] = (0, 0),
        known: bool = True,
    ) -> Entity:
        start, end = period or self.period()
        if body.key in MERGED_INTO_EPUT and start >= EPUT_FROM:
            body = self.body("R1L")  # a contract let after the merger names EPUT
        entity = Entity(
            key=f"Q{len(self.world.entities) + 1:04d}",
            lead=lead,
            associates=associates,
            body=body,
            service=service,
            form=form,
            title=title or self.rng.choice(TITLES[service]),
            start=start,
            end=end,
            annual_value=(value or self.value(service, *values)) if known else None,
        )
        self.world.entities.append(entity)
        if entity.is_active:
            self.signatures.add((lead, body.key, service))
        return entity

    def group(self, rule: str, members: list[Entity]) -> None:
        self.world.groups.append((f"OG{len(self.world.groups) + 1:02d}", rule, members))
        for member in members:
            self.planted.add((member.body.key, member.service))

    def follows(self, old: Entity, years: int) -> Entity:
        """The contract let the day after ``old`` ended: same lead, provider and service."""
        start = old.end + dt.timedelta(days=1)
        while ending(start, years) < AS_AT:
            years += 1
        new = self.add(
            old.lead,
            old.body,
            old.service,
            old.form,
            associates=old.associates,
            title=old.title,
            period=(start, ending(start, years)),
            values=(
                int(old.annual_value or 1_000_000),
                int((old.annual_value or 1_000_000) * 11 / 10),
            ),
        )
        self.world.near_misses.append((old, new, "successive contracts"))
        return new

    # --- the twelve planted groups -------------------------------------------------

    def plant(self) -> None:
        ryc = self.body("RYC")
        lead = self.add("99E", ryc, "ambulance", NHS_SC, associates=("99F", "07G"))
        old = self.add("06Q", ryc, "ambulance", NHS_SC, period=term(2015, 2))
        self.group(
            ONE_PROVIDER_ONE_SERVICE,
            [lead, self.follows(old, 2), self.add("99G", ryc, "ambulance", NHS_SC)],
        )
        for ccg in OUTSIDE:
            self.add(ccg, ryc, "ambulance", NHS_SC)
        self.group(
            ONE_PROVIDER_ONE_SERVICE,
            [self.add(c, ryc, "nhs 111", NHS_SC) for c in ("06Q", "99E", "07G")],
        )
        self._mental_health()
        self._hospitals()
        for ccg, council, key, outside in (
            ("06Q", "E10000012", "PROVIDE", "06T"),
            ("07G", "E06000034", "RAT", "07H"),
        ):
            body = self.body(key)
            members = [
                self.add(ccg, body, "community", NHS_SC, values=(9_000_000, 30_000_000)),
                self.add(council, body, "community", LA_CONTRACT, values=(600_000, 3_000_000)),
            ]
            self.group(NHS_AND_COUNCIL, members)
            self.add(outside, body, "community", NHS_SC)
        self._small_providers()

    def _mental_health(self) -> None:
        rwn, eput = self.body("RWN"), self.body("R1L")
        first = self.add(
            "99E",
            eput,
            "mental health",
            NHS_SC,
            period=(EPUT_FROM, ending(EPUT_FROM, 3)),
            values=(14_000_000, 30_000_000),
        )
        second = self.add(
            "99F",
            rwn,
            "mental health",
            NHS_SC,
            period=term(2016, 3),
            values=(6_000_000, 14_000_000),
        )
        third = self.add("99G", eput, "mental health", NHS_SC, values=(8_000_000, 20_000_000))
        fourth = self.add(
            "07G",
            rwn,
            "mental health",
            NHS_SC,
            period=term(2015, 3, month=10),
            values=(7_000_000, 16_000_000),
        )
        self.group(ONE_PROVIDER_ONE_SERVICE, [first, second, third, fourth])
        self.add("06T", self.body("RRD"), "mental health", NHS_SC, period=term(2016, 3))
        # The same provider and title for another service: a near-miss, not a copy.
        ld = self.add(
            "99E",
            eput,
            "learning disability",
            NHS_SC,
            title=first.title,
            period=(first.start, first.end),
        )
        self.world.near_misses.append((first, ld, "same provider and title, another service"))
        self.planted_pairs.add(("99E", "R1L"))

    def _hospitals(self) -> None:
        rdd, rq8, raj = (self.body(k) for k in ("RDD", "RQ8", "RAJ"))
        members = [
            self.add(
                "99E", rdd, "acute", NHS_SC, associates=("07G",), values=(90_000_000, 180_000_000)
            ),
            self.add("99E", rdd, "emergency", NHS_SC, values=(9_000_000, 18_000_000)),
            self.add("06Q", rq8, "acute", NHS_SC, values=(120_000_000, 200_000_000)),
            self.add("06Q", rq8, "emergency", NHS_SC, values=(8_000_000, 16_000_000)),
            self.add(
                "99G", raj, "acute", NHS_SC, associates=("99F",), values=(100_000_000, 170_000_000)
            ),
            self.add("99E", raj, "acute", NHS_SC, values=(2_000_000, 9_000_000)),
            self.add("99F", rdd, "acute", NHS_SC, values=(4_000_000, 15_000_000)),
            self.add("07G", rq8, "acute", NHS_SC, values=(1_000_000, 6_000_000)),
        ]
        old = self.add(
            "99G", rdd, "acute", NHS_SC, period=term(2014, 3), values=(3_000_000, 9_000_000)
        )
        members.append(self.follows(old, 2))
        self.group(THREE_HOSPITALS, members)
        for ccg, key in (("06T", "RQ8"), ("07H", "RQ8"), ("06T", "RDE"), ("07H", "RQW")):
            self.add(ccg, self.body(key), "acute", NHS_SC)

    def _small_providers(self) -> None:
        hospice = self.take("end of life", "99E", "99F", "99G")
        self.group(
            ONE_PROVIDER_ONE_SERVICE,
            [self.add(c, hospice, "end of life", NHS_SHORT) for c in ("99E", "99F", "99G")],
        )
        self.add(
            "E06000033",
            hospice,
            "end of life",
            GRANT,
            title="Hospice Grant",
            values=(40_000, 200_000),
        )
        transport = self.take("transport", "99E", "06Q", "99F")
        self.group(
            ONE_PROVIDER_ONE_SERVICE,
            [
                self.add("99E", transport, "transport", NHS_SC, associates=("07G",)),
                self.add("06Q", transport, "transport", NHS_SC),
                self.add("99F", transport, "transport", NHS_SC),
            ],
        )
        carers, other = self.take("carers", "E10000012"), self.take("carers", "E06000034")
        title = "Carers Support Service"
        first = self.add("E10000012", carers, "carers", LA_CONTRACT, title=title)
        self.group(
            ONE_PROVIDER_ONE_SERVICE, [first, self.add("E06000033", carers, "carers", LA_CONTRACT)]
        )
        self.add(
            "E06000034", carers, "carers", GRANT, title="Carers Grant", values=(20_000, 120_000)
        )
        self.add("E10000012", carers, "carers", LA_CONTRACT, title=title, period=self.ended())
        lookalike = self.add("E06000034", other, "carers", LA_CONTRACT, title=title)
        self.world.near_misses.append((first, lookalike, "same title, another provider"))
        federation = self.take("urgent care", "06Q")
        self.group(
            ONE_COMMISSIONER_ONE_PROVIDER,
            [self.add("06Q", federation, s, NHS_SHORT) for s in ("urgent care", "primary care")],
        )
        self.planted_pairs.add(("06Q", federation.key))
        home = self.take("home care", "E06000033")
        self.group(
            ONE_COMMISSIONER_ONE_PROVIDER,
            [self.add("E06000033", home, s, LA_CONTRACT) for s in ("home care", "reablement")],
        )
        self.planted_pairs.add(("E06000033", home.key))
        care = self.take("chc", "99E", "99F")
        self.group(
            ONE_PROVIDER_ONE_SERVICE,
            [
                self.add(c, care, "chc", NHS_SHORT, values=(150_000, 900_000))
                for c in ("99E", "99F", "07G")
            ],
        )

    # --- the background --------------------------------------------------------------

    def fill(self, contracts: int) -> None:
        rows = sum(len(e.keepers) for e in self.world.entities)
        leads = sorted(WEIGHTS)
        while rows < contracts:
            lead = self.rng.choices(leads, weights=[WEIGHTS[c] for c in leads])[0]
            entity = self._background(lead)
            if entity is not None:
                rows += len(entity.keepers)

    def _background(self, lead: str) -> Entity | None:
        rng = self.rng
        expired = rng.randrange(9) == 0
        council = lead in COUNCILS
        for _ in range(30):
            if rng.randrange(3) == 0 or not self.world.invented:
                body = self.body(
                    rng.choice(("RDD", "RQ8", "RAJ", "RYC", "RAT", "R1L", "PROVIDE", "RDE"))
                )
            else:
                body = rng.choice(self.world.invented)
                if body.local_to and lead not in body.local_to:
                    continue
            services = [
                s
                for s in body.services
                if (s in COUNCIL_SERVICES) == council and self._free(lead, body, s, expired)
            ]
            if services:
                break
        else:
            return None
        service = rng.choice(services)
        period = self.ended() if expired else None
        associates: tuple[str, ...] = ()
        if lead in CCGS and not expired and rng.randrange(6) == 0:
            others = [c for c in KEEP_ASSOCIATE_COPIES if c != lead]
            associates = tuple(sorted(rng.sample(others, rng.choice((1, 1, 2)))))
        if council:
            form = LA_CONTRACT
        elif body.code is None and rng.randrange(2):
            form = NHS_SHORT
        else:
            form = NHS_SC
        return self.add(
            lead,
            body,
            service,
            form,
            associates=associates,
            period=period,
            known=rng.randrange(30) > 0,
        )

    def _free(self, lead: str, body: Body, service: str, expired: bool) -> bool:
        if lead in OUTSIDE or expired:
            return True
        if (body.key, service) in self.planted or (lead, body.key) in self.planted_pairs:
            return False
        if body.key in ("RDD", "RQ8", "RAJ") and service in ("acute", "emergency"):
            return False
        key = "R1L" if body.key in MERGED_INTO_EPUT else body.key
        return (lead, key, service) not in self.signatures


def build_other_world(seed: int, contracts: int) -> World:
    """The other publishers' register for ``seed``: entities, groups, near-misses, decoys."""
    plan = _Plan(seed, contracts)
    plan.plant()
    plan.fill(contracts)
    world = plan.world
    for entity in world.entities:
        if entity.lead in OUTSIDE:
            world.decoys.append((entity, "outside footprint"))
        elif not entity.is_active:
            world.decoys.append((entity, "expired"))
        elif entity.form == GRANT:
            world.decoys.append((entity, "grant agreement"))
    return world
