"""Essex reference organisations: CCGs, councils, NHS England, the named providers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

Inserts what is missing and leaves what is there, so it is safe on a database
that already holds some of these organisations. Uses Core tables of this
revision's columns (not the ORM models, which may grow later).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from contracts.organisations.names import normalise_name
from contracts.organisations.reference import REFERENCE_ORGANISATIONS

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

organisations = sa.table(
    "organisations",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("kind", sa.String),
    sa.column("ods_code", sa.String),
    sa.column("gss_code", sa.String),
    sa.column("is_commissioner", sa.Boolean),
    sa.column("footprint", sa.String),
    sa.column("open_date", sa.Date),
    sa.column("close_date", sa.Date),
    sa.column("successor_id", sa.Integer),
    sa.column("origin", sa.String),
)
aliases = sa.table(
    "organisation_aliases",
    sa.column("id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
    sa.column("alias", sa.String),
    sa.column("normalised", sa.String),
)


def _find(connection: sa.Connection, ods: str | None, gss: str | None, name: str) -> int | None:
    if ods:
        condition = organisations.c.ods_code == ods
    elif gss:
        condition = organisations.c.gss_code == gss
    else:
        condition = organisations.c.name == name
    return connection.scalar(sa.select(organisations.c.id).where(condition))


def upgrade() -> None:
    connection = op.get_bind()
    ids: dict[str, int] = {}
    for org in REFERENCE_ORGANISATIONS:
        found = _find(connection, org.ods_code, org.gss_code, org.name)
        if found is None:
            found = connection.execute(
                organisations.insert()
                .values(
                    name=org.name,
                    kind=org.kind,
                    ods_code=org.ods_code,
                    gss_code=org.gss_code,
                    is_commissioner=org.is_commissioner,
                    footprint=org.footprint,
                    open_date=org.open_date,
                    close_date=org.close_date,
                    origin="reference",
                )
                .returning(organisations.c.id)
            ).scalar_one()
        ids[org.key] = found
    taken = set(connection.scalars(sa.select(aliases.c.normalised)))
    for org in REFERENCE_ORGANISATIONS:
        if org.successor:
            connection.execute(
                organisations.update()
                .where(organisations.c.id == ids[org.key], organisations.c.successor_id.is_(None))
                .values(successor_id=ids[org.successor])
            )
        spellings = [org.name, *org.aliases, *(c for c in (org.ods_code, org.gss_code) if c)]
        for spelling in spellings:
            key = normalise_name(spelling)
            if key in taken:
                continue
            taken.add(key)
            connection.execute(
                aliases.insert().values(
                    organisation_id=ids[org.key], alias=spelling, normalised=key
                )
            )


def downgrade() -> None:
    # Reference organisations may already be named by contracts; removing them
    # would break those rows, so the downgrade only forgets reference aliases of
    # organisations that nothing refers to.
    connection = op.get_bind()
    for org in REFERENCE_ORGANISATIONS:
        org_id = _find(connection, org.ods_code, org.gss_code, org.name)
        if org_id is None or _is_referenced(connection, org_id):
            continue
        connection.execute(aliases.delete().where(aliases.c.organisation_id == org_id))
        connection.execute(
            organisations.update()
            .where(organisations.c.successor_id == org_id)
            .values(successor_id=None)
        )
        connection.execute(organisations.delete().where(organisations.c.id == org_id))


def _is_referenced(connection: sa.Connection, org_id: int) -> bool:
    checks = (
        "SELECT 1 FROM contracts WHERE provider_id = :id",
        "SELECT 1 FROM contract_parties WHERE organisation_id = :id",
        "SELECT 1 FROM proposals WHERE provider_id = :id OR lead_commissioner_id = :id",
        "SELECT 1 FROM proposal_commissioners WHERE organisation_id = :id",
        "SELECT 1 FROM organisations WHERE successor_id = :id AND origin <> 'reference'",
    )
    return any(connection.scalar(sa.text(sql), {"id": org_id}) for sql in checks)
