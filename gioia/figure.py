"""The Gioia data-structure figure: a ``StructureView`` to DOT, and DOT to SVG, PNG or PDF.

The DOT text is written here rather than with the ``graphviz`` package, because every id is
generated and every label is an HTML-like label that the package would not escape for us, so it
would add an import and nothing else. Rendering is the module's one side effect: it runs the
executable that ``GIOIA_DOT`` names, else Graphviz's ``dot`` when it is on PATH, else
``graphviz-pure`` (installed with gioia), which has no PDF: svglib converts its SVG instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from gioia.errors import GioiaError, InvalidInput
from gioia.views import ConceptNode, DimensionNode, StructureView, ThemeNode

HEADINGS = ("1st-Order Concepts", "2nd-Order Themes", "Aggregate Dimensions")
DIRECTIONS = ("lr", "tb")
ORDERS = ("structure", "alpha", "count")
FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot"}
MIN_WIDTH = 2.0
MAX_WIDTH = 100.0
PNG_DPI = 300
# One light tint per dimension, cycled: each keeps black text readable.
TINTS = ("#dce9f5", "#fbe3cd", "#dcefd5", "#eae1f2", "#f8dde6", "#f3ebc8", "#d5eeeb", "#e6e2da")

_SIZE = 9.0  # label text, pt
_SMALL = 8.0  # the counts line, pt (Graphviz takes whole points only)
_HEADING = 10.0  # column headings, pt
_LEADING = 1.2  # line height over font size
_PAD = 4.0  # Graphviz's default pad, pt; `size` includes it
_MARGIN = (0.08, 0.035)  # inside a box, inches
_RANKSEP = 0.35  # between columns, inches
_NODESEP = 0.06  # between boxes of a column, inches
_SHARES = (0.44, 0.27, 0.29)  # of the width left for lr boxes, by column
_TB_BOX = 1.3  # box width in a tb figure, inches
_BOLD = 1.12  # bold text is at most this much wider than regular
_SPACER = "shape=point, style=invis, width=0, height=0"  # widens the gap between two themes
_FIT = 0.95  # wrap to this share of a box: hinted fonts run a little wider than the metrics
# Advance widths of ASCII 32-126 in 1/1000 em: Helvetica's, which Arial shares and Graphviz
# uses to estimate text. Other characters count 278 per UTF-8 byte, as Graphviz counts them.
# fmt: off
_WIDTHS = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  # space to /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  # 0 to ?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,  # @ to O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  # P to _
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  # ` to o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,  # p to ~
)
# fmt: on


@dataclass(frozen=True)
class FigureOptions:
    """How to draw the figure.

    ``counts`` adds "n = 12 segments, 5 informants" under each concept; ``direction`` is
    ``lr`` (concepts left, dimensions right) or ``tb`` (concepts on top); ``color`` fills each
    dimension's boxes with a light tint of its own instead of white; ``font`` is one family,
    whose text is measured with Arial's metrics; ``max_width`` is in inches; ``order`` is
    ``structure`` (as given), ``alpha`` or ``count`` (segments, descending; ties by name).
    """

    counts: bool = False
    direction: str = "lr"
    color: bool = False
    font: str = "Arial"
    max_width: float = 6.5
    order: str = "structure"

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise InvalidInput(f"Unknown direction {self.direction!r}: use lr or tb.")
        if self.order not in ORDERS:
            raise InvalidInput(f"Unknown order {self.order!r}: use structure, alpha or count.")
        if not self.font.strip() or not self.font.isprintable() or {'"', "\\"} & set(self.font):
            raise InvalidInput(f"{self.font!r} is not a font name: give one family, such as Arial.")
        if not MIN_WIDTH <= self.max_width <= MAX_WIDTH:  # also refuses NaN
            raise InvalidInput(
                f"A figure is between {MIN_WIDTH:g} and {MAX_WIDTH:g} inches wide "
                f"(not {self.max_width:g})."
            )


@dataclass(frozen=True)
class Engine:
    """A Graphviz executable; ``name`` is ``dot`` or ``graphviz-pure`` (which has no PDF)."""

    name: str
    path: str


@dataclass(frozen=True)
class _Box:
    """A node of a column: its DOT statement and the height its label needs, in points."""

    id: str
    statement: str
    height: float = 0.0


_Node = TypeVar("_Node", ConceptNode, ThemeNode, DimensionNode)


def to_dot(
    structure: StructureView, options: FigureOptions = FigureOptions()
) -> tuple[str, list[str]]:
    """The figure as DOT source, and the names of the themes and concepts left out of it.

    Left out, in the order given, are the themes without a dimension (each followed by its
    concepts) and the concepts without a theme.
    """
    left_out = [
        name
        for theme in structure.themes_without_dimension
        for name in (theme.name, *(c.name for c in theme.concepts))
    ]
    left_out += [c.name for c in structure.concepts_without_theme]
    lr = options.direction == "lr"
    tail, head = (":e", ":w") if lr else (":s", ":n")
    widths = _column_widths(options)
    columns: tuple[list[_Box], list[_Box], list[_Box]] = ([], [], [])
    edges: list[str] = []
    concepts = 0
    for index, dimension in enumerate(_ordered(structure.dimensions, options.order)):
        fill = TINTS[index % len(TINTS)] if options.color else "white"
        d_box = _box(f"d{index}", dimension.name, widths[2], fill, bold=True)
        columns[2].append(d_box)
        for theme in _ordered(dimension.themes, options.order):
            t_box = _box(f"t{len(columns[1])}", theme.name, widths[1], fill)
            columns[1].append(t_box)
            edges.append(f"{t_box.id}{tail} -> {d_box.id}{head};")
            if concepts and theme.concepts:  # a wider gap between two themes' concepts
                columns[0].append(_Box(f"s{t_box.id}", f"s{t_box.id} [{_SPACER}];"))
            for concept in _ordered(theme.concepts, options.order):
                small = _count_line(concept) if options.counts else ""
                c_box = _box(f"c{concepts}", concept.name, widths[0], fill, small=small)
                concepts += 1
                columns[0].append(c_box)
                edges.append(f"{c_box.id}{tail} -> {t_box.id}{head};")
    headings = [_wrap(h, w - 2, _HEADING, bold=True) for h, w in zip(HEADINGS, widths, strict=True)]
    heading_height = max(map(len, headings)) * _HEADING * _LEADING + 8
    font = options.font
    lines = [
        "digraph gioia {",
        f"  graph [rankdir={'LR' if lr else 'TB'}, splines=line, nodesep={_NODESEP}, "
        f'ranksep={_RANKSEP}, size="{options.max_width:g},10000", fontname="{font}"];',
        f'  node [shape=box, style=filled, color=black, penwidth=0.75, fontname="{font}", '
        f'fontsize={_SIZE:g}, margin="{_MARGIN[0]},{_MARGIN[1]}"];',
        '  edge [arrowhead=none, color="#333333", penwidth=0.75];',
    ]
    for index, (heading, column, width) in enumerate(zip(headings, columns, widths, strict=True)):
        # tb boxes of a row are alike; lr boxes of a column are as tall as their text.
        height = 0.0 if lr else max((box.height for box in column), default=0.0)
        label = "<BR/>".join(_escape(line) for line in heading)
        # Invisible edges down the column keep its order: the heading first, then as given.
        chain = (
            [f"    h{index} -> {' -> '.join(b.id for b in column)} [style=invis];"]
            if column
            else []
        )
        lines += [
            f"  {{rank=same; node [width={width / 72:.3f}, height={height / 72:.3f}];",
            f'    h{index} [style="", color=none, margin="0,0.04", fontsize={_HEADING:g}, '
            f"height={heading_height / 72:.3f}, labelloc=b, label=<<B>{label}</B>>];",
            *(f"    {box.statement}" for box in column),
            *chain,
            "  }",
        ]
    lines.append("  h0 -> h1 -> h2 [style=invis, weight=100];")
    lines += [f"  {edge}" for edge in edges]
    lines.append("}")
    return "\n".join(lines) + "\n", left_out


def find_engine() -> Engine:
    """The Graphviz to run: ``GIOIA_DOT`` if set, else ``dot`` on PATH, else graphviz-pure."""
    override = os.environ.get("GIOIA_DOT")
    if override:
        path = shutil.which(override)
        if path is None:
            raise GioiaError(
                f"GIOIA_DOT is {override!r}, which is not an executable: "
                "point it at Graphviz's dot or at graphviz-pure, or unset it."
            )
        pure = Path(path).name.lower().startswith("graphviz-pure")
        return Engine("graphviz-pure" if pure else "dot", path)
    system = shutil.which("dot")
    if system is not None:
        return Engine("dot", system)
    bundled = _graphviz_pure()
    if bundled is not None:
        return Engine("graphviz-pure", bundled)
    raise GioiaError(
        "No Graphviz found to draw the figure: reinstall gioia (it brings graphviz-pure), "
        "install Graphviz, or write a .dot file."
    )


def render(dot_source: str, path: Path, engine: Engine | None = None) -> str:
    """Write the figure to ``path`` in the format its suffix names: .svg, .png, .pdf or .dot.

    Returns what drew it: ``dot``, ``graphviz-pure``, ``graphviz-pure+svglib`` (PDF) or
    ``none`` (.dot). ``engine`` defaults to ``find_engine()``.
    """
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InvalidInput(
            f"Cannot write a figure to {path.name!r}: name a .svg, .png, .pdf or .dot file."
        )
    if fmt == "dot":
        path.write_bytes(dot_source.encode())
        return "none"
    engine = engine or find_engine()
    if fmt == "pdf" and engine.name == "graphviz-pure":
        path.write_bytes(_svg_to_pdf(_run(engine, "svg", dot_source)))
        return "graphviz-pure+svglib"
    drawn = _run(engine, fmt, dot_source)
    path.write_bytes(_with_dpi(drawn) if fmt == "png" else drawn)
    return engine.name


def _with_dpi(png: bytes) -> bytes:
    """The PNG with its resolution recorded (``PNG_DPI``), so that a word processor
    places it at its size in inches rather than at 72 or 96 dpi."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        out = io.BytesIO()
        image.save(out, format="PNG", dpi=(PNG_DPI, PNG_DPI))
    return out.getvalue()


