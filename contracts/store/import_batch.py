"""One import of one file into the store: its batch, its rows and its audit entry.

The importer reads, maps and validates; it hands over the file's facts
(:class:`ImportedFile`), a stream of valid :class:`ImportedRow` s and the
keys of rows it rejected (:class:`Rejected`), and at the end what it read
(:class:`Tally`). This module is the one place that writes: the batch, the
rows (through :class:`RegisterWriter`), the batch's counts and the audit
entry, all inside a SAVEPOINT of the caller's transaction that is kept only
when the import changed something — so a dry run, a refused file or an
identical one leaves no trace.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.errors import InputRejected
from contracts.organisations.index import OrganisationIndex
from contracts.store import audit, locks
from contracts.store.imports import ImportedRow, RegisterWriter, WriteResult
from contracts.store.models import ImportBatch
from contracts.store.sources import retired_source


@dataclass(frozen=True)
class ImportedFile:
    """What the store records of the file itself."""

    source: str
    file_name: str
    content_hash: str
    encoding: str | None
    imported_by: str | None = None


@dataclass(frozen=True)
class Rejected:
    """A row that is in the file but failed validation: not missing, and left as it was."""

    source_key: str


@dataclass(frozen=True)
class Tally:
    """What the importer read: rows, rows it rejected, rows that are not contracts."""

    rows_read: int
    rejected: int
    not_contracts: int


@dataclass
class ImportResult:
    """What the store did with one file."""

    rows: WriteResult
    counts: dict[str, int]
    written: bool = False


def previous_import(session: Session, source: str) -> ImportBatch | None:
    """The newest recorded import of ``source``, if any."""
    return session.scalars(
        select(ImportBatch)
        .where(ImportBatch.source == source, ImportBatch.outcome == "imported")
        .order_by(ImportBatch.id.desc())
        .limit(1)
    ).first()


def lock_source(session: Session, source: str) -> None:
    """On PostgreSQL, make a second import of the same source wait for the first.

    SQLite needs nothing: its transactions take the write lock at BEGIN.
    """
    locks.hold(session, source)  # the same key as before: sha1 of the source name


class RegisterImport:
    """Writes one file's import: create the batch, store the rows, record the outcome.

    Constructing it takes the source's lock (a second import of the same
    source waits), refuses a retired source and finds the source's previous import.
    """

    def __init__(self, session: Session, file: ImportedFile) -> None:
        self.session = session
        self.file = file
        lock_source(session, file.source)
        retired = retired_source(session, file.source)
        if retired is not None:
            raise InputRejected(
                f"source '{file.source}' was retired on {retired.retired_at:%d/%m/%Y}; its "
                "contracts stay in history, and the name is not used again: import this "
                "file under another name with --source NAME"
            )
        self.previous = previous_import(session, file.source)
        self._batch: ImportBatch | None = None
        self._writer: RegisterWriter | None = None
        self._written = False

    @property
    def identical_to_previous(self) -> bool:
        return self.previous is not None and self.previous.content_hash == self.file.content_hash

    @contextmanager
    def writing(
        self, index: OrganisationIndex, sheets_in_scope: set[str] | None = None
    ) -> Iterator[RegisterImport]:
        """Open the batch in a savepoint; kept only if :meth:`finish` wrote the import.

        ``sheets_in_scope``: when one sheet of a workbook is imported, contracts
        from its other sheets are not marked missing.
        """
        savepoint = self.session.begin_nested()
        try:
            self._batch = ImportBatch(
                source=self.file.source,
                file_name=self.file.file_name,
                content_hash=self.file.content_hash,
                encoding=self.file.encoding,
                imported_by=self.file.imported_by or audit.current_user(),
                outcome="imported",
            )
            self.session.add(self._batch)
            self.session.flush()
            self._writer = RegisterWriter(
                self.session,
                source=self.file.source,
                file_name=self.file.file_name,
                batch=self._batch,
                index=index,
                sheets_in_scope=sheets_in_scope,
            )
            yield self
            self._writer.close()  # rows still being stored if the import stopped early
        except BaseException as error:
            if self._writer is not None:
                try:
                    self._writer.close()
                except Exception as also:  # the error being raised is the one to report
                    error.add_note(f"storing the rows sent before it also failed: {also}")
            savepoint.rollback()
            raise
        if self._written:
            savepoint.commit()
        else:
            savepoint.rollback()

    def write(self, rows: Iterable[ImportedRow | Rejected]) -> None:
        """Store valid records in bulk chunks as they stream; remember rejected keys."""
        writer = self._open_writer()
        for row in rows:
            if isinstance(row, Rejected):
                writer.mark_seen(row.source_key)
            else:
                writer.add(row)

    def finish(self, tally: Tally, sheets: Sequence[str], *, dry_run: bool) -> ImportResult:
        """Write what is left, mark contracts no longer in the register, and record the
        batch's counts and the audit entry — unless this is a dry run or nothing changed."""
        writer = self._open_writer()
        batch = self._batch
        assert batch is not None
        rows = writer.finish()
        counts = {
            "rows_read": tally.rows_read,
            "created": rows.created,
            "updated": rows.updated,
            "unchanged": rows.unchanged,
            "missing": len(rows.missing),
            "rejected": tally.rejected,
            "not_contracts": tally.not_contracts,
        }
        result = ImportResult(rows, counts)
        if dry_run or not rows.changed_anything:
            return result
        batch.sheets = ", ".join(sheets)[:500]
        batch.rows_read, batch.rows_created = tally.rows_read, rows.created
        batch.rows_updated, batch.rows_unchanged = rows.updated, rows.unchanged
        batch.rows_missing, batch.rows_rejected = len(rows.missing), tally.rejected
        audit.record(
            self.session,
            action="register imported",
            entity_type="import_batch",
            entity_id=batch.id,
            actor=batch.imported_by,
            after={"file": self.file.file_name, "source": self.file.source, **counts},
        )
        self._written = result.written = True
        return result

    def _open_writer(self) -> RegisterWriter:
        if self._writer is None:
            raise RuntimeError("RegisterImport.write/finish outside its writing() block")
        return self._writer
