"""`contracts list` at any size: the register a chunk of contracts at a time.

The listing is read in two steps. First the order: the ids of the matching
contracts (with the value to sort by, if any), one narrow column query, in the
register's order. Then the contracts themselves, a chunk of ids at a time:
plain column queries, the provider and the commissioners by name, each row in
the JSON shape of :func:`contracts.store.register.contract_json`. Memory then
depends on the chunk, not the register (the ids of 100,000 contracts are a few
MB), and a command can write each row as it comes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from contracts.store.models import Contract, ContractParty, Organisation, PartyRole
from contracts.store.money import money_json
from contracts.store.register import check_category, filter_contracts
from contracts.store.selects import columns_of

CHUNK = 1_000

# What each sort reads; the command sorts the (id, value) pairs itself, in Python, so
# text sorts the same (case-folded, by character) on SQLite and PostgreSQL alike.
_lead = aliased(Organisation)
SORT_VALUES: dict[str, Any] = {
    "value": Contract.annual_value,
    "start": Contract.start_date,
    "end": Contract.end_date,
    "title": Contract.title,
    "provider": select(Organisation.name)
    .where(Organisation.id == Contract.provider_id)
    .scalar_subquery(),
    "commissioner": select(_lead.name)
    .join(ContractParty, ContractParty.organisation_id == _lead.id)
    .where(ContractParty.contract_id == Contract.id, ContractParty.role == PartyRole.LEAD)
    .order_by(ContractParty.id)
    .limit(1)
    .scalar_subquery(),
}

_COLUMNS = "id reference source title service_category contract_form contract_form_inferred"
_COLUMNS += " start_date end_date annual_value total_value payment_mechanism status"


def contract_keys(
    session: Session,
    *,
    sort_by: str | None = None,
    commissioner: str | None = None,
    provider: str | None = None,
    service_category: str | None = None,
    active_on: dt.date | None = None,
    ending_before: dt.date | None = None,
) -> list[tuple[int, Any]]:
    """The matching contracts as (id, the value ``sort_by`` names, else None), in the
    register's order (as imported: register, then row)."""
    columns = [Contract.id, SORT_VALUES[sort_by]] if sort_by else [Contract.id]
    filters: dict[str, Any] = {
        "commissioner": commissioner,
        "provider": provider,
        "service_category": service_category,
        "ending_before": ending_before,
    }
    statement = filter_contracts(
        session,
        select(*columns).order_by(Contract.source, Contract.source_row, Contract.id),
        active_on=active_on,
        **filters,
    )
    keys = [(row[0], row[1] if sort_by else None) for row in session.execute(statement)]
    if service_category and not keys:
        check_category(
            session, service_category, filter_contracts(session, select(Contract.id), **filters)
        )
    return keys


def contract_rows(
    session: Session, ids: Sequence[int], *, chunk: int | None = None
) -> Iterator[dict[str, Any]]:
    """The contracts ``ids`` names, in that order, in the JSON shape of interface.md,
    read ``chunk`` contracts at a time."""
    size = chunk or CHUNK
    for start in range(0, len(ids), size):
        part = ids[start : start + size]
        rows = _chunk(session, part)
        yield from (rows[i] for i in part)


def _code(ods: str | None, gss: str | None) -> str | None:
    return ods or gss  # Organisation.code


def _chunk(session: Session, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    provider = aliased(Organisation)
    # Plain columns on the connection: the ORM's result layer would only wrap them.
    connection = session.connection()
    found: dict[int, dict[str, Any]] = {}
    for row in connection.execute(
        select(*columns_of(Contract, _COLUMNS), provider.name, provider.ods_code, provider.gss_code)
        .outerjoin(provider, provider.id == Contract.provider_id)
        .where(Contract.id.in_(ids))
    ):
        (id_, reference, source, title, category, form, inferred, start, end) = row[:9]
        (annual, total, payment, status, provider_name, ods, gss) = row[9:]
        found[id_] = {
            "id": id_,
            "reference": reference,
            "source": source,
            "title": title,
            "commissioner": None,
            "commissioner_code": None,
            "associate_commissioners": [],
            "associate_commissioners_codes": [],
            "provider": provider_name,
            "provider_code": _code(ods, gss),
            "service_category": category,
            "contract_form": form,
            "contract_form_inferred": inferred,
            "start_date": start.isoformat() if start else None,
            "end_date": end.isoformat() if end else None,
            "annual_value": money_json(annual),
            "total_value": money_json(total),
            "payment_mechanism": payment,
            "status": status,
        }
    leads: dict[int, bool] = defaultdict(bool)
    for contract_id, role, name, ods, gss in connection.execute(
        select(
            ContractParty.contract_id,
            ContractParty.role,
            Organisation.name,
            Organisation.ods_code,
            Organisation.gss_code,
        )
        .join(Organisation, Organisation.id == ContractParty.organisation_id)
        .where(ContractParty.contract_id.in_(ids))
        .order_by(ContractParty.id)
    ):
        contract = found[contract_id]
        if role == PartyRole.LEAD and not leads[contract_id]:  # the first lead, as the model
            leads[contract_id] = True
            contract["commissioner"], contract["commissioner_code"] = name, _code(ods, gss)
        elif role == PartyRole.ASSOCIATE:
            contract["associate_commissioners"].append(name)
            contract["associate_commissioners_codes"].append(_code(ods, gss))
    return found
