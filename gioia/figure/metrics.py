"""Text widths and line breaking for the figure's labels. Pure: no I/O.

A label may be set in Arial (or Helvetica, Liberation Sans or Arimo, which share its
widths) or, where none of those is installed, in the reader's ``sans-serif``, which is
often DejaVu Sans, about a tenth wider. Each width here is the wider of Arial's and
DejaVu Sans's advance for the character (1/1000 em), so a line measured here fits its box
in any of the fonts the figure names.
"""

from __future__ import annotations

from functools import lru_cache

# Code points 32-126, then 160-255; regular and bold.
# fmt: off
_REGULAR = (
    318, 401, 460, 838, 637, 951, 780, 275, 391, 391, 500, 838, 318, 361, 318, 337,
    637, 637, 637, 637, 637, 637, 637, 637, 637, 637, 337, 337, 838, 838, 838, 556,
    1016, 685, 687, 722, 771, 667, 611, 778, 752, 295, 500, 667, 558, 863, 749, 788,
    667, 788, 722, 667, 611, 732, 685, 989, 686, 667, 686, 391, 337, 391, 838, 556,
    500, 613, 635, 550, 635, 616, 353, 635, 634, 278, 278, 580, 278, 975, 634, 612,
    635, 635, 412, 521, 393, 634, 592, 818, 592, 592, 525, 637, 337, 637, 838,
    318, 401, 637, 637, 637, 637, 337, 556, 500, 1000, 472, 612, 838, 361, 1000, 500,
    500, 838, 401, 401, 500, 637, 637, 318, 500, 401, 472, 612, 970, 970, 970, 611,
    685, 685, 685, 685, 685, 685, 1000, 722, 667, 667, 667, 667, 295, 295, 295, 295,
    775, 749, 788, 788, 788, 788, 788, 838, 788, 732, 732, 732, 732, 667, 667, 630,
    613, 613, 613, 613, 613, 613, 982, 550, 616, 616, 616, 616, 278, 278, 278, 278,
    612, 634, 612, 612, 612, 612, 612, 838, 612, 634, 634, 634, 634, 592, 635, 592,
)
_BOLD = (
    349, 457, 521, 838, 696, 1002, 873, 307, 458, 458, 523, 838, 380, 416, 380, 366,
    696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 611,
    1000, 774, 763, 734, 831, 684, 684, 821, 837, 373, 556, 775, 638, 996, 837, 851,
    733, 851, 771, 721, 683, 813, 774, 1104, 771, 725, 726, 458, 366, 458, 838, 556,
    500, 675, 716, 593, 716, 679, 436, 716, 712, 343, 343, 666, 343, 1042, 712, 688,
    716, 716, 494, 596, 479, 712, 652, 924, 646, 652, 583, 712, 366, 712, 838,
    349, 457, 696, 696, 637, 696, 366, 556, 500, 1000, 564, 646, 838, 416, 1000, 500,
    500, 838, 438, 438, 500, 736, 637, 380, 500, 438, 564, 646, 1036, 1036, 1036, 611,
    774, 774, 774, 774, 774, 774, 1085, 734, 684, 684, 684, 684, 373, 373, 373, 373,
    838, 837, 851, 851, 851, 851, 851, 838, 851, 813, 813, 813, 813, 725, 738, 720,
    675, 675, 675, 675, 675, 675, 1048, 593, 679, 679, 679, 679, 343, 343, 343, 343,
    688, 712, 688, 688, 688, 688, 688, 838, 688, 712, 712, 712, 712, 652, 716, 652,
)
# fmt: on
# Typographic punctuation: (regular, bold).
_PUNCTUATION = {
    "‘": (318, 380),
    "’": (318, 380),
    "‚": (318, 380),
    "“": (519, 658),
    "”": (519, 658),
    "„": (519, 658),
    "–": (556, 556),
    "—": (1000, 1000),
    "…": (1000, 1000),
    "•": (590, 640),
    "€": (637, 696),
    "™": (1000, 1000),
    "′": (247, 264),
    "″": (412, 447),
    "‹": (400, 413),
    "›": (400, 413),
}  # fmt: skip
_UNKNOWN = 1000  # any other character: a full em, more than any Latin letter takes


def _advance(char: str, bold: bool) -> int:
    code = ord(char)
    table = _BOLD if bold else _REGULAR
    if 32 <= code <= 126:
        return table[code - 32]
    if 160 <= code <= 255:
        return table[code - 160 + 95]
    widths = _PUNCTUATION.get(char)
    return widths[bold] if widths else _UNKNOWN


@lru_cache(maxsize=65536)
def _units(text: str, bold: bool) -> int:
    return sum(_advance(char, bold) for char in text)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of one line of ``text`` at ``size`` points, in points, in the widest of
    the fonts the figure names."""
    return _units(text, bold) * size / 1000


def wrap(text: str, room: float, size: float, bold: bool = False) -> list[str]:
    """``text`` broken at spaces into balanced lines at most ``room`` points wide (see
    :func:`_wrapped`)."""
    return list(_wrapped(text, room, size, bold))


@lru_cache(maxsize=16384)
def _wrapped(text: str, room: float, size: float, bold: bool) -> tuple[str, ...]:
    """``text`` broken at spaces into balanced lines at most ``room`` points wide.

    Greedy breaking gives the fewest lines; the room is then narrowed as far as it can be
    without adding a line, so the lines come out of even length. A word wider than the room
    is broken with a hyphen where the room ends (the caller warns).
    """
    words = [piece for word in text.split() for piece in _pieces(word, room, size, bold)]
    widths = [text_width(word, size, bold) for word in words]
    space = text_width(" ", size, bold)

    def greedy(limit: float) -> list[str]:
        lines: list[str] = []
        width = 0.0
        for word, word_width in zip(words, widths, strict=True):
            if lines and width + space + word_width <= limit:
                lines[-1] += f" {word}"
                width += space + word_width
            else:
                lines.append(word)
                width = word_width
        return lines

    best = greedy(room)
    low, high = max(widths, default=0.0), room
    while high - low > 0.5:
        middle = (low + high) / 2
        lines = greedy(middle)
        if len(lines) <= len(best):
            best, high = lines, middle
        else:
            low = middle
    return tuple(best)


def _pieces(word: str, room: float, size: float, bold: bool) -> list[str]:
    """``word``, or its parts each ending in a hyphen, no part wider than ``room``."""
    pieces = []
    hyphen = text_width("-", size, bold)
    while len(word) > 1 and text_width(word, size, bold) > room:
        cut, width = 1, text_width(word[0], size, bold)
        while cut < len(word) - 1:
            width += _advance(word[cut], bold) * size / 1000
            if width + hyphen > room:
                break
            cut += 1
        pieces.append(word[:cut] + "-")
        word = word[cut:]
    return [*pieces, word]
