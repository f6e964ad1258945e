"""The contracts the rules may consider on a date, and why each other one is left out.

A contract is considered when it is in force on the date, led by a
commissioner of the footprint, of a form some rule merges (read from the
register, or inferred from its parties and title), and not another record of
one already counted. Every other contract in the register is listed with the
reason, so nothing is left out silently (`contracts propose --explain`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Row, Select, or_, select
from sqlalchemy.orm import Session

from contracts.contract_forms import FormReading, read_form
from contracts.organisations.footprints import Footprint
from contracts.proposals.grouping import OrgInfo, RuleInput
from contracts.store.models import Contract, ContractParty, PartyRole, contract_uid
from contracts.vocabulary import known_category, refine_category


@dataclass(frozen=True)
class LeftOut:
    """A contract in the register that no rule could consider, and why."""

    id: int
    uid: str
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "uid": self.uid, "reason": self.reason}


_CHUNK = 5_000  # rows fetched at a time (a server-side cursor on PostgreSQL)


@dataclass
class LeftOuts:
    """The contracts no rule could consider: counted by kind of reason, listed if asked."""

    listed: bool = True  # keep each contract with its reason (`propose --explain`)
    items: list[LeftOut] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, contract_id: int, uid: str, reason: str) -> None:
        self.counts[reason_kind(reason)] += 1
        if self.listed:
            self.items.append(LeftOut(contract_id, uid, reason))


def reason_kind(reason: str) -> str:
    """The kind of a reason, as `propose` counts them (its words before ':')."""
    if reason.startswith("led by "):
        return "outside the footprint"
    if reason.startswith("another record of "):
        return "another record of a contract counted once"
    if reason.startswith("its contract form"):
        return "a contract form no rule merges"
    return reason.split(":")[0].split(";")[0]


def _not_in_force(session: Session, on: dt.date, left_out: LeftOuts) -> None:
    """Contracts in their register but not in force on the date (column query: these
    are most of a long register's history)."""
    statement = select(
        Contract.id, Contract.source, Contract.source_key, Contract.start_date, Contract.end_date
    ).where(
        Contract.in_register.is_(True),
        or_(Contract.start_date > on, Contract.end_date < on),
    )
    rows = session.connection().execute(
        statement.order_by(Contract.id).execution_options(yield_per=_CHUNK)
    )
    for row in rows:
        if row.end_date is not None and row.end_date < on:
            why = f"not in force on {on.isoformat()}: it ended on {row.end_date.isoformat()}"
        else:
            why = f"not in force on {on.isoformat()}: it starts on {row.start_date.isoformat()}"
        left_out.add(row.id, contract_uid(row.source, row.source_key), why)


# The columns the rules and the proposals' readers need: streamed as plain rows, not
# ORM objects, and kept only as the eligible contracts' records.
_COLUMN_NAMES = "id source source_key reference title provider_id service_category"
_COLUMN_NAMES += " contract_form contract_form_inferred start_date end_date annual_value"
CONTRACT_COLUMNS = tuple(getattr(Contract, name) for name in _COLUMN_NAMES.split())


def uid_of(row: Row[Any]) -> str:
    return contract_uid(row.source, row.source_key)


def _parties(
    session: Session, in_force: Select[Any]
) -> tuple[dict[int, int], dict[int, tuple[int, ...]]]:
    """Each contract's lead commissioner, and its associates (for the contracts that have
    any), streamed in chunks."""
    leads: dict[int, int] = {}
    associates: dict[int, list[int]] = defaultdict(list)
    for contract_id, org_id, role in session.connection().execute(
        select(ContractParty.contract_id, ContractParty.organisation_id, ContractParty.role)
        .where(ContractParty.contract_id.in_(in_force.with_only_columns(Contract.id)))
        .execution_options(yield_per=_CHUNK)
    ):
        if role == PartyRole.LEAD:
            leads[contract_id] = org_id
        else:
            associates[contract_id].append(org_id)
    return leads, {
        c: tuple(sorted(set(ids) - {leads.get(c)}))  # type: ignore[arg-type]
        for c, ids in associates.items()
    }


def load_records(
    session: Session,
    on: dt.date,
    footprint: Footprint,
    orgs: dict[int, OrgInfo],
    representatives: dict[int, int],
    forms: frozenset[str],
    *,
    list_left_out: bool = True,
) -> tuple[list[RuleInput], LeftOuts]:
    """The contracts the rules may use: in force, in the footprint, of a form some rule
    merges, each counted once; and every other contract in the register, with why
    (each listed only if ``list_left_out``, else counted by kind of reason)."""
    statement = select(*CONTRACT_COLUMNS).where(
        Contract.in_register.is_(True),
        or_(Contract.start_date.is_(None), Contract.start_date <= on),
        or_(Contract.end_date.is_(None), Contract.end_date >= on),
    )
    leads, associates = _parties(session, statement)
    left_out = LeftOuts(listed=list_left_out)
    _not_in_force(session, on, left_out)
    why_not: dict[int, tuple[str, str]] = {}  # contract → (uid, reason), when listed

    def leave(contract_id: int, uid: str, reason: str) -> None:
        if left_out.listed:  # listed in the id order, with the ones not in force
            why_not[contract_id] = (uid, reason)
        else:
            left_out.add(contract_id, uid, reason)

    # The eligible contracts' records, by id. Repeated texts (a register's name, the
    # reason a form was inferred) are kept once, not once per contract.
    eligible: dict[int, RuleInput] = {}
    shared: dict[str | None, str | None] = {}
    rows = session.connection().execute(
        statement.order_by(Contract.id).execution_options(yield_per=_CHUNK)
    )
    for contract in rows:
        contract_id = contract.id
        lead = leads.get(contract_id)
        if lead is None:
            leave(contract_id, uid_of(contract), "no lead commissioner")
            continue
        if lead not in footprint:
            reason = f"led by {orgs[lead].name}, outside {footprint.name}"
            leave(contract_id, uid_of(contract), reason)
            continue
        provider = orgs.get(contract.provider_id) if contract.provider_id else None
        if contract.contract_form_inferred:  # inferred at import, and said why
            reading = FormReading(contract.contract_form, contract.contract_form_inferred)
        else:  # as written; or inferred now, for rows imported before forms were inferred
            reading = read_form(
                contract.contract_form,
                commissioner_kind=orgs[lead].kind,
                provider_kind=provider.kind if provider else None,
                title=contract.title,
            )
        if reading.form is None:
            leave(contract_id, uid_of(contract), reading.unknown or "no contract form")
            continue
        if reading.form not in forms:
            how = "inferred " if reading.inferred else ""
            reason = f"its contract form ({how}{reading.form}) is in no form group the rules merge"
            leave(contract_id, uid_of(contract), reason)
            continue
        category = known_category(contract.service_category) or contract.service_category
        narrowed = refine_category(category, contract.title)
        eligible[contract_id] = RuleInput(
            id=contract_id,
            uid=uid_of(contract),
            provider_id=contract.provider_id,
            service_category=shared.setdefault(narrowed, narrowed),
            contract_form=shared.setdefault(reading.form, reading.form),
            start_date=contract.start_date,
            end_date=contract.end_date,
            annual_value=contract.annual_value,
            lead_id=lead,
            associate_ids=associates.get(contract_id, ()),
            form_inferred=shared.setdefault(reading.inferred, reading.inferred),
            category_narrowed=(
                shared.setdefault(
                    why := f"'{contract.service_category}' read as {narrowed} from its title",
                    why,
                )
                if narrowed != category
                else None
            ),
            reference=contract.reference,
            source=shared.setdefault(contract.source, contract.source) or "",
            title=contract.title,
        )
    del leads, associates

    # Each duplicate set stands as one contract: its representative if that is
    # eligible, else the lowest-numbered eligible copy.
    stand_in: dict[int, int] = {}
    copies: dict[int, list[str]] = defaultdict(list)
    for contract_id in [c for c in eligible if c in representatives]:  # ids ascending
        group = representatives[contract_id]
        if group in eligible:
            stand_in.setdefault(group, group)
        stand_in.setdefault(group, contract_id)
        if stand_in[group] != contract_id:
            record = eligible.pop(contract_id)
            copies[stand_in[group]].append(record.uid)
            leave(
                contract_id,
                record.uid,
                f"another record of {eligible[stand_in[group]].uid}, which stands for both "
                "(each contract is counted once)",
            )
    for contract_id, (uid, reason) in sorted(why_not.items()):
        left_out.add(contract_id, uid, reason)
    left_out.items.sort(key=lambda item: item.id)
    for contract_id, uids in copies.items():
        eligible[contract_id] = replace(eligible[contract_id], copies=tuple(sorted(uids)))
    return list(eligible.values()), left_out
