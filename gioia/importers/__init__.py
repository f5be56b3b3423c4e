"""Transcript readers: a file in, plain data out (:class:`ParsedTranscript`), never a session.

Each reader raises ``ImportFailed`` with a message that starts with the
file's name; its warnings do not name the file, so the caller prefixes it.
Readers are imported when first used, so that importing this package is cheap.
"""

from __future__ import annotations

from pathlib import Path

from gioia.errors import ImportFailed
from gioia.importers.base import ParsedTranscript, Turn

__all__ = ["SUPPORTED_SUFFIXES", "ParsedTranscript", "Turn", "read_transcript"]

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".vtt", ".srt")


def read_transcript(path: Path) -> ParsedTranscript:
    """Read the transcript file ``path`` with the reader for its suffix (in any case)."""
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md"):
        from gioia.importers.plain import read_plain

        return read_plain(path)
    if suffix == ".docx":
        from gioia.importers.word import read_docx

        return read_docx(path)
    if suffix in (".vtt", ".srt"):
        from gioia.importers.captions import read_captions

        return read_captions(path)
    kind = f"file type '{path.suffix}'" if path.suffix else "file without a suffix"
    raise ImportFailed(
        f"{path.name}: unsupported {kind} (gioia reads {', '.join(SUPPORTED_SUFFIXES)})."
    )
