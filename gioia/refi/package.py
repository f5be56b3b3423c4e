"""``.qdpx`` packages (a zip of ``project.qde`` and the sources) and ``.qdc`` codebooks.

Reading goes through :mod:`gioia.importers.archive` (sizes, ratios, member count and
names checked before anything is read). Internal files are found as ``internal://NAME``
in the ``sources`` folder (any case, as NVivo for Windows writes ``Sources/``); a path
without ``internal://`` is looked for there too, with a warning; external files
(``relative://``, ``absolute://``) are never read. Writing is deterministic: fixed
member order and times, so the same project gives the same bytes.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from gioia.errors import ImportFailed
from gioia.importers.archive import iter_member, open_archive, read_member
from gioia.importers.decode import read_bytes
from gioia.refi.model import Project, Source
from gioia.refi.xmlread import read_xml
from gioia.refi.xmlwrite import write_project

#: gioia's own member of a ``.qdpx``: what REFI-QDA has no place for (see ``ops.refi_export``).
SIDECAR = "gioia.json"
SIDECAR_VERSION = 1
SOURCES_FOLDER = "sources"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
SUFFIXES = (".qdpx", ".qdc", ".qde")


@dataclass
class Package:
    """A project read from a file, with the files its sources name."""

    project: Project
    name: str
    files: dict[str, bytes] = field(default_factory=dict)
    """Member names of the archive → bytes, for the sources' text and Word files."""
    sidecar: dict[str, Any] | None = None
    sidecar_problem: str | None = None

    def member(self, path: str | None) -> tuple[str | None, str | None]:
        """The archive member a source path names, and a warning when the path is not
        standard; (None, reason) when the file is not in the package."""
        if not path:
            return None, None
        scheme, sep, rest = path.partition("://")
        if sep and scheme.lower() != "internal":
            return None, f"its file {path} is outside the package; gioia reads only internal files"
        target = (rest if sep else path).replace("\\", "/").lstrip("/")
        wanted = {f"{SOURCES_FOLDER}/{target}".lower(), target.lower()}
        found = next((m for m in self.files if m.lower() in wanted), None)
        if found is None:
            return None, f"its file {path} is not in the package"
        warning = None
        if not sep:
            warning = (
                f"its path {path!r} lacks 'internal://' (not standard: NVivo reads such "
                f"sources as empty); read from {found}"
            )
        return found, warning


def read_package(path: Path) -> Package:
    """The project (``.qdpx``, ``.qde``) or codebook (``.qdc``) at ``path``."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportFailed(
            f"{path.name} is not a REFI-QDA file: gioia reads .qdpx projects and .qdc codebooks."
        )
    if not path.is_file():
        raise ImportFailed(
            f"{path} does not exist." if not path.exists() else f"{path} is not a file."
        )
    if suffix != ".qdpx":
        project = read_xml(read_bytes(path), path.name)
        if suffix == ".qdc" and not project.codebook_only:
            raise ImportFailed(
                f"{path.name} holds a project, not a codebook: name it .qdpx or .qde."
            )
        return Package(project, path.name)
    with open_archive(path) as archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        projects = [n for n in names if "/" not in n and n.lower().endswith(".qde")]
        if not projects:
            raise ImportFailed(f"{path.name} holds no project.qde: it is not a REFI-QDA project.")
        main = "project.qde" if "project.qde" in projects else sorted(projects)[0]
        project = read_xml(iter_member(archive, main), f"{path.name}: {main}")
        if project.codebook_only:
            raise ImportFailed(f"{path.name}: {main} holds a codebook, not a project.")
        files = {
            name: read_member(archive, name)
            for name in names
            if name != main and PurePosixPath(name).suffix.lower() in (".txt", ".docx")
        }
        sidecar, problem = None, None
        if SIDECAR in names:
            try:
                sidecar = json.loads(read_member(archive, SIDECAR))
            except ValueError:
                sidecar = None
            if not _recorded_by_gioia(sidecar):
                sidecar = None
                problem = (
                    f"{SIDECAR} in {path.name} is not as gioia writes it: ignored (segments "
                    "and read marks are made anew)."
                )
    return Package(project, path.name, files, sidecar, problem)


def _rows(value: Any, width: int) -> bool:
    return isinstance(value, list) and all(
        isinstance(row, list) and len(row) == width for row in value
    )


def _recorded_by_gioia(data: Any) -> bool:
    """Whether ``data`` is a ``gioia.json`` as gioia writes it (its shapes checked, so that
    a damaged or forged one is ignored rather than trusted)."""
    if not isinstance(data, dict) or data.get("gioia") != SIDECAR_VERSION:
        return False
    parts = (
        "coders",
        "codes",
        "variables",
        "cases",
        "informants",
        "transcripts",
        "reviews",
        "picks",
    )
    if not all(isinstance(data.get(key, {}), dict) for key in parts):
        return False
    if not all(_rows([row], 4) for row in data.get("codes", {}).values()):
        return False
    if not all(_rows([row], 2) for row in data.get("variables", {}).values()):
        return False
    if not all(
        _rows([row], 4) and isinstance(row[3], dict) for row in data.get("informants", {}).values()
    ):
        return False
    for entry in data.get("transcripts", {}).values():
        if not (
            isinstance(entry, dict)
            and _rows(entry.get("labels"), 2)
            and _rows(entry.get("segments"), 7)
            and all(
                isinstance(a, int)
                and isinstance(b, int)
                and (speaker is None or (isinstance(speaker, str) and len(speaker) <= 200))
                for a, b, speaker, *_ in entry["segments"]
            )
            and entry.get("segment_by") in ("turn", "paragraph", "sentence")
        ):
            return False
    settings = data.get("settings", {})
    if not isinstance(settings, dict) or not all(isinstance(v, str) for v in settings.values()):
        return False
    extra = data.get("extra", {})
    if not isinstance(extra, dict) or not all(_rows(rows, 3) for rows in extra.values()):
        return False
    reviews = data.get("reviews", {}).values()
    if not all(isinstance(by, dict) and all(_rows(v, 2) for v in by.values()) for by in reviews):
        return False
    return all(isinstance(rank, int) for rank in data.get("picks", {}).values())


def write_package(
    target: Path,
    project: Project,
    sources: Iterable[Source],
    rest: Callable[[], tuple[list[tuple[str, bytes]], dict[str, Any]]],
) -> dict[str, Any]:
    """Write a ``.qdpx``: ``project.qde`` with ``sources`` streamed into it, then what
    ``rest()`` gives once they are written: the sources' files (``sources/NAME``) and
    gioia's member, which it returns."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=_LEVEL) as archive:
        with archive.open(_member("project.qde"), "w", force_zip64=True) as handle:
            write_project(handle, project, sources)
        files, sidecar = rest()
        for name, data in files:
            archive.writestr(_member(f"{SOURCES_FOLDER}/{name}"), data)
        data = json.dumps(sidecar, ensure_ascii=False, sort_keys=True).encode()
        archive.writestr(_member(SIDECAR), data)
    return sidecar


_LEVEL = 3
"""Deflate level: 3 deflates a large project.qde in under half the time of the default 6, for a
file about a tenth larger; the same level always gives the same bytes."""


def _member(name: str) -> zipfile.ZipInfo:
    """A member with fixed time and mode, so the same content gives the same bytes."""
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info._compresslevel = _LEVEL  # type: ignore[attr-defined]  # compress_level from 3.13
    info.external_attr = 0o644 << 16
    return info
