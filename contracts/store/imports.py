"""Writing validated register rows into the store: create, update with history, mark missing.

The importer hands over :class:`ImportedRow` s; :class:`RegisterWriter`
compares each with what the same source held before (by ``source_key``),
inserts new contracts and updates changed ones in bulk — one statement per
chunk, never a flush per row — keeps the old values in ``ContractHistory``,
and marks contracts that left the register ``in_register=False`` (never
deleted). What the source held is read a chunk at a time, and the contracts
the file still holds are one bit each, so memory does not grow with the
register. On PostgreSQL a chunk's new contracts go by COPY on a worker thread
while the importer reads the next chunk. The caller owns the transaction. (The
rows' own types are in :mod:`contracts.store.import_rows`, importable from here.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import KW_ONLY, dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from contracts.organisations.index import OrganisationIndex
from contracts.organisations.names import normalise_name
from contracts.store import locks
from contracts.store.bulk import CopyBehind, copies, insert_rows, table_of
from contracts.store.import_rows import STORED_AS_WRITTEN as STORED_AS_WRITTEN
from contracts.store.import_rows import ImportedRow as ImportedRow
from contracts.store.import_rows import MissingContract as MissingContract
from contracts.store.import_rows import NewProvider as NewProvider
from contracts.store.import_rows import WriteResult as WriteResult
from contracts.store.import_rows import row_key as row_key
from contracts.store.models import (
    Contract,
    ContractHistory,
    ContractParty,
    ImportBatch,
    Organisation,
    OrganisationAlias,
    OrganisationKind,
    PartyRole,
)

CHUNK_SIZE = 2000
# The fields a re-import compares; provenance (file, sheet, row) is not a change.
COMPARED_FIELDS: tuple[str, ...] = (
    "reference",
    "title",
    "provider_id",
    "service_category",
    "contract_form",
    "contract_form_inferred",
    *STORED_AS_WRITTEN,
)
_SNAPSHOT_COLUMNS = (
    Contract.id,
    Contract.source_key,
    *(getattr(Contract, name) for name in COMPARED_FIELDS),
    Contract.in_register,
    Contract.source_file,
    Contract.source_sheet,
    Contract.source_row,
)


NEW_ORGANISATIONS_LOCK = "contracts: new organisations"
# The roles as stored, looked up once (an Enum member's .value is a descriptor call).
_LEAD, _ASSOCIATE = PartyRole.LEAD.value, PartyRole.ASSOCIATE.value


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclass(eq=False)
class RegisterWriter:
    """Stores one source's records in chunks and works out what changed."""

    session: Session
    _: KW_ONLY
    source: str
    file_name: str
    batch: ImportBatch
    index: OrganisationIndex
    sheets_in_scope: set[str] | None = None
    result: WriteResult = field(default_factory=WriteResult, init=False)
    _pending: list[ImportedRow] = field(default_factory=list, init=False)
    # keys of rejected rows, looked up a chunk at a time
    _rejected: list[str] = field(default_factory=list, init=False)
    _seen: bytearray = field(default_factory=bytearray, init=False)  # a bit per contract id
    _new_providers: dict[str, Organisation] = field(default_factory=dict, init=False)
    _behind: CopyBehind = field(init=False)
    _held_anything: bool | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self._behind = CopyBehind(self.session)

    def _source_held_anything(self) -> bool:
        """Whether the store held any contract of this source before this import.

        When it held none (a register's first import), every chunk's comparison
        and the search for contracts that left the register would find nothing:
        they are skipped. Keys are unique within one import (a repeated key is an
        error), and the source's lock keeps other imports of it out meanwhile.
        """
        if self._held_anything is None:
            self._held_anything = (
                self.session.scalar(
                    select(Contract.id).where(Contract.source == self.source).limit(1)
                )
                is not None
            )
        return self._held_anything

    def _snapshots(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        """What the source held before under these keys (one chunk's)."""
        existing: dict[str, dict[str, Any]] = {}
        if not self._source_held_anything():
            return existing
        rows = self.session.execute(
            select(*_SNAPSHOT_COLUMNS).where(
                Contract.source == self.source, Contract.source_key.in_(keys)
            )
        ).mappings()
        for row in rows:
            snapshot = dict(row)
            snapshot["commissioner_id"] = None
            snapshot["associate_ids"] = ()
            existing[row["source_key"]] = snapshot
        if not existing:
            return existing
        by_id = {s["id"]: s for s in existing.values()}
        parties = self.session.execute(
            select(
                ContractParty.contract_id, ContractParty.organisation_id, ContractParty.role
            ).where(ContractParty.contract_id.in_(list(by_id)))
        )
        for contract_id, organisation_id, role in parties:
            snapshot = by_id[contract_id]
            if role == PartyRole.LEAD:
                snapshot["commissioner_id"] = organisation_id
            else:
                snapshot["associate_ids"] = tuple(
                    sorted((*snapshot["associate_ids"], organisation_id))
                )
        return existing

    def mark_seen(self, source_key: str) -> None:
        """A row that is in the file but rejected: not missing, and left as it was."""
        self._rejected.append(source_key)
        if len(self._rejected) >= CHUNK_SIZE:
            self._see_rejected()

    def _see_rejected(self) -> None:
        keys, self._rejected = self._rejected, []
        if keys and self._source_held_anything():
            self._behind.wait()
            found = self.session.scalars(
                select(Contract.id).where(
                    Contract.source == self.source, Contract.source_key.in_(keys)
                )
            )
            for contract_id in found:
                self._see(contract_id)

    def _see(self, contract_id: int) -> None:
        byte = contract_id >> 3
        if byte >= len(self._seen):
            self._seen.extend(bytes(byte + 1 - len(self._seen) + len(self._seen) // 2))
        self._seen[byte] |= 1 << (contract_id & 7)

    def _was_seen(self, contract_id: int) -> bool:
        byte = contract_id >> 3
        return byte < len(self._seen) and bool(self._seen[byte] & (1 << (contract_id & 7)))

    def add(self, record: ImportedRow) -> None:
        self._pending.append(record)
        if len(self._pending) >= CHUNK_SIZE:
            self.flush()

    def flush(self) -> None:
        """Write the pending records: new providers, inserts, updates, history."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        self._behind.wait()  # the last chunk's rows are stored before this one is compared
        self._create_providers(pending)
        existing = self._snapshots([r.source_key for r in pending])
        inserts: list[ImportedRow] = []
        updates: list[tuple[ImportedRow, dict[str, Any], int]] = []
        moves: list[dict[str, Any]] = []
        for record in pending:
            before = existing.get(record.source_key)
            if before is None:
                inserts.append(record)
                continue
            self._see(before["id"])
            values = self._values(record)
            changes = self._changes(before, record, values)
            if changes:
                updates.append((record, changes, before["id"]))
            else:
                self.result.unchanged += 1
                place = (self.file_name, record.sheet, record.row)
                if place != (before["source_file"], before["source_sheet"], before["source_row"]):
                    self.result.moved += 1
                    moves.append(
                        {
                            "id": before["id"],
                            "source_file": self.file_name,
                            "source_sheet": record.sheet,
                            "source_row": record.row,
                        }
                    )
        self._update(updates)
        if moves:
            self.session.execute(update(Contract), moves)
        self._insert(inserts)  # last: on PostgreSQL it is stored while the next chunk is read

    def _provider_id(self, record: ImportedRow) -> int:
        provider = record.provider
        if isinstance(provider, NewProvider):
            provider = self._new_providers[normalise_name(provider.name)]
        return provider.id

    def _create_providers(self, records: Iterable[ImportedRow]) -> None:
        pending: dict[str, NewProvider] = {}
        for record in records:
            if isinstance(record.provider, NewProvider):
                key = normalise_name(record.provider.name)
                if key not in self._new_providers:
                    pending.setdefault(key, record.provider)
        if not pending:
            return
        # Another import may be adding the same provider now: take turns, and use the
        # one it committed (insert-or-get), so neither fails on the unique alias.
        locks.hold(self.session, NEW_ORGANISATIONS_LOCK)
        committed = self.session.scalars(
            select(OrganisationAlias).where(OrganisationAlias.normalised.in_(pending))
        )
        for alias in committed:
            self._new_providers[alias.normalised] = alias.organisation
            self.index.add(alias.organisation)
        created: list[Organisation] = []
        for key, provider in pending.items():
            if key in self._new_providers:
                continue
            organisation = Organisation(
                name=provider.name[:200], kind=OrganisationKind.OTHER, origin="import"
            )
            organisation.aliases.append(
                OrganisationAlias(alias=provider.name[:200], normalised=key)
            )
            self.session.add(organisation)
            self._new_providers[key] = organisation
            created.append(organisation)
        if created:
            self.session.flush()
            for organisation in created:
                self.index.add(organisation)
            self.result.new_organisations.extend(created)

    def _values(self, record: ImportedRow) -> dict[str, Any]:
        return {
            "reference": record.reference,
            "title": record.title,
            "provider_id": self._provider_id(record),
            "service_category": record.service_category,
            "contract_form": record.contract_form,
            "contract_form_inferred": record.contract_form_inferred,
            "start_date": record.start_date,
            "end_date": record.end_date,
            "annual_value": record.annual_value,
            "total_value": record.total_value,
            "payment_mechanism": record.payment_mechanism,
            "status": record.status,
            "notes": record.notes,
        }

    def _org_name(self, organisation_id: int | None) -> str | None:
        if organisation_id is None:
            return None
        organisation = self.index.get(organisation_id) or self.session.get(
            Organisation, organisation_id
        )
        return organisation.name if organisation else str(organisation_id)

    def _changes(
        self, before: dict[str, Any], record: ImportedRow, values: dict[str, Any]
    ) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        for name, new in values.items():
            old = before[name]
            if old != new:
                if name == "provider_id":
                    changes["provider"] = [self._org_name(old), self._org_name(new)]
                else:
                    changes[name] = [_plain(old), _plain(new)]
        if before["commissioner_id"] != record.commissioner_id:
            changes["commissioner"] = [
                self._org_name(before["commissioner_id"]),
                self._org_name(record.commissioner_id),
            ]
        associates = tuple(sorted(set(record.associate_ids) - {record.commissioner_id}))
        if associates != before["associate_ids"]:
            changes["associate_commissioners"] = [
                [self._org_name(i) for i in before["associate_ids"]],
                [self._org_name(i) for i in associates],
            ]
        if not before["in_register"]:
            changes["in_register"] = [False, True]
        return changes

    def _provenance(self, record: ImportedRow) -> dict[str, Any]:
        return {
            "source_file": self.file_name,
            "source_sheet": record.sheet,
            "source_row": record.row,
            "import_batch_id": self.batch.id,
            "in_register": True,
        }

    def _insert(self, records: list[ImportedRow]) -> None:
        if not records:
            return
        rows = [
            {
                "source": self.source,
                "source_key": r.source_key,
                **self._values(r),
                **self._provenance(r),
            }
            for r in records
        ]
        contracts = table_of(Contract)
        if copies(self.session, contracts, ["id", *rows[0]]):
            self._copy_behind(records, rows)
            return
        # A plain Core executemany (the ORM's bulk path costs a third more, for nothing
        # here) then one SELECT of the new ids: RETURNING with parameter order is
        # several times slower on SQLite for big chunks.
        insert_rows(self.session, contracts, rows)
        ids: dict[str, int] = dict(
            self.session.execute(
                select(Contract.source_key, Contract.id).where(
                    Contract.source == self.source,
                    Contract.source_key.in_([r.source_key for r in records]),
                )
            )
            .tuples()
            .all()
        )
        parties = []
        for record in records:
            contract_id = ids[record.source_key]
            parties.extend(self._party_rows(contract_id, record))
            self._see(contract_id)
        if parties:
            insert_rows(self.session, table_of(ContractParty), parties)
        self.result.created += len(records)

    def _copy_behind(self, records: list[ImportedRow], rows: list[dict[str, Any]]) -> None:
        """PostgreSQL: take the new contracts' ids from their sequence (one query), so
        their parties need no SELECT of the ids back, and COPY both behind the reader."""
        contracts = table_of(Contract)
        sequence = func.pg_get_serial_sequence(contracts.name, "id")
        ids = sorted(
            self.session.scalar(
                select(func.array_agg(func.nextval(sequence))).select_from(
                    func.generate_series(1, len(rows))
                )
            )
        )
        parties = []
        for contract_id, record, row in zip(ids, records, rows, strict=True):
            row["id"] = contract_id
            parties.extend(self._party_rows(contract_id, record))
            self._see(contract_id)
        self._behind.send([(contracts, rows), (table_of(ContractParty), parties)])
        self.result.created += len(records)

    def close(self) -> None:
        """Wait for the rows still being stored; raises the server's error, if any."""
        self._behind.close()

    @staticmethod
    def _party_rows(contract_id: int, record: ImportedRow) -> list[dict[str, Any]]:
        rows = []
        if record.commissioner_id is not None:
            rows.append(
                {
                    "contract_id": contract_id,
                    "organisation_id": record.commissioner_id,
                    "role": _LEAD,
                }
            )
        if record.associate_ids:  # most rows have none: no set to build
            for associate in sorted(set(record.associate_ids) - {record.commissioner_id}):
                rows.append(
                    {
                        "contract_id": contract_id,
                        "organisation_id": associate,
                        "role": _ASSOCIATE,
                    }
                )
        return rows

    def _update(self, updates: list[tuple[ImportedRow, dict[str, Any], int]]) -> None:
        if not updates:
            return
        rows, history, parties, party_changed = [], [], [], []
        for record, changes, contract_id in updates:
            rows.append({"id": contract_id, **self._values(record), **self._provenance(record)})
            history.append(
                {"contract_id": contract_id, "import_batch_id": self.batch.id, "changes": changes}
            )
            if "commissioner" in changes or "associate_commissioners" in changes:
                party_changed.append(contract_id)
                parties.extend(self._party_rows(contract_id, record))
        self.session.execute(update(Contract), rows)
        insert_rows(self.session, table_of(ContractHistory), history)
        if party_changed:
            self.session.execute(
                delete(ContractParty).where(ContractParty.contract_id.in_(party_changed))
            )
            if parties:
                insert_rows(self.session, table_of(ContractParty), parties)
        self.result.updated += len(updates)

    def finish(self) -> WriteResult:
        """Write what is left and mark contracts no longer in the register."""
        self.flush()
        self._see_rejected()
        self.close()
        if not self._source_held_anything():
            return self.result  # all it holds came from this import
        held = self.session.execute(
            select(
                Contract.id,
                Contract.source_key,
                Contract.title,
                Contract.source_sheet,
                Contract.source_row,
            )
            .where(Contract.source == self.source, Contract.in_register.is_(True))
            .execution_options(yield_per=CHUNK_SIZE)
        ).mappings()
        sheets = self.sheets_in_scope
        gone = [
            dict(row)
            for row in held
            if not self._was_seen(row["id"]) and (sheets is None or row["source_sheet"] in sheets)
        ]
        if gone:
            self.session.execute(
                update(Contract),
                [{"id": s["id"], "in_register": False} for s in gone],
            )
            self.session.execute(
                insert(ContractHistory),
                [
                    {
                        "contract_id": s["id"],
                        "import_batch_id": self.batch.id,
                        "changes": {"in_register": [True, False]},
                    }
                    for s in gone
                ],
            )
            self.result.missing = [
                MissingContract(
                    s["id"], s["source_key"], s["title"], s["source_sheet"], s["source_row"]
                )
                for s in sorted(gone, key=lambda s: (s["source_sheet"] or "", s["source_row"] or 0))
            ]
        return self.result
