"""The store: SQLAlchemy models, the SQLite/PostgreSQL engine, and migrations on open.

The schema lives in alembic migrations (``migrations/``); these models describe the
head revision and a test proves the two agree. ``open_store`` is the one way in.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    false,
    inspect,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from gioia.errors import StoreError

#: The alembic revision these models describe; tests check it is the migrations' head.
SCHEMA_REVISION = "0008"
DEFAULT_STORE = "gioia.db"
NAME_LENGTH = 200

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """The current UTC time, naive, as every timestamp in the store is kept."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Case(Base):
    """A case of the study, usually a firm ("Case A")."""

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    name_key: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Informant(Base):
    """A person interviewed, known by a pseudonym; quotes cite their role."""

    __tablename__ = "informants"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    name_key: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    role: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Transcript(Base):
    """One imported file: its normalised text, which segments point into."""

    __tablename__ = "transcripts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    name_key: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    source: Mapped[str] = mapped_column(String(1000))
    format: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    segment_by: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    informant_id: Mapped[int | None] = mapped_column(ForeignKey("informants.id"), index=True)
    wave: Mapped[str | None] = mapped_column(String(40))
    interview_date: Mapped[dt.date | None] = mapped_column(Date)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Segment(Base):
    """A unit of coding: a span ``[char_start, char_end)`` of its transcript's text."""

    __tablename__ = "segments"
    __table_args__ = (
        UniqueConstraint("transcript_id", "position"),
        CheckConstraint("char_start >= 0 AND char_end > char_start", name="span"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    char_start: Mapped[int] = mapped_column(Integer)
    char_end: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    is_interviewer: Mapped[bool] = mapped_column(Boolean, default=False)
    informant_id: Mapped[int | None] = mapped_column(ForeignKey("informants.id"), index=True)
    time_start: Mapped[float | None] = mapped_column(Float)
    time_end: Mapped[float | None] = mapped_column(Float)


class Attribute(Base):
    """A key/value fact about exactly one case, informant or transcript."""

    __tablename__ = "attributes"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN case_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN informant_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN transcript_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_owner",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    informant_id: Mapped[int | None] = mapped_column(
        ForeignKey("informants.id", ondelete="CASCADE"), index=True
    )
    transcript_id: Mapped[int | None] = mapped_column(
        ForeignKey("transcripts.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(NAME_LENGTH))
    value: Mapped[str] = mapped_column(Text)


class Coder(Base):
    """A person who codes, created on first use; or a consensus coder that holds the
    team's reconciled coding (``is_consensus``)."""

    __tablename__ = "coders"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    name_key: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    is_consensus: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Dimension(Base):
    """An aggregate dimension (the third column of the data structure).

    ``position`` (here and on themes and concepts) is the researcher's order: the
    order of the structure file, or of creation.
    """

    __tablename__ = "dimensions"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    name_key: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    definition: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Theme(Base):
    """A 2nd-order theme; belongs to at most one dimension."""

    __tablename__ = "themes"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    name_key: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    definition: Mapped[str | None] = mapped_column(Text)
    dimension_id: Mapped[int | None] = mapped_column(
        ForeignKey("dimensions.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Concept(Base):
    """A 1st-order concept; belongs to at most one theme."""

    __tablename__ = "concepts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    name_key: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    definition: Mapped[str | None] = mapped_column(Text)
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("themes.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ConceptExtraTheme(Base):
    """A theme a concept is under besides its primary one (``concepts.theme_id``).

    Only where the project allows shared concepts (``Setting`` ``allow_shared``); the
    Gioia tree has none. ``position`` orders a concept's extra themes.
    """

    __tablename__ = "concept_extra_themes"
    concept_id: Mapped[int] = mapped_column(
        ForeignKey("concepts.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)


class ThemeExtraDimension(Base):
    """A dimension a theme is under besides its primary one (``themes.dimension_id``)."""

    __tablename__ = "theme_extra_dimensions"
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True
    )
    dimension_id: Mapped[int] = mapped_column(
        ForeignKey("dimensions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)


class Setting(Base):
    """A project setting: a name and its value as text (``allow_shared``: "true";
    ``phase``: "open" or "codebook", the phase of blind coding); also ``store_id``, the
    store's identity (a UUID made with the store, schema 0007), from which exports
    derive stable GUIDs."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Coding(Base):
    """A concept applied by a coder to a segment, on the span ``[char_start, char_end)``.

    Offsets are into the transcript's text; a span equal to the segment's means the
    whole segment, a narrower one is the quote. ``pick_rank`` (1, 2, …) marks the
    codings picked as the concept's representative quotes, in order.
    """

    __tablename__ = "codings"
    __table_args__ = (
        UniqueConstraint("segment_id", "concept_id", "coder_id", "char_start", "char_end"),
        CheckConstraint("char_start >= 0 AND char_end > char_start", name="span"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id"))
    concept_id: Mapped[int] = mapped_column(ForeignKey("concepts.id"), index=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id"), index=True)
    char_start: Mapped[int] = mapped_column(Integer)
    char_end: Mapped[int] = mapped_column(Integer)
    pick_rank: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Review(Base):
    """A segment a coder has read: tagged, passed in a session, or marked reviewed.

    This tells "looked and found nothing to code" apart from "not read yet".
    """

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("segment_id", "coder_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id"), index=True)
    reviewed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Memo(Base):
    """A note by a coder on a segment or on an item of the structure.

    Under blind coding a memo is private to its author until ``shared``.
    """

    __tablename__ = "memos"
    id: Mapped[int] = mapped_column(primary_key=True)
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id"))
    segment_id: Mapped[int | None] = mapped_column(
        ForeignKey("segments.id", ondelete="CASCADE"), index=True
    )
    concept_id: Mapped[int | None] = mapped_column(
        ForeignKey("concepts.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("themes.id", ondelete="CASCADE"), index=True
    )
    dimension_id: Mapped[int | None] = mapped_column(
        ForeignKey("dimensions.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Event(Base):
    """The audit trail: one append-only row per change, written with the change.

    ``concept_id`` and ``transcript_id`` are plain integers, not foreign keys, so the
    history of a deleted concept or transcript stays readable. An undo names the event
    it reverses in ``reverses_id`` (so an event is undone once at most).
    """

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    concept_id: Mapped[int | None] = mapped_column(Integer, index=True)
    transcript_id: Mapped[int | None] = mapped_column(Integer, index=True)
    summary: Mapped[str] = mapped_column(Text)
    before: Mapped[Any | None] = mapped_column(JSON)
    after: Mapped[Any | None] = mapped_column(JSON)
    reverses_id: Mapped[int | None] = mapped_column(Integer, index=True)


Index("ix_codings_segment_coder", Coding.segment_id, Coding.coder_id)


def core_table(model: type[Base]) -> Table:
    """A model's table, for Core bulk inserts (they skip the ORM's per-row work)."""
    return cast(Table, model.__table__)


# --- opening a store ---------------------------------------------------------------


@dataclass
class Store:
    """An open store: its engine, a session factory, and where it lives."""

    engine: Engine
    sessions: sessionmaker[Session]
    location: str
    created: bool = False

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[Session]:
        """A session in one transaction, committed on success, rolled back on error.

        On SQLite a writing transaction starts with ``BEGIN IMMEDIATE`` so that two
        processes queue on the busy timeout instead of failing on a lock upgrade.
        """
        engine = self._writer if write else self.engine
        with self.sessions(bind=engine) as session, session.begin():
            yield session

    @property
    def folder(self) -> Path:
        """Where files that belong with the store are written: a SQLite store's folder,
        else the current folder."""
        if self.is_sqlite and self.engine.url.database:
            return Path(self.engine.url.database).parent
        return Path.cwd()

    @cached_property
    def _writer(self) -> Engine:
        return self.engine.execution_options(sqlite_begin="IMMEDIATE")

    def close(self) -> None:
        self.engine.dispose()


def resolve_location(location: str | None) -> str:
    """The store given (``--store``), else ``GIOIA_STORE``, else ``gioia.db`` here."""
    return location or os.environ.get("GIOIA_STORE") or DEFAULT_STORE


def _is_url(location: str) -> bool:
    return "://" in location


def _display(location: str) -> str:
    """The location without a password, for messages."""
    if not _is_url(location):
        return location
    try:
        return make_url(location).render_as_string(hide_password=True)
    except ArgumentError:
        return location


def _sqlite_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's begin event emits BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _server_engine(location: str) -> Engine:
    try:
        url = make_url(location)
    except ArgumentError as exc:
        raise StoreError(f"{location!r} is not a store path or database URL.") from exc
    connect_args: dict[str, Any] = {}
    if url.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = 5
    try:
        return create_engine(url, connect_args=connect_args, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        raise StoreError(
            f"The driver for {_display(location)} is not installed: pip install 'gioia[postgres]'."
        ) from exc
    except ArgumentError as exc:
        raise StoreError(f"{_display(location)} is not a database URL gioia can open.") from exc


SQLITE_HEADER = b"SQLite format 3\x00"


def _check_sqlite_file(path: Path, *, create: bool) -> None:
    if not path.parent.is_dir() and create:
        raise StoreError(
            f"Cannot create the store {path}: the folder {path.parent} does not exist."
        )
    if not path.exists():
        if not create:
            raise StoreError(f"No store at {path}: run `gioia init` first.")
        return
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a store file.")
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:
        raise StoreError(f"{path} is not a gioia store (not a SQLite database).")


def read_revision(engine: Engine) -> str | None:
    """The alembic revision the store is at, or None where there is no schema yet."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            tables = inspect(connection).get_table_names()
            if tables:
                raise StoreError(
                    f"{_display(str(engine.url))} holds tables but is not a gioia store."
                )
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _engine_for(location: str | None, *, create: bool) -> tuple[Engine, str]:
    where = resolve_location(location)
    if _is_url(where) and not where.startswith("sqlite"):
        return _server_engine(where), _display(where)
    path = Path(make_url(where).database or "") if _is_url(where) else Path(where)
    path = path.expanduser().absolute()
    _check_sqlite_file(path, create=create)
    return _sqlite_engine(path), _display(where)


@contextmanager
def _reporting(engine: Engine, location: str) -> Iterator[None]:
    """Turn driver errors while opening into one-line ``StoreError``s."""
    try:
        yield
    except DBAPIError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        if "file is not a database" in reason:
            raise StoreError(f"{location} is not a gioia store (not a SQLite database).") from exc
        raise StoreError(f"Cannot open the store {location}: {reason}") from exc
    except BaseException:
        engine.dispose()
        raise


def open_store(location: str | None = None, *, create: bool = False) -> Store:
    """Open (with ``create``: make) the store, migrating a SQLite store that is behind.

    Raises ``StoreError`` with the command to run where the store is missing, not a
    store, unreachable, behind on a server, or written by a newer gioia.
    """
    engine, where = _engine_for(location, create=create)
    store = Store(engine, sessionmaker(expire_on_commit=False), where)
    with _reporting(engine, where):
        _bring_to_head(store, create=create)
    return store


def schema_revisions(location: str | None) -> tuple[str | None, str]:
    """The store's schema revision (None before ``gioia init``) and this gioia's."""
    engine, where = _engine_for(location, create=False)
    with _reporting(engine, where):
        revision = read_revision(engine)
    engine.dispose()
    return revision, SCHEMA_REVISION


def upgrade_schema(location: str | None) -> tuple[str | None, str]:
    """Upgrade the store to this gioia's schema (backing up a SQLite file first)."""
    from gioia import migrate

    engine, where = _engine_for(location, create=False)
    with _reporting(engine, where):
        before = read_revision(engine)
        if before is None:
            raise StoreError(f"No store at {where}: run `gioia init` first.")
        if before != SCHEMA_REVISION:
            if not migrate.is_known(before):
                raise StoreError(
                    f"The store {where} was written by a newer gioia (schema {before}): "
                    "upgrade gioia instead."
                )
            if engine.dialect.name == "sqlite":
                backup_sqlite(engine)
            migrate.upgrade(engine)
    engine.dispose()
    return before, SCHEMA_REVISION


def _bring_to_head(store: Store, *, create: bool) -> None:
    revision = read_revision(store.engine)
    if revision == SCHEMA_REVISION:
        return
    from gioia import migrate

    if revision is None:
        if not create:
            raise StoreError(f"No store at {store.location}: run `gioia init` first.")
        migrate.upgrade(store.engine)
        store.created = True
        return
    if not migrate.is_known(revision):
        raise StoreError(
            f"The store {store.location} was written by a newer gioia (schema {revision}): "
            "upgrade gioia to open it."
        )
    if not store.is_sqlite:
        raise StoreError(
            f"The store {store.location} is at schema {revision}, this gioia needs "
            f"{SCHEMA_REVISION}: run `gioia db upgrade` once everyone has upgraded gioia."
        )
    backup_sqlite(store.engine)
    migrate.upgrade(store.engine)


def backup_sqlite(engine: Engine) -> Path:
    """Copy a SQLite store to ``<file>.backup-<UTC time>`` beside it, WAL included."""
    source = Path(engine.url.database or "")
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    target = source.with_name(f"{source.name}.backup-{stamp}")
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    dst.close()
    src.close()
    return target
