"""Consensus coders: a coder that holds the team's reconciled coding

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 16:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "coders",
        sa.Column("is_consensus", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("coders", schema=None) as batch_op:
        batch_op.drop_column("is_consensus")
