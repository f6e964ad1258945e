"""Contracts: why the contract form was inferred, where the register gave none.

Registers without a contract-form column (or with a word the vocabulary does not
know) get a form inferred from the parties and the title at import; this column
says why, and is empty where the register gave the form. Existing rows stay as
they were: `propose` infers on the fly for them until they are imported again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("contract_form_inferred", sa.String(length=300), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_column("contract_form_inferred")