def _run(engine: Engine, fmt: str, dot_source: str) -> bytes:
    """The engine's output for ``dot_source`` in ``fmt``; PNG at ``PNG_DPI``."""
    import subprocess

    args = [engine.path, f"-T{fmt}", *([f"-Gdpi={PNG_DPI}"] if fmt == "png" else [])]
    try:
        done = subprocess.run(args, input=dot_source.encode(), capture_output=True, check=False)
    except OSError as error:
        raise GioiaError(f"Could not run {engine.path}: {error.strerror}.") from error
    if done.returncode != 0 or not done.stdout:
        raise GioiaError(
            f"{engine.path} could not draw the figure; its messages follow.",
            details=done.stderr.decode(errors="replace").splitlines(),
        )
    return done.stdout


def _svg_to_pdf(svg: bytes) -> bytes:
    """A PDF of ``svg`` drawn by svglib, with no timestamp in it."""
    import io

    try:
        from reportlab.graphics import renderPDF  # type: ignore[import-untyped]
        from svglib.svglib import svg2rlg
    except ImportError as error:
        raise GioiaError(
            "PDF output needs Graphviz's dot or the svglib package: install Graphviz "
            "or `pip install svglib`, or write a .svg file."
        ) from error
    pdf = io.BytesIO()
    renderPDF.drawToFile(svg2rlg(io.BytesIO(svg)), pdf, invariant=1)
    return pdf.getvalue()


