"""Ids never reused: SQLite tables get AUTOINCREMENT, so that the id of a deleted row
(which the audit trail names) never goes to a new one (PostgreSQL's sequences never
reuse an id: nothing to do there)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every table with an id, as at revision 0008.
TABLES = (
    "cases",
    "informants",
    "transcripts",
    "segments",
    "attributes",
    "coders",
    "dimensions",
    "themes",
    "concepts",
    "codings",
    "reviews",
    "memos",
    "events",
)


def _rebuild(autoincrement: bool) -> None:
    """Copy each table into one made with (or without) AUTOINCREMENT; sqlite_sequence
    starts from the highest id there, so no id used before comes back."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def upgrade() -> None:
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
