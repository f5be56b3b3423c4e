"""The values gioia's start-up needs (the blind-coding phases, a schema upgrade, a file
written), apart from ``gioia.views`` so that a command that returns none of the others
does not build their classes; ``gioia.views`` exports these too."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: The phases of blind coding a project can be in, and what each keeps private.
PHASES = {
    "open": "each coder's new concept names, codings and memos are private until the "
    "structure adopts the concepts or the memos are shared",
    "codebook": "the concept list is shared; codings and memos are private until shared",
}


@dataclass(frozen=True)
class SchemaUpgrade:
    """A store's schema brought from ``before`` to ``after``; ``backup`` is the copy of
    the old SQLite file made first (None on a server, or when nothing changed)."""

    before: str | None
    after: str
    backup: Path | None


@dataclass(frozen=True)
class Written:
    """A file gioia wrote: where, whether it replaced a file that was there, and how
    many rows or items it holds."""

    path: Path
    replaced: bool
    count: int
