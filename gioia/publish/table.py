"""A printed table, whatever the format: its title, columns and rows; the widths its
content asks for; and the typography of the quotes in it. Pure: no I/O.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, TypeAlias

from gioia.views_structure import Quote

# A cell holds paragraphs; None continues the cell above it (merged in Word, blank
# elsewhere).
Cell: TypeAlias = tuple[str, ...] | None
RowKind = Literal["heading", "dimension", "theme", "item", "total"]

_PADDING = 0.2  # a cell's left and right margins together, and a little room, inches
_TEXT_MIN = 0.8  # the narrowest text column, inches
_LONGEST = 1.6  # a longer word than this may wrap inside its column, inches


@dataclass(frozen=True)
class Column:
    """A column of a printed table; ``numeric`` columns are right-aligned."""

    title: str
    numeric: bool = False


@dataclass(frozen=True)
class Row:
    """A row of a printed table.

    A ``heading`` row has one cell that spans the table; ``dimension`` and ``theme``
    rows are emphasised and kept with the row after them; a ``total`` row closes it.
    Paragraphs of a cell listed in ``notes`` (by cell index, then paragraph index) are
    set in italics: remarks such as "also under …".
    """

    cells: tuple[Cell, ...]
    kind: RowKind = "item"
    notes: frozenset[tuple[int, int]] = frozenset()


@dataclass(frozen=True)
class Table:
    """A printed table: a title, columns and rows, in any output format."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    def widths(self, total: float) -> list[float]:
        """Column widths in inches that add up to ``total``, following the content.

        A numeric column is as wide as its title's longest word or its widest number; a
        text column at least as wide as its longest word, and the rest of the room goes
        to text columns by how much text they hold (the square root of their average
        cell), so that definitions and quotes get the room and short names do not.
        """
        least, weight = self._measure()
        room = total - sum(least)
        share = sum(weight) or 1.0
        if room >= 0:
            widths = [w + room * k / share for w, k in zip(least, weight, strict=True)]
        else:  # too narrow: text columns give up room in proportion, numbers keep theirs
            numbers = sum(w for w, c in zip(least, self.columns, strict=True) if c.numeric)
            texts = (sum(least) - numbers) or 1.0
            scale = max(total - numbers, 0.0) / texts
            widths = [
                w if c.numeric else w * scale for w, c in zip(least, self.columns, strict=True)
            ]
        scale = total / (sum(widths) or 1.0)
        return [round(w * scale, 3) for w in widths]

    def least_width(self) -> float:
        """The narrowest the table can be with every word whole, inches."""
        return sum(self._measure()[0])

    def _measure(self) -> tuple[list[float], list[float]]:
        """Each column's least width, and its claim on the room left (0 for numbers)."""
        body = [row for row in self.rows if len(row.cells) == len(self.columns)]
        least, weight = [], []
        for index, column in enumerate(self.columns):
            texts = [" ".join(row.cells[index] or ()) for row in body]
            title = max((_inches(w, True) for w in column.title.split()), default=0.0)
            longest = max((_inches(w, False) for t in texts for w in t.split()), default=0.0)
            if column.numeric:  # its title and its numbers whole
                least.append(max(title, longest) + _PADDING)
                weight.append(0.0)
            else:
                least.append(max(_TEXT_MIN, min(max(title, longest), _LONGEST) + _PADDING))
                filled = [len(text) for text in texts if text]
                average = sum(filled) / len(filled) if filled else 0.0
                weight.append(math.sqrt(max(average, len(column.title), 1.0)))
        return least, weight


@lru_cache(maxsize=8192)
def _inches(word: str, bold: bool) -> float:
    """The width of ``word`` in 9 pt Times (the metrics of Times New Roman), inches."""
    from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]

    return float(stringWidth(word, "Times-Bold" if bold else "Times-Roman", 9)) / 72


@dataclass(frozen=True)
class Document:
    """A titled report of paragraphs and tables, in order (Word or Markdown)."""

    title: str
    blocks: tuple[str | Table, ...]


# Quotes -----------------------------------------------------------------------------


def quoted(quote: Quote, with_wave: bool) -> str:
    """The quote in typographic quotation marks, quotes inside it in single ones and its
    apostrophes curly; then "(Case A, Sales Manager, wave 2)"."""
    wave = wave_label(quote.wave) if with_wave and quote.wave else None
    given = [clean(part) for part in (quote.case, quote.role, wave) if part and part.strip()]
    attribution = f" ({', '.join(given)})" if given else ""
    return f"“{typographic(clean(quote.text))}”{attribution}"


_OPENS_AFTER = re.compile(r"(^|[\s(\[{\-–—/])$")


def typographic(text: str) -> str:
    """Text to print inside double quotation marks: straight and double quotes inside it
    become single curly ones (“ ” → ‘ ’), apostrophes become ’."""
    out: list[str] = []
    for char in text:
        if char in "\"'“”‘’":
            before = "".join(out[-1:])
            opening = char in "“‘" or (char in "\"'" and bool(_OPENS_AFTER.search(before)))
            if char == "'" and before and before[-1].isalnum():
                opening = False  # an apostrophe: it's, the 90's
            out.append("‘" if opening else "’")
        else:
            out.append(char)
    return "".join(out)


def wave_label(wave: str) -> str:
    """The label of a wave in an attribution: "wave 2" for "2", "Wave 2" as it is."""
    return wave if wave.casefold().startswith("wave") else f"wave {wave}"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def clean(text: str) -> str:
    """One line: every run of whitespace as one space."""
    return " ".join(text.split())
