"""Plain data that every transcript reader returns: no store, no session."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Turn:
    """One speaker turn (or one unlabelled paragraph) as read from a file.

    ``text`` is normalised (NFC, ``\\n`` line ends) and stripped; paragraphs
    inside the turn are separated by one blank line (``\\n\\n``), soft line
    breaks by ``\\n``. Times are seconds from the start of the recording.
    """

    speaker: str | None
    text: str
    start: float | None = None
    end: float | None = None


@dataclass(frozen=True)
class ParsedTranscript:
    """What a reader found in one file: its turns, in order, and warnings."""

    turns: list[Turn]
    format: str
    warnings: list[str] = field(default_factory=list)
