"""Structure order: a position for concepts, themes and dimensions (creation order so far)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 16:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("concepts", "themes", "dimensions")


def upgrade() -> None:
    for name in TABLES:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("position", sa.Integer(), nullable=False, server_default="0")
            )
        table = sa.table(name, sa.column("id", sa.Integer), sa.column("position", sa.Integer))
        op.execute(table.update().values(position=table.c.id))
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.alter_column("position", server_default=None)


def downgrade() -> None:
    for name in TABLES:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_column("position")
