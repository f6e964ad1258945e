"""The contracts the rules may consider on a date, and why each other one is left out.

A contract is considered when it is in force on the date, led by a
commissioner of the footprint, of a form some rule merges (read from the
register, or inferred from its parties and title), and not another record of
one already counted. Every other contract in the register is listed with the
reason, so nothing is left out silently (`contracts propose --explain`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, or_, select
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


def _not_in_force(session: Session, on: dt.date) -> list[LeftOut]:
    """Contracts in their register but not in force on the date (column query: these
    are most of a long register's history)."""
    statement = select(
        Contract.id, Contract.source, Contract.source_key, Contract.start_date, Contract.end_date
    ).where(
        Contract.in_register.is_(True),
        or_(Contract.start_date > on, Contract.end_date < on),
    )
    left_out = []
    for row in session.connection().execute(statement.order_by(Contract.id)):
        if row.end_date is not None and row.end_date < on:
            why = f"not in force on {on.isoformat()}: it ended on {row.end_date.isoformat()}"
        else:
            why = f"not in force on {on.isoformat()}: it starts on {row.start_date.isoformat()}"
        left_out.append(LeftOut(row.id, contract_uid(row.source, row.source_key), why))
    return left_out


# The columns the rules and the proposals' readers need: read as plain rows, not ORM
# objects (at 100,000 contracts the objects cost more than the rules).
CONTRACT_COLUMNS = (
    Contract.id,
    Contract.source,
    Contract.source_key,
    Contract.reference,
    Contract.title,
    Contract.provider_id,
    Contract.service_category,
    Contract.contract_form,
    Contract.contract_form_inferred,
    Contract.start_date,
    Contract.end_date,
    Contract.annual_value,
)


def uid_of(row: Row[Any]) -> str:
    return contract_uid(row.source, row.source_key)


def load_records(
    session: Session,
    on: dt.date,
    footprint: Footprint,
    orgs: dict[int, OrgInfo],
    representatives: dict[int, int],
    forms: frozenset[str],
) -> tuple[dict[int, Row[Any]], list[RuleInput], list[LeftOut]]:
    """The contracts the rules may use: in force, in the footprint, of a form some rule
    merges, each counted once; and every other contract in the register, with why."""
    statement = select(*CONTRACT_COLUMNS).where(
        Contract.in_register.is_(True),
        or_(Contract.start_date.is_(None), Contract.start_date <= on),
        or_(Contract.end_date.is_(None), Contract.end_date >= on),
    )
    # Core rows through the session's connection: the ORM's row processing costs
    # more than the query at 100,000 contracts.
    connection = session.connection()
    contracts = {row.id: row for row in connection.execute(statement)}
    leads: dict[int, int] = {}
    associates: dict[int, list[int]] = defaultdict(list)
    for contract_id, org_id, role in connection.execute(
        select(ContractParty.contract_id, ContractParty.organisation_id, ContractParty.role).where(
            ContractParty.contract_id.in_(statement.with_only_columns(Contract.id))
        )
    ):
        if role == PartyRole.LEAD:
            leads[contract_id] = org_id
        else:
            associates[contract_id].append(org_id)

    left_out = _not_in_force(session, on)
    readings: dict[int, FormReading] = {}
    why_not: dict[int, str] = {}
    for contract_id, contract in sorted(contracts.items()):
        lead = leads.get(contract_id)
        if lead is None:
            why_not[contract_id] = "no lead commissioner"
            continue
        if lead not in footprint:
            why_not[contract_id] = f"led by {orgs[lead].name}, outside {footprint.name}"
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
            why_not[contract_id] = reading.unknown or "no contract form"
        elif reading.form not in forms:
            how = "inferred " if reading.inferred else ""
            why_not[contract_id] = (
                f"its contract form ({how}{reading.form}) is in no form group the rules merge"
            )
        else:
            readings[contract_id] = reading

    # Each duplicate set stands as one contract: its representative if that is
    # eligible, else the lowest-numbered eligible copy.
    stand_in: dict[int, int] = {}
    copies: dict[int, list[str]] = defaultdict(list)
    for contract_id in sorted(readings):
        group = representatives.get(contract_id, contract_id)
        if group in readings:
            stand_in.setdefault(group, group)
        stand_in.setdefault(group, contract_id)
        if stand_in[group] != contract_id:
            copies[stand_in[group]].append(uid_of(contracts[contract_id]))
            why_not[contract_id] = (
                f"another record of {uid_of(contracts[stand_in[group]])}, which stands for both "
                "(each contract is counted once)"
            )
    left_out += [LeftOut(c, uid_of(contracts[c]), why) for c, why in sorted(why_not.items())]
    records = []
    for contract_id in sorted(set(stand_in.values())):
        contract = contracts[contract_id]
        category = known_category(contract.service_category) or contract.service_category
        narrowed = refine_category(category, contract.title)
        records.append(
            RuleInput(
                id=contract.id,
                uid=uid_of(contract),
                provider_id=contract.provider_id,
                service_category=narrowed,
                contract_form=readings[contract_id].form,
                start_date=contract.start_date,
                end_date=contract.end_date,
                annual_value=contract.annual_value,
                lead_id=leads[contract_id],
                associate_ids=tuple(sorted(set(associates[contract_id]) - {leads[contract_id]})),
                copies=tuple(sorted(copies[contract_id])),
                form_inferred=readings[contract_id].inferred,
                category_narrowed=(
                    f"'{contract.service_category}' read as {narrowed} from its title"
                    if narrowed != category
                    else None
                ),
            )
        )
    return contracts, records, sorted(left_out, key=lambda item: item.id)
