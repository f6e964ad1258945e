"""Headline figures of the register: how many contracts, what value, held by whom.

It counts each duplicate set once and reports contracts before → after the plan,
so it reads the duplicates and the plan: it sits here, above both, not in the store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from contracts.duplicates.stored_run import duplicate_representatives
from contracts.proposals.plan import make_plan
from contracts.store.models import Contract, ContractParty, Organisation, PartyRole, Proposal


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


@dataclass(frozen=True, slots=True)
class Counted:
    """A contract the summary counts (a duplicate set's representative), as columns."""

    annual_value: Decimal | None
    lead_id: int | None
    provider_id: int | None
    status: str | None


_CHUNK = 5_000


def _counted_contracts(
    session: Session, representatives: dict[int, int], on: dt.date | None
) -> tuple[dict[int, Counted], int, int]:
    """The register's contracts (in force ``on``, if given), each duplicate set once,
    streamed as columns: at 100,000 contracts ORM objects with their parties cost most
    of a gigabyte. Also how many were listed, and how many duplicate sets they hold."""
    # Options on each statement: on the connection they would outlive the read (a
    # server-side cursor for the next INSERT, which PostgreSQL refuses).
    connection = session.connection()
    leads: dict[int, int] = {}
    for contract_id, org_id in connection.execute(
        select(ContractParty.contract_id, ContractParty.organisation_id)
        .where(ContractParty.role == PartyRole.LEAD)
        .order_by(ContractParty.id)
        .execution_options(yield_per=_CHUNK)
    ):
        leads.setdefault(contract_id, org_id)
    statement = select(Contract.id, Contract.annual_value, Contract.provider_id, Contract.status)
    statement = statement.where(Contract.in_register.is_(True))
    if on is not None:
        statement = statement.where(
            or_(Contract.start_date.is_(None), Contract.start_date <= on),
            or_(Contract.end_date.is_(None), Contract.end_date >= on),
        )
    counted: dict[int, Counted] = {}
    statuses: dict[str | None, str | None] = {}  # each status's text once, not per contract
    listed = 0
    sets: set[int] = set()
    for contract_id, value, provider_id, status in connection.execute(
        statement.order_by(Contract.source, Contract.source_row).execution_options(
            yield_per=_CHUNK
        )  # as `list` orders them
    ):
        listed += 1
        if contract_id in representatives:
            sets.add(representatives[contract_id])
        if representatives.get(contract_id, contract_id) == contract_id:
            status = statuses.setdefault(status, status)
            counted[contract_id] = Counted(value, leads.get(contract_id), provider_id, status)
    return counted, listed, len(sets)


def _names(session: Session) -> dict[int, tuple[str, str | None]]:
    rows = session.connection().execute(
        select(Organisation.id, Organisation.name, Organisation.ods_code, Organisation.gss_code)
    )
    return {org_id: (name, ods or gss) for org_id, name, ods, gss in rows}


def summarise_register(session: Session, *, on: dt.date | None = None) -> RegisterSummary:
    """Counts and annual value (unknown values counted, never taken as £0),
    each duplicate set counted once; with ``on``, only the contracts in force that day."""
    summary = RegisterSummary(on=on)
    by_commissioner: dict[str, Line] = {}
    by_provider: dict[str, Line] = {}
    by_status: dict[str, Line] = {}
    representatives = duplicate_representatives(session)
    counted, listed, summary.duplicate_sets = _counted_contracts(session, representatives, on)
    summary.duplicates_counted_once = listed - len(counted)
    names = _names(session)
    for contract in counted.values():
        summary.total.add(contract.annual_value)
        for lines, org_id, missing in (
            (by_commissioner, contract.lead_id, "(no commissioner)"),
            (by_provider, contract.provider_id, "(no provider)"),
        ):
            name, code = names[org_id] if org_id is not None else (missing, None)
            lines.setdefault(name, Line(name, code)).add(contract.annual_value)
        key = contract.status or "(no status)"
        by_status.setdefault(key, Line(key, None)).add(contract.annual_value)
    summary.by_commissioner = dict(sorted(by_commissioner.items()))
    summary.by_provider = {
        line.name: line
        for line in sorted(by_provider.values(), key=lambda line: (-line.annual_value, line.name))
    }
    summary.by_status = dict(sorted(by_status.items()))
    summary.consolidation = summarise_consolidation(session, counted, names, representatives)
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
        """Every field in order: money as a two-place string, each line as a dict."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["value_covered"] = f"{self.value_covered:.2f}"
        data["by_commissioner"] = [line.as_dict() for line in self.by_commissioner]
        data["by_provider"] = [line.as_dict() for line in self.by_provider]
        return data


def summarise_consolidation(
    session: Session,
    counted: dict[int, Counted],
    names: dict[int, tuple[str, str | None]],
    representatives: dict[int, int] | None = None,
) -> Consolidation:
    """Before → after over ``counted`` (the register, each duplicate set once), by the plan.

    The same figures as ``contracts plan`` and the workbook's Summary: each
    planned proposal becomes one contract, and the proposals the plan leaves
    out (alternatives that share a contract with a planned one) do not count.
    """
    # The representatives the register was counted with (not looked up again: that
    # digests every contract in the store).
    known = representatives
    plan = make_plan(session, representatives=None if known is None else lambda _: known)
    member_sets = {p.id: {m.id for m in p.members if m.id in counted} for p in plan.proposals}
    member_sets = {pid: ids for pid, ids in member_sets.items() if ids}
    heads = {
        pid: (provider_id, lead_id)
        for pid, provider_id, lead_id in session.execute(
            select(Proposal.id, Proposal.provider_id, Proposal.lead_commissioner_id).where(
                Proposal.id.in_(list(member_sets))
            )
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
        value = counted[contract_id].annual_value
        if value is None:
            result.unknown_values_covered += 1
        else:
            result.value_covered += value
    commissioners: dict[str, BeforeAfter] = {}
    providers: dict[str, BeforeAfter] = {}

    def line(lines: dict[str, BeforeAfter], org_id: int | None, missing: str) -> BeforeAfter:
        name, code = names[org_id] if org_id is not None else (missing, None)
        return lines.setdefault(name, BeforeAfter(name, code))

    for contract_id, contract in counted.items():
        stays = 0 if contract_id in covered else 1
        for lines, org_id, missing in (
            (commissioners, contract.lead_id, "(no commissioner)"),
            (providers, contract.provider_id, "(no provider)"),
        ):
            entry = line(lines, org_id, missing)
            entry.before += 1
            entry.after += stays
    for pid in member_sets:
        provider_id, lead_id = heads[pid]
        line(commissioners, lead_id, "(no commissioner)").after += 1
        line(providers, provider_id, "(several providers)").after += 1
    result.by_commissioner = sorted(commissioners.values(), key=lambda e: e.name)
    result.by_provider = sorted(providers.values(), key=lambda e: (-e.before, e.name))
    return result
