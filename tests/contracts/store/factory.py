"""The store's objects as every domain's tests build them: reference organisations by
code, and a contract stored with its lead and associate commissioners.

The domain factories (duplicates, proposals, workbook) choose their own defaults
and call these, so a contract and its parties are put together in one place.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.store.models import Contract, ContractParty, Organisation, PartyRole


def reference_org(session: Session, code: str) -> Organisation:
    """The reference organisation with this ODS or GSS code (the test fails if none)."""
    found = session.scalar(
        select(Organisation).where(
            (Organisation.ods_code == code) | (Organisation.gss_code == code)
        )
    )
    assert found is not None, f"reference organisation {code} missing"
    return found


def store_contract(
    session: Session,
    contract: Contract,
    lead: Organisation | None,
    associates: Iterable[Organisation] = (),
) -> Contract:
    """Add ``contract`` with its commissioners, flushed so it has an id."""
    if lead is not None:
        contract.parties.append(ContractParty(organisation=lead, role=PartyRole.LEAD))
    for associate in associates:
        contract.parties.append(ContractParty(organisation=associate, role=PartyRole.ASSOCIATE))
    session.add(contract)
    session.flush()
    return contract
