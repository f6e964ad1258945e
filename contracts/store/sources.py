"""The registers imported (sources): listing them, one with its imports, and retiring one.

Every import batch names its source; a source is the register as the store
knows it. Retiring one takes its contracts out of the register — out of
`list`, `summary`, duplicates and proposals — without deleting anything: each
contract keeps its rows and history, and the retirement is in that history
and in the audit log.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, any_, bindparam, func, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from contracts.errors import ContractsError
from contracts.store import audit
from contracts.store.models import (
    Base,
    Contract,
    ContractHistory,
    ImportBatch,
    IntPK,
    Timestamp,
)


class RetiredSource(Base):
    """A register retired by ``contracts sources retire``: its contracts left the register.

    They are kept (with the retirement in their history); a source named here
    is not imported again under the same name. (Beside its behaviour rather than
    in ``models.py``; ``migrations/env.py`` imports it for the schema checks.)
    """

    __tablename__ = "retired_sources"

    id: Mapped[IntPK]
    source: Mapped[str] = mapped_column(String(200), unique=True)
    retired_at: Mapped[Timestamp]
    retired_by: Mapped[str | None] = mapped_column(String(100))
    contracts: Mapped[int] = mapped_column(default=0)  # how many left the register with it


# Keys looked up per query (SQLite's parameter limit is far above this).
KEY_CHUNK = 500


@dataclass(frozen=True)
class SourceSummary:
    """One register: how many of its contracts are in the register, and its imports."""

    name: str
    contracts: int  # in the register now
    not_in_register: int  # left it at a re-import, or with the retirement
    imports: int
    last_import: dt.datetime | None
    last_file: str | None
    retired: RetiredSource | None

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.name,
            "status": "retired" if self.retired else "active",
            "contracts": self.contracts,
            "not_in_register": self.not_in_register,
            "imports": self.imports,
            "last_import": self.last_import.isoformat() if self.last_import else None,
            "last_file": self.last_file,
            "retired_at": self.retired.retired_at.isoformat() if self.retired else None,
            "retired_by": self.retired.retired_by if self.retired else None,
        }


def list_sources(session: Session) -> list[SourceSummary]:
    """Every source with contracts or imports, by name; retired ones say so."""
    counts: dict[str, list[int]] = {}
    for source, in_register, count in session.execute(
        select(Contract.source, Contract.in_register, func.count()).group_by(
            Contract.source, Contract.in_register
        )
    ):
        counts.setdefault(source, [0, 0])[0 if in_register else 1] += count
    imports: dict[str, tuple[int, dt.datetime | None, str | None]] = {}
    for batch in session.scalars(
        select(ImportBatch).where(ImportBatch.outcome == "imported").order_by(ImportBatch.id)
    ):
        count = imports.get(batch.source, (0, None, None))[0]
        imports[batch.source] = (count + 1, batch.imported_at, batch.file_name)
    retired = {r.source: r for r in session.scalars(select(RetiredSource))}
    names = sorted(set(counts) | set(imports) | set(retired))
    summaries = []
    for name in names:
        in_register, gone = counts.get(name, [0, 0])
        count, last_import, last_file = imports.get(name, (0, None, None))
        summaries.append(
            SourceSummary(name, in_register, gone, count, last_import, last_file, retired.get(name))
        )
    return summaries


def find_source(session: Session, name: str) -> SourceSummary:
    """One source by its exact name, or an error that names the nearest ones."""
    sources = list_sources(session)
    for summary in sources:
        if summary.name == name:
            return summary
    if not sources:
        raise ContractsError(f"no source '{name}': nothing has been imported yet")
    near = difflib.get_close_matches(name, [s.name for s in sources], n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ";"
    listed = ", ".join(f"'{s.name}'" for s in sources[:10]) + (" …" if len(sources) > 10 else "")
    raise ContractsError(f"no source '{name}'{hint} the sources are {listed}")


def source_batches(session: Session, name: str) -> list[ImportBatch]:
    """The recorded imports of one source, oldest first."""
    return list(
        session.scalars(
            select(ImportBatch).where(ImportBatch.source == name).order_by(ImportBatch.id)
        )
    )


def batch_json(batch: ImportBatch) -> dict[str, Any]:
    return {
        "id": batch.id,
        "imported_at": batch.imported_at.isoformat() if batch.imported_at else None,
        "imported_by": batch.imported_by,
        "file": batch.file_name,
        "sheets": batch.sheets,
        "outcome": batch.outcome,
        "rows_read": batch.rows_read,
        "created": batch.rows_created,
        "updated": batch.rows_updated,
        "unchanged": batch.rows_unchanged,
        "missing": batch.rows_missing,
        "rejected": batch.rows_rejected,
    }


def sources_holding(
    session: Session, keys: Collection[str], *, other_than: str
) -> list[tuple[str, int]]:
    """Other sources whose contracts in the register have these identities (references,
    or row keys), with how many each holds; the most first."""
    held: Counter[str] = Counter()
    # The other sources by name, so each key is a probe of the (source, source_key)
    # index: "source != x" made SQLite scan every contract for each chunk of keys.
    others = sorted(
        source
        for source in session.scalars(select(Contract.source).distinct())
        if source != other_than
    )
    if not others:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return _sources_holding_at_once(session, keys, others)
    ordered = sorted(keys)
    for start in range(0, len(ordered), KEY_CHUNK):
        chunk = ordered[start : start + KEY_CHUNK]
        for source, count in session.execute(
            select(Contract.source, func.count())
            .where(
                Contract.source.in_(others),
                Contract.in_register.is_(True),
                Contract.source_key.in_(chunk),
            )
            .group_by(Contract.source)
        ):
            held[source] += count
    return held.most_common()


def _sources_holding_at_once(
    session: Session, keys: Collection[str], others: list[str]
) -> list[tuple[str, int]]:
    """PostgreSQL: every key in one query, each list sent as one array.

    In chunks of KEY_CHUNK, PostgreSQL's planner read every other source's contracts
    through the index on ``source`` for each chunk (3.8 s of the ten registers'
    imports at 100,000 contracts); one query reads them at most once.
    """
    # Here, not at the top: PostgreSQL's dialect costs every SQLite import 40 ms to load.
    from sqlalchemy.dialects.postgresql import ARRAY

    rows = session.execute(
        select(Contract.source, func.count())
        .where(
            Contract.source == any_(bindparam("others", others, type_=ARRAY(String))),
            Contract.in_register.is_(True),
            Contract.source_key == any_(bindparam("keys", sorted(keys), type_=ARRAY(String))),
        )
        .group_by(Contract.source)
    )
    held = Counter({source: count for source, count in rows})
    return held.most_common()


def retired_source(session: Session, name: str) -> RetiredSource | None:
    """The retirement of source ``name``, if it was retired."""
    return session.scalar(select(RetiredSource).where(RetiredSource.source == name))


def retirement_note(retired: RetiredSource) -> str:
    """What `show` says of a contract whose register was retired."""
    who = f" by {retired.retired_by}" if retired.retired_by else ""
    return f"register '{retired.source}' retired on {retired.retired_at:%d/%m/%Y}{who}"


def retire_source(session: Session, name: str, *, retired_by: str | None = None) -> int:
    """Take every contract of ``name`` out of the register; how many left it.

    Nothing is deleted: each contract that was in the register gets a history
    entry, and the retirement goes to the audit log. Retiring twice is an error.
    """
    summary = find_source(session, name)
    if summary.retired is not None:
        raise ContractsError(
            f"source '{name}' was already retired on {summary.retired.retired_at:%d/%m/%Y}"
        )
    ids = list(
        session.scalars(
            select(Contract.id).where(Contract.source == name, Contract.in_register.is_(True))
        )
    )
    who = retired_by or audit.current_user()
    if ids:
        session.execute(update(Contract), [{"id": i, "in_register": False} for i in ids])
        session.execute(
            insert(ContractHistory),
            [
                {
                    "contract_id": i,
                    "changes": {"in_register": [True, False], "retired": [False, True]},
                }
                for i in ids
            ],
        )
    session.add(RetiredSource(source=name, retired_by=who, contracts=len(ids)))
    audit.record(
        session,
        action="register retired",
        entity_type="source",
        entity_id=name,
        actor=who,
        before={"contracts": summary.contracts},
        after={"contracts": 0, "left_the_register": len(ids)},
    )
    session.flush()
    return len(ids)
