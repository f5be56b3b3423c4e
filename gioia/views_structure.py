"""The frozen values of the structure and of what a paper prints (figure, quotes), and
of the changes to the structure, that ``Project`` returns."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gioia.views import MemoView, SegmentView


@dataclass(frozen=True)
class Counts:
    """How much evidence stands behind an item of the structure. ``codings`` counts a
    coder's concept on a segment once, however many quotes mark it; ``quotes`` those of
    them that mark a quote."""

    codings: int = 0
    segments: int = 0
    transcripts: int = 0
    cases: int = 0
    informants: int = 0
    quotes: int = 0


@dataclass(frozen=True)
class ConceptNode:
    """A 1st-order concept in the structure.

    ``themes`` are all the themes it is under, its first (primary) theme first: more than
    one only where the project allows shared concepts, and the concept then appears under
    each of them in the tree.
    """

    name: str
    definition: str | None
    counts: Counts
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThemeNode:
    """A 2nd-order theme and its concepts, in order."""

    name: str
    definition: str | None
    counts: Counts
    concepts: tuple[ConceptNode, ...]
    dimensions: tuple[str, ...] = ()  # all its dimensions, its first first (see ConceptNode)


@dataclass(frozen=True)
class DimensionNode:
    """An aggregate dimension and its themes, in order."""

    name: str
    definition: str | None
    counts: Counts
    themes: tuple[ThemeNode, ...]


@dataclass(frozen=True)
class StructureView:
    """The Gioia data structure: the tree, and what hangs outside it."""

    dimensions: tuple[DimensionNode, ...]
    themes_without_dimension: tuple[ThemeNode, ...] = ()
    concepts_without_theme: tuple[ConceptNode, ...] = ()
    evidence: str | None = None  # whose codings the counts are of (None: every coder's)


@dataclass(frozen=True)
class FigureFile:
    """One written figure: where, its part letter when split ("" if whole), its size in
    inches, its smallest text in points, the dimensions it draws, whether it fits the
    page asked for, and whether it replaced a file that was there."""

    path: Path
    label: str
    width: float
    height: float
    smallest: float
    dimensions: tuple[str, ...]
    fits: bool
    replaced: bool = False


@dataclass(frozen=True)
class FigureResult:
    """A drawn figure: its file (or files, when split), the engine that drew it, what was
    left out (outside the tree) and the warnings (too large, a word too long)."""

    files: tuple[FigureFile, ...]
    engine: str
    left_out: tuple[str, ...]
    warnings: tuple[str, ...] = ()

    @property
    def path(self) -> Path:
        """The (first) file written."""
        return self.files[0].path


@dataclass(frozen=True)
class Quote:
    """A quote as a paper prints it: the words and whom they are attributed to."""

    text: str
    ref: str
    case: str | None
    role: str | None
    wave: str | None


@dataclass(frozen=True)
class ConceptQuotes:
    """The representative quotes of one concept, with its place in the structure: the
    concept's other themes and the theme's other dimensions, where shared."""

    dimension: str
    theme: str
    concept: str
    quotes: tuple[Quote, ...]
    also_under: tuple[str, ...] = ()
    theme_also_under: tuple[str, ...] = ()


@dataclass(frozen=True)
class MergeResult:
    """What a merge moved: codings (concepts) or children (themes, dimensions)."""

    target: str
    sources: tuple[str, ...]
    moved: int
    duplicates: int


@dataclass(frozen=True)
class DeleteResult:
    """What a deletion removed (codings, memos) or left without a parent (children)."""

    name: str
    codings: int
    children: int
    memos: int = 0


@dataclass(frozen=True)
class ItemRow:
    """One concept, theme or dimension as ``gioia concept list`` shows it."""

    name: str
    definition: str | None
    parent: str | None
    children: int
    counts: Counts


@dataclass(frozen=True)
class StructureImportResult:
    """What a structure file changed: items created, assignments, definitions changed,
    themes and dimensions removed (replace), warnings; the items moved to another parent
    (``--move``), how many items are under more than one parent afterwards, and whether
    the import turned shared concepts on."""

    created: dict[str, int]
    assigned: int
    defined: int
    removed: int
    warnings: tuple[str, ...]
    moved: tuple[str, ...] = ()  # items taken (or, refused, to be taken) to another parent
    shared: int = 0
    allowed_shared: bool = False


@dataclass(frozen=True)
class ItemInfo:
    """What `gioia concept|theme|dimension info` shows: an item's definition, place,
    children, counts (of the evidence), memos, and examples (a concept's)."""

    level: str
    name: str
    definition: str | None
    parent: str | None
    grandparent: str | None
    children: tuple[str, ...]
    counts: Counts
    evidence: str | None
    memos: tuple[MemoView, ...]
    examples: tuple[SegmentView, ...] = ()
