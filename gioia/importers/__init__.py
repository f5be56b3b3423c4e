"""Transcript readers: a file in, plain data out (:class:`ParsedTranscript`), never a session.

Each reader raises ``ImportFailed`` with a message that starts with the
file's name; its warnings do not name the file, so the caller prefixes it.
"""

from __future__ import annotations

from pathlib import Path

from gioia.errors import ImportFailed
from gioia.importers.base import ParsedTranscript, Turn
from gioia.importers.captions import read_captions
from gioia.importers.plain import read_plain
from gioia.importers.word import read_docx

__all__ = ["SUPPORTED_SUFFIXES", "ParsedTranscript", "Turn", "read_transcript"]

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".vtt", ".srt")

_READERS = {
    ".txt": read_plain,
    ".md": read_plain,
    ".docx": read_docx,
    ".vtt": read_captions,
    ".srt": read_captions,
}


def read_transcript(path: Path) -> ParsedTranscript:
    """Read the transcript file ``path`` with the reader for its suffix (any case)."""
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        kind = f"file type '{path.suffix}'" if path.suffix else "file without a suffix"
        raise ImportFailed(
            f"{path.name}: unsupported {kind} (gioia reads {', '.join(SUPPORTED_SUFFIXES)})."
        )
    return reader(path)
