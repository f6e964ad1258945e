"""National reference organisations: every CCG, ICB, NHS trust and English council.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Widens proposals.footprint (a footprint is now any ICB's name), adds each
organisation's parent (a CCG's ICB, a district's county) and a council's tier,
recomputes stored alias keys for the new name rules, and loads
``contracts/data/organisations/`` through the same upsert as
``contracts orgs load``: missing bodies are added, nothing is deleted, and a
successor someone recorded stays.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from contracts.organisations.national_data import read_national
from contracts.organisations.national_load import (
    aliases,
    load_national,
    organisations,
    renormalise_aliases,
)
from contracts.organisations.reference import REFERENCE_ORGANISATIONS

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("tier", sa.String(length=40), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_organisations_parent_id_organisations"),
            "organisations",
            ["parent_id"],
            ["id"],
        )
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        # A footprint is now any ICB's name or a name of the user's choosing.
        batch_op.alter_column(
            "footprint", existing_type=sa.String(length=40), type_=sa.String(length=200)
        )
    connection = op.get_bind()
    renormalise_aliases(connection)
    load_national(connection, read_national())


def downgrade() -> None:
    # Organisations that contracts or proposals name stay (removing them would
    # break those rows); the others this revision added go, with their aliases.
    connection = op.get_bind()
    hand_made = {r.ods_code or r.gss_code or r.name for r in REFERENCE_ORGANISATIONS}
    national = {o.ods_code or o.gss_code or o.name for o in read_national()} - hand_made
    rows = connection.execute(
        sa.select(organisations.c.id, organisations.c.ods_code, organisations.c.gss_code,
                  organisations.c.name)
        .where(organisations.c.origin == "reference")
    )  # fmt: skip
    for row in rows.all():
        if (row.ods_code or row.gss_code or row.name) not in national:
            continue
        if _is_referenced(connection, row.id):
            continue
        connection.execute(aliases.delete().where(aliases.c.organisation_id == row.id))
        for column in (organisations.c.successor_id, organisations.c.parent_id):
            connection.execute(
                organisations.update().where(column == row.id).values({column.name: None})
            )
        connection.execute(organisations.delete().where(organisations.c.id == row.id))
    for ref in REFERENCE_ORGANISATIONS:  # the Essex entries as revision 0002 left them
        code = organisations.c.ods_code if ref.ods_code else organisations.c.gss_code
        connection.execute(
            organisations.update()
            .where(code == (ref.ods_code or ref.gss_code), organisations.c.origin == "reference")
            .values(close_date=ref.close_date)
        )
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.alter_column(
            "footprint", existing_type=sa.String(length=200), type_=sa.String(length=40)
        )
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_organisations_parent_id_organisations"), type_="foreignkey"
        )
        batch_op.drop_column("tier")
        batch_op.drop_column("parent_id")


def _is_referenced(connection: sa.Connection, org_id: int) -> bool:
    checks = (
        "SELECT 1 FROM contracts WHERE provider_id = :id",
        "SELECT 1 FROM contract_parties WHERE organisation_id = :id",
        "SELECT 1 FROM proposals WHERE provider_id = :id OR lead_commissioner_id = :id",
        "SELECT 1 FROM proposal_commissioners WHERE organisation_id = :id",
        "SELECT 1 FROM organisations WHERE successor_id = :id AND origin <> 'reference'",
    )
    return any(connection.scalar(sa.text(sql), {"id": org_id}) for sql in checks)
