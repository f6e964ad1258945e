"""Contracts built directly with the ORM, for the rules' and proposals' tests."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.orm import Session

from contracts.organisations.index import OrganisationIndex
from contracts.store.models import (
    Contract,
    Organisation,
    OrganisationKind,
)
from tests.contracts.store.factory import store_contract

AS_AT = dt.date(2016, 4, 1)
START = dt.date(2015, 4, 1)
END = dt.date(2018, 3, 31)
NHS_SC = "NHS Standard Contract"
SHORTER = "NHS Standard Contract (shorter form)"
COUNCIL = "local authority contract"
GRANT = "grant agreement"
NO_NEIGHBOURS: dict[int, int] = {}


def no_duplicates(_session: Session) -> dict[int, int]:
    """Stands in for the duplicate finder where a test is not about duplicates."""
    return NO_NEIGHBOURS


class Register:
    """Adds contracts to the session, naming organisations by code or name."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.index = OrganisationIndex.load(session)
        self._numbers = itertools.count(1)

    def org(self, text: str) -> Organisation:
        found = self.index.resolve(text)
        if found is None:
            found = Organisation(name=text, kind=OrganisationKind.INDEPENDENT_SECTOR)
            self.session.add(found)
            self.session.flush()
            self.index.add(found)
        return found

    def add(
        self,
        commissioner: str | None = "06Q",
        provider: str | None = "Provide",
        category: str | None = "community",
        *,
        form: str | None = NHS_SC,
        start: dt.date | None = START,
        end: dt.date | None = END,
        value: str | None = "100000.00",
        associates: Sequence[str] = (),
        source: str | None = None,
        reference: str | None = None,
        title: str | None = None,
        in_register: bool = True,
    ) -> Contract:
        number = next(self._numbers)
        source = source or f"register-{commissioner or 'none'}"
        reference = reference or f"C{number:04d}"
        contract = Contract(
            source=source,
            source_key=reference,
            reference=reference,
            title=title or f"{category or 'various'} services {number}",
            provider=self.org(provider) if provider else None,
            service_category=category,
            contract_form=form,
            start_date=start,
            end_date=end,
            annual_value=Decimal(value) if value is not None else None,
            in_register=in_register,
        )
        return store_contract(
            self.session,
            contract,
            self.org(commissioner) if commissioner else None,
            [self.org(code) for code in associates],
        )
