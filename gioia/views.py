"""The frozen values that ``Project`` returns; every output format renders these.

Here: transcripts, segments and codings, memos, the team's work and the audit trail;
the structure and what a paper prints are in :mod:`gioia.views_structure`, agreement
and reconciliation in :mod:`gioia.views_agreement`, start-up values in
:mod:`gioia.views_core`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from gioia.views_core import PHASES as PHASES
from gioia.views_core import SchemaUpgrade as SchemaUpgrade
from gioia.views_core import Written as Written


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
