"""Pure text and span arithmetic: normalisation, name keys and segmentation.

Offsets are code-point indices into the stored text, and spans are half-open
``[start, end)``. Nothing here touches a file or a database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from gioia.errors import InvalidInput

if TYPE_CHECKING:
    from gioia.importers.base import Turn

SEGMENTATIONS = ("turn", "paragraph", "sentence")

# Invisible characters that only get in the way of searching and coding: the
# byte-order mark / zero-width no-break space, zero-width space, word joiner
# and soft hyphen. ZWJ and ZWNJ stay: they change how emoji and many scripts
# are written. C0 controls other than tab and line ends are dropped as well.
_JUNK_CHARS = "\ufeff\u200b\u2060\u00ad\x7f" + "".join(
    map(chr, [*range(0x00, 0x09), *range(0x0E, 0x20)])
)
_JUNK = re.compile(f"[{_JUNK_CHARS}]")
# Line ends of every kind, vertical tab (Word's soft line break in text
# exports) and form feed (page break) become "\n"; the paragraph separator
# becomes a blank line.
_LINE_CHARS = "\r\x0b\x0c\x85\u2028\u2029"
_LINE_END = re.compile("\r\n|[\r\x0b\x0c\x85\u2028]")
# No-break spaces look like spaces, so they become spaces: a search for
# "de la" must find "de\u00a0la".
_NO_BREAK_CHARS = "\u00a0\u2007\u202f"
_NO_BREAK_SPACE = re.compile(f"[{_NO_BREAK_CHARS}]")

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
# A sentence ends with ., !, ? or … (possibly repeated), then closing quotes
# or brackets, then whitespace, then something that can start a sentence: an
# opening quote or bracket, a digit or a letter (checked to be a capital).
_CLOSING = "\"'\u201d\u2019\u00bb)]"
_OPENING = "\"'\u201c\u2018\u00ab\u201e\u201a\u00bf\u00a1(["
_SENTENCE_END = re.compile(
    f"[.!?\u2026]+[{re.escape(_CLOSING)}]*(\\s+)(?=[{re.escape(_OPENING)}]|[^\\W_])"
)
# Words after which a full stop does not end the sentence (compared without
# the final stop, casefolded). "etc." is not here: followed by a capital it
# usually does end one.
# fmt: off
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "mx", "dr", "prof", "st", "jr", "sr", "vs", "cf", "eg", "ie", "e.g", "i.e",
    "approx", "ca", "incl", "viz", "resp", "fig", "dept",
})
# fmt: on
# Dotted abbreviations such as "U.S", "e.g", "z.B", "a.m" (final stop excluded).
_DOTTED = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")


def normalize_text(s: str) -> str:
    """Return ``s`` as gioia stores text.

    NFC; every line end (CRLF, CR, U+2028, NEL, vertical tab, form feed) as
    ``\\n`` and U+2029 as a blank line; byte-order marks, zero-width spaces,
    word joiners, soft hyphens and control characters removed; no-break spaces
    as plain spaces; spaces at the end of lines removed. Idempotent.
    """
    # Each pass runs only where one of its characters occurs (``in`` is a fast scan;
    # a substitution copies the whole text).
    if any(c in s for c in _JUNK_CHARS):
        s = _JUNK.sub("", s)
    if any(c in s for c in _LINE_CHARS):
        s = _LINE_END.sub("\n", s).replace("\u2029", "\n\n")
    if any(c in s for c in _NO_BREAK_CHARS):
        s = _NO_BREAK_SPACE.sub(" ", s)
    s = unicodedata.normalize("NFC", s)
    return "\n".join(line.rstrip() for line in s.split("\n"))  # a regex is 5× slower


def format_time(seconds: float | None) -> str:
    """``h:mm:ss`` for a time in seconds (as speaker labels write it), or an empty string."""
    if seconds is None:
        return ""
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def compile_grep(pattern: str) -> re.Pattern[str]:
    """A case-insensitive regular expression, or a clear error if it does not compile."""
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise InvalidInput(f"{pattern!r} is not a valid regular expression: {exc}.") from exc


@lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """Return the key under which names are unique, ignoring case and spacing."""
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())
    return " ".join(folded.split())


@dataclass(frozen=True)
class SegmentSpan:
    """One segment of a document: ``text[start:end]``, from turn number ``turn``."""

    start: int
    end: int
    speaker: str | None
    turn: int
    time_start: float | None
    time_end: float | None


def build_document(
    turns: Sequence[Turn], segment_by: str = "turn"
) -> tuple[str, list[SegmentSpan]]:
    """Return the document text of ``turns`` and its segments.

    The text is the turns' texts joined by blank lines. ``segment_by`` is
    ``"turn"`` (one segment per turn), ``"paragraph"`` (turns split on blank
    lines) or ``"sentence"`` (paragraphs split by :func:`split_sentences`).
    Segments are in order, do not overlap, neither start nor end on
    whitespace, and cover every other character of the text.
    """
    if segment_by not in SEGMENTATIONS:
        raise InvalidInput(
            f"Unknown segmentation {segment_by!r}: use 'turn', 'paragraph' or 'sentence'."
        )
    text = "\n\n".join(turn.text for turn in turns)
    segments: list[SegmentSpan] = []
    offset = 0
    for index, turn in enumerate(turns):
        end = offset + len(turn.text)
        if segment_by == "turn":
            pieces = [(offset, end)]
        elif segment_by == "paragraph":
            pieces = _paragraphs(text, offset, end)
        else:
            pieces = [s for a, b in _paragraphs(text, offset, end) for s in _sentences(text, a, b)]
        for a, b in pieces:
            span = _trim(text, a, b)
            if span is not None:
                segments.append(
                    SegmentSpan(span[0], span[1], turn.speaker, index, turn.start, turn.end)
                )
        offset = end + 2
    return text, segments


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return the ``[start, end)`` spans of the sentences of ``text``.

    A sentence never crosses a blank line. It ends at ``.``, ``!``, ``?`` or
    ``…`` (and closing quotes or brackets) followed by whitespace and a
    capital letter, an opening quote or bracket or a digit; a full stop after
    a common abbreviation ("e.g.", "Dr."), an initial ("J.") or a list number
    at the start of a line ("2.") does not end one. Spans neither start nor
    end on whitespace and cover every other character.
    """
    spans: list[tuple[int, int]] = []
    for a, b in _paragraphs(text, 0, len(text)):
        for s, e in _sentences(text, a, b):
            span = _trim(text, s, e)
            if span is not None:
                spans.append(span)
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Return ``[start, end)`` without whitespace at either end, or None if blank."""
    piece = text[start:end]
    stripped = piece.lstrip()
    if not stripped:
        return None
    start += len(piece) - len(stripped)
    return start, start + len(stripped.rstrip())


def _paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` on blank lines (spans may still need trimming)."""
    pieces = []
    for match in _BLANK_LINE.finditer(text, start, end):
        pieces.append((start, match.start()))
        start = match.end()
    pieces.append((start, end))
    return pieces


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split ``text[start:end]``, one paragraph, into sentences."""
    pieces = []
    for match in _SENTENCE_END.finditer(text, start, end):
        first = text[match.end()]
        if first.isalpha() and not (first.isupper() or first.istitle()):
            continue
        stop = match.start(1)
        if text[match.start() : stop] == "." and _keeps_sentence(text, start, match.start()):
            continue
        pieces.append((start, stop))
        start = stop
    pieces.append((start, end))
    return pieces


def _keeps_sentence(text: str, start: int, stop: int) -> bool:
    """Whether the full stop at ``stop`` belongs to a word that does not end a sentence."""
    word_start = stop
    while word_start > start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:stop].lstrip(_OPENING)
    if word.casefold() in _ABBREVIATIONS or _DOTTED.fullmatch(word):
        return True
    if len(word) == 1 and word.isupper():
        return True  # an initial, as in "J. K. Rowling"
    at_line_start = word_start == start or text[word_start - 1] == "\n"
    return at_line_start and word.isdigit() and len(word) <= 3


def one_line(text: str, limit: int = 50) -> str:
    """``text`` on one line (whitespace collapsed), cut after a word with "…" when it is
    longer than ``limit`` characters; for naming a passage in a message."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


