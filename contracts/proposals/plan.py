"""The consolidation plan from the stored proposals.

Reads the accepted and candidate proposals (plain column queries: the
register may hold 100,000 contracts), counts each real contract once (a
duplicate's copies stand as their representative; contracts no longer in the
register drop out), lets :func:`contracts.proposals.packing.choose` pick the proposals to
carry out, and works out each one's go-live date and what its members need to
get there. The same :class:`Plan` feeds ``contracts plan``, the workbook's Plan
sheet and its Summary, so their figures cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from contracts.duplicates.stored_run import duplicate_representatives
from contracts.errors import PlanError
from contracts.proposals.packing import Objective, Option, choose
from contracts.proposals.stored import stored_run_date
from contracts.store.models import (
    Contract,
    Organisation,
    Proposal,
    ProposalMember,
    ProposalStatus,
)
from contracts.store.money import money_json, to_pence

Representatives = Callable[[Session], dict[int, int]]
ACTIVE = (ProposalStatus.ACCEPTED.value, ProposalStatus.CANDIDATE.value)


@dataclass(frozen=True, slots=True)
class PlannedMember:
    """A member contract of a planned proposal, counted once, with what it needs."""

    id: int
    reference: str | None
    source: str
    start_date: dt.date | None
    end_date: dt.date | None
    annual_value: Decimal | None
    extension: Extension
    title: str = ""


@dataclass(slots=True)
class PlannedProposal:
    """A single contract the plan forms, from the proposal of the same ID."""

    id: str
    rule: str
    title: str
    status: str
    lead_commissioner: str | None
    provider: str | None
    go_live: dt.date | None = None  # None until planned, or if no member has an end
    members: list[PlannedMember] = field(default_factory=list)

    @property
    def removes(self) -> int:
        return len(self.members) - 1

    @property
    def annual_value(self) -> Decimal:
        """The members' known annual values (an unknown one adds nothing, and is counted)."""
        return sum(
            (m.annual_value for m in self.members if m.annual_value is not None), Decimal("0.00")
        )

    @property
    def unknown_values(self) -> int:
        return sum(1 for m in self.members if m.annual_value is None)


@dataclass(frozen=True, slots=True)
class LeftOut:
    id: str
    title: str
    conflicts_with: str


@dataclass
class Plan:
    """The proposals to carry out, in go-live order, and the ones left out as alternatives."""

    on: dt.date
    objective: Objective
    contracts_before: int
    proposals: list[PlannedProposal]
    left_out: list[LeftOut]
    go_live: dt.date | None = None  # the date asked for, if one was
    # Accepted or candidate proposals none of whose contracts is still in the register.
    empty: list[str] = field(default_factory=list)

    @property
    def contracts_removed(self) -> int:
        return sum(p.removes for p in self.proposals)

    @property
    def contracts_after(self) -> int:
        return self.contracts_before - self.contracts_removed

    @property
    def contracts_covered(self) -> int:
        return sum(len(p.members) for p in self.proposals)

    @property
    def annual_value(self) -> Decimal:
        return sum((p.annual_value for p in self.proposals), Decimal("0.00"))

    @property
    def unknown_values(self) -> int:
        return sum(p.unknown_values for p in self.proposals)

    def counted_members(self) -> dict[str, set[int]]:
        """For each planned proposal, the member contracts the plan counts (the workbook's)."""
        return {p.id: {m.id for m in p.members} for p in self.proposals}

    def as_json(self, *, lazy: bool = False) -> dict[str, Any]:
        """The plan in the JSON shape of interface.md; ``lazy`` gives the proposals as an
        iterator, for a writer that streams them."""
        proposals = self._proposals_json()
        return {
            "on": self.on.isoformat(),
            "contracts_before": self.contracts_before,
            "contracts_after": self.contracts_after,
            "annual_value": money_json(self.annual_value),
            "proposals": proposals if lazy else list(proposals),
            "left_out": [{"id": o.id, "conflicts_with": o.conflicts_with} for o in self.left_out],
        }

    def _proposals_json(self) -> Iterator[dict[str, Any]]:
        return (
            {
                "id": p.id,
                "rule": p.rule,
                "title": p.title,
                "lead_commissioner": p.lead_commissioner,
                "contracts": [
                    {"id": m.id, "reference": m.reference, "source": m.source} for m in p.members
                ],
                "annual_value": money_json(p.annual_value),
                "go_live": p.go_live.isoformat() if p.go_live else None,
                "extensions": [
                    {
                        "contract": m.id,
                        "ends": m.end_date.isoformat() if m.end_date else None,
                        "months": m.extension.months,
                    }
                    for m in p.members
                ],
            }
            for p in self.proposals
        )


