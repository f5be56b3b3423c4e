"""The frozen values that ``Project`` returns; every output format renders these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gioia.views_core import PHASES as PHASES
from gioia.views_core import SchemaUpgrade as SchemaUpgrade
from gioia.views_core import Written as Written

if TYPE_CHECKING:
    from gioia.agreement import Coefficient


@dataclass(frozen=True)
class CodingMark:
    """A concept on a segment; ``quote`` is set when the span is narrower than the segment.

    ``start`` and ``end`` are code-point offsets into the segment's text.
    """

    concept: str
    coder: str
    start: int
    end: int
    quote: str | None


@dataclass(frozen=True)
class MemoView:
    """A memo: its id in the store, what it is on (``kind``: segment, concept, theme or
    dimension; ``target``: ``T:N`` or the item's name), its author and text; ``ref`` is
    how it is named, ``#N``: its author's N-th memo, counting that author's memos only
    (so a coder learns nothing of others' from it; ``Ana#N`` names it to anyone).

    ``id`` is None for a blind coder: the store numbers every coder's memos in one
    sequence, so the gaps between their own ids would count the others'; ``ref`` is
    what they name a memo by (edit, share, delete take it). ``event`` names the event
    of the change just made, as ``Project.undo`` takes it (see ``TagResult``)."""

    id: int | None
    kind: str
    target: str
    coder: str | None
    text: str
    shared: bool
    created_at: dt.datetime
    updated_at: dt.datetime | None = None
    event: int | None = None
    ref: str = ""


@dataclass(frozen=True)
class SegmentView:
    """One segment with its text and the codings the caller may see."""

    ref: str
    transcript: str
    position: int
    speaker: str | None
    is_interviewer: bool
    text: str
    char_start: int
    char_end: int
    time_start: float | None
    time_end: float | None
    codings: tuple[CodingMark, ...] = ()
    memos: tuple[MemoView, ...] = ()


@dataclass(frozen=True)
class TranscriptSummary:
    """A transcript with its metadata and counts."""

    name: str
    source: str
    format: str
    case: str | None
    informant: str | None
    role: str | None
    wave: str | None
    date: dt.date | None
    segments: int
    words: int
    codings: int
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TranscriptView:
    """A transcript and its segments, in order."""

    summary: TranscriptSummary
    segments: tuple[SegmentView, ...]


@dataclass(frozen=True)
class InformantSummary:
    """An informant of a case, with the number of their interviews."""

    name: str
    role: str | None
    interviews: int


@dataclass(frozen=True)
class CaseSummary:
    """A case with its attributes, informants and counts."""

    name: str
    informants: tuple[InformantSummary, ...]
    transcripts: int
    segments: int
    words: int
    codings: int
    waves: tuple[str, ...]
    attributes: dict[str, str] = field(default_factory=dict)
    interviews_per_wave: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CarriedItem:
    """A coding or a segment memo of a changed transcript, and where it went.

    ``status``: ``kept`` (the same words in the segment its segment became, whatever its
    number now), ``moved`` (the same words in another segment), ``changed`` (the words
    differ: found ignoring spacing and case, or by position), ``merged`` (now the same
    as another coding, stored once), ``copied`` (a whole-segment coding given to a part
    of a split segment), ``not placed`` (its words are gone) or ``dropped`` (not placed,
    and removed with force).
    ``how`` tells how the words were found: exact, loose or nearest.
    """

    kind: str  # "coding" or "memo"
    coder: str
    concept: str | None
    before: str
    after: str | None
    status: str
    how: str | None
    old_text: str
    new_text: str | None
    picked: bool = False


@dataclass(frozen=True)
class CarryReport:
    """What a replacement or a segment edit did to the work on the transcript: every
    coding and memo, the read marks kept and dropped, and the file listing what was
    dropped (if anything was)."""

    items: tuple[CarriedItem, ...] = ()
    reviews_kept: int = 0
    reviews_dropped: int = 0
    export: str | None = None

    def count(self, status: str, kind: str = "coding") -> int:
        """How many items of ``kind`` have ``status``."""
        return sum(1 for i in self.items if i.status == status and i.kind == kind)


@dataclass(frozen=True)
class ImportResult:
    """What happened to one file: imported, replaced, unchanged or failed.

    A replaced transcript that held work has ``carried``: where each coding and memo went.
    """

    path: str
    status: str
    transcript: str | None = None
    segments: int = 0
    warnings: tuple[str, ...] = ()
    error: str | None = None
    details: tuple[str, ...] = ()
    carried: CarryReport | None = None


@dataclass(frozen=True)
class SegmentEdit:
    """A merge, split or deletion of segments: the segments it made (references after
    the edit), what it did to codings and memos, and the segments renumbered."""

    action: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    carried: CarryReport
    renumbered: int
    event: int


@dataclass(frozen=True)
class TagResult:
    """Codings added and already present for one ``tag`` call, and segments newly marked
    reviewed. ``events`` name its events as ``Project.undo`` takes them: their ids for
    the project lead, handles for a blind coder (:mod:`gioia.ops.handles`), as every
    write result's ``event``/``events``."""

    concept: str
    added: int
    existing: int
    created_concept: bool
    events: tuple[int, ...] = ()
    reviewed: int = 0  # segments the coder had not reviewed before, now marked reviewed


@dataclass(frozen=True)
class UntagResult:
    """Codings removed by one ``untag`` call, and their events."""

    removed: int
    events: tuple[int, ...] = ()


@dataclass(frozen=True)
class CodingsImportResult:
    """What a codings file added: codings, and the concepts and coders it created."""

    added: int
    existing: int
    duplicates: int
    created_concepts: tuple[str, ...]
    coders: tuple[str, ...]
    reviewed: dict[str, int] = field(default_factory=dict)  # segments newly read, by coder


@dataclass(frozen=True)
class CodingRow:
    """One coding as exported: who, where, what, and the context a spreadsheet needs."""

    coder: str
    segment: str
    concept: str
    quote: str
    transcript: str
    case: str
    informant: str
    role: str
    text: str

    def cells(self) -> tuple[str, ...]:
        """The row's values in the order of ``CODING_COLUMNS``."""
        return tuple(getattr(self, column) for column in CODING_COLUMNS)


#: The columns of a codings export, in order.
CODING_COLUMNS = (
    "coder",
    "segment",
    "concept",
    "quote",
    "transcript",
    "case",
    "informant",
    "role",
    "text",
)


@dataclass(frozen=True)
class EventView:
    """One entry of the audit trail: ``coder`` is whose work it is, ``actor`` who ran
    the command (the project lead when None).

    ``id`` is how the reader names the event: its id in the store for the project lead
    (and an unblinded reader); for a blind coder the handle of an event of their own
    (:mod:`gioia.ops.handles`; ``Project.undo`` takes it) and None for the others', and
    ``before``/``after`` hold no store ids (``id``, ``…_id`` keys): one sequence numbers
    every coder's rows, so the gaps between ids would count the others' work."""

    id: int | None
    at: dt.datetime
    coder: str | None
    action: str
    subject: str
    summary: str
    before: Any
    after: Any
    actor: str | None


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
class ReviewResult:
    """Segments marked as read (or no longer read): how many changed, and the event."""

    changed: int
    unchanged: int
    event: int | None


@dataclass(frozen=True)
class ProgressRow:
    """How far one coder is in one transcript."""

    coder: str
    transcript: str
    reviewed: int
    total: int
    codings: int


@dataclass(frozen=True)
class CoderSummary:
    """A coder and how much they have done; ``consensus`` for a consensus coder."""

    name: str
    reviewed: int
    codings: int
    concepts: int
    transcripts: int
    consensus: bool = False


@dataclass(frozen=True)
class Step:
    """One segment as a coding session shows it, with where it stands."""

    segment: SegmentView
    previous: SegmentView | None
    case: str | None
    informant: str | None
    role: str | None
    total_in_transcript: int
    reviewed: bool


@dataclass(frozen=True)
class ConceptChoice:
    """A concept as the coding prompt offers it: its name, theme and the last time the
    acting coder used it (never, for concepts only others have used)."""

    name: str
    theme: str | None
    last_used: dt.datetime | None


@dataclass(frozen=True)
class ConceptInfo:
    """What `d NAME` shows: a concept's definition, place and the coder's own examples."""

    name: str
    definition: str | None
    theme: str | None
    dimension: str | None
    examples: tuple[SegmentView, ...]
    memos: tuple[MemoView, ...] = ()


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


@dataclass(frozen=True)
class AlphaBootstrap:
    """The bootstrap of a row's α: the 95% percentile interval (``low``, ``high``) and the
    share of resamples below each minimum (``below``, keyed "0.800"), or the ``reason``
    there is none; ``undefined`` resamples (no α) are left out."""

    low: float | None
    high: float | None
    below: dict[str, float]
    undefined: int
    reason: str | None = None


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement on one code (applied or not on each unit), with all coefficients.

    ``units`` counts the units compared (read by two or more coders) and ``both``/
    ``only``/``neither`` split them for two coders (``only`` per coder); with more coders
    ``both`` counts units where every coder who read it applied it. ``applied`` counts,
    per coder, the units they applied the code to, compared or not. ``kappa_paradox``
    marks a code two or more coders used whose agreement is high but κ low.
    """

    code: str
    units: int
    both: int
    only: dict[str, int]
    neither: int
    used_by: tuple[str, ...]
    applied: dict[str, int]
    coefficients: dict[str, Coefficient]
    bootstrap: AlphaBootstrap | None = None
    kappa_paradox: bool = False


@dataclass(frozen=True)
class GroupAgreement:
    """Agreement when a group's codes are the exclusive categories of one variable;
    ``violations`` counts the units left out because a coder applied two of them."""

    group: str
    categories: tuple[str, ...]
    units: int
    violations: int
    coefficients: dict[str, Coefficient]
    bootstrap: AlphaBootstrap | None = None


@dataclass(frozen=True)
class Violation:
    """A unit where a coder applied two categories of one exclusive group (for character
    units: the segment, with how many of its characters)."""

    group: str
    unit: str
    coder: str
    codes: tuple[str, ...]
    characters: int | None = None


@dataclass(frozen=True)
class BreakdownRow:
    """The overall figures for one transcript or one pair of coders."""

    label: str
    units: int
    overall: dict[str, Coefficient]


@dataclass(frozen=True)
class BootstrapPlan:
    """How a report's α were bootstrapped: ``resamples`` draws, with replacement, of the
    independent units (``resampled``: segments, or transcripts), from ``seed``."""

    resamples: int
    seed: int
    resampled: str


@dataclass(frozen=True)
class PrivateLeftOut:
    """Codings a comparison leaves out because their concepts are still private to their
    coders (open coding, see :mod:`gioia.ops.scopes`): agreement and reconciliation are
    over the shared concepts. How many codings, on how many concepts, by whom."""

    codings: int
    concepts: int
    coders: tuple[str, ...]
    over: str = "agreement"

    def sentence(self) -> str:
        """The notice a report prints."""
        return (
            f"Left out: {self.codings} coding(s) by {', '.join(self.coders)} on "
            f"{self.concepts} concept(s) still private to their coder (open coding); "
            f"{self.over} is over the shared concepts: share them by assigning them "
            "to themes or merging them into shared ones (gioia concept merge) first."
        )


@dataclass(frozen=True)
class AgreementReport:
    """Inter-coder agreement at one level and unit: per code, overall, and the inputs.

    Of the ``units_in_scope``, ``units_compared`` were read by two or more coders,
    ``units_read_by_one`` by one coder only (they count in chance agreement only) and
    ``units_read_by_none`` by nobody; ``missing`` counts, per coder, the units compared
    that coder did not read. ``convention`` names how missing values are treated
    (``"gwet-2014"``: see docs/agreement.md).
    """

    level: str
    unit: str
    coders: tuple[str, ...]
    convention: str
    units_in_scope: int
    units_compared: int
    units_read_by_one: int
    units_read_by_none: int
    missing: dict[str, int]
    codes: tuple[CodeAgreement, ...]
    overall: dict[str, Coefficient]
    groups: tuple[GroupAgreement, ...] = ()
    violations: tuple[Violation, ...] = ()
    breakdown: tuple[BreakdownRow, ...] = ()
    breakdown_by: str | None = None
    bootstrap: BootstrapPlan | None = None
    exclusive: bool = False
    private: PrivateLeftOut | None = None


@dataclass(frozen=True)
class CoderCodes:
    """One coder's codes on a unit, with the quote spans (offsets in the unit's text);
    ``read`` is False where the coder has not reviewed the unit."""

    coder: str
    codes: tuple[str, ...]
    spans: dict[str, tuple[tuple[int, int], ...]]
    read: bool = True


@dataclass(frozen=True)
class Disagreement:
    """A unit where the coders who read it differ on a code."""

    code: str
    unit: str
    text: str
    applied_by: tuple[str, ...]
    not_by: tuple[str, ...]
    coders: tuple[CoderCodes, ...]


@dataclass(frozen=True)
class MatrixAgreement:
    """All coefficients for a reliability-data table a researcher brings: how it was read
    (``layout``), its ``categories`` and where they came from (``categories_from``:
    "given", "count given" or "values seen"), and its units: ``pairable`` with values
    from two or more coders, ``single`` with one value, ``empty`` with none."""

    coders: tuple[str, ...]
    units: int
    pairable: int
    single: int
    empty: int
    level: str
    layout: str
    categories: tuple[str, ...]
    q: int
    categories_from: str
    convention: str
    coefficients: dict[str, Coefficient]
    bootstrap: AlphaBootstrap | None = None
    resamples: int | None = None
    seed: int | None = None


@dataclass(frozen=True)
class Pending:
    """A segment the consensus coder must still decide: each coder's concepts on it."""

    ref: str
    text: str
    agreed: tuple[str, ...]
    first: CoderCodes
    second: CoderCodes

    @property
    def only(self) -> str | None:
        """The coder who alone read the segment (None when both did)."""
        if self.first.read and self.second.read:
            return None
        return self.first.coder if self.first.read else self.second.coder


@dataclass(frozen=True)
class Decision:
    """A disagreement decided for the consensus coder: what was kept, and its event."""

    summary: str
    event: int


@dataclass(frozen=True)
class OneReader:
    """Codings on segments only one of the two coders read: not agreed, so copied into
    the consensus only when asked (``copied``), else left to decide."""

    coder: str
    segments: int
    codings: int
    copied: bool


@dataclass(frozen=True)
class ReconcileState:
    """Where a reconciliation stands: agreed codings copied by this call (on segments both
    coders read and coded alike), segments settled before it (``decided``), the segments
    left to decide (disagreements, and segments only one coder coded unless they were
    copied), the segments this call settled (marked as reviewed by the consensus coder),
    and the codings on segments only one coder read (``one_reader``)."""

    into: str
    coders: tuple[str, str]
    copied: int
    decided: int
    pending: tuple[Pending, ...]
    settled: int = 0
    one_reader: tuple[OneReader, ...] = ()
    private: PrivateLeftOut | None = None

    @property
    def disagreements(self) -> int:
        """The pending segments both coders read."""
        return sum(1 for p in self.pending if p.only is None)
