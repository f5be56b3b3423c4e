"""Text positions in REFI-QDA: Unicode code points (the standard) or UTF-16 code units.

The standard (REFI-QDA 1.5, section 10.2) counts code points from 0 over the source's
plain text; NVivo for Windows counts UTF-16 code units, so every character outside the
Basic Multilingual Plane (most emoji) counts twice. Both count over the text as stored,
CRLF as two, the byte-order mark not at all. ``detect`` scores both readings by how many
selections start and end on a word boundary; gioia reads and writes code points
internally and converts at the edges.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

CONVENTIONS = ("codepoints", "utf16")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Positions:
    """Conversion between code-point and UTF-16 offsets of one text."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        astral = [match.start() for match in _ASTRAL.finditer(text)] if _has_astral(text) else []
        self._astral_cp = astral
        self._astral_u16 = [cp + index for index, cp in enumerate(astral)]
        self.utf16_length = self.length + len(astral)

    @property
    def agree(self) -> bool:
        """Whether both readings are the same (no character outside the BMP)."""
        return not self._astral_cp

    def from_utf16(self, unit: int) -> int:
        """The code point at UTF-16 offset ``unit`` (inside a surrogate pair: the character)."""
        return unit - bisect.bisect_left(self._astral_u16, unit - 1) if unit > 0 else unit

    def to_utf16(self, point: int) -> int:
        """The UTF-16 offset of code point ``point``."""
        return point + bisect.bisect_left(self._astral_cp, point)

    def to_codepoints_many(self, units: np.ndarray, convention: str) -> np.ndarray:
        """``to_codepoints`` of each position in ``units`` (an int64 array)."""
        if convention != "utf16" or not self._astral_u16:
            return units
        import numpy as np

        before = np.searchsorted(np.array(self._astral_u16, dtype=np.int64), units - 1)
        return np.where(units > 0, units - before, units)

    def to_codepoints(self, position: int, convention: str) -> int:
        """``position`` read under ``convention``, as a code point."""
        return self.from_utf16(position) if convention == "utf16" else position


def _has_astral(text: str) -> bool:
    """Whether ``text`` holds a character outside the BMP (in C: no regex over it)."""
    return not text.isascii() and len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)


def _on_boundary(text: str, at: int) -> bool:
    """Whether offset ``at`` does not cut a word in two."""
    if at <= 0 or at >= len(text):
        return True
    return not (text[at - 1].isalnum() and text[at].isalnum())


@dataclass(frozen=True)
class Detection:
    """Which convention the positions of a file follow, and the evidence."""

    convention: str
    scores: dict[str, int]
    selections: int
    decided: bool
    """False when nothing tells the readings apart (no character outside the BMP
    before a selection): code points, the standard, are used."""


def detect(spans: list[tuple[str, list[tuple[int, int]]]]) -> Detection:
    """The convention under which more selections start and end on word boundaries.

    ``spans`` are (source text, [(start, end), …]) pairs. A tie, or texts where the
    readings agree, gives code points.
    """
    scores = {"codepoints": 0, "utf16": 0}
    total = 0
    differs = False
    for text, pairs in spans:
        positions = Positions(text)
        # where the readings agree, one reading scores for both
        conventions = CONVENTIONS if not positions.agree else CONVENTIONS[:1]
        for start, end in pairs:
            total += 1
            for convention in conventions:
                a = positions.to_codepoints(start, convention)
                b = positions.to_codepoints(end, convention)
                if a != start or b != end:
                    differs = True
                if 0 <= a < b <= len(text) and _on_boundary(text, a) and _on_boundary(text, b):
                    for scored in CONVENTIONS if positions.agree else (convention,):
                        scores[scored] += 1
    best = "utf16" if scores["utf16"] > scores["codepoints"] else "codepoints"
    return Detection(best, scores, total, differs and scores["utf16"] != scores["codepoints"])
