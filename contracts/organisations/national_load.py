"""Putting the national reference data into the store: an upsert that can run again.

The migration that adds the national data and ``contracts orgs load`` both
call :func:`load_national`. It works on Core tables of the columns it needs,
not the ORM models, so the migration keeps working when the models grow.

What it never does: delete an organisation or an alias, replace a successor
a person recorded with ``orgs merge``, or take a spelling that already names
another organisation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from contracts.organisations.names import normalise_name
from contracts.organisations.national_data import NationalOrganisation


def _table(table: str, /, **columns: type[sa.types.TypeEngine[Any]]) -> sa.TableClause:
    """A lightweight table of these columns: the revision's own, not the models' (which
    may grow later), so the migration that loads the data keeps working."""
    return sa.table(table, *(sa.column(column, kind) for column, kind in columns.items()))


organisations = _table(
    "organisations",
    id=sa.Integer, name=sa.String, kind=sa.String, tier=sa.String, ods_code=sa.String,
    gss_code=sa.String, is_commissioner=sa.Boolean, footprint=sa.String, open_date=sa.Date,
    close_date=sa.Date, successor_id=sa.Integer, parent_id=sa.Integer, origin=sa.String,
)  # fmt: skip
aliases = _table(
    "organisation_aliases",
    id=sa.Integer, organisation_id=sa.Integer, alias=sa.String, normalised=sa.String,
)  # fmt: skip
_FIELDS = ("name", "kind", "tier", "is_commissioner", "open_date", "close_date")
OTHER_FOOTPRINT = "other"


@dataclass
class LoadReport:
    """What a load changed, for the command's one-line answer and the audit log."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    adopted: list[str] = field(default_factory=list)  # imported providers now with a code
    aliases_added: int = 0
    successors_set: int = 0

    def summary(self) -> str:
        return (
            f"{self.added} organisation(s) added, {self.updated} updated, {self.unchanged} "
            f"unchanged; {self.aliases_added} spelling(s) and {self.successors_set} "
            f"successor(s) recorded"
            + (
                f"; {len(self.adopted)} imported provider(s) matched by name"
                if self.adopted
                else ""
            )
        )


def load_national(
    connection: sa.Connection, national: Iterable[NationalOrganisation]
) -> LoadReport:
    """Insert what is missing and bring reference rows up to date; see the module docstring."""
    report = LoadReport()
    rows = {r.id: r for r in connection.execute(sa.select(organisations))}
    by_ods = {r.ods_code: r.id for r in rows.values() if r.ods_code}
    by_gss = {r.gss_code: r.id for r in rows.values() if r.gss_code}
    # An organisation an import added under this exact (normalised) name, with no
    # code, is the same body: it gets the code rather than a twin.
    uncoded: dict[str, int] = {}
    for r in sorted(rows.values(), key=lambda r: r.id):
        if not r.ods_code and not r.gss_code:
            uncoded.setdefault(normalise_name(r.name), r.id)
    ids: dict[str, int] = {}
    orgs = list(national)
    for org in orgs:
        found = (org.ods_code and by_ods.get(org.ods_code)) or (
            org.gss_code and by_gss.get(org.gss_code)
        )
        if not found:
            found = uncoded.pop(normalise_name(org.name), None)
            if found and rows[found].origin != "reference":
                report.adopted.append(rows[found].name)
        values = {
            "name": org.name,
            "kind": org.kind,
            "tier": org.tier,
            "is_commissioner": org.is_commissioner,
            "open_date": org.open_date,
            "close_date": org.close_date,
        }
        if not found:
            ids[org.key] = connection.execute(
                organisations.insert()
                .values(
                    **values,
                    ods_code=org.ods_code,
                    gss_code=org.gss_code,
                    footprint=org.footprint or OTHER_FOOTPRINT,
                    origin="reference",
                )
                .returning(organisations.c.id)
            ).scalar_one()
            report.added += 1
            continue
        ids[org.key] = found
        row = rows[found]
        changes = {k: v for k, v in values.items() if getattr(row, k) != v}
        for code in ("ods_code", "gss_code"):
            if getattr(org, code) and not getattr(row, code):
                changes[code] = getattr(org, code)
        if org.footprint and row.footprint != org.footprint:
            changes["footprint"] = org.footprint
        if changes:
            connection.execute(
                organisations.update().where(organisations.c.id == found).values(**changes)
            )
            report.updated += 1
        else:
            report.unchanged += 1
    _links(connection, orgs, ids, rows, report)
    report.aliases_added = _spellings(connection, orgs, ids)
    return report


def _links(
    connection: sa.Connection,
    orgs: list[NationalOrganisation],
    ids: dict[str, int],
    rows: dict[int, sa.Row],
    report: LoadReport,
) -> None:
    for org in orgs:
        row = rows.get(ids[org.key])
        changes: dict[str, int] = {}
        # A successor someone recorded with `orgs merge` stays.
        if org.successor and (row is None or row.successor_id is None):
            changes["successor_id"] = ids[org.successor]
            report.successors_set += 1
        parent = ids[org.parent] if org.parent else None
        if parent and (row is None or row.parent_id != parent):
            changes["parent_id"] = parent
        if changes:
            connection.execute(
                organisations.update().where(organisations.c.id == ids[org.key]).values(**changes)
            )


def _spellings(
    connection: sa.Connection, orgs: list[NationalOrganisation], ids: dict[str, int]
) -> int:
    taken = set(connection.scalars(sa.select(aliases.c.normalised)))
    new = []
    for org in orgs:
        for text in (org.name, *org.aliases, org.ods_code or "", org.gss_code or ""):
            key = normalise_name(text)
            if key and key not in taken:
                taken.add(key)
                new.append(
                    {"organisation_id": ids[org.key], "alias": text[:200], "normalised": key}
                )
    if new:
        connection.execute(aliases.insert(), new)
    return len(new)


def renormalise_aliases(connection: sa.Connection) -> int:
    """Recompute stored alias keys after the name rules changed; a key in use stays as it was."""
    rows = list(connection.execute(sa.select(aliases.c.id, aliases.c.alias, aliases.c.normalised)))
    taken = {r.normalised for r in rows}
    changed = 0
    for row in sorted(rows, key=lambda r: r.id):
        key = normalise_name(row.alias)
        if key and key != row.normalised and key not in taken:
            connection.execute(
                aliases.update().where(aliases.c.id == row.id).values(normalised=key)
            )
            taken.discard(row.normalised)
            taken.add(key)
            changed += 1
    return changed
