"""The top-to-bottom figure: dimensions on top, their themes below, and each theme's
concepts in rows under it.

A theme's column holds its concepts one per row, hung on a bracket at their left; when
the column is wide enough, two per row, hung left and right of a line down its middle.
Dimensions that do not fit side by side go into further bands, one under the other, each
with its own headings; dimensions linked by a shared theme or concept stay in one band.
Every theme is centred on its concepts and every dimension on its themes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from gioia.figure.graph import Columns, Key, children, linked_dimensions, parents
from gioia.figure.metrics import text_width, wrap
from gioia.figure.model import (
    HEADINGS,
    INSET,
    LEADING,
    PAD_X,
    TINTS,
    Box,
    Label,
    Line,
    Page,
    Style,
    Text,
    box,
    count_line,
    measure,
)

if TYPE_CHECKING:
    import networkx as nx

COLUMN_GAP = 12.0  # between two themes' columns; single brackets run in the middle, pt
MIDDLE_GAP = 16.0  # between the two halves of a theme's column, pt
ROW_GAP = 14.0  # between the dimensions' row and the themes' row, pt
STACK_GAP = 8.0  # between a theme and its first concepts, pt
HEADING_GAP = 8.0  # between the headings and the first column, pt
MIN_COLUMN = 72.0  # the narrowest box, pt (widened for a long word)
MAX_BOX = 130.0  # the widest concept box, pt


def layout_tb(
    graph: nx.DiGraph,
    cols: Columns,
    style: Style,
    width: float,
    *,
    counts: bool,
    color: bool,
    boxed: bool,
) -> Page:
    """The figure at most ``width`` points wide (wider only when one band cannot be)."""
    heading_width = math.ceil(
        max(text_width(word, style.heading, True) for h in HEADINGS for word in h.split())
    )
    left = INSET + heading_width + HEADING_GAP
    room = width - left - INSET
    group_gap = COLUMN_GAP + style.gaps[1]
    group = {t: parents(graph, t, cols.dimensions)[0] for t in cols.themes}
    owner = {c: parents(graph, c, cols.themes)[0] for c in cols.concepts}
    column, half = _widths(graph, cols, style, room, group, group_gap)

    tint = {d: TINTS[i % len(TINTS)] if color else "white" for i, d in enumerate(cols.dimensions)}
    boxes: dict[Key, Box] = {}
    lines: list[Line] = []
    texts: list[Text] = []
    overflows: list[str] = []
    y = INSET
    for band in _bands(graph, cols, group, column, room, group_gap):
        themes = [t for t in cols.themes if group[t] in band]
        paired = {t: _paired(cols, owner, t, half) for t in themes}
        labels: dict[Key, Label] = {}
        for key in [*band, *themes]:
            labels[key] = measure(graph.nodes[key]["item"], column, style, bold=key in band)
        for theme in themes:
            for concept in (c for c in cols.concepts if owner[c] == theme):
                item = graph.nodes[concept]["item"]
                small = count_line(item) if counts else ""
                wide = half if paired[theme] else column
                labels[concept] = measure(item, wide, style, small=small)
        overflows += [key[1] for key, found in labels.items() if found.overflow]
        # A row is at least as tall as the heading beside it.
        beside = [len(wrap(h, heading_width, style.heading, True)) for h in HEADINGS]
        lead = style.heading * LEADING
        dims_height = max([labels[d].height for d in band] + [math.ceil(beside[2] * lead)])
        themes_top = y + dims_height + ROW_GAP
        themes_height = max([labels[t].height for t in themes] + [math.ceil(beside[1] * lead)])
        stack_top = themes_top + themes_height + STACK_GAP
        bottom = themes_top + themes_height
        x = left
        for dimension in band:
            first = x
            fill = tint[dimension]
            mine = [t for t in themes if group[t] == dimension]
            for theme in mine:
                boxes[theme] = box(
                    theme, labels[theme], x, themes_top, column, themes_height, fill, style
                )
                stack = [c for c in cols.concepts if owner[c] == theme]
                spots = _rows(
                    graph, stack, labels, x, stack_top, half if paired[theme] else 0.0, style
                )
                for concept, (left_x, top) in spots.items():
                    wide = half if paired[theme] else column
                    found = labels[concept]
                    boxes[concept] = box(
                        concept, found, left_x, top, wide, found.height, fill, style
                    )
                    bottom = max(bottom, top + found.height)
                x += column + COLUMN_GAP
            if not mine:  # a dimension without themes keeps a column of its own
                x += column + COLUMN_GAP
            x += group_gap - COLUMN_GAP
            under = [boxes[t] for t in children(graph, dimension) if t in boxes]
            span = (
                (min(b.x0 for b in under), max(b.x1 for b in under))
                if under
                else (first, first + column)
            )
            wide = span[1] - span[0] if boxed and under else column
            boxes[dimension] = box(
                dimension,
                labels[dimension],
                (span[0] + span[1] - wide) / 2,
                y,
                wide,
                dims_height,
                fill,
                style,
            )
        texts += _headings(
            heading_width, style, (y, dims_height), (themes_top, themes_height), stack_top
        )
        y = bottom + style.gaps[2] + ROW_GAP
    for child, parent in graph.edges:
        if child in boxes and parent in boxes:
            lines.append(_join(boxes[child], boxes[parent], boxed, owner.get(child) == parent))
    return Page(
        math.ceil(max((b.x1 for b in boxes.values()), default=left) + INSET),
        math.ceil(max((b.y1 for b in boxes.values()), default=0.0) + INSET),
        tuple(boxes[key] for column_keys in cols.all() for key in column_keys),
        tuple(lines),
        tuple(texts),
        tuple(key[1] for key in cols.dimensions),
        tuple(overflows),
    )


def _widths(
    graph: nx.DiGraph,
    cols: Columns,
    style: Style,
    room: float,
    group: dict[Key, Key],
    group_gap: float,
) -> tuple[float, float]:
    """The width of a theme's column, and of a concept box when two share a row (0 when
    the column is too narrow for two)."""

    def longest(keys: tuple[Key, ...], bold: bool) -> float:
        words = [text_width(w, style.size, bold) for key in keys for w in key[1].split()]
        return max(MIN_COLUMN, math.ceil(max(words, default=0.0) + 2 * PAD_X + 1))

    narrowest = max(longest(cols.themes, False), longest(cols.dimensions, True))
    concept = longest(cols.concepts, False)
    runs = _bands(graph, cols, group, max(narrowest, concept), room, group_gap)
    fits = [(room - _needed(cols, group, run, 0.0, group_gap)) / _count(group, run) for run in runs]
    column = float(max(narrowest, concept, math.floor(min([2 * MAX_BOX + MIDDLE_GAP, *fits]))))
    column = min(column, math.floor(min(fits)))  # a word too long for it is hyphenated
    half = (column - MIDDLE_GAP) / 2
    return column, half if half >= concept else 0.0


def _count(group: dict[Key, Key], run: list[Key]) -> int:
    return max(1, sum(1 for d in group.values() if d in run))


def _needed(
    cols: Columns, group: dict[Key, Key], run: list[Key], column: float, group_gap: float
) -> float:
    """The width of a band of these dimensions with columns ``column`` wide."""
    themes = _count(group, run)
    return themes * column + (themes - len(run)) * COLUMN_GAP + (len(run) - 1) * group_gap


def _bands(
    graph: nx.DiGraph,
    cols: Columns,
    group: dict[Key, Key],
    column: float,
    room: float,
    group_gap: float,
) -> list[list[Key]]:
    """The dimensions in bands as wide as the room allows, linked ones together."""
    bands: list[list[Key]] = []
    for run in linked_dimensions(graph, cols.dimensions):
        if bands and _needed(cols, group, bands[-1] + run, column, group_gap) <= room:
            bands[-1] += run
        else:
            bands.append(list(run))
    return bands


def _paired(cols: Columns, owner: dict[Key, Key], theme: Key, half: float) -> bool:
    """Whether the theme's concepts go two to a row: when there is room and more than one."""
    return bool(half) and sum(1 for c in cols.concepts if owner[c] == theme) > 1


