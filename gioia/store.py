"""The store: the SQLite/PostgreSQL engine, transactions, and creating, opening and
migrating a store.

The tables are in ``gioia.schema`` (Core); the ORM classes in ``gioia.models``. Nothing
here imports the ORM, so a command that needs none (``init``, ``tag``) never loads it.
A new store is created from ``gioia.schema`` and stamped at ``SCHEMA_REVISION``; an older
one is upgraded by the alembic migrations. ``open_store`` is the one way in.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    create_engine,
    event,
    inspect,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from gioia.errors import StoreError

try:
    import fcntl
except ImportError:  # Windows: writers queue on SQLite's busy timeout alone
    fcntl = None  # type: ignore[assignment]
from gioia.schema import SCHEMA_REVISION, metadata, utcnow

__all__ = ["SCHEMA_REVISION", "Store", "open_store", "utcnow"]

DEFAULT_STORE = "gioia.db"

# --- opening a store ---------------------------------------------------------------


@dataclass
class Store:
    """An open store: its engine and where it lives."""

    engine: Engine
    location: str
    created: bool = False

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[Connection]:
        """A connection in one transaction, committed on success, rolled back on error.

        On SQLite a writing transaction starts with ``BEGIN IMMEDIATE`` so that two
        processes queue instead of failing on a lock upgrade; they queue on the lock file
        beside the store (see ``_turn``), and on SQLite's busy timeout where there is none.
        """
        if not write:
            with self.engine.begin() as connection:
                yield connection
            return
        with self._turn(), self._writer.begin() as connection:
            yield connection

    @contextmanager
    def _turn(self) -> Iterator[None]:
        """Wait for this writer's turn on a SQLite store, first come, first served: a
        ticket from ``<store>-lock``, then the lock of the ticket before it (see
        ``WriterQueue``). SQLite's busy timeout alone retries at growing intervals (up to
        100 ms apart) and can pass a writer over many times. Without POSIX locks
        (Windows) or a lock file that cannot be opened, the busy timeout alone."""
        path = self.lock_path
        queue = WriterQueue.open(path) if path is not None else None
        if queue is None:
            yield
            return
        try:
            queue.wait()
            yield
        finally:
            queue.close()

    @property
    def lock_path(self) -> Path | None:
        """The lock file writers queue on: ``<store>-lock`` beside a SQLite store."""
        if not self.is_sqlite or not self.engine.url.database:
            return None
        database = Path(self.engine.url.database)
        return database.with_name(database.name + "-lock")

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


@dataclass
class WriterQueue:
    """Writers to one SQLite store in the order they came, across processes: each takes
    a ticket (a counter in the lock file, read and increased under a lock of its first
    bytes), locks the byte of its ticket, and waits until the byte of the ticket before
    it is free (its writer has committed, or is gone). POSIX record locks are released
    when their process ends, so a crashed writer never blocks the queue; the order is
    the only thing this adds: SQLite's own locks still make the writes one at a time."""

    handle: int
    ticket: int

    RING = 1 << 16  # tickets reuse their bytes after this many
    FIRST = 8  # the counter's bytes come first
    POLL = (0.0001, 0.002)  # seconds between looks at the ticket before: first, at most
    PATIENCE = 30.0  # then go on: SQLite's busy timeout takes over

    @classmethod
    def open(cls, path: Path) -> WriterQueue | None:
        """A place in the queue of ``path``'s writers, or None where there is none."""
        if fcntl is None:
            return None
        try:
            handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return None
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX, cls.FIRST, 0)
            ticket = int.from_bytes(
                os.pread(handle, cls.FIRST, 0).ljust(cls.FIRST, b"\0"), "little"
            )
            os.pwrite(handle, ((ticket + 1) % (1 << 62)).to_bytes(cls.FIRST, "little"), 0)
            fcntl.lockf(handle, fcntl.LOCK_UN, cls.FIRST, 0)
            fcntl.lockf(handle, fcntl.LOCK_EX, 1, cls._byte(ticket))
        except OSError:
            os.close(handle)
            return None
        return cls(handle, ticket)

    @classmethod
    def _byte(cls, ticket: int) -> int:
        return cls.FIRST + ticket % cls.RING

    def wait(self) -> None:
        """Until the writer before this one is done (or ``PATIENCE`` has passed)."""
        assert fcntl is not None
        before = self._byte(self.ticket - 1)
        deadline = time.monotonic() + self.PATIENCE
        pause, longest = self.POLL
        while True:
            try:
                fcntl.lockf(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, before)
            except OSError:
                if time.monotonic() < deadline:
                    time.sleep(pause)
                    pause = min(pause * 2, longest)
                    continue
                return
            fcntl.lockf(self.handle, fcntl.LOCK_UN, 1, before)
            return

    def close(self) -> None:
        """Leave the queue: the next writer goes."""
        os.close(self.handle)


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
    store = Store(engine, where)
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


#: alembic's own table, as alembic creates it (its metadata kept apart from gioia's).
_ALEMBIC_VERSION = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


def create_at_head(engine: Engine) -> None:
    """Create every table of ``gioia.schema`` in an empty store and stamp it at
    ``SCHEMA_REVISION``, in one transaction (no migration is replayed: the tests check
    the migrations build the same schema)."""
    with engine.begin() as connection:
        metadata.create_all(connection, checkfirst=False)
        _ALEMBIC_VERSION.create(connection, checkfirst=False)
        connection.execute(_ALEMBIC_VERSION.insert(), {"version_num": SCHEMA_REVISION})


def _bring_to_head(store: Store, *, create: bool) -> None:
    revision = read_revision(store.engine)
    if revision == SCHEMA_REVISION:
        return
    if revision is None:
        if not create:
            raise StoreError(f"No store at {store.location}: run `gioia init` first.")
        create_at_head(store.engine)
        store.created = True
        return
    from gioia import migrate

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
