"""Review coverage: which segments each coder has read (coded segments count as read)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 15:52:28.759515
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    reviews = op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coder_id"], ["coders.id"], name=op.f("fk_reviews_coder_id_coders")
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segments.id"],
            name=op.f("fk_reviews_segment_id_segments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint("segment_id", "coder_id", name=op.f("uq_reviews_segment_id_coder_id")),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviews_coder_id"), ["coder_id"], unique=False)

    # A segment a coder has coded is a segment the coder has read: backfill from codings,
    # through a snapshot of the codings table as it is at this revision.
    codings = sa.table(
        "codings",
        sa.column("segment_id", sa.Integer),
        sa.column("coder_id", sa.Integer),
        sa.column("created_at", sa.DateTime),
    )
    op.execute(
        reviews.insert().from_select(
            ["segment_id", "coder_id", "reviewed_at"],
            sa.select(
                codings.c.segment_id, codings.c.coder_id, sa.func.min(codings.c.created_at)
            ).group_by(codings.c.segment_id, codings.c.coder_id),
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviews_coder_id"))
    op.drop_table("reviews")