def _rows(
    graph: nx.DiGraph,
    stack: list[Key],
    labels: dict[Key, Label],
    x: float,
    top: float,
    half: float,
    style: Style,
) -> dict[Key, tuple[float, float]]:
    """Where each concept of a theme's column goes (left, top): one per row, or two per
    row when ``half`` is set; a concept that is also under a later theme takes a row of
    its own on the right, so that its line leaves the column unhindered."""
    placed: dict[Key, tuple[float, float]] = {}
    row: list[Key] = []

    def close(row: list[Key], top: float, right_only: bool = False) -> float:
        if not row:
            return top
        for i, concept in enumerate(row):
            side = 1 if right_only or i == 1 else 0
            placed[concept] = (x + side * (half + MIDDLE_GAP), top)
        tallest = max(labels[c].height for c in row)
        return float(top + tallest + style.gaps[0])

    for concept in stack:
        later = len(list(graph.successors(concept))) > 1
        if not half:
            placed[concept] = (x, top)
            top += labels[concept].height + style.gaps[0]
        elif later:
            top = close(row, top)
            row = []
            top = close([concept], top, right_only=True)
        else:
            row.append(concept)
            if len(row) == 2:
                top = close(row, top)
                row = []
    close(row, top)
    return placed


def _headings(
    room: float,
    style: Style,
    dims: tuple[float, float],
    themes: tuple[float, float],
    stack_top: float,
) -> list[Text]:
    """The three headings at the left of a band: level with their rows."""
    lead = style.heading * LEADING
    texts = []
    for heading, middle in zip(
        reversed(HEADINGS),
        (dims[0] + dims[1] / 2, themes[0] + themes[1] / 2, None),
        strict=True,
    ):
        lines = wrap(heading, room, style.heading, bold=True)
        top = stack_top if middle is None else middle - len(lines) * lead / 2
        texts += [
            Text(INSET + room / 2, top + (i + 0.5) * lead, line, style.heading, True)
            for i, line in enumerate(lines)
        ]
    return texts


def _join(child: Box, parent: Box, boxed: bool, own: bool) -> Line:
    """A concept hangs on its theme's line down the middle (two to a row) or on the
    bracket at the column's left; a theme joins its dimension from below."""
    points: tuple[tuple[float, float], ...]
    if child.key[0] == "concept":
        if own and (child.x1 - child.x0) < (parent.x1 - parent.x0) - 1:  # two to a row
            side = child.x1 if child.x1 <= parent.centre else child.x0
            points = ((side, child.middle), (parent.centre, child.middle))
            points += ((parent.centre, parent.y1),)
        else:
            spine = parent.x0 - COLUMN_GAP / 2
            side = child.x0 if child.x0 >= parent.x0 else child.x1
            points = (
                (side, child.middle),
                (spine, child.middle),
                (spine, parent.middle),
                (parent.x0, parent.middle),
            )
    else:
        x = child.centre if boxed else parent.centre
        points = ((child.centre, child.y0), (x, parent.y1))
    return Line(points, ends=(child.key, parent.key))
