"""The store: SQLAlchemy models, the SQLite/PostgreSQL engine, and migrations on open.

The schema lives in alembic migrations (``migrations/``); these models describe the
head revision and a test proves the two agree. ``open_store`` is the one way in.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
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
    false,
    inspect,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from gioia import sqlite
from gioia.errors import InvalidInput, StoreError
from gioia.failures import busy_timeout, translate
from gioia.limits import FILE_NAME_LENGTH, NAME_LENGTH, WAVE_LENGTH
from gioia.views import SchemaUpgrade

#: The alembic revision these models describe; tests check it is the migrations' head.
SCHEMA_REVISION = "0011"
DEFAULT_STORE = "gioia.db"

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
    source: Mapped[str] = mapped_column(String(FILE_NAME_LENGTH))
    format: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    segment_by: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    informant_id: Mapped[int | None] = mapped_column(ForeignKey("informants.id"), index=True)
    wave: Mapped[str | None] = mapped_column(String(WAVE_LENGTH))
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


#: ``Concept.scope`` of a shared concept (see :class:`Concept`).
SHARED_SCOPE = 0


class Concept(Base):
    """A 1st-order concept; belongs to at most one theme.

    ``scope`` says whose name it is (schema 0011): ``SHARED_SCOPE`` (0) for the team's
    (in the structure, made by the project lead, or any concept in codebook coding),
    else the id of the coder whose private open code it is. Names are unique per scope:
    two coders may each have a private "Trust"; a shared name is kept unique store-wide
    by ``gioia.ops.scopes``."""

    __tablename__ = "concepts"
    __table_args__ = (UniqueConstraint("name_key", "scope"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    name_key: Mapped[str] = mapped_column(String(NAME_LENGTH))
    scope: Mapped[int] = mapped_column(Integer, default=SHARED_SCOPE, server_default="0")
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
    it reverses in ``reverses_id`` (so an event is undone once at most). ``coder_id`` is
    whose work the change is (a coding's coder, the consensus coder of a decision),
    ``actor_id`` who ran the command (NULL: the project lead, no coder named); they differ
    when the lead imports codings for the coders or reconciles into the consensus.
    """

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id"))
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


def _ids_never_reused(metadata: MetaData) -> None:
    """Give every table with an ``id`` SQLite's AUTOINCREMENT (schema 0009), so that the
    id of a deleted row is never handed to a new one: the audit trail names rows by id.
    PostgreSQL's sequences never reuse an id."""
    for table in metadata.tables.values():
        if "id" in table.c:
            table.dialect_kwargs["sqlite_autoincrement"] = True


_ids_never_reused(Base.metadata)


def core_table(model: type[Base]) -> Table:
    """A model's table, for Core bulk inserts (they skip the ORM's per-row work)."""
    return cast(Table, model.__table__)


# --- opening a store ---------------------------------------------------------------


