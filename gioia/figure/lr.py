"""The left-to-right figure: concepts, themes and dimensions in three columns.

Every theme is centred on its concepts and every dimension on its themes; a dimension's
group (its dimension, themes and concepts) is separated from the next by one constant gap.
Items are placed top to bottom, a theme's block of concepts at a time: each block goes as
high as it can without its concepts or its theme touching what is above, and a group is
pushed down as a whole when its dimension would come too close to the group above.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gioia.figure.graph import Columns, Key, children, parents
from gioia.figure.metrics import text_width
from gioia.figure.model import (
    HEADINGS,
    INSET,
    PAD_X,
    SHARES,
    TINTS,
    Box,
    Label,
    Line,
    Page,
    Style,
    box,
    count_line,
    headings,
    measure,
    narrowest,
)

if TYPE_CHECKING:
    import networkx as nx

HEADING_GAP = 6.0  # under the headings, pt
MAX_FAN = 54.0  # the widest gap between the concepts and the themes, pt
RULE_GAP = 4.0  # above and below the rule under the headings (boxed style), pt


@dataclass
class _Placed:
    """Tops and heights placed so far, and the lowest edges reached."""

    top: dict[Key, float] = field(default_factory=dict)
    height: dict[Key, float] = field(default_factory=dict)
    concept_bottom: float = 0.0
    theme_bottom: float = 0.0
    bottom: float = 0.0

    def copy(self) -> _Placed:
        return _Placed(
            dict(self.top),
            dict(self.height),
            self.concept_bottom,
            self.theme_bottom,
            self.bottom,
        )

    def bottom_of(self, key: Key) -> float:
        return self.top[key] + self.height[key]


def layout_lr(
    graph: nx.DiGraph,
    cols: Columns,
    style: Style,
    width: float,
    *,
    counts: bool,
    color: bool,
    boxed: bool,
) -> Page:
    """The figure ``width`` points wide, as tall as it needs to be."""
    gap = style.column_gap
    widths = _widths(cols, style, width - 2 * INSET - 2 * gap)

    def measured(index: int, key: Key) -> Label:
        item = graph.nodes[key]["item"]
        small = count_line(item) if counts and index == 0 else ""
        return measure(item, widths[index], style, bold=index == 2, small=small)

    labels = {key: measured(i, key) for i, column in enumerate(cols.all()) for key in column}
    # Room the concepts' lines do not use widens the gap their lines fan out in.
    widest = max(
        (
            text_width(line, size)
            for key in cols.concepts
            for lines, size in ((labels[key].lines, style.size), (labels[key].small, style.small))
            for line in lines
        ),
        default=0.0,
    )
    fan = min(widths[0] - math.ceil(widest + 2 * PAD_X + 2), MAX_FAN - gap)
    if fan > 0:
        widths[0] -= fan
        labels.update((key, measured(0, key)) for key in cols.concepts)
    lefts = [INSET, INSET + widths[0] + gap + max(fan, 0)]
    lefts.append(lefts[1] + widths[1] + gap)
    heading_texts, heading_height = headings(
        [x + w / 2 for x, w in zip(lefts, widths, strict=True)], widths, style, INSET + 1
    )
    rule = heading_height + RULE_GAP
    y0 = rule + RULE_GAP if boxed else heading_height + HEADING_GAP
    placed = _place(graph, cols, labels, style, y0, boxed)

    tint = _tints(graph, cols, color)
    boxes: dict[Key, Box] = {}
    for index, column in enumerate(cols.all()):
        for key in column:
            boxes[key] = box(
                key,
                labels[key],
                lefts[index],
                placed.top[key],
                widths[index],
                placed.height[key],
                tint[key],
                style,
            )
    lines = [_join(boxes[a], boxes[b], boxed) for a, b in graph.edges if a in boxes]
    if boxed:
        lines.append(Line(((INSET, rule), (width - INSET, rule)), 0.5))
    return Page(
        width,
        math.ceil(max(placed.bottom, heading_height) + INSET),
        tuple(boxes.values()),
        tuple(lines),
        tuple(heading_texts),
        tuple(key[1] for key in cols.dimensions),
        tuple(key[1] for key, label in labels.items() if label.overflow),
    )


def _widths(cols: Columns, style: Style, room: float) -> list[float]:
    """The widths of the concept, theme and dimension columns: the theme and dimension
    columns as narrow as keeps their labels to the style's lines (and their headings'
    words whole), at most their share, or a third of the room for a long word; the
    concepts take the rest."""
    widths = []
    for column, heading, lines, share, bold in zip(
        (cols.themes, cols.dimensions),
        HEADINGS[1:],
        style.lines,
        SHARES,
        (False, True),
        strict=True,
    ):
        names = [key[1] for key in column]
        most = math.floor(room * share)
        needed = narrowest(names, style.size, bold, lines, most)
        words = [text_width(w, style.size, bold) for name in names for w in name.split()]
        whole = math.ceil(max(words, default=0.0) + 2 * PAD_X + 1)
        widths.append(
            max(
                min(max(needed, _heading_room(heading, style)), most),
                min(whole, math.floor(room / 3)),
            )
        )
    return [room - sum(widths), *widths]


def _heading_room(heading: str, style: Style) -> float:
    """The width a heading's longest word needs."""
    return math.ceil(max(text_width(w, style.heading, True) for w in heading.split()) + 2)


