"""The background: ordinary contracts filled in around the planted situations.

The background never uses a planted provider for a planted service, so the planted
groups stay exactly what the rules should find for those providers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from contracts.organisations.reference import THREE_HOSPITALS
from contracts.sample.planner import Planner
from contracts.sample.terms import (
    active_period,
    expired_period,
    pick_value,
    title_for,
)
from contracts.sample.terms import (
    value_range as plausible_range,  # as the planner names it
)
from contracts.sample.world import (
    ASSOCIATE_CCGS,
    COUNCILS,
    FOOTPRINT_CCGS,
    LA_CONTRACT,
    NHS_SC,
    NHS_SHORT,
    OUTSIDE_CCGS,
    SLA,
    Entity,
    Provider,
)

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


class Background(Planner):
    """Fills the register around what :class:`Planner` callers planted."""

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