def trim_words(text: str, max_words: int) -> str:
    """Return ``text`` cut to at most ``max_words`` words, as a quote is shortened.

    Text within the limit comes back unchanged. Otherwise it is cut after the
    last sentence (see :func:`split_sentences`) that ends within the limit, or
    after the last word within it when no sentence does, and " […]" marks the cut.
    """
    if max_words < 1:
        raise InvalidInput(f"Cannot trim to {max_words} words: give at least 1.")
    words = list(re.finditer(r"\S+", text))
    if len(words) <= max_words:
        return text
    limit = words[max_words - 1].end()
    cut = max((end for _, end in split_sentences(text) if end <= limit), default=limit)
    return text[:cut].rstrip(" ,;:–—-") + " […]"


# A stage direction ("(laughs)", "[pause]") or a filler ("Um,", "you know,") at the start
# of a quote, and the same at its end; quotes are printed without them.
_STAGE = r"[(\[][^()\[\]]{1,40}[)\]]"
_FILLER = r"(?:um+|uh+|erm*|er|hmm+|mm+|ah+|oh|well|so|okay|ok|yeah|you know|i mean)"
_LEADING = re.compile(
    rf"^(?:\s*{_STAGE}|\s*{_FILLER}\s*(?:[,…]|\.\.\.)+|\s*(?:\.\.\.|…))+\s*", re.IGNORECASE
)
_TRAILING = re.compile(
    rf"(?:\s*{_STAGE}|,\s*{_FILLER}(?=[\s.?!…]*$))+(?=[\s.?!…]*$)", re.IGNORECASE
)


def clean_quote(text: str) -> str:
    """``text`` with stage directions and fillers trimmed at its edges, and its runs of
    whitespace as single spaces; the text itself if nothing would be left."""
    text = " ".join(text.split())
    cleaned = _TRAILING.sub("", _LEADING.sub("", text)).strip()
    return cleaned if re.search(r"\w", cleaned) else text
