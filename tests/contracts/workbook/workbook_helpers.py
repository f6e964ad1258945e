"""Building contracts and proposals with the ORM, for the workbook export/review tests.

The tests make their own proposals rather than running the rules, so each
one controls exactly what the workbook must show.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy.orm import Session

from contracts.proposals.stored import proposal_member_hash
from contracts.store.models import (
    Contract,
    Organisation,
    PartyRole,
    Proposal,
    ProposalCommissioner,
    ProposalMember,
)
from tests.contracts.store.factory import reference_org as org
from tests.contracts.store.factory import store_contract

COMMISSIONERS = ("99E", "99F", "06Q", "99G", "07G")
PROVIDERS = ("RDD", "RQ8", "RAJ", "RYC", "RAT")


def add_contract(
    session: Session,
    *,
    reference: str,
    title: str = "Community services",
    source: str = "mid-essex-register",
    commissioner: str = "99E",
    associates: Sequence[str] = (),
    provider: str | Organisation | None = "RDD",
    annual_value: Decimal | None = Decimal("1000.00"),
    total_value: Decimal | None = None,
    category: str | None = "community",
    start: dt.date | None = dt.date(2015, 4, 1),
    end: dt.date | None = dt.date(2018, 3, 31),
    row: int = 2,
) -> Contract:
    provider_org = org(session, provider) if isinstance(provider, str) else provider
    contract = Contract(
        source=source,
        source_key=reference,
        reference=reference,
        title=title,
        provider=provider_org,
        service_category=category,
        contract_form="NHS Standard Contract",
        start_date=start,
        end_date=end,
        annual_value=annual_value,
        total_value=total_value,
        source_file=f"{source}.xlsx",
        source_sheet="Contracts",
        source_row=row,
    )
    return store_contract(
        session, contract, org(session, commissioner), [org(session, c) for c in associates]
    )


def add_proposal(
    session: Session,
    proposal_id: str,
    contracts: Sequence[Contract],
    *,
    rule: str = "one-provider-one-service",
    status: str = "candidate",
    title: str | None = None,
    reasons: Sequence[str] = ("same provider and service",),
    flags: Sequence[str] = (),
) -> Proposal:
    lead = contracts[0].lead_commissioner
    proposal = Proposal(
        id=proposal_id,
        rule=rule,
        title=title or f"{len(contracts)} contracts into one",
        status=status,
        provider=contracts[0].provider,
        lead_commissioner=lead,
        footprint="mid and south Essex",
        as_at=dt.date(2016, 4, 1),
        annual_value=sum(
            (c.annual_value for c in contracts if c.annual_value is not None), Decimal(0)
        ),
        contracts_before=len(contracts),
        contracts_after=1,
        earliest_start=dt.date(2018, 4, 1),
        reasons=list(reasons),
        flags=list(flags),
        members_hash="",
    )
    for contract in contracts:
        proposal.members.append(ProposalMember(contract=contract, contract_uid=contract.uid))
    seen: set[int] = set()
    for contract in contracts:
        for party in contract.parties:
            if party.organisation_id in seen:
                continue
            seen.add(party.organisation_id)
            role = PartyRole.LEAD if party.organisation is lead else PartyRole.ASSOCIATE
            proposal.commissioners.append(
                ProposalCommissioner(organisation=party.organisation, role=role)
            )
    session.add(proposal)
    session.flush()
    proposal.members_hash = proposal_member_hash(proposal)
    session.flush()
    return proposal


def sheet_rows(path: Path, sheet: str) -> list[dict[str, Any]]:
    """A sheet's rows as dicts by header (first row), with formulas as written."""
    workbook = load_workbook(path)
    try:
        rows = list(workbook[sheet].iter_rows(values_only=True))
    finally:
        workbook.close()
    header = rows[0]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


# --- a small evaluator for the formulas the export writes ---------------------
# Enough of COUNTIFS/SUMIFS/SUM/COUNTA/SUMPRODUCT(EXACT) and cell arithmetic to
# check, without a spreadsheet application, that each formula points at the
# rows it should. The LibreOffice test checks the same with a real one.

_RANGE = r"(?:(\w+)!)?\$?([A-Z]+)\$?(\d*):\$?([A-Z]+)\$?(\d*)"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


class _Formula(str):
    """A cell openpyxl read as a formula (text that merely starts with "=" is not)."""


