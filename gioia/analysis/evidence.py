"""The evidence the analyses work on: whose codings, at which level, with where they are.

``gioia.ops.evidence.load_evidence`` fills it from the store; everything in
``gioia.analysis`` computes from it and never touches the store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
NO_CASE = "(no case)"
NO_INFORMANT = "(no informant)"
NO_WAVE = "(no wave)"


@dataclass(frozen=True)
class TranscriptInfo:
    """A transcript as the analyses need it: its place in the study and its size.

    ``imported`` is its rank in import order (the manifest's order); ``segments`` counts
    its informant segments (interviewer turns left out).
    """

    name: str
    case: str | None
    informant: str | None
    role: str | None
    wave: str | None
    date: dt.date | None
    imported: int
    segments: int


@dataclass(frozen=True)
class Evidence:
    """Every coding that counts at one level, as parallel arrays: one entry per coding
    and code of the level it reaches (a concept under two themes reaches both; a
    dimension once however many of its themes lead there).

    ``codes`` are the level's items in structure order and ``parents`` their theme or
    dimension (None for a dimension, or an item outside the tree). ``transcript``,
    ``informant`` and ``code`` index ``transcripts``, ``informants`` and ``codes``;
    ``segment`` is the segment's id and ``position`` its number in its transcript.
    ``informant_segments`` counts each informant's segments; ``units`` is how many
    segments could carry a code (informant turns, and interviewer turns that do).
    """

    level: str
    coder: str | None
    codes: tuple[str, ...]
    parents: tuple[str | None, ...]
    transcripts: tuple[TranscriptInfo, ...]
    informants: tuple[str, ...]
    informant_segments: tuple[int, ...]
    units: int
    transcript: IntArray
    informant: IntArray
    segment: IntArray
    position: IntArray
    code: IntArray

    def ref(self, index: int) -> str:
        """The ``TRANSCRIPT:N`` reference of coding ``index``."""
        return f"{self.transcripts[self.transcript[index]].name}:{self.position[index]}"

    @property
    def whose(self) -> str:
        """Whose codings these are, for a caption: "Consensus's codings" or "every coder's"."""
        return f"{self.coder}'s codings" if self.coder else "every coder's codings"
