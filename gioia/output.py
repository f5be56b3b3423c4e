"""Every file gioia writes goes through ``output_file``.

The suffix must be one of the formats the writer makes; a database (a gioia store or any
SQLite file) is never written over; the file is written beside its target under a
temporary name and renamed into place, so it appears whole or not at all and an existing
file is untouched when writing fails.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

from gioia.errors import InvalidInput, OutputFailed

SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass
class Output:
    """A file being written: write to ``temp``; it becomes ``path`` when the block ends."""

    path: Path
    temp: Path
    suffix: str
    replaced: bool


#: How a writer that names its files itself (a split figure's parts, a CSV and its record)
#: opens each: :func:`output_file`, or ``Project``'s, which also protects the store.
Opener: TypeAlias = Callable[[Path, Sequence[str]], AbstractContextManager[Output]]


def is_sqlite_file(path: Path) -> bool:
    """Whether ``path`` is a SQLite database file (read only: its first 16 bytes)."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def check_suffix(path: str | os.PathLike[str], formats: Sequence[str]) -> str:
    """The lower-cased suffix of ``path``, one of ``formats`` (".csv", …), or an error."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in formats:
        choices = formats[0] if len(formats) == 1 else f"{', '.join(formats[:-1])} or {formats[-1]}"
        raise InvalidInput(f"Cannot write {target.name}: give a file name ending in {choices}.")
    return suffix


def check_output(
    path: str | os.PathLike[str],
    formats: Sequence[str],
    *,
    no_clobber: bool = False,
    protect: Sequence[str | os.PathLike[str]] = (),
) -> Path:
    """Refuse ``path`` unless its suffix is one of ``formats`` (".csv", …), it is not a
    database nor one of ``protect``, and (with ``no_clobber``) it does not exist yet."""
    target = Path(path)
    check_suffix(target, formats)
    if "\x00" in str(target):
        raise InvalidInput(f"{str(target)!r} is not a file name: it holds a NUL character.")
    if target.is_dir():
        raise InvalidInput(f"{target} is a folder: give a file name.")
    if not target.parent.is_dir():
        raise InvalidInput(f"Cannot write {target}: the folder {target.parent} does not exist.")
    if target.exists():
        guarded = any(_same_file(target, Path(other)) for other in protect)
        if guarded or is_sqlite_file(target):
            raise InvalidInput(
                f"{target} is a database (a gioia store?): gioia never writes over one; "
                "choose another file name."
            )
        if no_clobber:
            raise InvalidInput(f"{target} exists already (--no-clobber): choose another name.")
    return target


@contextmanager
def output_file(
    path: str | os.PathLike[str],
    formats: Sequence[str],
    *,
    no_clobber: bool = False,
    protect: Sequence[str | os.PathLike[str]] = (),
) -> Iterator[Output]:
    """Check ``path`` (see ``check_output``) and yield where to write it.

    The temporary file is in the same folder and keeps the suffix (some writers choose
    their format by it); it replaces ``path`` when the block succeeds and is removed
    when it fails. A failure to write (a full disk, no permission) is an
    ``OutputFailed`` that says the old file is unchanged.
    """
    target = check_output(path, formats, no_clobber=no_clobber, protect=protect)
    replaced = target.exists()
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{target.stem}.", suffix=f".part{target.suffix}", dir=target.parent
        )
    except OSError as exc:
        raise _failed(target, exc, replaced) from exc
    os.close(handle)
    temp = Path(temp_name)
    try:
        yield Output(target, temp, target.suffix.lower(), replaced)
        os.chmod(temp, _file_mode(target))
        os.replace(temp, target)
    except BaseException as exc:
        temp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            raise _failed(target, exc, replaced) from exc
        raise


def _failed(target: Path, error: OSError, replaced: bool) -> OutputFailed:
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EFBIG: "the file is larger than this system allows",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "the disk is read-only",
    }
    reason = reasons.get(error.errno or 0, error.strerror or str(error))
    kept = f"{target} is unchanged" if replaced else "nothing was written"
    return OutputFailed(f"Cannot write {target} ({reason}); {kept}.")


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.samefile(other)
    except OSError:
        return False


def _file_mode(target: Path) -> int:
    """The mode the written file gets: the replaced file's, else what the umask allows."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
