"""Alembic, driven from code: the store's schema migrations (imported only when needed)."""

from __future__ import annotations

from dataclasses import dataclass

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from gioia.resources import bundled_path


@dataclass(frozen=True)
class Revision:
    """One migration: its id, the one before it, and what it does."""

    revision: str
    down_revision: str | None
    doc: str


def alembic_config(engine: Engine | None = None) -> Config:
    """An alembic configuration on gioia's migrations, bound to ``engine`` if given."""
    config = Config()
    config.set_main_option("script_location", str(bundled_path("migrations")))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the store to ``revision`` (the newest by default)."""
    command.upgrade(alembic_config(engine), revision)


def history() -> list[Revision]:
    """Every migration, oldest first."""
    scripts = ScriptDirectory.from_config(alembic_config())
    return [
        Revision(s.revision, s.down_revision, (s.doc or "").strip())  # type: ignore[arg-type]
        for s in reversed(list(scripts.walk_revisions()))
    ]


def head() -> str:
    """The newest revision this gioia knows."""
    current = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert current is not None
    return current


def is_known(revision: str) -> bool:
    """Whether ``revision`` is one of this gioia's migrations."""
    return any(r.revision == revision for r in history())
