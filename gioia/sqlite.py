"""SQLite store files: recognised by reading only, opened with gioia's settings, backed up.

``recognise`` decides whether a file is a gioia store with a read-only connection
(``mode=ro``), so a file that is not ours (another program's database, an empty file)
is never changed; ``engine`` sets WAL and the other pragmas, for recognised stores only.
A writing transaction begins ``IMMEDIATE``; when another process holds the write lock
the first wait is short, then ``on_wait`` is told and the wait goes on to the busy
timeout.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from gioia.errors import StoreError, StoreFull
from gioia.failures import busy_timeout, describe_writer, first_line, translate

HEADER = b"SQLite format 3\x00"
#: How long a writer waits for the lock before it says that it is waiting (seconds).
FIRST_WAIT = 1.0
_MB = 1024 * 1024


def check_file(path: Path, *, create: bool) -> None:
    """Refuse a path that cannot be a store: a missing folder (to create one in), a
    missing file (to open), a folder, or a file that is not a SQLite database."""
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
    try:
        with path.open("rb") as handle:
            header = handle.read(len(HEADER))
    except OSError as exc:
        raise StoreError(f"Cannot read the store {path} ({exc.strerror}).") from exc
    if header and header != HEADER:
        raise StoreError(f"{path} is not a gioia store (not a SQLite database).")


def recognise(path: Path, location: str) -> str | None:
    """The alembic revision of the store at ``path`` (None: no file, an empty file or an
    empty database), read without writing anything; ``StoreError`` for a database that
    holds other tables."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    uri = f"{path.as_uri()}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            tables = {
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            }
            if "alembic_version" not in tables:
                if tables:
                    raise StoreError(f"{location} holds tables but is not a gioia store.")
                return None
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as exc:
        raise translate(exc, location, path) from exc
    return str(row[0]) if row else None


def engine(path: Path, on_busy: Callable[[], None] | None = None) -> Engine:
    """An engine on a recognised store: foreign keys, WAL, the busy timeout; writing
    transactions (``sqlite_begin="IMMEDIATE"``) call ``on_busy`` once if they wait."""
    made = create_engine(f"sqlite:///{path}")
    timeout = busy_timeout()

    @event.listens_for(made, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's begin event emits BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(made, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        raw: sqlite3.Connection = connection.connection.driver_connection
        if mode != "IMMEDIATE" or on_busy is None or timeout <= FIRST_WAIT:
            raw.execute(f"BEGIN {mode}")
            return
        try:
            raw.execute(f"PRAGMA busy_timeout = {int(FIRST_WAIT * 1000)}")
            try:
                raw.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if getattr(exc, "sqlite_errorcode", 5) & 0xFF != 5:  # not SQLITE_BUSY
                    raise
                on_busy()
                raw.execute(f"PRAGMA busy_timeout = {int((timeout - FIRST_WAIT) * 1000)}")
                raw.execute("BEGIN IMMEDIATE")
        finally:
            raw.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")

    return made


def waiting_message(path: Path, location: str) -> str:
    """What a writer says while it waits for another process to finish."""
    return (
        f"The store {location} is busy: {describe_writer(path)} is writing to it; "
        f"waiting up to {busy_timeout():g} s…"
    )


def backup(source: Path) -> Path:
    """Copy the store at ``source`` to ``<file>.backup-<UTC time>`` beside it, WAL
    included, with SQLite's backup API. On failure (a full disk) nothing is left
    behind and ``StoreError`` says so."""
    from gioia.store import utcnow

    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    target = source.with_name(f"{source.name}.backup-{stamp}")
    partial = source.with_name(f".{target.name}.part")
    needed = sum(p.stat().st_size for p in (source, Path(f"{source}-wal")) if p.exists())
    free = shutil.disk_usage(source.parent).free
    if free < needed + _MB:
        raise StoreFull(
            f"Cannot back up the store {source} before upgrading it: the disk has "
            f"{free / _MB:,.1f} MB free and the backup needs {needed / _MB:,.1f} MB. Free "
            "some space and run the command again; the store is unchanged."
        )
    try:
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:
        for leftover in (partial, Path(f"{partial}-journal"), Path(f"{partial}-wal")):
            leftover.unlink(missing_ok=True)
        full = isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)
        if isinstance(exc, sqlite3.Error):
            full = isinstance(translate(exc, str(source), source), StoreFull)
        reason = "the disk is full" if full else first_line(exc)
        kind = StoreFull if full else StoreError
        raise kind(
            f"Cannot back up the store {source} before upgrading it ({reason}): the partial "
            "backup was removed and the store is unchanged. Free some space (or check the "
            "disk) and run the command again."
        ) from exc
    return target