# The contracts' columns a plan shows of each member: PlannedMember's, by the same names.
_MEMBER_FIELDS = tuple(f.name for f in fields(PlannedMember) if f.name != "extension")
_MEMBER_COLUMNS = tuple(getattr(Contract, name) for name in _MEMBER_FIELDS)


def _load(session: Session) -> tuple[dict[str, PlannedProposal], dict[str, list[PlannedMember]]]:
    """Accepted and candidate proposals (not yet planned), and each one's members in
    the register."""
    lead, provider = aliased(Organisation), aliased(Organisation)
    rows = {
        row[0]: PlannedProposal(*row)
        for row in session.execute(
            select(Proposal.id, Proposal.rule, Proposal.title, Proposal.status)
            .add_columns(lead.name, provider.name)
            .outerjoin(lead, lead.id == Proposal.lead_commissioner_id)
            .outerjoin(provider, provider.id == Proposal.provider_id)
            .where(Proposal.status.in_(ACTIVE))
        )
    }
    members: dict[str, list[PlannedMember]] = defaultdict(list)
    # One member object per contract, however many proposals hold it, and each
    # register's name once: at 100,000 contracts most are in several proposals.
    known: dict[int, PlannedMember] = {}
    sources: dict[str, str] = {}
    # Core rows in chunks (a server-side cursor on PostgreSQL): the ORM buffers every
    # row of a result before the first is read.
    for proposal_id, *columns in session.connection().execute(
        select(ProposalMember.proposal_id, *_MEMBER_COLUMNS)
        .join(Contract, Contract.id == ProposalMember.contract_id)
        .join(Proposal, Proposal.id == ProposalMember.proposal_id)
        .where(Proposal.status.in_(ACTIVE), Contract.in_register.is_(True))
        .execution_options(yield_per=5_000)
    ):
        contract_id = columns[0]
        member = known.get(contract_id)
        if member is None:
            values = dict(zip(_MEMBER_FIELDS, columns, strict=True))
            values["source"] = sources.setdefault(values["source"], values["source"])
            member = known[contract_id] = PlannedMember(**values, extension=_UNPLANNED)
        members[proposal_id].append(member)
    return rows, members


def contracts_counted_once(session: Session, representatives: dict[int, int]) -> int:
    """The register with each duplicate set counted once: where the plan starts."""
    register = session.scalar(
        select(func.count()).select_from(Contract).where(Contract.in_register.is_(True))
    )
    extra = sum(1 for c, r in representatives.items() if c != r)
    return int(register or 0) - extra


def _counted(members: list[PlannedMember], representatives: dict[int, int]) -> list[PlannedMember]:
    """One member per real contract: the copy that stands for it if it is a member."""
    keyed = [(representatives.get(m.id, m.id), m) for m in members]
    ordered = sorted(
        keyed, key=lambda km: (km[0] != km[1].id, km[1].source, km[1].reference or "", km[1].id)
    )
    seen: set[int] = set()
    kept = []
    for key, member in ordered:
        if key not in seen:
            seen.add(key)
            kept.append(member)
    return sorted(kept, key=lambda m: (m.source, m.reference or "", m.id))


def make_plan(
    session: Session,
    *,
    on: dt.date | None = None,
    objective: Objective | str = Objective.CONTRACTS,
    go_live: dt.date | None = None,
    representatives: Representatives | None = None,
) -> Plan:
    """The plan for the stored proposals as at ``on`` (default: the date they were made for).

    Refuses another date than the stored proposals' (they were found among the
    contracts in force then), and two accepted proposals that share a contract.
    ``representatives`` gives each duplicate's representative (the duplicates
    engine by default), so each real contract is counted once.
    """
    run_date = stored_run_date(session)
    if on is not None and run_date is not None and on != run_date:
        raise PlanError(
            f"the stored proposals were made as at {run_date.isoformat()}, not "
            f"{on.isoformat()}; plan without --on, or run 'contracts propose --on "
            f"{on.isoformat()} --replace' first"
        )
    on = on or run_date or dt.date.today()
    objective = Objective(objective)
    stand_for = (representatives or duplicate_representatives)(session)
    rows, members = _load(session)
    counted = {pid: _counted(members.get(pid, []), stand_for) for pid in rows}
    keys = {pid: frozenset(stand_for.get(m.id, m.id) for m in members.get(pid, [])) for pid in rows}
    del members
    options = [
        Option(
            pid,
            keys[pid],
            sum(to_pence(m.annual_value) for m in counted[pid] if m.annual_value is not None),
            rows[pid].status,
        )
        for pid in sorted(rows)
        if keys[pid]
    ]
    packing = choose(options, objective)
    planned = [_planned(rows[pid], counted[pid], go_live) for pid in packing.planned]
    planned.sort(key=lambda p: (p.go_live is None, p.go_live or on, -p.removes, p.id))
    return Plan(
        on=on,
        objective=objective,
        contracts_before=contracts_counted_once(session, stand_for),
        proposals=planned,
        left_out=[LeftOut(pid, rows[pid].title, other) for pid, other in packing.left_out],
        go_live=go_live,
        empty=sorted(pid for pid in rows if not keys[pid]),
    )


