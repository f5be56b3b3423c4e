"""A source's text as gioia stores it, and where the source's positions land in it.

Another program's positions count over the source text as stored (CRLF, no-break
spaces, speaker labels and all); gioia stores the normalised text of the turns, labels
kept apart (see :mod:`gioia.text`). ``read_document`` segments a source as the text
importer does and keeps the map between the two: ``Document.locate`` turns a selection
into a span of the stored text, moving an end that falls in text gioia does not keep
(a speaker label, a line end) to the nearest kept character inside the selection.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gioia.importers.plain import parse_text
from gioia.text import SegmentSpan, build_document, normalize_text

if TYPE_CHECKING:
    import numpy as np

# The characters ``normalize_text`` drops or changes; see its docstring.
_JUNK = re.compile("[\ufeff\u200b\u2060\u00ad\x00-\x08\x0e-\x1f\x7f]")
_LINE_ENDS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_NO_BREAK_SPACE = re.compile("[\u00a0\u2007\u202f]")
_NON_ASCII_RUN = re.compile("[\x00-\x7f]?[^\x00-\x7f]+")
_TRAILING_SPACE = re.compile(r"[^\S\n]+(?=\n|\Z)")


def _offsets(length: int, weights: dict[int, int]) -> np.ndarray:
    """Where each offset of a string lands after each character ``i`` became
    ``weights.get(i, 1)`` characters: ``result[i]`` for ``i`` in ``0..length``."""
    import numpy as np

    counts = np.ones(length, dtype=np.int64)
    if weights:
        counts[np.fromiter(weights, dtype=np.int64)] = np.fromiter(weights.values(), dtype=np.int64)
    return np.concatenate(([0], np.cumsum(counts)))


def normalize_with_offsets(raw: str) -> tuple[str, np.ndarray]:
    """``normalize_text(raw)``, and for each offset of ``raw`` (0 to ``len(raw)``) the
    offset it becomes: a removed character's offset becomes the next kept one's."""
    steps: list[np.ndarray] = []
    text = raw
    # 1. invisible characters removed
    drops = {m.start(): 0 for m in _JUNK.finditer(text)}
    if drops:
        steps.append(_offsets(len(text), drops))
        text = _JUNK.sub("", text)
    # 2. line ends as "\n" (CR of CRLF dropped, U+2029 a blank line); no-break spaces
    weights: dict[int, int] = {}
    for match in _LINE_ENDS.finditer(text):
        if match.group() == "\r\n":
            weights[match.start()] = 0
        elif match.group() == "\u2029":
            weights[match.start()] = 2
    if weights:
        steps.append(_offsets(len(text), weights))
    text = _LINE_ENDS.sub(lambda m: "\n\n" if m.group() == "\u2029" else "\n", text)
    text = _NO_BREAK_SPACE.sub(" ", text)
    # 3. NFC, one run of non-ASCII characters (and the letter before it) at a time
    if not unicodedata.is_normalized("NFC", text):
        pieces: list[str] = []
        weights = {}
        done = 0
        for match in _NON_ASCII_RUN.finditer(text):
            chunk = match.group()
            composed = unicodedata.normalize("NFC", chunk)
            if composed == chunk:
                continue
            pieces.append(text[done : match.start()])
            pieces.append(composed)
            done = match.end()
            placed = 0
            for index in range(len(chunk)):
                size = len(unicodedata.normalize("NFC", chunk[: index + 1]))
                weights[match.start() + index] = max(size - placed, 0)
                placed = max(size, placed)
            weights[match.end() - 1] += len(composed) - placed
        pieces.append(text[done:])
        steps.append(_offsets(len(text), weights))
        text = "".join(pieces)
    # 4. spaces at the end of lines removed
    drops = {i: 0 for m in _TRAILING_SPACE.finditer(text) for i in range(m.start(), m.end())}
    if drops:
        steps.append(_offsets(len(text), drops))
        text = _TRAILING_SPACE.sub("", text)
    import numpy as np

    offsets = np.arange(len(raw) + 1, dtype=np.int64)
    for step in steps:
        offsets = step[offsets]
    if text != normalize_text(raw):  # the steps above must mirror normalize_text
        raise AssertionError("normalize_with_offsets disagrees with normalize_text")
    return text, offsets


@dataclass
class Document:
    """A source's stored text and segments, and the map from the source's offsets.

    ``pieces`` are runs ``(source_start, text_start, length)`` of characters that are
    the same in the (normalised) source and the stored text.
    """

    text: str
    spans: list[SegmentSpan]
    source: str
    pieces: list[tuple[int, int, int]]
    offsets: np.ndarray | None = None
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._starts = [piece[0] for piece in self.pieces]
        self.use_segments(self.spans)

    def use_segments(self, spans: list[SegmentSpan]) -> None:
        """Cut selections at these segments (a transcript's own, when the store has it)."""
        self.spans = spans
        self._segment_starts = [span.start for span in spans]

    def locate(self, start: int, end: int) -> tuple[int, int, bool] | None:
        """The stored span ``[a, b)`` that the source's code points ``[start, end)`` hold,
        and whether an end moved past text gioia does not keep (a speaker label); None
        when they hold none of the stored text."""
        if self.offsets is not None:
            last = len(self.offsets) - 1
            start, end = int(self.offsets[min(start, last)]), int(self.offsets[min(end, last)])
        pieces = self.pieces
        i = bisect.bisect_right(self._starts, start) - 1
        trimmed = False
        if i >= 0 and start < pieces[i][0] + pieces[i][2]:
            a = pieces[i][1] + start - pieces[i][0]
        elif i + 1 < len(pieces):
            a = pieces[i + 1][1]
            trimmed = bool(self.source[start : pieces[i + 1][0]].strip())
        else:
            return None
        j = bisect.bisect_left(self._starts, end) - 1
        if j < 0:
            return None
        if end <= pieces[j][0] + pieces[j][2]:
            b = pieces[j][1] + end - pieces[j][0]
        else:
            b = pieces[j][1] + pieces[j][2]
            trimmed = trimmed or bool(self.source[pieces[j][0] + pieces[j][2] : end].strip())
        return (a, b, trimmed) if a < b else None

    def locate_many(self, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, ...]:
        """``locate`` for many selections at once (code points, int64 arrays): the stored
        starts and ends, whether an end moved, and whether each holds any stored text
        (where not, its start and end mean nothing)."""
        import numpy as np

        if self.offsets is not None:
            last = len(self.offsets) - 1
            starts = self.offsets[np.minimum(starts, last)]
            ends = self.offsets[np.minimum(ends, last)]
        count = len(starts)
        table = np.array(self.pieces, dtype=np.int64).reshape(-1, 3)
        if not len(table):
            nothing = np.zeros(count, dtype=np.int64)
            return nothing, nothing, nothing.astype(bool), nothing.astype(bool)
        origin, target, length = table[:, 0], table[:, 1], table[:, 2]
        stop = origin + length
        i = np.searchsorted(origin, starts, side="right") - 1
        inside = (i >= 0) & (starts < stop[np.maximum(i, 0)])
        following = np.minimum(i + 1, len(table) - 1)
        ok = inside | (i + 1 < len(table))
        a = np.where(inside, target[np.maximum(i, 0)] + starts - origin[np.maximum(i, 0)], 0)
        a = np.where(~inside & ok, target[following], a)
        trimmed = np.zeros(count, dtype=bool)
        source = self.source
        for k in np.flatnonzero(~inside & ok).tolist():
            trimmed[k] = bool(source[int(starts[k]) : int(origin[following[k]])].strip())
        j = np.searchsorted(origin, ends, side="left") - 1
        ok &= j >= 0
        j = np.maximum(j, 0)
        within = ends <= stop[j]
        b = np.where(within, target[j] + ends - origin[j], target[j] + length[j])
        for k in np.flatnonzero(ok & ~within & ~trimmed).tolist():
            trimmed[k] = bool(source[int(stop[j[k]]) : int(ends[k])].strip())
        ok &= a < b
        return a, b, trimmed, ok

    def split_many(self, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, ...]:
        """``split`` for many spans at once: (which span, segment index, start, end) for
        each part, in the order of the spans and, within one, of the segments."""
        import numpy as np

        segment_starts = np.array(self._segment_starts, dtype=np.int64)
        segment_ends = np.array([span.end for span in self.spans], dtype=np.int64)
        first = np.maximum(np.searchsorted(segment_starts, starts, side="right") - 1, 0)
        last = np.searchsorted(segment_starts, ends, side="left") - 1
        counts = np.maximum(last - first + 1, 0)
        owner = np.repeat(np.arange(len(starts)), counts)
        offset = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
        index = first[owner] + offset
        a = np.maximum(starts[owner], segment_starts[index])
        b = np.minimum(ends[owner], segment_ends[index])
        keep = a < b
        return owner[keep], index[keep], a[keep], b[keep]

    def split(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """``[start, end)`` of the stored text cut at segment boundaries: (segment index,
        start, end) for each segment it overlaps."""
        first = max(bisect.bisect_right(self._segment_starts, start) - 1, 0)
        parts = []
        for index in range(first, len(self.spans)):
            span = self.spans[index]
            if span.start >= end:
                break
            a, b = max(start, span.start), min(end, span.end)
            if a < b:
                parts.append((index, a, b))
        return parts


def read_document(raw: str, segment_by: str = "turn") -> Document:
    """Segment a source's text (decoded, as stored) as the text importer does, keeping
    the map from the source's offsets to the stored text's."""
    source, offsets = normalize_with_offsets(raw)
    turns, warnings = parse_text(source)
    text, spans = build_document(turns, segment_by)
    pieces: list[tuple[int, int, int]] = []
    cursor = 0
    at = 0  # where the turn starts in the stored text
    for number, turn in enumerate(turns, start=1):
        offset = at
        for line in turn.text.split("\n"):
            if line:
                found = _find_line(source, line, cursor)
                if found < 0:
                    warnings.append(
                        f"turn {number}: the line {line[:40]!r} was not found in the source; "
                        "selections on it are placed on the nearest text."
                    )
                else:
                    pieces.append((found, offset, len(line)))
                    cursor = found + len(line)
            offset += len(line) + 1
        at += len(turn.text) + 2
    identity = source == raw  # normalising changed nothing
    return Document(text, spans, source, pieces, None if identity else offsets, warnings)


def _find_line(source: str, line: str, cursor: int) -> int:
    """Where ``line`` (a line of a turn: a whole line of the source, or its end after a
    speaker label) is in ``source`` from ``cursor``: the first place it ends a line."""
    found = source.find(line, cursor)
    while found >= 0:
        after = found + len(line)
        if after == len(source) or source[after] == "\n":
            return found
        found = source.find(line, found + 1)
    return source.find(line, cursor)


def labelled_document(
    written: str,
    labels: list[list[int]],
    segments: list[tuple[int, int, str | None, float | None, float | None]],
) -> Document | None:
    """The document gioia wrote as ``written`` (its text with speaker labels at
    ``labels``, (offset, length) pairs), its segments as gioia recorded them; None when
    the record does not fit the text."""
    pieces: list[tuple[int, int, int]] = []
    parts: list[str] = []
    done = at = 0
    for start, length in [*labels, [len(written), 0]]:
        if not done <= start <= start + length <= len(written):
            return None
        if start > done:
            pieces.append((done, at, start - done))
            parts.append(written[done:start])
            at += start - done
        done = start + length
    text = "".join(parts)
    spans = []
    end = 0
    for index, (a, b, speaker, time_start, time_end) in enumerate(segments):
        if not end <= a < b <= len(text):
            return None
        spans.append(SegmentSpan(a, b, speaker, index, time_start, time_end))
        end = b
    if not spans or normalize_text(text) != text:
        return None
    return Document(text, spans, written, pieces)
