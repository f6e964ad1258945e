"""Headline figures of the register: how many contracts, what value, held by whom."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from contracts.register import list_contracts


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

    def as_dict(self) -> dict[str, Any]:
        return {
            "contracts": self.total.contracts,
            "annual_value": f"{self.total.annual_value:.2f}",
            "unknown_values": self.total.unknown_values,
            "by_commissioner": [line.as_dict() for line in self.by_commissioner.values()],
            "by_provider": [line.as_dict() for line in self.by_provider.values()],
        }


def summarise_register(session: Session) -> RegisterSummary:
    """Counts and annual value (unknown values counted, never taken as £0)."""
    summary = RegisterSummary()
    by_commissioner: dict[str, Line] = {}
    by_provider: dict[str, Line] = {}
    for contract in list_contracts(session):
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
    summary.by_commissioner = dict(sorted(by_commissioner.items()))
    summary.by_provider = {
        line.name: line
        for line in sorted(by_provider.values(), key=lambda line: (-line.annual_value, line.name))
    }
    return summary
