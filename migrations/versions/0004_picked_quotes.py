"""Picked quotes: the rank of a coding among its concept's representative quotes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 16:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("codings", sa.Column("pick_rank", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.drop_column("pick_rank")
