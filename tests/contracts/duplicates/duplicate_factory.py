"""Contracts built directly with the ORM, for the duplicate finder's tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.orm import Session

from contracts.duplicates.compare import MatchRecord
from contracts.store.models import Contract
from tests.contracts.store.factory import reference_org as org
from tests.contracts.store.factory import store_contract

START = dt.date(2016, 4, 1)
END = dt.date(2019, 3, 31)


def add_contract(
    session: Session,
    *,
    source: str,
    reference: str | None,
    title: str = "Community Services",
    provider: str | None = "RDD",
    lead: str | None = "06Q",
    associates: Sequence[str] = (),
    category: str | None = "community",
    start: dt.date | None = START,
    end: dt.date | None = END,
    annual: str | None = "1234567.00",
    total: str | None = None,
    in_register: bool = True,
    key: str | None = None,
) -> Contract:
    contract = Contract(
        source=source,
        source_key=key or reference or f"row-{title}",
        reference=reference,
        title=title,
        provider=org(session, provider) if provider else None,
        service_category=category,
        start_date=start,
        end_date=end,
        annual_value=Decimal(annual) if annual is not None else None,
        total_value=Decimal(total) if total is not None else None,
        in_register=in_register,
    )
    return store_contract(
        session,
        contract,
        org(session, lead) if lead else None,
        [org(session, code) for code in associates],
    )


def record(
    id: int,
    *,
    source: str = "mid",
    reference: str | None = None,
    title: str = "Community Services",
    provider: int | None = 1,
    successors: Sequence[int] = (),
    commissioners: Sequence[int] = (100,),
    category: str | None = "community",
    start: dt.date | None = START,
    end: dt.date | None = END,
    annual: str | None = "1234567.00",
    total: str | None = None,
    provider_name: str | None = None,
    coded: bool = False,
    terms: Sequence[str] = (),
) -> MatchRecord:
    """A pure record (no database) for comparison and linkage tests."""
    return MatchRecord.build(
        provider_name=provider_name,
        provider_coded=coded,
        provider_terms=tuple(terms),
        id=id,
        uid=f"{source}:{reference or f'row-{id}'}",
        source=source,
        reference=reference,
        title=title,
        provider_id=provider,
        provider_group=(successors[-1] if successors else provider) if provider else None,
        provider_chain=(provider, *successors) if provider else (),
        commissioners=frozenset(commissioners),
        lead_id=commissioners[0] if commissioners else None,
        service_category=category,
        start_date=start,
        end_date=end,
        annual_value=Decimal(annual) if annual is not None else None,
        total_value=Decimal(total) if total is not None else None,
    )