class FormulaEvaluator:
    def __init__(self, path: Path) -> None:
        workbook = load_workbook(path)
        try:
            self.sheets = {
                ws.title: {
                    (c.column_letter, c.row): _Formula(c.value) if c.data_type == "f" else c.value
                    for row in ws.iter_rows()
                    for c in row
                }
                for ws in workbook.worksheets
            }
        finally:
            workbook.close()

    def _values(self, sheet: str, ref: str) -> list[Any]:
        match = re.fullmatch(_RANGE, ref)
        assert match, ref
        sheet = match.group(1) or sheet
        col, first, last = match.group(2), match.group(3), match.group(5)
        cells = self.sheets[sheet]
        rows = sorted(r for (c, r) in cells if c == col)
        low = int(first) if first else 1
        high = int(last) if last else (rows[-1] if rows else 0)
        return [self.value(sheet, col, r) for r in range(low, high + 1)]

    def _criterion(self, sheet: str, arg: str) -> Any:
        if arg.startswith('"'):
            return arg.strip('"')
        if arg.isdigit():
            return int(arg)
        match = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", arg)
        assert match, arg
        return self.value(sheet, match.group(1), int(match.group(2)))

    @staticmethod
    def _number(value: Any) -> Decimal:
        if value is None or isinstance(value, str):
            return Decimal(0)
        return Decimal(str(value))

    def _call(self, sheet: str, text: str) -> Decimal:
        name, args = re.fullmatch(r"(\w+)\((.*)\)", text).groups()  # type: ignore[union-attr]
        parts = [a.strip() for a in re.split(r",(?![^(]*\))", args)]
        if name == "SUM":
            return sum((self._number(v) for v in self._values(sheet, parts[0])), Decimal(0))
        if name == "COUNT":
            return Decimal(sum(1 for v in self._values(sheet, parts[0]) if _is_number(v)))
        if name == "MAX":
            numbers = [self._number(v) for v in self._values(sheet, parts[0]) if _is_number(v)]
            return max(numbers, default=Decimal(0))
        if name == "COUNTA":
            return Decimal(sum(1 for v in self._values(sheet, parts[0]) if v not in (None, "")))
        if name in ("COUNTIFS", "SUMIFS"):
            values = self._values(sheet, parts[0]) if name == "SUMIFS" else None
            pairs = parts[1:] if name == "SUMIFS" else parts
            keep = None
            for i in range(0, len(pairs), 2):
                column = self._values(sheet, pairs[i])
                if pairs[i + 1] == '"<>"':  # not empty
                    hits = [v not in (None, "") for v in column]
                else:
                    wanted = self._criterion(sheet, pairs[i + 1])
                    hits = [
                        str(v).casefold() == str(wanted).casefold() if v is not None else False
                        for v in column
                    ]
                keep = hits if keep is None else [a and b for a, b in zip(keep, hits, strict=False)]
            assert keep is not None
            if values is None:
                return Decimal(sum(keep))
            return sum(
                (self._number(v) for v, k in zip(values, keep, strict=False) if k), Decimal(0)
            )
        if name == "SUMPRODUCT":
            exact = re.fullmatch(r"(--)?EXACT\(([^,]+),([^)]+)\)(?:\*(.+))?", args)
            assert exact, args
            column = self._values(sheet, exact.group(2))
            wanted = self._criterion(sheet, exact.group(3))
            weights = [Decimal(1)] * len(column)
            for factor in re.split(r"\*(?![^(]*\))", exact.group(4) or ""):
                if not factor:
                    continue
                nonblank = re.fullmatch(r"\(LEN\((.+)\)>0\)", factor)
                if nonblank:
                    flags = [
                        Decimal(v not in (None, "")) for v in self._values(sheet, nonblank.group(1))
                    ]
                else:
                    flags = [self._number(v) for v in self._values(sheet, factor)]
                weights = [w * f for w, f in zip(weights, flags, strict=True)]
            return sum(
                (w for v, w in zip(column, weights, strict=True) if v == wanted),
                Decimal(0),
            )
        raise AssertionError(f"unexpected function {name}")

    def value(self, sheet: str, col: str, row: int) -> Any:
        raw = self.sheets[sheet].get((col, row))
        if isinstance(raw, _Formula):
            return self.evaluate(sheet, raw)
        return raw

    def evaluate(self, sheet: str, formula: str) -> Decimal:
        total = Decimal(0)
        for sign, term in re.findall(
            r"([+-]?)((?:\w+\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\))|\$?[A-Z]+\$?\d+|\d+)",
            formula[1:],
        ):
            if "(" in term:
                part = self._call(sheet, term)
            elif term.isdigit():
                part = Decimal(term)
            else:
                col, row = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", term).groups()  # type: ignore[union-attr]
                part = self._number(self.value(sheet, col, int(row)))
            total += -part if sign == "-" else part
        return total

    def cell(self, address: str) -> Decimal:
        sheet, ref = address.split("!")
        col, row = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()  # type: ignore[union-attr]
        return self._number(self.value(sheet, col, int(row)))
