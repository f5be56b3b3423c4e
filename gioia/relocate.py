"""Finding coded text again in a corrected transcript: pure text arithmetic, no ORM.

When a transcript is replaced by a corrected version, every span of the old text
(a coding, a segment) is placed in the new text in three tries:

1. **exact**: the same characters, at the occurrence nearest to where the span
   should be;
2. **loose**: the same characters ignoring whitespace (its amount and place), case
   and the kind of quotation marks, again the nearest occurrence;
3. **nearest**: where the span's ends land when the two texts are aligned word by
   word (and, inside an edited passage, character by character), widened to whole
   words, accepted when that text is still at least half like the old one
   (``MIN_SIMILARITY``).

"Where the span should be" is its start carried through the alignment (lines first,
then the words of the lines that differ). An occurrence found by (1) or (2) is taken
when it lies within ``WINDOW`` characters (plus the span's length) of that place; by
(1) also anywhere when it is the only one and the span has at least ``DISTINCTIVE``
characters (a passage moved elsewhere). So a short phrase edited in place is not moved
to another occurrence far away.
Offsets are code points, spans half-open, as everywhere in gioia.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

MIN_SIMILARITY = 0.5
WINDOW = 200
DISTINCTIVE = 40

_WORD = re.compile(r"\S+")
_LINE = re.compile(r"[^\n]+")
QUOTE_MARKS = {"'": "['‘’]", "‘": "['‘’]", "’": "['‘’]", '"': '["“”]', "“": '["“”]', "”": '["“”]'}


def loose_pattern(text: str, *, inside_words: bool = False) -> str:
    """A regular expression for ``text`` that ignores the kind of quotation marks and
    how much whitespace separates its words (with ``inside_words``, whitespace
    anywhere: "a lot" finds "alot" and "a  l ot"). Compile it with ``re.IGNORECASE``."""

    def char(ch: str) -> str:
        return QUOTE_MARKS.get(ch, re.escape(ch))

    if inside_words:
        return r"\s*".join(char(ch) for ch in text if not ch.isspace())
    return r"\s+".join("".join(char(ch) for ch in word) for word in text.split())


@dataclass(frozen=True)
class Placement:
    """Where a span of the old text is in the new one, and how it was found."""

    start: int
    end: int
    how: str  # "exact", "loose" or "nearest"


class Relocator:
    """Places spans of ``old`` in ``new`` (see the module docstring)."""

    def __init__(self, old: str, new: str) -> None:
        self.old = old
        self.new = new
        self._old_words = [(m.start(), m.end()) for m in _WORD.finditer(old)]
        self._new_words = [(m.start(), m.end()) for m in _WORD.finditer(new)]
        self._old_starts = [start for start, _ in self._old_words]
        self._new_starts = [start for start, _ in self._new_words]

    @cached_property
    def _alignment(self) -> tuple[list[tuple[int, int]], list[tuple[int, int, int, int]]]:
        """For each old word: the new word it equals (-1 if none) and the index of its
        edited block; the edited blocks as old words ``[i1, i2)`` and new ``[j1, j2)``.

        Lines are aligned first and words only inside the lines that differ, so that a
        few corrections in a long transcript cost little.
        """
        a = [self.old[s:e] for s, e in self._old_words]
        b = [self.new[s:e] for s, e in self._new_words]
        old_lines, new_lines = (
            _lines(self.old, self._old_starts),
            _lines(self.new, self._new_starts),
        )
        words: list[tuple[int, int]] = []
        blocks: list[tuple[int, int, int, int]] = []
        matcher = difflib.SequenceMatcher(
            None, [t for t, _ in old_lines], [t for t, _ in new_lines], autojunk=False
        )
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            a1, a2 = _first_word(old_lines, i1, len(a)), _first_word(old_lines, i2, len(a))
            b1, b2 = _first_word(new_lines, j1, len(b)), _first_word(new_lines, j2, len(b))
            if tag == "equal":
                words.extend((b1 + k, -1) for k in range(a2 - a1))
            else:
                _align_words(a[a1:a2], b[b1:b2], a1, b1, words, blocks)
        return words, blocks

    def _map(self, offset: int, *, end: bool) -> int:
        """Where the old text's ``offset`` is in the new, as a span's start or end."""
        if end:
            index = bisect.bisect_left(self._old_starts, offset) - 1
            if index < 0:
                return 0
        else:
            index = bisect.bisect_right(self._old_starts, offset) - 1
            if index < 0 or offset >= self._old_words[index][1]:
                index += 1  # in the whitespace before a word: that word starts the span
            if index >= len(self._old_words):
                return len(self.new)
        words, blocks = self._alignment
        equal, block = words[index]
        if equal >= 0:
            start, stop = self._new_words[equal]
            return min(start + max(0, offset - self._old_words[index][0]), stop)
        return self._map_in_block(blocks[block], offset, end=end)

    def _map_in_block(self, block: tuple[int, int, int, int], offset: int, *, end: bool) -> int:
        """Map an offset inside an edited block, aligning its characters."""
        i1, i2, j1, j2 = block
        if j1 == j2:  # words deleted: the place where they were
            if end:
                return self._new_words[j1 - 1][1] if j1 > 0 else 0
            return self._new_words[j1][0] if j1 < len(self._new_words) else len(self.new)
        old_lo, old_hi = self._old_words[i1][0], self._old_words[i2 - 1][1]
        new_lo, new_hi = self._new_words[j1][0], self._new_words[j2 - 1][1]
        at = min(max(offset - old_lo, 0), old_hi - old_lo)
        for tag, a1, a2, b1, b2 in _char_opcodes(self.old[old_lo:old_hi], self.new[new_lo:new_hi]):
            if (a1 < at <= a2) if end else (a1 <= at < a2):
                if tag == "equal":
                    return new_lo + b1 + at - a1
                return new_lo + (b2 if end else b1)
        return new_hi if end else new_lo

    def map_start(self, offset: int) -> int:
        """Where the old text's offset ``offset``, as the start of a span, is in the new."""
        return self._map(offset, end=False)

    def map_end(self, offset: int) -> int:
        """Where the old text's offset ``offset``, as the end of a span, is in the new."""
        return self._map(offset, end=True)

    def place(self, start: int, end: int) -> Placement | None:
        """Where ``old[start:end]`` is in the new text, or None when it cannot be placed."""
        wanted = self.old[start:end].strip()
        if not wanted:
            return None
        expected = self.map_start(start)
        if self.new.startswith(wanted, expected):
            return Placement(expected, expected + len(wanted), "exact")
        found = self._occurrence(
            lambda lo, hi: [(m, m + len(wanted)) for m in _find_all(self.new, wanted, lo, hi)],
            expected,
            len(wanted),
        )
        if found is not None:
            return Placement(*found, "exact")
        pattern = re.compile(loose_pattern(wanted, inside_words=True), re.IGNORECASE)
        found = self._occurrence(
            lambda lo, hi: [(m.start(), m.end()) for m in pattern.finditer(self.new, lo, hi)],
            expected,
            len(wanted),
            anywhere=False,
        )
        if found is not None:
            return Placement(*found, "loose")
        new_start, new_end = self.map_start(start), self.map_end(end)
        piece = self.new[new_start:new_end]
        stripped = piece.lstrip()
        new_start += len(piece) - len(stripped)
        new_end = new_start + len(stripped.rstrip())
        if new_end <= new_start:
            return None
        # An edited word is taken whole, not cut where the old one ended.
        while new_start > 0 and self.new[new_start - 1].isalnum() and self.new[new_start].isalnum():
            new_start -= 1
        while (
            new_end < len(self.new)
            and self.new[new_end - 1].isalnum()
            and self.new[new_end].isalnum()
        ):
            new_end += 1
        alike = _alike(wanted, self.new[new_start:new_end])
        return Placement(new_start, new_end, "nearest") if alike else None

    def _occurrence(
        self,
        matches: Callable[[int, int], list[tuple[int, int]]],
        expected: int,
        length: int,
        *,
        anywhere: bool = True,
    ) -> tuple[int, int] | None:
        """The occurrence nearest ``expected`` within the window, else (``anywhere``) the
        only one in the whole text of a distinctive text. ``matches(lo, hi)`` lists the
        occurrences in ``new[lo:hi]``."""
        reach = WINDOW + length
        near = [
            span
            for span in matches(max(expected - reach, 0), expected + reach + 2 * length)
            if abs(span[0] - expected) <= reach
        ]
        if near:
            return min(near, key=lambda span: (abs(span[0] - expected), span[0]))
        if anywhere and length >= DISTINCTIVE:
            everywhere = matches(0, len(self.new))
            if len(everywhere) == 1:
                return everywhere[0]
        return None


