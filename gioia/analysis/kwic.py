"""Text search: the pattern a researcher types, and keyword-in-context lines.

A plain pattern is one or more whole words, case-insensitive, any spacing between them
and any kind of quotation mark for one; a word ending in ``*`` matches every word that
starts with it (``export*``: export, exporters). ``regex`` takes a regular expression
(case-insensitive) as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from gioia.errors import InvalidInput
from gioia.relocate import loose_pattern
from gioia.text import compile_grep


@dataclass(frozen=True)
class SearchHit:
    """One match: in which segment, and where in its text (``start``/``end`` are code-point
    offsets into the segment's text), with the context either side as a KWIC line shows
    it."""

    ref: str
    transcript: str
    case: str | None
    speaker: str | None
    is_interviewer: bool
    start: int
    end: int
    left: str
    match: str
    right: str


@dataclass(frozen=True)
class Pattern:
    """A compiled search: ``regex``, and whether a match must start a word (checked
    outside the expression, which lets the regular-expression engine scan much faster
    than a look-behind would)."""

    regex: re.Pattern[str]
    word_start: bool

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The matches in ``text``, left to right, none overlapping."""
        position = 0
        while (match := self.regex.search(text, position)) is not None:
            start, end = match.span()
            before = text[start - 1] if start else " "
            if end == start or (self.word_start and (before.isalnum() or before == "_")):
                position = start + 1
                continue
            yield match
            position = end


def search_pattern(pattern: str, regex: bool = False) -> Pattern:
    """The compiled pattern (see the module's docstring)."""
    if not pattern.strip():
        raise InvalidInput("Give a word or phrase to search for.")
    if regex:
        compiled = compile_grep(pattern)
        if compiled.search(""):
            raise InvalidInput(
                f"{pattern!r} matches empty text: search for at least one character."
            )
        return Pattern(compiled, word_start=False)
    words = []
    for word in pattern.split():
        stem, star = (word[:-1], True) if word.endswith("*") else (word, False)
        if not stem.strip("*"):
            raise InvalidInput(f"{word!r} is not a word to search for: put * after a word's start.")
        words.append(loose_pattern(stem) + (r"\w*" if star else ""))
    return Pattern(re.compile(r"\s+".join(words) + r"(?!\w)", re.IGNORECASE), word_start=True)


def context(
    text: str, start: int, end: int, width: int = 40, within: tuple[int, int] | None = None
) -> tuple[str, str, str]:
    """The words left of ``[start, end)`` (about ``width`` characters, cut at a space, with
    "…" where text was left out), the match, and the words right of it, on one line.

    ``within`` bounds the context to a part of ``text`` (a segment of a transcript's
    text); only about ``4 × width`` characters either side of the match are read."""
    low, high = within if within is not None else (0, len(text))
    left = _words_before(text, low, start, width)
    right = _words_after(text, end, high, width)
    if len(left) > width:
        cut = left[-width:]
        whole = left[-width - 1] == " " or " " not in cut
        left = "…" + (cut if whole else cut.split(" ", 1)[1])
    if len(right) > width:
        cut = right[:width]
        whole = right[width] == " " or " " not in cut
        right = (cut if whole else cut.rsplit(" ", 1)[0]) + "…"
    spaced_left = left + (" " if start > low and text[start - 1].isspace() and left else "")
    spaced_right = (" " if end < high and text[end].isspace() and right else "") + right
    return spaced_left, _one_line(text[start:end]), spaced_right


def _one_line(part: str) -> str:
    return " ".join(part.split())


def _words_before(text: str, low: int, start: int, width: int) -> str:
    """``text[low:start]`` on one line, or, when that is long, its end: more than
    ``width`` characters, which are all the cut reads (a word the window cuts is the
    end of the same word on the whole line)."""
    reach = 4 * width + 16
    if start - low > reach:
        tail = _one_line(text[start - reach : start])  # ends as the whole ends
        if len(tail) > width:
            return tail
    return _one_line(text[low:start])


def _words_after(text: str, end: int, high: int, width: int) -> str:
    """``text[end:high]`` on one line, or its first words when that is long (see
    :func:`_words_before`)."""
    reach = 4 * width + 16
    if high - end > reach:
        head = _one_line(text[end : end + reach])  # starts as the whole starts
        if len(head) > width:
            return head
    return _one_line(text[end:high])
