"""Registers retired with `contracts sources retire`.

A retired source's contracts leave the register (``in_register`` false, the
retirement in their history); this table says which sources were retired,
when and by whom, so `show` can say so and an import under that name stops.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "retired_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column(
            "retired_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("retired_by", sa.String(length=100), nullable=True),
        sa.Column("contracts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retired_sources")),
        sa.UniqueConstraint("source", name=op.f("uq_retired_sources_source")),
    )


def downgrade() -> None:
    op.drop_table("retired_sources")
