"""Concept names private by construction: ``concepts.scope`` (0: shared; else the id of
the coder whose private open code the concept is), names unique per scope

An existing concept becomes shared if the structure holds it (a theme), the project
lead made it (no creator), another coder coded or wrote a memo on it (before this
revision a coder who used another's private name joined that concept), or the project
codes from a codebook; else it stays private to its creator.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEEP = {"sqlite_autoincrement": True}

concepts = sa.table(
    "concepts",
    sa.column("id", sa.Integer),
    sa.column("theme_id", sa.Integer),
    sa.column("created_by_id", sa.Integer),
    sa.column("scope", sa.Integer),
)
codings = sa.table(
    "codings", sa.column("concept_id", sa.Integer), sa.column("coder_id", sa.Integer)
)
memos = sa.table("memos", sa.column("concept_id", sa.Integer), sa.column("coder_id", sa.Integer))
settings = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.Text))


def upgrade() -> None:
    # SQLite rebuilds the table: it keeps AUTOINCREMENT (schema 0009).
    with op.batch_alter_table("concepts", table_kwargs=KEEP) as batch_op:
        batch_op.add_column(sa.Column("scope", sa.Integer(), server_default="0", nullable=False))
        batch_op.drop_constraint(batch_op.f("uq_concepts_name_key"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_concepts_name_key_scope"), ["name_key", "scope"]
        )
    codebook = (
        op.get_bind().scalar(sa.select(settings.c.value).where(settings.c.key == "phase"))
        == "codebook"
    )
    if codebook:
        return
    touched_by_others = sa.or_(
        sa.exists().where(
            codings.c.concept_id == concepts.c.id,
            codings.c.coder_id != concepts.c.created_by_id,
        ),
        sa.exists().where(
            memos.c.concept_id == concepts.c.id,
            memos.c.coder_id != concepts.c.created_by_id,
        ),
    )
    op.execute(
        concepts.update()
        .where(
            concepts.c.theme_id.is_(None),
            concepts.c.created_by_id.is_not(None),
            ~touched_by_others,
        )
        .values(scope=concepts.c.created_by_id)
    )


def downgrade() -> None:
    # Names were unique store-wide before: a downgrade fails while two scopes share one.
    with op.batch_alter_table("concepts", table_kwargs=KEEP) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_concepts_name_key_scope"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_concepts_name_key"), ["name_key"])
        batch_op.drop_column("scope")
