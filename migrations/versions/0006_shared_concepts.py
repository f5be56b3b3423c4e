"""Shared concepts: extra themes for a concept, extra dimensions for a theme, settings

A concept keeps its primary theme in ``concepts.theme_id`` (and a theme its primary
dimension in ``themes.dimension_id``); where the project allows it (the ``allow_shared``
setting), further parents are rows of ``concept_extra_themes`` and
``theme_extra_dimensions``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "concept_extra_themes",
        sa.Column("concept_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["concept_id"],
            ["concepts.id"],
            name=op.f("fk_concept_extra_themes_concept_id_concepts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["themes.id"],
            name=op.f("fk_concept_extra_themes_theme_id_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("concept_id", "theme_id", name=op.f("pk_concept_extra_themes")),
    )
    op.create_index(op.f("ix_concept_extra_themes_theme_id"), "concept_extra_themes", ["theme_id"])
    op.create_table(
        "theme_extra_dimensions",
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("dimension_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dimension_id"],
            ["dimensions.id"],
            name=op.f("fk_theme_extra_dimensions_dimension_id_dimensions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["themes.id"],
            name=op.f("fk_theme_extra_dimensions_theme_id_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("theme_id", "dimension_id", name=op.f("pk_theme_extra_dimensions")),
    )
    op.create_index(
        op.f("ix_theme_extra_dimensions_dimension_id"),
        "theme_extra_dimensions",
        ["dimension_id"],
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )


def downgrade() -> None:
    op.drop_table("settings")
    op.drop_index(
        op.f("ix_theme_extra_dimensions_dimension_id"), table_name="theme_extra_dimensions"
    )
    op.drop_table("theme_extra_dimensions")
    op.drop_index(op.f("ix_concept_extra_themes_theme_id"), table_name="concept_extra_themes")
    op.drop_table("concept_extra_themes")
