"""The register: listing, finding and describing contracts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, object_session, selectinload

from contracts.errors import ContractsError
from contracts.organisations.index import find_organisation
from contracts.store.models import Contract, ContractParty, Organisation
from contracts.store.money import money_json
from contracts.store.sources import retired_source, retirement_note
from contracts.vocabulary import canonical_category


def _with_parties(statement: Select[tuple[Contract]]) -> Select[tuple[Contract]]:
    return statement.options(
        selectinload(Contract.provider),
        selectinload(Contract.parties).selectinload(ContractParty.organisation),
    )


def list_contracts(
    session: Session,
    *,
    commissioner: str | None = None,
    provider: str | None = None,
    service_category: str | None = None,
    active_on: dt.date | None = None,
    ending_before: dt.date | None = None,
    include_removed: bool = False,
) -> list[Contract]:
    """Contracts in the register, filtered; organisations by any name or code.

    ``ending_before`` keeps contracts whose known end date is before that day (the
    co-termination view); a contract with no end date is not known to end.
    (`contracts list` reads the same contracts a chunk at a time: :mod:`.listing`.)
    """
    statement = filter_contracts(
        session,
        _with_parties(select(Contract)).order_by(Contract.source, Contract.source_row, Contract.id),
        commissioner=commissioner,
        provider=provider,
        service_category=service_category,
        active_on=active_on,
        ending_before=ending_before,
        include_removed=include_removed,
    )
    contracts = list(session.scalars(statement))
    if service_category and not contracts:
        check_category(
            session,
            service_category,
            filter_contracts(
                session,
                select(Contract.id),
                commissioner=commissioner,
                provider=provider,
                service_category=service_category,
                ending_before=ending_before,
                include_removed=include_removed,
            ),
        )
    return contracts


def filter_contracts(
    session: Session,
    statement: Select[Any],
    *,
    commissioner: str | None = None,
    provider: str | None = None,
    service_category: str | None = None,
    active_on: dt.date | None = None,
    ending_before: dt.date | None = None,
    include_removed: bool = False,
) -> Select[Any]:
    """``statement`` (a select from contracts) narrowed by the filters of `contracts list`,
    all in SQL; an unknown organisation is an error, as everywhere."""
    if not include_removed:
        statement = statement.where(Contract.in_register.is_(True))
    if commissioner:
        org = find_organisation(session, commissioner)
        statement = statement.where(Contract.parties.any(ContractParty.organisation_id == org.id))
    if provider:
        statement = statement.where(Contract.provider_id == find_organisation(session, provider).id)
    if service_category:
        # By meaning: "Acute care" and "acute services" are the stored "acute".
        meant = canonical_category(service_category) or service_category
        statement = statement.where(
            or_(
                Contract.service_category.ilike(service_category),
                Contract.service_category == meant,
            )
        )
    if ending_before:
        statement = statement.where(Contract.end_date < ending_before)
    if active_on:
        # Contract.is_active_on in SQL: an unknown start or end does not rule it out.
        statement = statement.where(
            Contract.in_register.is_(True),
            or_(Contract.start_date.is_(None), Contract.start_date <= active_on),
            or_(Contract.end_date.is_(None), Contract.end_date >= active_on),
        )
    return statement


def check_category(session: Session, wanted: str, matching: Select[Any]) -> None:
    """A category no contract has and the vocabulary does not know is a typing slip: say
    which category was probably meant, as an unknown commissioner does. ``matching`` selects
    the contracts the other filters (not the date) keep: one of them in the category is no
    slip, whatever the date."""
    if canonical_category(wanted) is not None:
        return  # a real category that no contract happens to have
    if session.execute(matching.limit(1)).first() is not None:
        return
    stored = sorted({c for c in session.scalars(select(Contract.service_category).distinct()) if c})
    near = process.extractOne(wanted.lower(), stored, processor=str.lower, scorer=fuzz.WRatio)
    hint = f"; did you mean '{near[0]}'?" if near and near[1] >= 60 else ""
    listed = ", ".join(stored) if stored else "none yet"
    raise ContractsError(
        f"no contract has the service category '{wanted}'{hint} "
        f"(categories in the register: {listed})"
    )


def find_contract(session: Session, id_or_reference: str) -> Contract:
    """A contract by its number, its ``source:key`` identity, or a unique reference."""
    if id_or_reference.isdigit():
        found = session.scalar(
            _with_parties(select(Contract)).where(Contract.id == int(id_or_reference))
        )
        if found is not None:
            return found
    if ":" in id_or_reference:
        source, _, key = id_or_reference.partition(":")
        found = session.scalar(
            _with_parties(select(Contract)).where(
                Contract.source == source, Contract.source_key == key
            )
        )
        if found is not None:
            return found
    matches = list(
        session.scalars(
            _with_parties(select(Contract)).where(Contract.reference == id_or_reference)
        )
    )
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        listed = ", ".join(f"{c.id} ({c.source})" for c in matches)
        raise ContractsError(
            f"reference '{id_or_reference}' is in {len(matches)} registers: {listed}; "
            "give the contract number instead"
        )
    raise ContractsError(f"no contract has the number or reference '{id_or_reference}'")


def _org_name(org: Organisation | None) -> str | None:
    return org.name if org else None


def _org_code(org: Organisation | None) -> str | None:
    return org.code if org else None


def contract_json(contract: Contract) -> dict[str, Any]:
    """A contract in the JSON shape of interface.md."""
    lead = contract.lead_commissioner
    associates = contract.associate_commissioners
    return {
        "id": contract.id,
        "reference": contract.reference,
        "source": contract.source,
        "title": contract.title,
        "commissioner": _org_name(lead),
        "commissioner_code": _org_code(lead),
        "associate_commissioners": [a.name for a in associates],
        "associate_commissioners_codes": [a.code for a in associates],
        "provider": _org_name(contract.provider),
        "provider_code": _org_code(contract.provider),
        "service_category": contract.service_category,
        "contract_form": contract.contract_form,
        "contract_form_inferred": contract.contract_form_inferred,
        "start_date": contract.start_date.isoformat() if contract.start_date else None,
        "end_date": contract.end_date.isoformat() if contract.end_date else None,
        "annual_value": money_json(contract.annual_value),
        "total_value": money_json(contract.total_value),
        "payment_mechanism": contract.payment_mechanism,
        "status": contract.status,
    }


def contract_detail(contract: Contract) -> dict[str, Any]:
    """Everything ``contracts show`` prints: the JSON shape plus provenance and history."""
    detail = contract_json(contract)
    session = object_session(contract)
    retired = (
        None
        if contract.in_register or session is None
        else retired_source(session, contract.source)
    )
    detail.update(
        {
            "notes": contract.notes,
            "in_register": contract.in_register,
            "retired": retirement_note(retired) if retired else None,
            "identity": contract.uid,
            "provenance": {
                "file": contract.source_file,
                "sheet": contract.source_sheet,
                "row": contract.source_row,
                "import_batch": contract.import_batch_id,
            },
            "history": [
                {"recorded_at": h.recorded_at.isoformat(), "changes": h.changes}
                for h in contract.history
            ],
        }
    )
    return detail
