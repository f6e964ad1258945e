"""The figures the Summary sheet's formulas must come to, counted in Python.

The workbook streams its rows once; :class:`SummaryFigures` tallies them on the
way, so a test can hold a spreadsheet application's results against the tool's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from contracts.workbook.plan_sheet import PlanSheetTotals


@dataclass
class Tally:
    """One row of a Summary table as Python counts it."""

    count: int = 0  # proposals (tables) or member rows (by commissioner)
    value: Decimal = Decimal(0)
    in_plan: int = 0  # proposals the plan carries out
    counted: int = 0  # contracts the plan replaces, each once
    plan_value: Decimal = Decimal(0)  # their annual value
    alternatives: int = 0  # proposals left out, each overlapping a planned one
    led: int = 0  # planned proposals led (by commissioner)

    def add_member(self, value: Decimal, counts: int) -> None:
        """One member contract: it counts in the plan (1) or not (0)."""
        self.count += 1
        self.value += value
        self.counted += counts
        if counts:
            self.plan_value += value


@dataclass
class SummaryFigures:
    """What the Summary's formulas must come to, tallied while the rows are written."""

    register_contracts: int
    extra_copies: int = 0
    contract_rows: int = 0
    proposal_rows: int = 0
    by_proposal: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_commissioner: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_rule: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_status: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    counted: int = 0
    value_covered: Decimal = Decimal(0)
    in_plan: int = 0
    alternatives: int = 0

    def add_member(
        self, proposal_id: str, *, commissioner: str, annual_value: Decimal | None, counts: int
    ) -> None:
        self.contract_rows += 1
        value = annual_value if annual_value is not None else Decimal(0)
        self.by_proposal[proposal_id].add_member(value, counts)
        self.by_commissioner[commissioner].add_member(value, counts)
        self.counted += counts
        if counts:
            self.value_covered += value

    def proposal_totals(self, proposal_id: str) -> tuple[int, Decimal, int, Decimal]:
        """Member rows, their value, and the contracts (and value) the plan counts."""
        group = self.by_proposal.get(proposal_id, Tally())
        return group.count, group.value, group.counted, group.plan_value

    def add_proposal(
        self,
        proposal_id: str,
        *,
        rule: str,
        status: str,
        lead: str | None,
        before: int,
        after: int,
        in_plan: int,
        alternative: int,
    ) -> None:
        self.proposal_rows += 1
        # Its rows are all written by now: drop its tally, so memory stays flat.
        members = self.by_proposal.pop(proposal_id, Tally())
        for group in (self.by_rule[rule], self.by_status[status]):
            group.count += 1
            group.in_plan += in_plan
            group.counted += members.counted
            group.plan_value += members.plan_value
            group.alternatives += alternative
        if lead is not None:
            self.by_commissioner[lead].led += in_plan
        self.in_plan += in_plan
        self.alternatives += alternative

    def headline(self, plan: PlanSheetTotals | None = None) -> dict[str, Decimal | int]:
        distinct = self.register_contracts - self.extra_copies
        plan = plan or PlanSheetTotals()
        return {
            "register_contracts": self.register_contracts,
            "extra_copies": self.extra_copies,
            "contracts_counted_once": distinct,
            "contracts_covered": plan.contracts,
            "replaced_by": plan.steps,
            "contracts_after": distinct - plan.contracts + plan.steps,
            "value_covered": plan.annual_value,
            "proposals": self.proposal_rows,
            "alternatives": self.alternatives,
        }
