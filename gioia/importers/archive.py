"""Zip archives (``.docx``, ``.qdpx``) opened with bounds, checked before anything is read.

A zip's directory says how large each member is uncompressed; ``open_archive`` refuses an
archive whose total, whose compression ratio or whose number of members is beyond the
limits, or whose member names would leave the folder they are read into. The directory
can lie, so ``read_member`` also stops reading at the member's declared size and at the
limit.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from gioia.errors import ImportFailed

MB = 1024 * 1024
#: Members smaller than this are not held to the ratio: tiny files compress very well.
_RATIO_FLOOR = MB
_CHUNK = MB


@dataclass(frozen=True)
class ArchiveLimits:
    """How much an archive may hold uncompressed, how well it may compress, how many
    members it may have. ``GIOIA_MAX_ARCHIVE_MB`` and ``GIOIA_MAX_ARCHIVE_RATIO`` set the
    first two (see ``archive_limits``)."""

    max_total: int = 200 * MB
    max_ratio: float = 100.0
    max_members: int = 10_000


def archive_limits() -> ArchiveLimits:
    """The limits, with the environment's overrides."""
    defaults = ArchiveLimits()
    try:
        total = int(float(os.environ.get("GIOIA_MAX_ARCHIVE_MB", "")) * MB)
    except ValueError:
        total = defaults.max_total
    try:
        ratio = float(os.environ.get("GIOIA_MAX_ARCHIVE_RATIO", ""))
    except ValueError:
        ratio = defaults.max_ratio
    return ArchiveLimits(max_total=total, max_ratio=ratio, max_members=defaults.max_members)


def open_archive(
    source: Path | BinaryIO, limits: ArchiveLimits | None = None, *, name: str = ""
) -> zipfile.ZipFile:
    """Open the zip at ``source`` (a file, or bytes of one inside another archive, called
    ``name``) for reading once its directory is within ``limits``.

    Raises ``ImportFailed`` naming the file and what is wrong: not a zip, damaged, too
    large, too compressed, too many members, or a member name with ``..`` or an absolute
    path.
    """
    limits = limits or archive_limits()
    name = name or (source.name if isinstance(source, Path) else "archive")
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        raise ImportFailed(f"{name} is not a zip archive or is damaged ({exc}).") from exc
    try:
        _check_directory(name, archive, limits)
    except BaseException:
        archive.close()
        raise
    return archive


def read_member(archive: zipfile.ZipFile, name: str, limits: ArchiveLimits | None = None) -> bytes:
    """The bytes of one member, read in chunks and never beyond its declared size or the
    total limit (a forged directory cannot make it read more)."""
    return b"".join(iter_member(archive, name, limits))


def iter_member(
    archive: zipfile.ZipFile, name: str, limits: ArchiveLimits | None = None
) -> Iterator[bytes]:
    """The bytes of one member in chunks, as ``read_member`` checks them, for a reader
    that need not hold the whole member at once."""
    limits = limits or archive_limits()
    info = archive.getinfo(name)
    cap = min(info.file_size, limits.max_total)
    size = 0
    where = Path(archive.filename or "archive").name
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(_CHUNK):
                size += len(chunk)
                if size > cap:
                    raise ImportFailed(
                        f"{where}: {name} holds more than its directory says "
                        f"({info.file_size:,} bytes); the archive is damaged or forged."
                    )
                yield chunk
    except (zipfile.BadZipFile, EOFError, OSError) as exc:  # zlib.error is not an OSError
        raise ImportFailed(f"{where}: {name} cannot be read ({exc}).") from exc


def _check_directory(name: str, archive: zipfile.ZipFile, limits: ArchiveLimits) -> None:
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise ImportFailed(
            f"{name} holds {len(members):,} files, more than the limit of {limits.max_members:,}."
        )
    total = 0
    for info in members:
        _check_name(name, info.filename)
        total += info.file_size
        if total > limits.max_total:
            raise ImportFailed(
                f"{name} expands to more than {limits.max_total // MB:,} MB, the limit "
                "(set GIOIA_MAX_ARCHIVE_MB to allow more)."
            )
        if info.file_size > _RATIO_FLOOR:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise ImportFailed(
                    f"{name}: {info.filename} is compressed {ratio:,.0f}:1, beyond the "
                    f"limit of {limits.max_ratio:,.0f}:1 (a zip bomb?; set "
                    "GIOIA_MAX_ARCHIVE_RATIO to allow more)."
                )


def _check_name(archive: str, name: str) -> None:
    member = PurePosixPath(name.replace("\\", "/"))
    drive = len(name) > 1 and name[1] == ":"
    if member.is_absolute() or drive or ".." in member.parts:
        raise ImportFailed(
            f"{archive} holds a file named {name!r} that points outside the archive; "
            "gioia does not read it."
        )
