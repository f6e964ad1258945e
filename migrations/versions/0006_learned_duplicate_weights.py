"""Duplicate-finder weights learned from this store's confirmed and rejected pairs.

`contracts duplicates train` re-estimates m and u per level and keeps them here,
one row per field and level; they lie over the shipped defaults.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "learned_weights",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=40), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("m", sa.Float(), nullable=False),
        sa.Column("u", sa.Float(), nullable=False),
        sa.Column("matches", sa.Integer(), nullable=False),
        sa.Column("non_matches", sa.Integer(), nullable=False),
        sa.Column(
            "trained_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("trained_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learned_weights")),
        sa.UniqueConstraint("field", "level", name=op.f("uq_learned_weights_field")),
    )


def downgrade() -> None:
    op.drop_table("learned_weights")