def _planned(
    row: PlannedProposal, members: list[PlannedMember], go_live: dt.date | None
) -> PlannedProposal:
    terms = [Term(m.id, m.start_date, m.end_date) for m in members]
    when = go_live or default_go_live(terms)
    extensions = co_terminate(terms, when)
    # Each member built directly: dataclasses.replace() costs several times as much, and
    # a plan at 100,000 contracts holds 70,000 members.
    return replace(
        row,
        go_live=when,
        members=[
            PlannedMember(
                id=m.id,
                reference=m.reference,
                source=m.source,
                start_date=m.start_date,
                end_date=m.end_date,
                annual_value=m.annual_value,
                extension=extension,
                title=m.title,
            )
            for m, extension in zip(members, extensions, strict=True)
        ],
    )


# --- co-termination: when each new contract goes live, what its members need ------


@dataclass(frozen=True, slots=True)
class Term:
    """A member contract's current term."""

    contract: int
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True, slots=True)
class Extension:
    """What one member needs so that it ends the day before the new contract goes live.

    ``months`` is positive for an extension, negative for an early end, 0 if
    it already ends then; a part month counts as a whole one. Unknown when
    the member's end date is.
    """

    contract: int
    ends: dt.date | None
    months: int | None
    new_end: dt.date | None


# What a member needs before the plan sets its go-live (replaced for every planned one).
_UNPLANNED = Extension(0, None, None, None)


def default_go_live(terms: Iterable[Term]) -> dt.date | None:
    """The day after the latest member ends: nobody's contract is cut short."""
    ends = [t.end for t in terms if t.end is not None]
    return max(ends) + dt.timedelta(days=1) if ends else None


def co_terminate(terms: Sequence[Term], go_live: dt.date | None = None) -> list[Extension]:
    """Each member's extension (or early end) to run until the day before ``go_live``.

    ``go_live`` defaults to :func:`default_go_live`.
    """
    go_live = go_live or default_go_live(terms)
    result = []
    for term in terms:
        if term.end is None or go_live is None:
            result.append(Extension(term.contract, term.end, None, None))
            continue
        new_end = go_live - dt.timedelta(days=1)
        result.append(
            Extension(term.contract, term.end, months_between(term.end, new_end), new_end)
        )
    return result


# Cached: a plan's members share a few thousand end dates and one new end per proposal.
@lru_cache(maxsize=65_536)
def months_between(end: dt.date, new_end: dt.date) -> int:
    """Whole months from ``end`` to ``new_end``, a part month rounded away from zero.

    A term ending on the last day of a month moves by calendar months (31 March
    to 30 June is three months), so the figure is what a variation would say.
    """
    if new_end < end:
        return -months_between(new_end, end)
    months = max((new_end.year - end.year) * 12 + new_end.month - end.month - 1, 0)
    while _add_months(end, months) < new_end:
        months += 1
    return months


def _add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months; a month's last day stays its month's last day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = _last_day(year, month)
    if day.day == _last_day(day.year, day.month):
        return dt.date(year, month, last)
    return dt.date(year, month, min(day.day, last))


def _last_day(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def _uk(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "unknown"


def needs(member: PlannedMember) -> str:
    """'extend 24 months to 31/03/2019', 'end 12 months early, on …', 'ends then'."""
    ext = member.extension
    if ext.months is None or ext.new_end is None:
        return "end date unknown: agree one"
    if ext.months > 0:
        return f"extend {ext.months} month{'s' * (ext.months != 1)} to {_uk(ext.new_end)}"
    if ext.months < 0:
        return f"end {-ext.months} month{'s' * (ext.months != -1)} early, on {_uk(ext.new_end)}"
    return "ends then"
