"""The store's identity: a UUID in the settings, from which exports derive stable GUIDs

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 12:00:00
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

settings = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.Text))


def upgrade() -> None:
    connection = op.get_bind()
    known = connection.execute(
        sa.select(settings.c.key).where(settings.c.key == "store_id")
    ).first()
    if known is None:
        op.bulk_insert(settings, [{"key": "store_id", "value": str(uuid.uuid4())}])


def downgrade() -> None:
    op.execute(settings.delete().where(settings.c.key == "store_id"))