def _lines(text: str, word_starts: list[int]) -> list[tuple[str, int]]:
    """The lines of ``text`` that hold words: each line and the index of its first word."""
    return [
        (m.group(), bisect.bisect_left(word_starts, m.start()))
        for m in _LINE.finditer(text)
        if m.group().strip()
    ]


def _first_word(lines: list[tuple[str, int]], index: int, total: int) -> int:
    """The index of the first word of line ``index`` (``total`` past the last line)."""
    return lines[index][1] if index < len(lines) else total


def _align_words(
    a: list[str],
    b: list[str],
    a_base: int,
    b_base: int,
    words: list[tuple[int, int]],
    blocks: list[tuple[int, int, int, int]],
) -> None:
    """Align two runs of words (at ``a_base`` and ``b_base``), appending to ``words``
    and ``blocks`` as ``_alignment`` describes."""
    head, tail = common_ends(a, b)
    words.extend((b_base + k, -1) for k in range(head))
    matcher = difflib.SequenceMatcher(
        None, a[head : len(a) - tail], b[head : len(b) - tail], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            words.extend((b_base + head + j1 + k, -1) for k in range(i2 - i1))
        elif i2 > i1:
            start = b_base + head
            blocks.append((a_base + head + i1, a_base + head + i2, start + j1, start + j2))
            words.extend((-1, len(blocks) - 1) for _ in range(i2 - i1))
    words.extend((b_base + len(b) - tail + k, -1) for k in range(tail))


def _alike(old: str, new: str) -> bool:
    """Whether ``new`` is still at least ``MIN_SIMILARITY`` like ``old``: by characters
    for short texts, by words for long ones (comparing characters grows as their
    product)."""
    if len(old) + len(new) <= 600:
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    else:
        matcher = difflib.SequenceMatcher(None, old.split(), new.split(), autojunk=False)
    return matcher.ratio() >= MIN_SIMILARITY


def common_ends(a: Sequence[object], b: Sequence[object]) -> tuple[int, int]:
    """How many items two sequences share at their start, and then at their end."""
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return head, tail


def _char_opcodes(old: str, new: str) -> Sequence[tuple[str, int, int, int, int]]:
    """The character alignment of an edited block (a few words, usually)."""
    return difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()


def _find_all(text: str, wanted: str, lo: int, hi: int) -> list[int]:
    """Every offset where ``wanted`` starts in ``text[lo:hi]`` (overlapping ones too)."""
    found = []
    at = text.find(wanted, lo, hi)
    while at >= 0:
        found.append(at)
        at = text.find(wanted, at + 1, hi)
    return found