def _tints(graph: nx.DiGraph, cols: Columns, color: bool) -> dict[Key, str]:
    """Each box's fill: its (first) dimension's tint, or white."""
    tint = {d: TINTS[i % len(TINTS)] if color else "white" for i, d in enumerate(cols.dimensions)}
    for theme in cols.themes:
        tint[theme] = tint[parents(graph, theme, cols.dimensions)[0]]
    for concept in cols.concepts:
        tint[concept] = tint[parents(graph, concept, cols.themes)[0]]
    return tint


def _join(child: Box, parent: Box, boxed: bool) -> Line:
    """A line from the middle of the child's right side to the parent's left side (level
    with the child when the parent is a box spanning its themes)."""
    y = parent.middle
    if boxed and parent.key[0] == "dimension":
        y = min(max(child.middle, parent.y0 + 1), parent.y1 - 1)
    return Line(((child.x1, child.middle), (parent.x0, y)), ends=(child.key, parent.key))


def _place(
    graph: nx.DiGraph,
    cols: Columns,
    labels: dict[Key, Label],
    style: Style,
    y0: float,
    boxed: bool,
) -> _Placed:
    """Every box's top and height."""
    owner = {c: parents(graph, c, cols.themes)[0] for c in cols.concepts}
    group = {t: parents(graph, t, cols.dimensions)[0] for t in cols.themes}
    blocks = {t: [c for c in cols.concepts if owner[c] == t] for t in cols.themes}
    placed = _Placed(height={key: label.height for key, label in labels.items()}, bottom=y0)
    for index, dimension in enumerate(cols.dimensions):
        start = y0 if index == 0 else placed.bottom + style.gaps[2]
        themes = [t for t in cols.themes if group[t] == dimension]
        extra = 0.0
        attempt = _group(graph, placed, dimension, themes, blocks, labels, style, start, boxed)
        for _ in range(8):  # push the group down until its dimension clears the group above
            deficit = start - attempt.top[dimension]
            if deficit <= 0.01:
                break
            moved = _group(
                graph, placed, dimension, themes, blocks, labels, style, start + extra + 1, boxed
            )
            slope = moved.top[dimension] - attempt.top[dimension]
            if slope <= 0.01:
                break
            extra += deficit / slope
            attempt = _group(
                graph, placed, dimension, themes, blocks, labels, style, start + extra, boxed
            )
        placed = attempt
    return placed


def _group(
    graph: nx.DiGraph,
    before: _Placed,
    dimension: Key,
    themes: list[Key],
    blocks: dict[Key, list[Key]],
    labels: dict[Key, Label],
    style: Style,
    start: float,
    boxed: bool,
) -> _Placed:
    """``before`` with one dimension's group placed, nothing of it above ``start``."""
    placed = before.copy()
    within, between = style.gaps[0], style.gaps[1]
    first = True
    for theme in themes:
        block = blocks[theme]
        height = placed.height[theme]
        theme_floor = start if first else placed.theme_bottom + between
        if block:
            offsets, y = [], 0.0
            for concept in block:
                offsets.append(y)
                y += placed.height[concept] + within
            span = y - within
            earlier = [placed.top[c] for c in children(graph, theme) if c not in block]
            if earlier:  # the theme's span starts above its own block: it moves half as far
                intercept, slope = (min(earlier) + span - height) / 2, 0.5
            else:
                intercept, slope = (span - height) / 2, 1.0
            concept_floor = start if first else placed.concept_bottom + between
            offset = max(concept_floor, (theme_floor - intercept) / slope)
            for concept, relative in zip(block, offsets, strict=True):
                placed.top[concept] = offset + relative
            placed.concept_bottom = offset + span
            placed.top[theme] = intercept + slope * offset
        else:
            under = [c for c in children(graph, theme) if c in placed.top]
            if under:
                middle = (
                    min(placed.top[c] for c in under) + max(placed.bottom_of(c) for c in under)
                ) / 2
                placed.top[theme] = middle - height / 2
            else:
                placed.top[theme] = theme_floor
        placed.theme_bottom = placed.bottom_of(theme)
        first = False
    under = [t for t in children(graph, dimension) if t in placed.top]
    height = labels[dimension].height
    if under:
        top = min(placed.top[t] for t in under)
        bottom = max(placed.bottom_of(t) for t in under)
        if boxed:
            height = max(height, bottom - top)
        placed.top[dimension] = (top + bottom - height) / 2
    else:
        placed.top[dimension] = start
    placed.height[dimension] = height
    group_keys = [dimension, *themes, *(c for t in themes for c in blocks[t])]
    placed.bottom = max(placed.bottom, *(placed.bottom_of(k) for k in group_keys))
    return placed
