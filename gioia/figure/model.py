"""What a laid-out figure is: boxes, lines and text placed in points. Pure: no I/O.

Coordinates are points with y growing downwards and the origin at the top left of the
figure; a page is exactly as large as what it draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from gioia.figure.graph import Key
from gioia.figure.metrics import text_width, wrap
from gioia.views_structure import ConceptNode, DimensionNode, ThemeNode

HEADINGS = ("1st-Order Concepts", "2nd-Order Themes", "Aggregate Dimensions")
LEVELS = ("concept", "theme", "dimension")
MIN_SIZE = 8.0  # the smallest text a figure may use, pt
LEADING = 1.2  # line height over font size, for every label
PAD_X = 5.5  # inside a box, left and right, pt
# One light tint per dimension, cycled: each keeps black text readable.
TINTS = ("#dce9f5", "#fbe3cd", "#dcefd5", "#eae1f2", "#f8dde6", "#f3ebc8", "#d5eeeb", "#e6e2da")


@dataclass(frozen=True)
class Style:
    """A set of sizes to try: label text, and the gaps between concepts of one theme,
    between themes, and between dimensions' groups (pt). In an lr figure the theme and
    dimension columns are as narrow as keeps their labels to ``lines`` lines (at most
    their share of the width), the concepts take the rest; ``column_gap`` separates the
    columns (pt); ``pad`` is the room above and below the text in a box (pt)."""

    size: float
    gaps: tuple[float, float, float]
    lines: tuple[int, int] = (2, 2)
    column_gap: float = 25.0
    pad: float = 2.5

    @property
    def small(self) -> float:
        """The counts line."""
        return max(MIN_SIZE, self.size - 1)

    @property
    def heading(self) -> float:
        return self.size + 1

    @property
    def lead(self) -> float:
        return self.size * LEADING


# The most of an lr figure's width the theme and dimension columns may take.
SHARES = (0.27, 0.29)
# From the roomiest to the tightest: the first that fits the page is used.
STYLES = (
    Style(9.0, (4.0, 10.0, 22.0)),
    Style(9.0, (3.0, 7.0, 16.0), (2, 3), 20.0),
    Style(8.5, (2.0, 5.0, 12.0), (3, 3), 16.0, 2.0),
    Style(MIN_SIZE, (2.0, 5.0, 12.0), (3, 3), 14.0, 1.5),
)
INSET = 1.0  # between the page's edge and the outermost lines, pt


@dataclass(frozen=True)
class Text:
    """One line of text centred on ``x``; ``y`` is the middle of its line; ``small``
    for the counts under a concept's name."""

    x: float
    y: float
    text: str
    size: float
    bold: bool = False
    small: bool = False


@dataclass(frozen=True)
class Box:
    """A box of the figure and the lines of text inside it."""

    key: Key
    x0: float
    y0: float
    x1: float
    y1: float
    fill: str
    texts: tuple[Text, ...]

    @property
    def middle(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True)
class Line:
    """A line of the figure, its corners in order; ``ends`` are the boxes it joins (child,
    parent), or None for a rule."""

    points: tuple[tuple[float, float], ...]
    width: float = 0.75
    ends: tuple[Key, Key] | None = None


@dataclass(frozen=True)
class Page:
    """One figure: its size in points, what it draws, and what it cannot help."""

    width: float
    height: float
    boxes: tuple[Box, ...]
    lines: tuple[Line, ...]
    texts: tuple[Text, ...]  # the headings, outside any box
    dimensions: tuple[str, ...]
    overflows: tuple[str, ...] = ()  # labels with a word hyphenated to fit their box
    label: str = ""  # "a", "b", … when the structure is split over several figures

    @property
    def smallest(self) -> float:
        """The smallest text on the page, pt."""
        sizes = [t.size for t in self.texts] + [t.size for b in self.boxes for t in b.texts]
        return min(sizes, default=0.0)

    def fits(self, max_width: float, max_height: float) -> bool:
        """Whether the page fits ``max_width`` × ``max_height`` points."""
        return self.width <= max_width and self.height <= max_height

    def good(self, max_width: float, max_height: float) -> bool:
        """Whether the page fits and every word fits its box."""
        return self.fits(max_width, max_height) and not self.overflows


@dataclass
class Label:
    """A box's text before it is placed: wrapped lines, the counts line, its height."""

    lines: list[str]
    small: list[str]
    height: float
    bold: bool
    overflow: bool = False  # a word had to be hyphenated to fit


def measure(
    item: ConceptNode | ThemeNode | DimensionNode,
    width: float,
    style: Style,
    *,
    bold: bool = False,
    small: str = "",
) -> Label:
    """The label of ``item`` wrapped to a box ``width`` points wide, and the box's height
    (whole points, so that every engine draws it the same)."""
    room = width - 2 * PAD_X
    lines = wrap(item.name, room, style.size, bold)
    small_lines = wrap(small, room, style.small) if small else []
    height = len(lines) * style.lead + len(small_lines) * style.small * LEADING + 2 * style.pad
    broken = any(text_width(word, style.size, bold) > room for word in item.name.split())
    return Label(lines, small_lines, math.ceil(height), bold, broken)


def box(
    key: Key,
    label: Label,
    x0: float,
    y0: float,
    width: float,
    height: float,
    fill: str,
    style: Style,
) -> Box:
    """A placed box with its text centred in it, every line ``LEADING`` apart."""
    sizes = [(line, style.size, label.bold, False) for line in label.lines]
    sizes += [(line, style.small, False, True) for line in label.small]
    text_height = sum(size * LEADING for _, size, _, _ in sizes)
    y = y0 + (height - text_height) / 2
    texts = []
    for line, size, bold, small in sizes:
        texts.append(Text(x0 + width / 2, y + size * LEADING / 2, line, size, bold, small))
        y += size * LEADING
    return Box(key, x0, y0, x0 + width, y0 + height, fill, tuple(texts))


def count_line(concept: ConceptNode) -> str:
    """ "n = 12 segments, 5 informants"."""
    segments, informants = concept.counts.segments, concept.counts.informants
    return (
        f"n = {segments} segment{'' if segments == 1 else 's'}, "
        f"{informants} informant{'' if informants == 1 else 's'}"
    )


def headings(
    x_centres: list[float], widths: list[float], style: Style, top: float
) -> tuple[list[Text], float]:
    """The column headings, bold, wrapped to their columns and set bottom-aligned from
    ``top``; and where they end."""
    wrapped = [
        wrap(h, w - 2, style.heading, bold=True) for h, w in zip(HEADINGS, widths, strict=True)
    ]
    rows = max(map(len, wrapped))
    lead = style.heading * LEADING
    texts = [
        Text(x, top + (rows - len(lines) + i + 0.5) * lead, line, style.heading, True)
        for x, lines in zip(x_centres, wrapped, strict=True)
        for i, line in enumerate(lines)
    ]
    return texts, top + rows * lead


def narrowest(names: list[str], size: float, bold: bool, lines: int, most: float) -> float:
    """The narrowest box width (whole points, at most ``most``) in which every name wraps
    to ``lines`` lines or fewer with its words whole, else ``most``."""
    words = [text_width(word, size, bold) for name in names for word in name.split()]
    high = math.floor(most)
    low = min(high, math.ceil(max(words, default=0.0) + 2 * PAD_X + 0.5))

    def fits(width: int) -> bool:
        return all(len(wrap(name, width - 2 * PAD_X, size, bold)) <= lines for name in names)

    if not fits(high):
        return float(high)
    while low < high:
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle + 1
    return float(low)
