"""The top-to-bottom figure: dimensions on top, their themes below, and each theme's
concepts stacked in a column under it, joined to it by a bracket on their left.

Dimensions that do not fit side by side go into further bands, one under the other, each
with its own headings; dimensions linked by a shared theme or concept stay in one band.
Every theme is centred on its column of concepts and every dimension on its themes.
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

COLUMN_GAP = 12.0  # between two themes' columns; their brackets run in the middle, pt
ROW_GAP = 14.0  # between the dimensions' row and the themes' row, pt
STACK_GAP = 8.0  # between a theme and its first concept, pt
HEADING_GAP = 8.0  # between the headings and the first column, pt
MIN_COLUMN = 72.0  # the narrowest column, pt (widened for a long word)
MAX_COLUMN = 130.0


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
    group_gap = COLUMN_GAP + style.gaps[1]
    theme_group = {t: parents(graph, t, cols.dimensions)[0] for t in cols.themes}
    owner = {c: parents(graph, c, cols.themes)[0] for c in cols.concepts}
    words = [
        text_width(word, style.size, key[0] == "dimension")
        for column in cols.all()
        for key in column
        for word in key[1].split()
    ]
    narrowest = max(MIN_COLUMN, math.ceil(max(words, default=0.0) + 2 * PAD_X + 1))

    def needed(run: list[Key], column: float) -> float:
        themes = sum(1 for t in cols.themes if theme_group[t] in run)
        return themes * column + (themes - len(run)) * COLUMN_GAP + (len(run) - 1) * group_gap

    bands: list[list[Key]] = []
    for run in linked_dimensions(graph, cols.dimensions):
        if bands and needed(bands[-1] + run, narrowest) <= width - left - INSET:
            bands[-1] += run
        else:
            bands.append(list(run))
    column = min(
        [MAX_COLUMN]
        + [
            (width - left - INSET - needed(band, 0.0))
            / max(1.0, needed(band, 1.0) - needed(band, 0.0))
            for band in bands
        ]
    )
    column = float(max(narrowest, math.floor(column)))

    tint = {d: TINTS[i % len(TINTS)] if color else "white" for i, d in enumerate(cols.dimensions)}
    boxes: dict[Key, Box] = {}
    texts: list[Text] = []
    overflows: list[str] = []
    y = INSET
    for band in bands:
        themes = [t for t in cols.themes if theme_group[t] in band]
        labels = {
            key: measure(
                graph.nodes[key]["item"],
                column,
                style,
                bold=key[0] == "dimension",
                small=count_line(graph.nodes[key]["item"])
                if counts and key[0] == "concept"
                else "",
            )
            for key in [*band, *themes, *(c for c in cols.concepts if owner[c] in themes)]
        }
        overflows += [key[1] for key, label in labels.items() if label.overflow]
        dims_height = max(labels[d].height for d in band)
        themes_top = y + dims_height + ROW_GAP
        themes_height = max(labels[t].height for t in themes) if themes else 0.0
        stack_top = themes_top + themes_height + STACK_GAP
        x = left
        bottom = themes_top + themes_height
        for dimension in band:
            first = x
            group = [t for t in themes if theme_group[t] == dimension]
            for theme in group:
                fill = tint[dimension]
                boxes[theme] = box(
                    theme, labels[theme], x, themes_top, column, themes_height, fill, style
                )
                top = stack_top
                for concept in (c for c in cols.concepts if owner[c] == theme):
                    height = labels[concept].height
                    boxes[concept] = box(
                        concept, labels[concept], x, top, column, height, fill, style
                    )
                    top += height + style.gaps[0]
                    bottom = max(bottom, top - style.gaps[0])
                x += column + COLUMN_GAP
            if not group:  # a dimension without themes keeps a column of its own
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
                tint[dimension],
                style,
            )
        texts += _headings(
            heading_width, style, (y, dims_height), (themes_top, themes_height), stack_top
        )
        y = bottom + style.gaps[2] + ROW_GAP
    lines = [_join(boxes[a], boxes[b], boxed) for a, b in graph.edges if a in boxes]
    return Page(
        math.ceil(max((b.x1 for b in boxes.values()), default=left) + INSET),
        math.ceil(max((b.y1 for b in boxes.values()), default=0.0) + INSET),
        tuple(boxes[key] for column in cols.all() for key in column),
        tuple(lines),
        tuple(texts),
        tuple(key[1] for key in cols.dimensions),
        tuple(overflows),
    )


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


def _join(child: Box, parent: Box, boxed: bool) -> Line:
    """A concept hangs on its theme's bracket; a theme joins its dimension from below."""
    if child.key[0] == "concept":
        spine = parent.x0 - COLUMN_GAP / 2
        side = child.x0 if child.x0 >= parent.x0 else child.x1
        points: tuple[tuple[float, float], ...] = (
            (side, child.middle),
            (spine, child.middle),
            (spine, parent.middle),
            (parent.x0, parent.middle),
        )
    else:
        x = child.centre if boxed else parent.centre
        points = ((child.centre, child.y0), (x, parent.y1))
    return Line(points, ends=(child.key, parent.key))