def _graphviz_pure() -> str | None:
    """graphviz-pure in this Python's scripts folder or the user's, else on PATH."""
    import sysconfig

    name = "graphviz-pure.exe" if os.name == "nt" else "graphviz-pure"
    user = sysconfig.get_preferred_scheme("user")
    for folder in (sysconfig.get_path("scripts"), sysconfig.get_path("scripts", user)):
        if Path(folder, name).is_file():
            return str(Path(folder, name))
    return shutil.which("graphviz-pure")


def _ordered(nodes: Sequence[_Node], order: str) -> list[_Node]:
    if order == "alpha":
        return sorted(nodes, key=lambda n: (n.name.casefold(), n.name))
    if order == "count":
        return sorted(nodes, key=lambda n: (-n.counts.segments, n.name.casefold(), n.name))
    return list(nodes)


def _column_widths(options: FigureOptions) -> tuple[float, float, float]:
    """Box widths in points: lr columns share the page, tb boxes are narrow and alike."""
    if options.direction == "tb":
        return (_TB_BOX * 72,) * 3
    room = options.max_width * 72 - 2 * _PAD - 2 * _RANKSEP * 72 - 1  # 1 pt to spare
    return (room * _SHARES[0], room * _SHARES[1], room * _SHARES[2])


def _box(
    node_id: str, name: str, width: float, fill: str, bold: bool = False, small: str = ""
) -> _Box:
    """A box ``width`` points wide: ``name`` wrapped to fit, and an optional smaller line."""
    room = (width - 2 * _MARGIN[0] * 72) * _FIT
    lines = _wrap(name, room, _SIZE, bold)
    label = "<BR/>".join(_escape(line) for line in lines)
    if bold:
        label = f"<B>{label}</B>"
    height = len(lines) * _SIZE * _LEADING + 2 * _MARGIN[1] * 72
    if small:
        small_lines = _wrap(small, room, _SMALL)
        small_label = "<BR/>".join(_escape(line) for line in small_lines)
        label += f'<BR/><FONT POINT-SIZE="{_SMALL:g}">{small_label}</FONT>'
        height += len(small_lines) * _SMALL * _LEADING
    return _Box(node_id, f'{node_id} [fillcolor="{fill}", label=<{label}>];', height)


