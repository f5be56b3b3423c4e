"""Drawing a laid-out page: its DOT source (built with the ``graphviz`` package) through
Graphviz's ``dot`` or the bundled ``graphviz-pure``, into SVG, PNG or PDF.

Every box, line and line of text is pinned where the layout put it, and the engine only
draws (``neato -n2``): both engines give the same geometry. The SVG names a list of fonts
that fall back sensibly; the PDF has no margin and embeds its fonts (Graphviz's cairo
does; without it svglib draws the SVG with a TrueType font found on the system).
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from itertools import pairwise
from pathlib import Path

from gioia.errors import GioiaError, InvalidInput
from gioia.figure.metrics import text_width
from gioia.figure.model import LEADING, Page, Text
from gioia.graphviz_engine import PNG_DPI, Engine, find_engine, run_neato

FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot"}
FALLBACK_FONTS = ("Arial", "Helvetica", "Liberation Sans", "Arimo", "sans-serif")
# graphviz-pure knows fonts by their PostScript names: (regular, bold).
_PURE_FONTS = {
    "arial": ("Helvetica", "Helvetica-Bold"),
    "helvetica": ("Helvetica", "Helvetica-Bold"),
    "liberation sans": ("Helvetica", "Helvetica-Bold"),
    "arimo": ("Helvetica", "Helvetica-Bold"),
    "times new roman": ("Times-Roman", "Times-Bold"),
    "times": ("Times-Roman", "Times-Bold"),
    "courier new": ("Courier", "Courier-Bold"),
    "courier": ("Courier", "Courier-Bold"),
}
_LINE_COLOR = "#333333"


def font_list(font: str) -> str:
    """The font-family of the SVG: the chosen font, then its common stand-ins."""
    return ", ".join(dict.fromkeys((font, *FALLBACK_FONTS)))


def engine_fonts(font: str, engine: str) -> tuple[str, str]:
    """The names ``engine`` knows the regular and bold faces of ``font`` by."""
    if engine == "graphviz-pure":
        return _PURE_FONTS.get(font.casefold(), (font, font))
    return font, f"{font} Bold"


def dot_source(page: Page, *, font: str = "Arial", engine: str = "dot", dpi: int = 0) -> str:
    """The page as DOT, every node and line pinned (render with ``neato -n2``)."""
    import graphviz

    regular, bold = engine_fonts(font, engine)
    height = page.height

    def at(x: float, y: float) -> str:
        return f"{_number(x)},{_number(height - y)}"

    graph_attr = {"pad": "0", "margin": "0", "outputorder": "edgesfirst"}
    if dpi:
        graph_attr["dpi"] = str(dpi)
    dot = graphviz.Digraph(
        "gioia",
        comment=f"Laid out by gioia: render with `dot -Kneato -n2 -Tsvg` ({page.width:g} x "
        f"{page.height:g} pt)",
        graph_attr=graph_attr,
        node_attr={"fixedsize": "true", "margin": "0", "penwidth": "0.75", "fontname": regular},
        edge_attr={"arrowhead": "none", "color": _LINE_COLOR, "penwidth": "0.75"},
    )
    corner = {"shape": "point", "style": "invis", "width": "0", "height": "0"}
    dot.node("corner0", pos=at(0, 0) + "!", **corner)
    dot.node("corner1", pos=at(page.width, page.height) + "!", **corner)

    def text_node(name: str, text: Text) -> None:
        dot.node(
            name,
            graphviz.escape(text.text),
            shape="plaintext",
            pos=at(text.x, text.y) + "!",
            width=_number((text_width(text.text, text.size, text.bold) + 2) / 72, 4),
            height=_number(text.size * LEADING / 72, 4),
            fontsize=_number(text.size),
            fontname=bold if text.bold else regular,
            **{"class": "text bold" if text.bold else "text small" if text.small else "text"},
        )

    ids: dict[tuple[str, str], str] = {}
    numbers: Counter[str] = Counter()
    for index, text in enumerate(page.texts):
        text_node(f"h{index}", text)
    for box in page.boxes:
        letter = box.key[0][0]  # c, t or d
        name = ids[box.key] = f"{letter}{numbers[letter]}"
        numbers[letter] += 1
        dot.node(
            name,
            "",
            shape="box",
            style="filled",
            fillcolor=box.fill,
            color="black",
            pos=at(box.centre, box.middle) + "!",
            width=_number((box.x1 - box.x0) / 72, 4),
            height=_number((box.y1 - box.y0) / 72, 4),
            **{"class": box.key[0]},
        )
        for index, text in enumerate(box.texts):
            text_node(f"{name}_{index}", text)
    for index, line in enumerate(page.lines):
        points = [at(*line.points[0])]
        for before, after in pairwise(line.points):
            points += [at(*before), at(*after), at(*after)]
        if line.ends is None:
            tail, head = f"rule{index}a", f"rule{index}b"
            dot.node(tail, pos=at(*line.points[0]) + "!", **corner)
            dot.node(head, pos=at(*line.points[-1]) + "!", **corner)
            dot.edge(tail, head, pos=" ".join(points), penwidth=_number(line.width), color="black")
        else:
            dot.edge(ids[line.ends[0]], ids[line.ends[1]], pos=" ".join(points))
    source: str = dot.source
    return source


def draw_page(page: Page, fmt: str, engine: Engine | None, font: str) -> tuple[bytes, str, str]:
    """The page in ``fmt`` (svg, png, pdf or dot); what drew it (``dot``,
    ``graphviz-pure``, ``graphviz-pure+svglib`` or ``none``); and a warning or ""."""
    if fmt not in FORMATS.values():
        raise InvalidInput(f"Cannot draw a figure as {fmt!r}: choose svg, png, pdf or dot.")
    if fmt == "dot":
        return dot_source(page, font=font).encode(), "none", ""
    engine = engine or find_engine()
    if fmt == "png":
        source = dot_source(page, font=font, engine=engine.name, dpi=PNG_DPI)
        return _run(engine, "png", source), engine.name, ""
    source = dot_source(page, font=font, engine=engine.name)
    if fmt == "pdf" and engine.name == "dot":
        return _run(engine, "pdf", source), engine.name, ""
    svg = _svg_fonts(_run(engine, "svg", source), font, engine.name)
    if fmt == "svg":
        return svg, engine.name, ""
    pdf, warning = _svg_to_pdf(svg, font)
    return pdf, "graphviz-pure+svglib", warning


_TEXT = re.compile(rb"<text ([^>]*)>")
_FAMILY = re.compile(rb' font-family="([^"]*)"')
_WEIGHT = re.compile(rb' font-weight="[^"]*"')


def _svg_fonts(svg: bytes, font: str, engine: str) -> bytes:
    """The SVG with every text in the font list, bold where the engine set it bold."""
    bold_name = engine_fonts(font, engine)[1].encode()
    family = font_list(font).encode()

    def fix(match: re.Match[bytes]) -> bytes:
        attributes = b" " + match[1]
        named = _FAMILY.search(attributes)
        bold = b'font-weight="bold"' in attributes or (named and named[1] == bold_name)
        attributes = _WEIGHT.sub(b"", _FAMILY.sub(b"", attributes))
        attributes += b' font-family="' + family + b'"'
        if bold:
            attributes += b' font-weight="bold"'
        return b"<text" + attributes + b">"

    return _TEXT.sub(fix, svg)


def _run(engine: Engine, fmt: str, source: str) -> bytes:
    """The engine's drawing of the pinned ``source`` in ``fmt``."""
    return run_neato(engine, fmt, source, pinned=True, what="the figure")


