"""The store's failures as named gioia errors: one line that says what to do, never SQL.

A driver reports "database or disk is full", "attempt to write a readonly database" or
"terminating connection due to administrator command" together with the SQL and its
parameters. ``translate`` turns each into a ``StoreError`` subclass (or an
``InvalidInput`` for a value the store cannot hold) whose message names the store and
the next step; ``--debug`` still shows the original. ``Store.transaction`` and
``open_store`` are where it is applied, so every command gets it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from gioia.errors import (
    GioiaError,
    InvalidInput,
    StoreBusy,
    StoreError,
    StoreFull,
    StoreReadOnly,
    StoreUnreachable,
    WriteConflict,
)

#: How long a command waits for another process's write to finish, in seconds.
DEFAULT_BUSY_TIMEOUT = 30.0

NOTHING_WRITTEN = "nothing was written"

# SQLite's primary result codes (https://sqlite.org/rescode.html).
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR = 5, 6, 8, 10
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 11, 13, 14, 26
# What the sqlite3 module of Python 3.10 (no error codes) says for each.
_SQLITE_MESSAGES = (
    ("database or disk is full", _SQLITE_FULL),
    ("readonly database", _SQLITE_READONLY),
    ("database is locked", _SQLITE_BUSY),
    ("database table is locked", _SQLITE_LOCKED),
    ("unable to open database file", _SQLITE_CANTOPEN),
    ("disk i/o error", _SQLITE_IOERR),
    ("malformed", _SQLITE_CORRUPT),
    ("file is not a database", _SQLITE_NOTADB),
)
# PostgreSQL's SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_PG_BUSY = ("55P03", "40P01", "40001")
_PG_LOST = ("57P01", "57P02", "57P03")
_PG_LOGIN = ("28000", "28P01")
# What psycopg says when it cannot connect (no SQLSTATE then).
_CANNOT_CONNECT = (
    "connection refused",
    "failed to resolve host",
    "could not translate host name",
    "timeout expired",
    "network is unreachable",
    "no route to host",
    "connection failed",
)
_LOST = ("server closed the connection", "consuming input failed", "connection is lost")


def busy_timeout() -> float:
    """Seconds to wait for the store's write lock: ``GIOIA_BUSY_TIMEOUT``, else 30."""
    try:
        value = float(os.environ.get("GIOIA_BUSY_TIMEOUT", ""))
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT
    return value if 0 <= value <= 86_400 else DEFAULT_BUSY_TIMEOUT


def first_line(error: BaseException) -> str:
    """The first line of what the driver said, without SQL or parameters."""
    lines = str(error).strip().splitlines()
    return lines[0].strip().rstrip(".") if lines else type(error).__name__


def translate(error: BaseException, location: str, sqlite_path: Path | None = None) -> GioiaError:
    """The gioia error that explains ``error``, a failure of the store at ``location``
    (a SQLAlchemy ``DBAPIError`` or a driver's own exception); ``sqlite_path`` is the
    store's file, to say who holds it when it is busy."""
    from sqlalchemy.exc import IntegrityError

    original = getattr(error, "orig", None) or error
    if isinstance(error, IntegrityError) and _is_unique_violation(original):
        return WriteConflict(
            "Another process changed the same item at the same moment; "
            f"{NOTHING_WRITTEN}: run the command again."
        )
    code = _sqlite_code(original)
    if code is not None:
        return _sqlite_error(code, original, location, sqlite_path or Path(location))
    return _server_error(original, location)


def _is_unique_violation(error: BaseException) -> bool:
    return getattr(error, "sqlstate", None) == "23505" or "UNIQUE constraint" in str(error)


def _sqlite_code(error: BaseException) -> int | None:
    if not isinstance(error, sqlite3.Error):
        return None
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    message = str(error).lower()
    return next((c for text, c in _SQLITE_MESSAGES if text in message), -1)


def _sqlite_error(code: int, error: BaseException, location: str, path: Path) -> GioiaError:
    said = first_line(error)
    if code == _SQLITE_FULL:
        return StoreFull(
            f"The disk holding the store {location} is full: free some space and run the "
            f"command again; {NOTHING_WRITTEN}."
        )
    if code == _SQLITE_READONLY:
        return StoreReadOnly(
            f"The store {location} is read-only: gioia cannot write to it (check the "
            f"permissions of the file and of its folder); {NOTHING_WRITTEN}."
        )
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return StoreBusy(
            f"The store {location} is busy: {describe_writer(path)} is writing to "
            f"it and did not finish within {busy_timeout():g} s; {NOTHING_WRITTEN}. "
            "Run the command again when it has finished."
        )
    if code == _SQLITE_CANTOPEN:
        return StoreReadOnly(
            f"Cannot open the store {location}: SQLite cannot open it or create its journal "
            f"beside it (is its folder read-only?); {NOTHING_WRITTEN}."
        )
    if code == _SQLITE_IOERR:
        return StoreError(
            f"The disk failed while gioia used the store {location} ({said}): check the disk "
            f"(full, removed, or a network folder gone); {NOTHING_WRITTEN}."
        )
    if code == _SQLITE_CORRUPT:
        return StoreError(
            f"The store {location} is damaged ({said}): restore it from a backup "
            "(gioia leaves one beside it before every upgrade)."
        )
    if code == _SQLITE_NOTADB:
        return StoreError(f"{location} is not a gioia store (not a SQLite database).")
    return _unexpected(error, location)


