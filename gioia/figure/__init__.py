"""The Gioia data-structure figure: a ``StructureView`` laid out to fit a page, and drawn.

The structure becomes a graph (:mod:`.graph`, networkx), is laid out by gioia to the
point (:mod:`.lr` or :mod:`.tb`, trying roomier styles first and tighter ones until the
page holds it), and is drawn from DOT by Graphviz's ``dot`` or the bundled
``graphviz-pure`` (:mod:`.render`). A structure that cannot fit at 8 pt is split into one
figure per group of dimensions when asked, else drawn as it is with a warning.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gioia.errors import InvalidInput
from gioia.figure.model import HEADINGS, MIN_SIZE, STYLES, TINTS, Page, Style, count_line
from gioia.figure.render import FORMATS, draw_page, font_list
from gioia.graphviz_engine import PNG_DPI, Engine, find_engine
from gioia.output import Opener, check_suffix, output_file
from gioia.views_structure import FigureFile, FigureResult, StructureView

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "FORMATS",
    "HEADINGS",
    "PNG_DPI",
    "TINTS",
    "Engine",
    "FigureOptions",
    "Layout",
    "count_line",
    "draw",
    "find_engine",
    "font_list",
    "lay_out",
    "to_dot",
]

DIRECTIONS = ("lr", "tb")
ORDERS = ("structure", "alpha", "count")
STYLE_NAMES = ("plain", "boxed")
SPLITS = ("none", "dimension")
MIN_WIDTH = 2.0
MIN_HEIGHT = 2.0
MAX_WIDTH = 100.0  # any page; an infinite one cannot be laid out
MAX_HEIGHT = 100.0


@dataclass(frozen=True)
class FigureOptions:
    """How to draw the figure.

    ``counts`` adds "n = 12 segments, 5 informants" under each concept; ``direction`` is
    ``lr`` (concepts left, dimensions right) or ``tb`` (dimensions on top, each theme's
    concepts in a column under it); ``color`` fills each dimension's boxes with a light
    tint of its own instead of white; ``font`` is one family (the SVG falls back to Arial,
    Helvetica, Liberation Sans and sans-serif, and text is measured to fit any of them);
    ``max_width`` and ``max_height`` are in inches (a journal page less room for a
    caption); ``order`` is ``structure`` (as given), ``alpha`` or ``count`` (segments,
    descending); ``style`` ``boxed`` draws each dimension as a box spanning its themes and
    a rule under the headings; ``split`` ``dimension`` gives one figure per group of
    dimensions when the whole does not fit.
    """

    counts: bool = False
    direction: str = "lr"
    color: bool = False
    font: str = "Arial"
    max_width: float = 6.5
    max_height: float = 8.5
    order: str = "structure"
    style: str = "plain"
    split: str = "none"

    def __post_init__(self) -> None:
        for value, allowed, what in (
            (self.direction, DIRECTIONS, "direction"),
            (self.order, ORDERS, "order"),
            (self.style, STYLE_NAMES, "style"),
            (self.split, SPLITS, "split"),
        ):
            if value not in allowed:
                choices = f"{', '.join(allowed[:-1])} or {allowed[-1]}"
                raise InvalidInput(f"Unknown {what} {value!r}: use {choices}.")
        if not self.font.strip() or not self.font.isprintable() or set(self.font) & set('"\\,<>'):
            raise InvalidInput(f"{self.font!r} is not a font name: give one family, such as Arial.")
        for inches, least, most, side in (
            (self.max_width, MIN_WIDTH, MAX_WIDTH, "wide"),
            (self.max_height, MIN_HEIGHT, MAX_HEIGHT, "tall"),
        ):
            if not least <= inches <= most:  # also refuses NaN
                raise InvalidInput(
                    f"A figure is between {least:g} and {most:g} inches {side} (not {inches:g})."
                )


@dataclass(frozen=True)
class Layout:
    """The laid-out figure: one page, or several when split; what was left out of it
    (outside the tree); and what the reader should know (too large, a word too long)."""

    pages: tuple[Page, ...]
    left_out: tuple[str, ...]
    warnings: tuple[str, ...]


def lay_out(structure: StructureView, options: FigureOptions = FigureOptions()) -> Layout:
    """Lay the structure out within the page, as :class:`FigureOptions` asks."""
    from gioia.figure.graph import structure_graph

    left_out = [
        name
        for theme in structure.themes_without_dimension
        for name in (theme.name, *(c.name for c in theme.concepts))
    ]
    left_out += [c.name for c in structure.concepts_without_theme]
    graph = structure_graph(structure, options.order)
    limits = (options.max_width * 72, options.max_height * 72)
    width = math.floor(limits[0]) - 1  # graphviz-pure draws 0.72 pt beyond the layout

    def page(part: nx.DiGraph, style: Style) -> Page:
        from gioia.figure.graph import columns
        from gioia.figure.lr import layout_lr
        from gioia.figure.tb import layout_tb

        draw = layout_lr if options.direction == "lr" else layout_tb
        return draw(
            part,
            columns(part),
            style,
            width,
            counts=options.counts,
            color=options.color,
            boxed=options.style == "boxed",
        )

    pages = _first(([page(graph, style)] for style in STYLES), limits)
    dimensions = [key for key in graph if key[0] == "dimension"]
    if not pages[0].fits(*limits) and options.split == "dimension" and len(dimensions) > 1:
        pages = _first((_split(graph, dimensions, s, page, limits) for s in STYLES), limits)
        pages = [_labelled(p, chr(ord("a") + i)) for i, p in enumerate(pages)]
    warnings = [_too_large(p, options, len(pages) > 1) for p in pages if not p.fits(*limits)]
    warnings += [
        f"{name!r} has a word too long for its box at {p.smallest:g} pt, so it is "
        "hyphenated: shorten it or give the figure more width."
        for p in pages
        for name in p.overflows
    ]
    return Layout(tuple(pages), tuple(left_out), tuple(dict.fromkeys(warnings)))


def to_dot(
    structure: StructureView, options: FigureOptions = FigureOptions()
) -> tuple[str, list[str]]:
    """The figure as DOT source (a graph per page), and the names left out of it."""
    from gioia.figure.render import dot_source

    layout = lay_out(structure, options)
    source = "".join(dot_source(page, font=options.font) for page in layout.pages)
    return source, list(layout.left_out)


def draw(
    structure: StructureView,
    path: str | os.PathLike[str],
    options: FigureOptions = FigureOptions(),
    engine: Engine | None = None,
    *,
    output: Opener = output_file,
) -> FigureResult:
    """Draw the figure to ``path`` (.svg, .png, .pdf or .dot); when split, to one file per
    part, named with the part's letter (``figure-a.svg``, ``figure-b.svg``).

    Each file is opened with ``output`` (:func:`gioia.output.output_file`; ``Project``
    passes its own, which also protects the store): every file is checked before any is
    drawn, and they appear together or not at all.
    """
    target = Path(path)
    fmt = FORMATS[check_suffix(target, tuple(FORMATS))]
    layout = lay_out(structure, options)
    limits = (options.max_width * 72, options.max_height * 72)
    used = "none"
    warnings = list(layout.warnings)
    files = []
    with ExitStack() as stack:
        for page in layout.pages:
            name = target.with_name(f"{target.stem}-{page.label}{target.suffix}")
            out = stack.enter_context(output(name if page.label else target, tuple(FORMATS)))
            files.append((out, page))
        for out, page in files:
            data, used, warning = draw_page(page, fmt, engine, options.font)
            out.temp.write_bytes(data)
            if warning and warning not in warnings:
                warnings.append(warning)
    drawn = tuple(
        FigureFile(
            out.path,
            page.label,
            page.width / 72,
            page.height / 72,
            page.smallest,
            page.dimensions,
            page.fits(*limits),
            out.replaced,
        )
        for out, page in files
    )
    return FigureResult(drawn, used, layout.left_out, tuple(warnings))


def _first(attempts: Iterable[list[Page]], limits: tuple[float, float]) -> list[Page]:
    """The first attempt whose pages fit with every word whole, else of those whose pages
    fit the one with the fewest words hyphenated, else the last (the tightest)."""
    tried = []
    for pages in attempts:
        if all(p.good(*limits) for p in pages):
            return pages
        tried.append(pages)
    fitting = [pages for pages in tried if all(p.fits(*limits) for p in pages)]
    if not fitting:
        return tried[-1]
    return min(fitting, key=lambda pages: sum(len(p.overflows) for p in pages))


def _split(
    graph: nx.DiGraph,
    dimensions: list[tuple[str, str]],
    style: Style,
    page: Callable[[nx.DiGraph, Style], Page],
    limits: tuple[float, float],
) -> list[Page]:
    """Consecutive dimensions gathered into as few pages as fit, in order."""
    pages: list[Page] = []
    current: list[tuple[str, str]] = []
    for dimension in dimensions:
        trial = page(_part(graph, [*current, dimension]), style)
        if current and not trial.fits(*limits):
            pages.append(page(_part(graph, current), style))
            current = [dimension]
        else:
            current.append(dimension)
    pages.append(page(_part(graph, current), style))
    return pages


def _part(graph: nx.DiGraph, dimensions: list[tuple[str, str]]) -> nx.DiGraph:
    """The dimensions with their themes and those themes' concepts."""
    themes = {t for d in dimensions for t in graph.predecessors(d)}
    concepts = {c for t in themes for c in graph.predecessors(t)}
    part: nx.DiGraph = graph.subgraph({*dimensions, *themes, *concepts})
    return part


def _labelled(page: Page, label: str) -> Page:
    from dataclasses import replace

    return replace(page, label=label)


def _too_large(page: Page, options: FigureOptions, split: bool) -> str:
    size = f"{page.width / 72:.2f} × {page.height / 72:.2f} in with {page.smallest:g} pt text"
    limit = f"{options.max_width:g} × {options.max_height:g} in"
    if split:
        return (
            f"Part {page.label} ({', '.join(page.dimensions)}) is {size}, more than {limit}: "
            "its dimension alone does not fit; allow more with --max-height or merge concepts."
        )
    advice = "split it with --split dimension, " if len(page.dimensions) > 1 else ""
    return (
        f"The figure is {size}, more than {limit}: {advice}allow more with --max-height "
        f"or --max-width, or merge concepts (text is never set below {MIN_SIZE:g} pt)."
    )
