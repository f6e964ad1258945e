"""The register being planned: the building blocks the planted situations and the
background both use (add a contract, a group, a near-miss, a successor).

Every draw comes from the one seeded ``random.Random`` the planner holds, in the
order the callers make them, so a seed always gives the same world.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from contracts.sample.terms import (
    active_period,
    payment_for,
    pick_value,
    term_ending,
    title_for,
)
from contracts.sample.terms import (
    value_range as plausible_range,  # add() has a value_range argument
)
from contracts.sample.world import (
    AS_AT,
    FOOTPRINT_COMMISSIONERS,
    Entity,
    Group,
    NearMiss,
    Provider,
    World,
    invent_providers,
    reference_providers,
)

SUCCESSIVE = "successive contracts"
OTHER_PROVIDER = "same title, another provider"
OTHER_CATEGORY = "same provider and title, another service category"


class Planner:
    """The world so far, and what the background must keep clear of."""

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