def _server_error(error: BaseException, location: str) -> GioiaError:
    state = getattr(error, "sqlstate", None) or ""
    said = first_line(error)
    lowered = said.lower()
    if state == "53100":
        return StoreFull(
            f"The database server of {location} has no disk space left: ask its "
            f"administrator to free some; {NOTHING_WRITTEN}."
        )
    if state == "25006":
        return StoreReadOnly(
            f"The database server refuses writes to {location} (a read-only server): "
            f"connect to the primary server; {NOTHING_WRITTEN}."
        )
    if state in _PG_BUSY:
        return StoreBusy(
            f"The store {location} is busy: another process held the same rows for more "
            f"than {busy_timeout():g} s; {NOTHING_WRITTEN}. Run the command again."
        )
    if (
        state in _PG_LOGIN
        or "authentication failed" in lowered
        or ("role" in lowered and "does not exist" in lowered)
    ):
        return StoreUnreachable(
            f"The database server refused the login to {location} ({_server_part(said)}): "
            "check the user and password in the URL."
        )
    if state == "3D000" or ("database" in lowered and "does not exist" in lowered):
        return StoreError(
            f"The database of {location} does not exist ({_server_part(said)}): create it "
            "(createdb) or fix the URL, then run `gioia init`."
        )
    if "invalid port" in lowered or "invalid integer value" in lowered:
        return StoreError(f"{location} has a bad port ({_server_part(said)}): fix the URL.")
    if state in _PG_LOST or state.startswith("08") or any(t in lowered for t in _LOST):
        return StoreUnreachable(
            f"The connection to the database server of {location} was lost "
            f"({_server_part(said)}); the command's changes were not saved: run it again "
            "when the server is back."
        )
    if any(text in lowered for text in _CANNOT_CONNECT):
        return StoreUnreachable(
            f"Cannot reach the database server of {location} ({_server_part(said)}): check "
            "that it is running and that the URL's host and port are right."
        )
    if state == "22001" or "too long" in lowered:
        return InvalidInput(
            f"A value is longer than the store holds ({said}); {NOTHING_WRITTEN}. "
            "gioia should have refused it first: please report it."
        )
    if state == "22003" or "out of range" in lowered:
        return InvalidInput(f"A number is beyond what the store holds ({said}); {NOTHING_WRITTEN}.")
    if "nul" in lowered and "0x00" in lowered:
        return InvalidInput(
            "A text given holds the NUL character (U+0000), which the store cannot hold: "
            f"remove it; {NOTHING_WRITTEN}."
        )
    return _unexpected(error, location)


def _server_part(said: str) -> str:
    """The part of a connection error that says what went wrong, without the address
    the message repeats ("connection to server at …, port 5432 failed: ")."""
    part = said.rsplit("failed: ", 1)[-1].replace("FATAL:", "").strip()
    return part.removeprefix("connection is bad:").strip()


def _unexpected(error: BaseException, location: str) -> StoreError:
    return StoreError(
        f"The store {location} reported an error ({type(error).__name__}: "
        f"{first_line(error)}); {NOTHING_WRITTEN}. Run the command again with --debug "
        "for details, and report it."
    )


def describe_writer(path: Path) -> str:
    """Who holds the write lock of the SQLite store at ``path``, as well as Linux can
    tell (``/proc/locks``): "another gioia process (pid 123)", "another program (pid
    456: sqlite3)", or "another process"."""
    for pid in _lock_holders(path):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        words = [os.path.basename(a.decode(errors="replace")) for a in argv if a]
        if any(w == "gioia" or w.startswith("gioia.") for w in words[:3]):
            return f"another gioia process (pid {pid})"
        return f"another program (pid {pid}: {words[0] if words else '?'})"
    return "another process (probably another gioia command)"


def _lock_holders(path: Path) -> list[int]:
    """Processes other than this one with a write lock on the store, its WAL index or
    the writers' queue beside it (``<store>-lock``)."""
    inodes = set()
    for name in (path, path.with_name(path.name + "-shm"), path.with_name(path.name + "-lock")):
        with contextlib.suppress(OSError):
            inodes.add(name.stat().st_ino)
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return []
    holders = []
    for line in lines:
        fields = line.split()
        if "->" in fields:  # a process waiting for the lock, not holding it
            continue
        if len(fields) < 6 or fields[3] != "WRITE":
            continue
        try:
            pid, inode = int(fields[4]), int(fields[5].rsplit(":", 1)[1])
        except (ValueError, IndexError):
            continue
        if inode in inodes and pid != os.getpid() and pid not in holders:
            holders.append(pid)
    return holders
