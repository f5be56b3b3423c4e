"""Shared and edited memos, undo that happens once (the phase of blind coding is a row
of the settings table)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "memos", sa.Column("shared", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("memos", sa.Column("updated_at", sa.DateTime(), nullable=True))
    op.add_column("events", sa.Column("reverses_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_events_reverses_id"), "events", ["reverses_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_reverses_id"))
        batch_op.drop_column("reverses_id")
    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("shared")