@dataclass
class Store:
    """An open store: its engine, a session factory, and where it lives (``path``: the
    SQLite file). ``upgrade`` tells what opening it upgraded, and where the backup is."""

    engine: Engine
    sessions: sessionmaker[Session]
    location: str
    path: Path | None = None
    created: bool = False
    upgrade: SchemaUpgrade | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[Session]:
        """A session in one transaction, committed on success, rolled back on error.

        On SQLite a writing transaction starts with ``BEGIN IMMEDIATE`` so that two
        processes queue on the busy timeout instead of failing on a lock upgrade; on
        PostgreSQL a reading one is a read-only snapshot (``REPEATABLE READ``), so a
        reader sees one state of the store however many writers commit meanwhile. The
        store's failures come out as gioia errors (:mod:`gioia.failures`).
        """
        engine = self._writer if write else self._reader
        try:
            with self.sessions(bind=engine) as session, session.begin():
                yield session
        except (DBAPIError, sqlite3.Error) as exc:
            raise translate(exc, self.location, self.path) from exc
        except UnicodeEncodeError as exc:  # a lone surrogate: bytes that were not UTF-8
            raise InvalidInput(
                "A text given is not valid Unicode (it holds a byte that is not UTF-8); "
                "nothing was written."
            ) from exc

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

    @cached_property
    def _reader(self) -> Engine:
        if self.engine.dialect.name != "postgresql":
            return self.engine
        return self.engine.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )

    def files(self) -> list[Path]:
        """The files the store is made of (none for a server store): never written over."""
        if self.path is None:
            return []
        return [Path(f"{self.path}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]

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
    except (ArgumentError, ValueError):
        return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", location)


def _server_engine(location: str) -> Engine:
    try:
        url = make_url(location)
        url.port  # noqa: B018 -- parsing the port raises ValueError for "…:abc/…"
    except (ArgumentError, ValueError) as exc:
        raise StoreError(f"{_display(location)!r} is not a store path or database URL.") from exc
    connect_args: dict[str, Any] = {}
    if url.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = 5
        connect_args["application_name"] = "gioia"
        connect_args["options"] = f"-c lock_timeout={int(busy_timeout() * 1000)}"
    try:
        return create_engine(url, connect_args=connect_args, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        raise StoreError(
            f"The driver for {_display(location)} is not installed: pip install 'gioia[postgres]'."
        ) from exc
    except (ArgumentError, ValueError) as exc:
        raise StoreError(f"{_display(location)} is not a database URL gioia can open.") from exc


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


def _sqlite_path(location: str) -> Path:
    path = Path(make_url(location).database or "") if _is_url(location) else Path(location)
    return path.expanduser().absolute()


@contextmanager
def _reporting(engine: Engine, location: str, path: Path | None) -> Iterator[None]:
    """Turn driver errors while opening into one-line gioia errors."""
    try:
        yield
    except (DBAPIError, sqlite3.Error) as exc:
        engine.dispose()
        raise translate(exc, location, path) from exc
    except BaseException:
        engine.dispose()
        raise


def _check_revision(revision: str | None, location: str, *, create: bool) -> None:
    """Refuse a store with no schema (unless creating) or from a newer gioia."""
    if revision is None and not create:
        raise StoreError(f"No store at {location}: run `gioia init` first.")
    if revision not in (None, SCHEMA_REVISION):
        from gioia import migrate

        if not migrate.is_known(revision):
            raise StoreError(
                f"The store {location} was written by a newer gioia (schema {revision}): "
                "upgrade gioia to open it."
            )


def open_store(
    location: str | None = None,
    *,
    create: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> Store:
    """Open (with ``create``: make) the store, migrating a SQLite store that is behind.

    A SQLite file is recognised by reading only, so a file that is not a gioia store is
    left as it was. Raises ``StoreError`` with the command to run where the store is
    missing, not a store, unreachable, behind on a server, or written by a newer gioia.
    ``on_wait`` is told when a write has to wait for another process.
    """
    where = resolve_location(location)
    display = _display(where)
    if _is_url(where) and not where.startswith("sqlite"):
        engine = _server_engine(where)
        store = Store(engine, sessionmaker(expire_on_commit=False), display)
        with _reporting(engine, display, None):
            revision = read_revision(engine)
            _check_revision(revision, display, create=create)
            _bring_to_head(store, revision)
        return store
    path = _sqlite_path(where)
    sqlite.check_file(path, create=create)
    revision = sqlite.recognise(path, display)
    _check_revision(revision, display, create=create)

    def busy() -> None:
        if on_wait is not None:
            on_wait(sqlite.waiting_message(path, display))

    engine = sqlite.engine(path, busy)
    store = Store(engine, sessionmaker(expire_on_commit=False), display, path)
    with _reporting(engine, display, path):
        _bring_to_head(store, revision)
    return store


def schema_revisions(location: str | None) -> tuple[str | None, str]:
    """The store's schema revision (None before ``gioia init``) and this gioia's."""
    where = resolve_location(location)
    if _is_url(where) and not where.startswith("sqlite"):
        engine = _server_engine(where)
        with _reporting(engine, _display(where), None):
            revision = read_revision(engine)
        engine.dispose()
        return revision, SCHEMA_REVISION
    path = _sqlite_path(where)
    sqlite.check_file(path, create=False)
    return sqlite.recognise(path, _display(where)), SCHEMA_REVISION


def upgrade_schema(location: str | None) -> SchemaUpgrade:
    """Upgrade the store to this gioia's schema (backing up a SQLite file first)."""
    store = open_store(location, create=False) if _is_sqlite(location) else None
    if store is not None:  # opening a SQLite store upgrades it
        store.close()
        return store.upgrade or SchemaUpgrade(SCHEMA_REVISION, SCHEMA_REVISION, None)
    where = resolve_location(location)
    display = _display(where)
    engine = _server_engine(where)
    with _reporting(engine, display, None):
        before = read_revision(engine)
        if before is None:
            raise StoreError(f"No store at {display}: run `gioia init` first.")
        _check_revision(before, display, create=False)
        if before != SCHEMA_REVISION:
            from gioia import migrate

            migrate.upgrade(engine)
    engine.dispose()
    return SchemaUpgrade(before, SCHEMA_REVISION, None)


def _is_sqlite(location: str | None) -> bool:
    where = resolve_location(location)
    return not _is_url(where) or where.startswith("sqlite")


def _bring_to_head(store: Store, revision: str | None) -> None:
    """Create the schema in an empty store, or upgrade a SQLite store that is behind
    (after a backup); a server store that is behind is refused."""
    if revision == SCHEMA_REVISION:
        return
    from gioia import migrate

    if revision is None:
        migrate.upgrade(store.engine)
        store.created = True
        return
    if store.path is None:
        raise StoreError(
            f"The store {store.location} is at schema {revision}, this gioia needs "
            f"{SCHEMA_REVISION}: run `gioia db upgrade` once everyone has upgraded gioia."
        )
    copy = sqlite.backup(store.path)
    try:
        migrate.upgrade(store.engine)
    except BaseException:
        copy.unlink(missing_ok=True)  # the upgrade is one transaction: the store is as it was
        raise
    shown = copy if _is_url(store.location) else Path(store.location).with_name(copy.name)
    store.upgrade = SchemaUpgrade(revision, SCHEMA_REVISION, shown)
