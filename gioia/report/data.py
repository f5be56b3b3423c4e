"""What the study report shows: plain values gathered from the store in one read, and the
options that choose them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from gioia.analysis.cooccurrence import Cooccurrence
from gioia.analysis.matrix import CodeMatrix
from gioia.analysis.saturation import Saturation
from gioia.views import CaseSummary, CoderSummary, TranscriptSummary
from gioia.views_agreement import AgreementReport
from gioia.views_structure import ConceptQuotes, StructureView

LEVELS = ("concept", "theme", "dimension")


@dataclass(frozen=True)
class ReportOptions:
    """What the report holds: its ``title``, whose codings count (``evidence``; default
    the acting coder's own during blind coding, else the consensus coder's, else
    everyone's), quotes per concept, the turns shown before and after a quoted segment,
    and the levels of the matrix and the co-occurrence network."""

    title: str = "Study report"
    evidence: str | None = None
    per_concept: int = 2
    max_words: int = 60
    context_turns: int = 1
    matrix_level: str = "theme"
    cooccurrence_level: str = "theme"
    saturation_level: str = "concept"
    saturation_order: str = "date"


@dataclass(frozen=True)
class Turn:
    """A segment shown in a quote's context."""

    ref: str
    speaker: str | None
    is_interviewer: bool
    text: str
    focus: bool


@dataclass(frozen=True)
class LevelAgreement:
    """Agreement at one level, or why there is none (fewer than two coders, …)."""

    level: str
    report: AgreementReport | None
    reason: str = ""


@dataclass(frozen=True)
class Consensus:
    """How the consensus coding was built: its coder, the two coders reconciled, the
    segments decided one by one, and those settled at once by union or intersection."""

    coder: str
    coders: tuple[str, ...]
    decided: int
    automatic: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, read from the store."""

    options: ReportOptions
    generated: dt.datetime
    store: str
    transcripts: tuple[TranscriptSummary, ...]
    cases: tuple[CaseSummary, ...]
    segment_by: tuple[str, ...]
    structure: StructureView
    quotes: tuple[ConceptQuotes, ...]
    contexts: dict[str, tuple[Turn, ...]]
    coders: tuple[CoderSummary, ...]
    consensus: Consensus | None
    matrix: CodeMatrix
    cooccurrence: Cooccurrence
    saturation: Saturation
    agreement: tuple[LevelAgreement, ...] = ()
    figure_svg: str = ""
    figure_note: str = ""
    network_svg: str = ""
