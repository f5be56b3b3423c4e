"""The store: the SQLite/PostgreSQL engine, transactions, and creating, opening and
migrating a store.

The tables are in ``gioia.schema`` (Core); the ORM classes in ``gioia.models``. Nothing
here imports the ORM, so a command that needs none (``init``, ``tag``) never loads it.
A new store is created from ``gioia.schema`` and stamped at ``SCHEMA_REVISION``; an older
one is upgraded by the alembic migrations. ``open_store`` is the one way in.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
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
    inspect,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from gioia import sqlite
from gioia.errors import InvalidInput, StoreError
from gioia.failures import busy_timeout, translate
from gioia.views_core import SchemaUpgrade

try:
    import fcntl
except ImportError:  # Windows: writers queue on SQLite's busy timeout alone
    fcntl = None  # type: ignore[assignment]
from gioia.schema import SCHEMA_REVISION, STORE_ID, metadata, settings, utcnow

__all__ = ["SCHEMA_REVISION", "Store", "open_store", "utcnow"]

DEFAULT_STORE = "gioia.db"

# --- opening a store ---------------------------------------------------------------


@dataclass
class Store:
    """An open store: its engine and where it lives (``path``: the SQLite file).
    ``upgrade`` tells what opening it upgraded, and where the backup is; ``on_busy`` is
    called once when a write has to wait for another process."""

    engine: Engine
    location: str
    path: Path | None = None
    created: bool = False
    upgrade: SchemaUpgrade | None = None
    on_busy: Callable[[], None] | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self, *, write: bool, snapshot: bool = False) -> Iterator[Connection]:
        """A connection in one transaction, committed on success, rolled back on error.

        On SQLite a writing transaction starts with ``BEGIN IMMEDIATE`` so that two
        processes queue instead of failing on a lock upgrade; they queue on the lock file
        beside the store (see ``_turn``), and on SQLite's busy timeout where there is none.
        On PostgreSQL a reading one is a read-only snapshot (``REPEATABLE READ``), so a
        reader sees one state of the store however many writers commit meanwhile; a
        writing one is ``READ COMMITTED``, or with ``snapshot`` (a read that records
        itself, and writes nothing another writer may change) ``REPEATABLE READ`` too.
        The store's failures come out as gioia errors (:mod:`gioia.failures`).
        """
        try:
            if not write:
                with self._reader.begin() as connection:
                    yield connection
                return
            writer = self._snapshot_writer if snapshot else self._writer
            with self._turn(), writer.begin() as connection:
                yield connection
        except (DBAPIError, sqlite3.Error) as exc:
            raise translate(exc, self.location, self.path) from exc
        except UnicodeEncodeError as exc:  # a lone surrogate: bytes that were not UTF-8
            raise InvalidInput(
                "A text given is not valid Unicode (it holds a byte that is not UTF-8); "
                "nothing was written."
            ) from exc

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
            queue.wait(self.on_busy)
            yield
        finally:
            queue.close()

    @property
    def lock_path(self) -> Path | None:
        """The lock file writers queue on: ``<store>-lock`` beside a SQLite store."""
        if self.path is None:
            return None
        return self.path.with_name(self.path.name + "-lock")

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
    def _snapshot_writer(self) -> Engine:
        if self.engine.dialect.name != "postgresql":
            return self._writer
        return self._writer.execution_options(isolation_level="REPEATABLE READ")

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
        suffixes = ("", "-wal", "-shm", "-journal", "-lock")
        return [Path(f"{self.path}{suffix}") for suffix in suffixes]

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

    def wait(self, on_busy: Callable[[], None] | None = None) -> None:
        """Until the writer before this one is done, or the busy timeout has passed (then
        SQLite's own busy timeout takes over); ``on_busy`` is called once if the wait
        lasts longer than ``sqlite.FIRST_WAIT``."""
        assert fcntl is not None
        before = self._byte(self.ticket - 1)
        started = time.monotonic()
        deadline = started + busy_timeout()
        told = on_busy is None
        pause, longest = self.POLL
        while True:
            try:
                fcntl.lockf(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, before)
            except OSError:
                now = time.monotonic()
                if not told and now - started > sqlite.FIRST_WAIT:
                    told = True
                    assert on_busy is not None
                    on_busy()
                if now < deadline:
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
        store = Store(engine, display)
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
    store = Store(engine, display, path, on_busy=busy)
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


#: alembic's own table, as alembic creates it (its metadata kept apart from gioia's).
_ALEMBIC_VERSION = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


def create_at_head(engine: Engine) -> None:
    """Create every table of ``gioia.schema`` in an empty store, give it its identity
    (``store_id``, as migration 0007 does) and stamp it at ``SCHEMA_REVISION``, in one
    transaction (no migration is replayed: the tests check the migrations build the same
    schema)."""
    import uuid

    with engine.begin() as connection:
        metadata.create_all(connection, checkfirst=False)
        connection.execute(settings.insert(), {"key": STORE_ID, "value": str(uuid.uuid4())})
        _ALEMBIC_VERSION.create(connection, checkfirst=False)
        connection.execute(_ALEMBIC_VERSION.insert(), {"version_num": SCHEMA_REVISION})


def _bring_to_head(store: Store, revision: str | None) -> None:
    """Create the schema in an empty store, or upgrade a SQLite store that is behind
    (after a backup); a server store that is behind is refused."""
    if revision == SCHEMA_REVISION:
        return
    if revision is None:
        create_at_head(store.engine)
        store.created = True
        return
    if store.path is None:
        raise StoreError(
            f"The store {store.location} is at schema {revision}, this gioia needs "
            f"{SCHEMA_REVISION}: run `gioia db upgrade` once everyone has upgraded gioia."
        )
    from gioia import migrate

    copy = sqlite.backup(store.path)
    try:
        migrate.upgrade(store.engine)
    except BaseException:
        copy.unlink(missing_ok=True)  # the upgrade is one transaction: the store is as it was
        raise
    shown = copy if _is_url(store.location) else Path(store.location).with_name(copy.name)
    store.upgrade = SchemaUpgrade(revision, SCHEMA_REVISION, shown)