def _count_line(concept: ConceptNode) -> str:
    segments, informants = concept.counts.segments, concept.counts.informants
    return (
        f"n = {segments} segment{'' if segments == 1 else 's'}, "
        f"{informants} informant{'' if informants == 1 else 's'}"
    )


def _escape(text: str) -> str:
    """Text for an HTML-like label: entities for & < > ", and Graphviz's doubled backslash."""
    for raw, escaped in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        text = text.replace(raw, escaped)
    return text.replace("\\", "\\\\")


def _text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of one line in points, as Graphviz estimates it for Arial or Helvetica."""
    units = sum(_WIDTHS[ord(c) - 32] if " " <= c <= "~" else 278 * len(c.encode()) for c in text)
    return units * size / 1000 * (_BOLD if bold else 1.0)


def _wrap(text: str, room: float, size: float, bold: bool = False) -> list[str]:
    """``text`` broken at spaces into balanced lines at most ``room`` points wide.

    Greedy breaking gives the fewest lines; the room is then narrowed as far as it can be
    without adding a line, so the lines come out of even length. A word wider than the room
    keeps a line of its own.
    """
    words = text.split()
    widths = [_text_width(word, size, bold) for word in words]
    space = _text_width(" ", size, bold)

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
    low, high = 0.0, room
    while high - low > 1:
        middle = (low + high) / 2
        lines = greedy(middle)
        if len(lines) <= len(best):
            best, high = lines, middle
        else:
            low = middle
    return best
