"""What an importer hands the store for each row, and what the store reports back.

:class:`ImportedRow` is one valid register row with its organisations resolved
(:class:`NewProvider` for a provider the store does not know yet); :func:`row_key`
is the identity of a row without a reference. :class:`WriteResult` is what
:class:`~contracts.store.imports.RegisterWriter` did with them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from contracts.organisations.names import normalise_name
from contracts.store.models import Organisation

# A register's columns that are the contract's own columns of the same name, stored as
# the row gives them once parsed (the importer's canonical fields end with these).
STORED_AS_WRITTEN: tuple[str, ...] = (
    "start_date",
    "end_date",
    "annual_value",
    "total_value",
    "payment_mechanism",
    "status",
    "notes",
)


@dataclass(frozen=True)
class NewProvider:
    """A provider the store does not know yet; created when its first row is written."""

    name: str


@dataclass
class ImportedRow:
    """One valid register row, ready to store (organisations already resolved)."""

    source_key: str
    title: str
    provider: Organisation | NewProvider
    commissioner_id: int | None
    sheet: str
    row: int
    reference: str | None = None
    associate_ids: tuple[int, ...] = ()
    service_category: str | None = None
    contract_form: str | None = None
    contract_form_inferred: str | None = None  # why, when the register gave no form
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    annual_value: Decimal | None = None
    total_value: Decimal | None = None
    payment_mechanism: str | None = None
    status: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class MissingContract:
    """A contract the source held before that this import no longer contains."""

    id: int
    source_key: str
    title: str
    sheet: str | None
    row: int | None


@dataclass
class WriteResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    moved: int = 0  # unchanged, but at another sheet/row than before
    missing: list[MissingContract] = field(default_factory=list)
    new_organisations: list[Organisation] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated or self.moved or self.missing)


def row_key(title: str, provider: str, commissioner: str | None, start: dt.date | None) -> str:
    """The identity of a row without a reference: "row-" + a short hash of what it is."""
    parts = [normalise_name(title), normalise_name(provider), normalise_name(commissioner or "")]
    parts.append(start.isoformat() if start else "")
    return "row-" + hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:12]