def _svg_to_pdf(svg: bytes, font: str) -> tuple[bytes, str]:
    """A PDF of ``svg`` drawn by svglib with ``font`` embedded (found on the system), no
    timestamp in it; and a warning when no TrueType file of the font was found."""
    import io

    try:
        from reportlab.graphics import renderPDF  # type: ignore[import-untyped]
        from svglib.fonts import FontMap
        from svglib.svglib import svg2rlg
    except ImportError as error:
        raise GioiaError(
            "PDF output needs Graphviz's dot or the svglib package: install Graphviz "
            "or `pip install svglib`, or write a .svg file."
        ) from error
    fonts = FontMap()
    files = font_files(font)
    warning = ""
    if files is None:
        warning = (
            f"No TrueType file of {font} found, so the PDF names Helvetica without "
            "embedding it: install Graphviz (or Liberation Sans), or write an SVG."
        )
        initial = "Helvetica"
    else:
        for weight, path in zip(("normal", "bold"), files, strict=True):
            fonts.register_font(font, path, weight, rlgFontName=f"gioia-{Path(path).stem}")
        initial = f"gioia-{Path(files[0]).stem}"
    drawing = svg2rlg(io.BytesIO(svg), font_map=fonts)
    assert drawing is not None
    drawing.initialFontName = initial  # else reportlab's page starts in Helvetica
    pdf = io.BytesIO()
    renderPDF.drawToFile(drawing, pdf, invariant=1)
    return pdf.getvalue(), warning


def font_files(font: str) -> tuple[str, str] | None:
    """TrueType files of ``font``'s regular and bold faces (or of the font fontconfig puts
    in its place), or None."""
    found: list[str] = []
    fc_match = shutil.which("fc-match")
    for style in ("", ":bold"):
        path = None
        if fc_match is not None:
            import subprocess

            done = subprocess.run(
                [fc_match, "--format=%{file}", f"{font}{style}"],
                capture_output=True,
                text=True,
                check=False,
            )
            path = done.stdout.strip() if done.returncode == 0 else None
        path = path if path and path.lower().endswith(".ttf") else _known_file(font, style)
        if path is None:
            return None
        found.append(path)
    return found[0], found[1]


def _known_file(font: str, style: str) -> str | None:
    """Where Windows and macOS keep Arial."""
    if font.casefold() != "arial":
        return None
    windows = Path(os.environ.get("WINDIR", "C:/Windows"), "Fonts")
    mac = Path("/System/Library/Fonts/Supplemental")
    names = {"": ("arial.ttf", "Arial.ttf"), ":bold": ("arialbd.ttf", "Arial Bold.ttf")}[style]
    for candidate in (windows / names[0], mac / names[1], Path("/Library/Fonts") / names[1]):
        if candidate.is_file():
            return str(candidate)
    return None


def _number(value: float, places: int = 2) -> str:
    """A coordinate or size as DOT takes it: no trailing zeros."""
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
