"""What an exchange with another QDA program reports: the values ``Project`` returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gioia.refi.levels import Placement
from gioia.refi.positions import Detection


@dataclass(frozen=True)
class ExportResult:
    """A ``.qdpx`` or ``.qdc`` written: what it holds, what it could not, and whether it
    replaced a file."""

    path: Path
    dimensions: int
    themes: int
    concepts: int
    coders: int = 0
    transcripts: int = 0
    codings: int = 0
    memos: int = 0
    cases: int = 0
    positions: str = "codepoints"
    warnings: tuple[str, ...] = ()
    replaced: bool = False


@dataclass(frozen=True)
class Skipped:
    """Something of the file not imported, and why."""

    what: str
    reason: str


@dataclass
class ImportReport:
    """Everything an import did, for the researcher to check against the other program."""

    file: str
    origin: str | None
    rule: str
    placements: tuple[Placement, ...] = ()
    users: int = 0
    sources: int = 0
    coders: tuple[str, ...] = ()
    coder_source: str = "selection"
    coder_counts: dict[str, int] = field(default_factory=dict)
    """Codings per coder name, as attributed."""
    other_attribution: dict[str, int] = field(default_factory=dict)
    """The other attribute's figures (the codings' creatingUser when the selections'
    was used, and the other way round), where it names someone else."""
    positions: Detection | None = None
    positions_forced: str | None = None
    transcripts: tuple[str, ...] = ()
    segments: int = 0
    cases: int = 0
    selections: int = 0
    codings_read: int = 0
    codings_created: int = 0
    codings_existing: int = 0
    split: int = 0
    """Selections that crossed turns, each made one coding per turn."""
    trimmed: int = 0
    """Selections whose start or end fell in text gioia does not keep (a speaker label, a
    title), moved to the turn's text."""
    memos: int = 0
    definitions: int = 0
    sets: int = 0
    """Sets read as a theme's concepts (or a dimension's themes)."""
    shared: int = 0
    """Items those sets put under a further theme or dimension."""
    reviews: str = "coded"
    from_gioia: bool = False
    dry_run: bool = False
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def convention(self) -> str:
        """The position convention used."""
        if self.positions_forced:
            return self.positions_forced
        return self.positions.convention if self.positions else "codepoints"

    def count(self, role: str) -> int:
        """How many items of a level the import made (concepts of coded themes too)."""
        if role == "concept":
            return sum(p.concept is not None for p in self.placements)
        return sum(p.role == role for p in self.placements)
