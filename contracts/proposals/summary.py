"""Headline figures of the register: how many contracts, what value, held by whom.

It counts each duplicate set once and reports contracts before → after the plan,
so it reads the duplicates and the plan: it sits here, above both, not in the store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from contracts.duplicates.stored_run import duplicate_representatives
from contracts.proposals.plan import make_plan
from contracts.store.models import Contract, Proposal
from contracts.store.register import list_contracts


@dataclass
class Line:
    name: str
    code: str | None
    contracts: int = 0
    annual_value: Decimal = Decimal("0.00")
    unknown_values: int = 0

    def add(self, value: Decimal | None) -> None:
        self.contracts += 1
        if value is None:
            self.unknown_values += 1
        else:
            self.annual_value += value

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "code": self.code,
            "contracts": self.contracts,
            "annual_value": f"{self.annual_value:.2f}",
            "unknown_values": self.unknown_values,
        }


@dataclass
class RegisterSummary:
    total: Line = field(default_factory=lambda: Line("All contracts", None))
    by_commissioner: dict[str, Line] = field(default_factory=dict)
    by_provider: dict[str, Line] = field(default_factory=dict)
    by_status: dict[str, Line] = field(default_factory=dict)
    on: dt.date | None = None  # only contracts in force on this day; None: the whole register
    # Contracts recorded more than once (duplicate sets) are counted once, as
    # their representative copy; the other copies are left out of every figure.
    duplicate_sets: int = 0
    duplicates_counted_once: int = 0
    consolidation: Consolidation | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "consolidation": self.consolidation.as_dict() if self.consolidation else None,
            "contracts": self.total.contracts,
            "annual_value": f"{self.total.annual_value:.2f}",
            "unknown_values": self.total.unknown_values,
            "duplicate_sets": self.duplicate_sets,
            "duplicates_counted_once": self.duplicates_counted_once,
            "by_commissioner": [line.as_dict() for line in self.by_commissioner.values()],
            "by_provider": [line.as_dict() for line in self.by_provider.values()],
            "by_status": [line.as_dict() for line in self.by_status.values()],
            "on": self.on.isoformat() if self.on else None,
        }


def summarise_register(session: Session, *, on: dt.date | None = None) -> RegisterSummary:
    """Counts and annual value (unknown values counted, never taken as £0),
    each duplicate set counted once; with ``on``, only the contracts in force that day."""
    summary = RegisterSummary(on=on)
    by_commissioner: dict[str, Line] = {}
    by_provider: dict[str, Line] = {}
    by_status: dict[str, Line] = {}
    representatives = duplicate_representatives(session)
    counted: list[Contract] = []
    contracts = list_contracts(session, active_on=on)
    summary.duplicate_sets = len(
        {representatives[c.id] for c in contracts if c.id in representatives}
    )
    for contract in contracts:
        if representatives.get(contract.id, contract.id) != contract.id:
            summary.duplicates_counted_once += 1
            continue
        counted.append(contract)
        summary.total.add(contract.annual_value)
        lead = contract.lead_commissioner
        key = lead.name if lead else "(no commissioner)"
        by_commissioner.setdefault(key, Line(key, lead.code if lead else None)).add(
            contract.annual_value
        )
        provider = contract.provider
        key = provider.name if provider else "(no provider)"
        by_provider.setdefault(key, Line(key, provider.code if provider else None)).add(
            contract.annual_value
        )
        key = contract.status or "(no status)"
        by_status.setdefault(key, Line(key, None)).add(contract.annual_value)
    summary.by_commissioner = dict(sorted(by_commissioner.items()))
    summary.by_provider = {
        line.name: line
        for line in sorted(by_provider.values(), key=lambda line: (-line.annual_value, line.name))
    }
    summary.by_status = dict(sorted(by_status.items()))
    summary.consolidation = summarise_consolidation(session, counted)
    return summary


# --- contracts before → after the proposals --------------------------------------


@dataclass
class BeforeAfter:
    name: str
    code: str | None
    before: int = 0
    after: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "code": self.code, "before": self.before, "after": self.after}


@dataclass
class Consolidation:
    """Contracts before → after the plan: the proposals `contracts plan` picks, none sharing
    a contract, so each contract is counted once and every figure reconciles with it."""

    proposals: int = 0
    contracts_before: int = 0
    contracts_after: int = 0
    contracts_covered: int = 0
    value_covered: Decimal = Decimal("0.00")
    unknown_values_covered: int = 0
    by_commissioner: list[BeforeAfter] = field(default_factory=list)
    by_provider: list[BeforeAfter] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "proposals": self.proposals,
            "contracts_before": self.contracts_before,
            "contracts_after": self.contracts_after,
            "contracts_covered": self.contracts_covered,
            "value_covered": f"{self.value_covered:.2f}",
            "unknown_values_covered": self.unknown_values_covered,
            "by_commissioner": [line.as_dict() for line in self.by_commissioner],
            "by_provider": [line.as_dict() for line in self.by_provider],
        }


def summarise_consolidation(session: Session, counted: list[Contract]) -> Consolidation:
    """Before → after over ``counted`` (the register, each duplicate set once), by the plan.

    The same figures as ``contracts plan`` and the workbook's Summary: each
    planned proposal becomes one contract, and the proposals the plan leaves
    out (alternatives that share a contract with a planned one) do not count.
    """
    plan = make_plan(session)
    by_id = {c.id: c for c in counted}
    member_sets = {p.id: {m.id for m in p.members if m.id in by_id} for p in plan.proposals}
    member_sets = {pid: ids for pid, ids in member_sets.items() if ids}
    proposals = {
        p.id: p
        for p in session.scalars(
            select(Proposal)
            .where(Proposal.id.in_(list(member_sets)))
            .options(selectinload(Proposal.provider), selectinload(Proposal.lead_commissioner))
        )
    }
    covered: set[int] = set().union(*member_sets.values()) if member_sets else set()
    result = Consolidation(
        proposals=len(member_sets),
        contracts_before=len(counted),
        contracts_after=len(counted) - len(covered) + len(member_sets),
        contracts_covered=len(covered),
    )
    for contract_id in covered:
        value = by_id[contract_id].annual_value
        if value is None:
            result.unknown_values_covered += 1
        else:
            result.value_covered += value
    commissioners: dict[str, BeforeAfter] = {}
    providers: dict[str, BeforeAfter] = {}

    def line(lines: dict[str, BeforeAfter], org: Any, missing: str) -> BeforeAfter:
        name = org.name if org is not None else missing
        return lines.setdefault(name, BeforeAfter(name, org.code if org is not None else None))

    for contract in counted:
        stays = 0 if contract.id in covered else 1
        for lines, org, missing in (
            (commissioners, contract.lead_commissioner, "(no commissioner)"),
            (providers, contract.provider, "(no provider)"),
        ):
            entry = line(lines, org, missing)
            entry.before += 1
            entry.after += stays
    for pid in member_sets:
        line(commissioners, proposals[pid].lead_commissioner, "(no commissioner)").after += 1
        line(providers, proposals[pid].provider, "(several providers)").after += 1
    result.by_commissioner = sorted(commissioners.values(), key=lambda e: e.name)
    result.by_provider = sorted(providers.values(), key=lambda e: (-e.before, e.name))
    return result
