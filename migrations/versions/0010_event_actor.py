"""Who ran each change: ``events.actor_id`` (NULL for the project lead), beside
``events.coder_id`` (whose work the change is)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEEP = {"sqlite_autoincrement": True}


def upgrade() -> None:
    # SQLite rebuilds the table: it keeps AUTOINCREMENT (schema 0009).
    with op.batch_alter_table("events", table_kwargs=KEEP) as batch_op:
        batch_op.add_column(sa.Column("actor_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_events_actor_id_coders"), "coders", ["actor_id"], ["id"]
        )
    # Before this revision an event named one coder: the best knowledge of who ran it.
    events = sa.table(
        "events", sa.column("coder_id", sa.Integer), sa.column("actor_id", sa.Integer)
    )
    op.execute(events.update().values(actor_id=events.c.coder_id))


def downgrade() -> None:
    with op.batch_alter_table("events", table_kwargs=KEEP) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_events_actor_id_coders"), type_="foreignkey")
        batch_op.drop_column("actor_id")
