"""Folders shipped with gioia: inside the installed package, or beside it in a checkout."""

from __future__ import annotations

from pathlib import Path

from gioia.errors import GioiaError


def bundled_path(name: str) -> Path:
    """The folder ``name`` (``migrations``, ``sample_transcripts``) that ships with gioia."""
    package = Path(__file__).resolve().parent
    for candidate in (package / name, package.parent / name):
        if candidate.is_dir():
            return candidate
    raise GioiaError(f"This gioia installation has no {name} folder: reinstall gioia.")
