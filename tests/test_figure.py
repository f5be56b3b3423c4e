"""The data-structure figure: its geometry as drawn (SVG and PDF), fitting the page,
splitting, shared concepts, the DOT it is drawn from, and the engine choice.

Drawing tests run with graphviz-pure (a dependency of gioia) and, when it is installed, with
Graphviz's own ``dot``. Text widths are checked with the fonts themselves (DejaVu Sans, the
common stand-in for Arial, and Liberation Sans, Arial's metrics) where they are installed.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations, pairwise
from pathlib import Path

import pytest

from gioia import graphviz_engine
from gioia.errors import GioiaError, InvalidInput
from gioia.figure import TINTS, Engine, FigureOptions, draw, find_engine, lay_out, to_dot
from gioia.figure import render as figure_render
from gioia.figure.graph import Columns, columns, crossings, structure_graph
from gioia.figure.metrics import text_width, wrap
from gioia.resources import bundled_path
from gioia.views_structure import ConceptNode, Counts, DimensionNode, StructureView, ThemeNode

SVG = "{http://www.w3.org/2000/svg}"
PURE = str(
    Path(sysconfig.get_path("scripts"), "graphviz-pure.exe" if os.name == "nt" else "graphviz-pure")
)
DATA = Path(__file__).parent / "data"
FONT_LIST = "Arial, Helvetica, Liberation Sans, Arimo, sans-serif"
Box = tuple[float, float, float, float]  # x0, y0, x1, y1, y growing downwards
Point = tuple[float, float]


# Structures ---------------------------------------------------------------------------


def sample_structure() -> StructureView:
    """The sample study's structure, with made-up counts."""
    return structure_from_csv(bundled_path("sample_transcripts") / "structure.csv")


def structure_from_csv(path: Path) -> StructureView:
    """A structure file as a view, a concept under each theme a row puts it (shared
    concepts included), with made-up counts."""
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    themes_of: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        themes_of[row["concept"]].append(row["theme"])
    tree: dict[str, dict[str, list[ConceptNode]]] = {}
    for i, row in enumerate(rows):
        counts = Counts(codings=i + 3, segments=i + 1, transcripts=2, cases=2, informants=i % 4 + 1)
        node = ConceptNode(
            row["concept"], row.get("concept_definition"), counts, tuple(themes_of[row["concept"]])
        )
        tree.setdefault(row["dimension"], {}).setdefault(row["theme"], []).append(node)
    return StructureView(
        tuple(
            DimensionNode(
                d,
                None,
                Counts(),
                tuple(ThemeNode(t, None, Counts(), tuple(cs), (d,)) for t, cs in ts.items()),
            )
            for d, ts in tree.items()
        )
    )


def large_structure(concepts: int, themes: int, dimensions: int) -> StructureView:
    """Numbered names of 1 to 11 words; concepts spread evenly over themes, themes over dims."""
    words = "buyers trust the platform only after a first small order of samples from abroad"
    vocabulary = words.split()

    def name(kind: str, i: int) -> str:
        chosen = (vocabulary[(i * 7 + k) % len(vocabulary)] for k in range(i % 11 + 1))
        return f"{kind} {i} {' '.join(chosen)}"

    nodes = [
        ConceptNode(name("Concept", i), None, Counts(segments=i % 17 + 1, informants=i % 6 + 1))
        for i in range(concepts)
    ]
    theme_nodes = [
        ThemeNode(
            name("Theme", j),
            None,
            Counts(),
            tuple(nodes[j * concepts // themes : (j + 1) * concepts // themes]),
        )
        for j in range(themes)
    ]
    return StructureView(
        tuple(
            DimensionNode(
                name("Dimension", k),
                None,
                Counts(),
                tuple(theme_nodes[k * themes // dimensions : (k + 1) * themes // dimensions]),
            )
            for k in range(dimensions)
        )
    )


def one_theme(*concepts: ConceptNode, theme: str = "T", dimension: str = "D") -> StructureView:
    return StructureView(
        (DimensionNode(dimension, None, Counts(), (ThemeNode(theme, None, Counts(), concepts),)),)
    )


# Reading what was drawn ---------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of text as drawn: its words, anchor point, size, weight and font list."""

    text: str
    x: float
    y: float
    size: float
    bold: bool
    anchor: str
    family: str
    small: bool = False


@dataclass
class Drawing:
    """What an SVG shows: its size, each box by level and label, each box's lines of
    text, the headings, and each edge as a polyline."""

    width: float
    height: float
    boxes: dict[tuple[str, str], Box] = field(default_factory=dict)
    texts: dict[tuple[str, str], list[Line]] = field(default_factory=dict)
    headings: list[Line] = field(default_factory=list)
    fills: dict[str, str] = field(default_factory=dict)
    edges: list[list[Point]] = field(default_factory=list)
    labels: Counter[str] = field(default_factory=Counter)


LEVEL = {"c": "concept", "t": "theme", "d": "dimension"}


def parse_svg(data: bytes) -> Drawing:
    """Boxes keyed by (level, label), the label being the box's lines joined by spaces;
    in drawing coordinates (the page's, y down)."""
    root = ET.fromstring(data)
    drawing = Drawing(
        float(root.attrib["width"].removesuffix("pt")),
        float(root.attrib["height"].removesuffix("pt")),
    )
    graph = root.find(f"{SVG}g")
    assert graph is not None
    match = re.search(r"translate\(([-\d.]+) ([-\d.]+)\)", graph.attrib["transform"])
    assert match is not None
    dx, dy = float(match[1]), float(match[2])
    polygons: dict[str, tuple[Box, str]] = {}
    lines: dict[str, list[Line]] = defaultdict(list)
    for group in root.iter(f"{SVG}g"):
        title = group.findtext(f"{SVG}title") or ""
        kind = group.get("class", "")
        if kind.startswith("node"):
            polygon = group.find(f"{SVG}polygon")
            if polygon is not None and not kind.startswith("node text"):
                points = [tuple(map(float, p.split(","))) for p in polygon.attrib["points"].split()]
                xs, ys = [p[0] + dx for p in points], [p[1] + dy for p in points]
                polygons[title] = ((min(xs), min(ys), max(xs), max(ys)), polygon.attrib["fill"])
            for text in group.iter(f"{SVG}text"):
                lines[title.split("_")[0]].append(
                    Line(
                        text.text or "",
                        float(text.attrib["x"]) + dx,
                        float(text.attrib["y"]) + dy,
                        float(text.attrib["font-size"]),
                        text.get("font-weight") == "bold",
                        text.attrib["text-anchor"],
                        text.attrib["font-family"],
                        "small" in kind,
                    )
                )
        elif kind == "edge" and not title.startswith("rule"):
            path = group.find(f"{SVG}path")
            assert path is not None
            numbers = [float(n) for n in re.findall(r"-?[\d.]+(?:e-?\d+)?", path.attrib["d"])]
            points = list(zip(numbers[0::2], numbers[1::2], strict=True))
            # A polyline drawn as straight cubic pieces: keep its corners.
            corners = [points[0], *points[3::3]]
            drawing.edges.append([(x + dx, y + dy) for x, y in corners])
    for name, (box, fill) in polygons.items():
        label = " ".join(line.text for line in lines[name] if not line.small)
        key = (LEVEL[name[0]], label)
        drawing.boxes[key] = box
        drawing.texts[key] = lines[name]
        drawing.fills[label] = fill
        drawing.labels[label] += 1
    drawing.headings = [line for name, found in lines.items() if name[0] == "h" for line in found]
    return drawing


@pytest.fixture(params=["graphviz-pure", "dot"])
def engine(request: pytest.FixtureRequest) -> Engine:
    if request.param == "dot":
        path = shutil.which("dot")
        if path is None:
            pytest.skip("Graphviz's dot is not installed")
        return Engine("dot", path)
    return Engine("graphviz-pure", PURE)


def drawn(
    structure: StructureView, options: FigureOptions, engine: Engine, tmp_path: Path
) -> list[Drawing]:
    """Draw to SVG and read each part back."""
    result = draw(structure, tmp_path / "figure.svg", options, engine)
    assert result.engine == engine.name
    return [parse_svg(f.path.read_bytes()) for f in result.files]


def crossing(a: tuple[Point, Point], b: tuple[Point, Point]) -> bool:
    """Whether segments ``a`` and ``b`` cross; touching or overlapping is not crossing."""

    def side(p: Point, q: Point, r: Point) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    eps = 1e-6
    return (
        side(a[0], a[1], b[0]) * side(a[0], a[1], b[1]) < -eps
        and side(b[0], b[1], a[0]) * side(b[0], b[1], a[1]) < -eps
    )


def crossings_drawn(drawing: Drawing) -> list[tuple[int, int]]:
    pieces = [list(pairwise(e)) for e in drawing.edges]
    return [
        (i, j)
        for (i, first), (j, second) in combinations(enumerate(pieces), 2)
        if any(crossing(a, b) for a in first for b in second)
    ]


def ends(drawing: Drawing, edge: list[Point]) -> tuple[tuple[str, str], tuple[str, str]]:
    """The boxes an edge joins (child, parent)."""

    def at(point: Point) -> tuple[str, str]:
        (key,) = [
            k
            for k, b in drawing.boxes.items()
            if b[0] - 2 <= point[0] <= b[2] + 2 and b[1] - 2 <= point[1] <= b[3] + 2
        ]
        return key

    return at(edge[0]), at(edge[-1])


def only_unavoidable(drawing: Drawing, pairs: list) -> None:  # type: ignore[type-arg]
    """Every crossing is between the lines of two concepts that are both under the same
    two themes: two such concepts cannot be drawn without one."""
    themes = defaultdict(set)
    for child, parent in pairs:
        themes[child].add(parent)
    for i, j in crossings_drawn(drawing):
        (a, _), (b, _) = ends(drawing, drawing.edges[i]), ends(drawing, drawing.edges[j])
        assert len(themes[a]) == 2 and themes[a] == themes[b], (a, b)


def joined(drawing: Drawing, child: tuple[str, str], parent: tuple[str, str]) -> bool:
    """An edge runs from the box of ``child`` to the box of ``parent`` (within 2 pt)."""

    def on(point: Point, box: Box) -> bool:
        return box[0] - 2 <= point[0] <= box[2] + 2 and box[1] - 2 <= point[1] <= box[3] + 2

    return any(
        on(edge[0], drawing.boxes[child]) and on(edge[-1], drawing.boxes[parent])
        for edge in drawing.edges
    )


def tree_of(structure: StructureView) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Every (child, parent) pair as (level, name) keys; and every box key."""
    pairs: list[tuple[tuple[str, str], tuple[str, str]]] = []
    for d in structure.dimensions:
        for t in d.themes:
            pairs.append((("theme", t.name), ("dimension", d.name)))
            pairs += [(("concept", c.name), ("theme", t.name)) for c in t.concepts]
    return pairs, list(dict.fromkeys(k for pair in pairs for k in pair))  # type: ignore[return-value]


def children_of(pairs: list, parent: tuple[str, str]) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [c for c, p in pairs if p == parent]


# Geometry ---------------------------------------------------------------------------------


def fonts() -> dict[bool, list[Path]]:
    """TrueType files of DejaVu Sans and Liberation Sans (regular and bold), where found."""
    found: dict[bool, list[Path]] = {False: [], True: []}
    for bold, names in (
        (False, ("DejaVuSans.ttf", "LiberationSans-Regular.ttf")),
        (True, ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf")),
    ):
        for name in names:
            found[bold] += sorted(Path("/usr/share/fonts").rglob(name))[:1]
    return found


def check_geometry(structure: StructureView, drawing: Drawing, direction: str) -> None:
    """Every box once, joined to its parents, parents centred on their children within
    1 pt, no crossings, centred text in the font list at one line spacing."""
    pairs, keys = tree_of(structure)
    assert sorted(drawing.labels.elements()) == sorted(k[1] for k in keys)
    assert [pair for pair in pairs if not joined(drawing, *pair)] == []
    assert len(drawing.edges) == len(pairs)
    assert crossings_drawn(drawing) == []
    axis = (1, 3) if direction == "lr" else (0, 2)
    for key in keys:
        under = children_of(pairs, key)
        if under and (key[0] == "dimension" or direction == "lr"):
            low = min(drawing.boxes[c][axis[0]] for c in under)
            high = max(drawing.boxes[c][axis[1]] for c in under)
            box = drawing.boxes[key]
            assert abs((box[axis[0]] + box[axis[1]]) / 2 - (low + high) / 2) <= 1, key
    for key, lines in drawing.texts.items():
        box = drawing.boxes[key]
        assert {(line.anchor, line.family) for line in lines} == {("middle", FONT_LIST)}
        assert all(abs(line.x - (box[0] + box[2]) / 2) <= 1 for line in lines), key
        same = [line for line in lines if line.size == lines[0].size]
        steps = {round(b.y - a.y, 1) for a, b in pairwise(same)}
        assert steps <= {round(lines[0].size * 1.2, 1)}, key  # one line spacing
        assert box[1] <= min(line.y for line in lines) and max(line.y for line in lines) <= box[3]


def check_text_fits(drawing: Drawing) -> None:
    """No line of text is wider than its box, measured with each installed stand-in font."""
    from PIL import ImageFont

    files = fonts()
    if not files[False] or not files[True]:
        pytest.skip("DejaVu Sans or Liberation Sans is not installed")
    for key, lines in drawing.texts.items():
        box = drawing.boxes[key]
        for line in lines:
            for path in files[line.bold]:
                font = ImageFont.truetype(str(path), 1000)
                width = font.getlength(line.text) * line.size / 1000
                assert width <= box[2] - box[0] - 2, (key, line.text, path.name)


def group_extents(structure: StructureView, drawing: Drawing) -> list[Box]:
    """Each dimension's group: the box around the dimension, its themes and concepts."""
    extents = []
    for d in structure.dimensions:
        keys = [("dimension", d.name)] + [("theme", t.name) for t in d.themes]
        keys += [("concept", c.name) for t in d.themes for c in t.concepts]
        boxes = [drawing.boxes[k] for k in keys]
        extents.append(
            (
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            )
        )
    return extents


@pytest.mark.parametrize("direction", ["lr", "tb"])
@pytest.mark.parametrize("size", ["sample", "large"])
def test_geometry(engine: Engine, tmp_path: Path, direction: str, size: str) -> None:
    whole = sample_structure() if size == "sample" else large_structure(40, 10, 4)
    options = FigureOptions(direction=direction, counts=True, split="dimension")
    result = draw(whole, tmp_path / "figure.svg", options, engine)
    assert len(result.files) == 1 if size == "sample" else len(result.files) > 1
    for part in result.files:
        drawing = parse_svg(part.path.read_bytes())
        structure = StructureView(tuple(d for d in whole.dimensions if d.name in part.dimensions))
        check_part(structure, drawing, direction)


def check_part(structure: StructureView, drawing: Drawing, direction: str) -> None:
    """A part of the figure: within the page, its geometry and text right, its groups of
    dimensions one gap apart (lr) or its concepts in rows under their themes (tb)."""
    assert drawing.width <= 6.5 * 72 and drawing.height <= 8.5 * 72
    check_geometry(structure, drawing, direction)
    check_text_fits(drawing)
    assert min(line.size for lines in drawing.texts.values() for line in lines) >= 8
    extents = group_extents(structure, drawing)
    if direction == "lr":  # groups one under the other, one gap between each two
        gaps = [b[1] - a[3] for a, b in pairwise(extents)]
        assert not gaps or (max(gaps) - min(gaps) <= 1 and min(gaps) >= 12)
        assert max(h.y for h in drawing.headings) < min(b[1] for b in drawing.boxes.values())
    else:  # each theme's concepts in rows under it, within its column, centred on it
        for d in structure.dimensions:
            for t in d.themes:
                theme = drawing.boxes[("theme", t.name)]
                stack = [drawing.boxes[("concept", c.name)] for c in t.concepts]
                assert all(theme[0] - 1 <= b[0] and b[2] <= theme[2] + 1 for b in stack)
                assert all(theme[3] < b[1] for b in stack)
                assert [b[1] for b in stack] == sorted(b[1] for b in stack)
                span = (min(b[0] for b in stack) + max(b[2] for b in stack)) / 2
                assert abs(span - (theme[0] + theme[2]) / 2) <= 1


def test_gaps_between_dimension_groups_are_equal_when_boxes_overhang(
    engine: Engine, tmp_path: Path
) -> None:
    """Dimensions whose labels are taller than their one short theme and concept (the
    foot of a figure where groups used to crowd together)."""
    long = "An aggregate dimension with a long name that wraps onto several lines of text"
    structure = StructureView(
        tuple(
            DimensionNode(
                f"{long} {i}",
                None,
                Counts(),
                (ThemeNode(f"T{i}", None, Counts(), (ConceptNode(f"C{i}", None, Counts()),)),),
            )
            for i in range(4)
        )
    )
    (drawing,) = drawn(structure, FigureOptions(), engine, tmp_path)
    check_geometry(structure, drawing, "lr")
    extents = group_extents(structure, drawing)
    gaps = [b[1] - a[3] for a, b in pairwise(extents)]
    assert len(gaps) == 3 and max(gaps) - min(gaps) <= 1 and min(gaps) >= 21
    dims = [drawing.boxes[("dimension", d.name)] for d in structure.dimensions]
    assert all(b[1] - a[3] >= 21 for a, b in pairwise(dims))


@pytest.mark.parametrize("max_width", [6.5, 3.5, 2.0])
@pytest.mark.parametrize("direction", ["lr", "tb"])
def test_never_wider_than_max_width(
    engine: Engine, tmp_path: Path, max_width: float, direction: str
) -> None:
    options = FigureOptions(
        max_width=max_width, counts=True, direction=direction, split="dimension"
    )
    for drawing in drawn(sample_structure(), options, engine, tmp_path):
        assert drawing.width <= max_width * 72
    for page in lay_out(large_structure(60, 12, 4), options).pages:  # drawn as laid out
        assert page.width <= max_width * 72 - 1


def test_a_tall_structure_is_split_into_figures_that_fit(engine: Engine, tmp_path: Path) -> None:
    structure = large_structure(90, 15, 5)
    options = FigureOptions(counts=True, split="dimension")
    result = draw(structure, tmp_path / "figure.svg", options, engine)
    names = [f.path.name for f in result.files]
    assert names == [f"figure-{letter}.svg" for letter in "abcde"[: len(names)]]
    assert len(names) >= 3 and not (tmp_path / "figure.svg").exists()
    assert [d for f in result.files for d in f.dimensions] == [d.name for d in structure.dimensions]
    for part in result.files:
        assert part.fits and part.width <= 6.5 and part.height <= 8.5 and part.smallest >= 8
        drawing = parse_svg(part.path.read_bytes())
        sub = StructureView(tuple(d for d in structure.dimensions if d.name in part.dimensions))
        check_geometry(sub, drawing, "lr")
        assert {h.text for h in drawing.headings} >= {"1st-Order Concepts"}  # three columns
    assert result.warnings == ()


def test_a_tall_structure_without_split_warns_with_its_size() -> None:
    structure = large_structure(90, 15, 5)
    layout = lay_out(structure, FigureOptions(counts=True))
    (page,) = layout.pages
    assert page.smallest == 8 and page.height > 8.5 * 72
    assert layout.warnings == (
        f"The figure is {page.width / 72:.2f} × {page.height / 72:.2f} in with 8 pt text, more "
        "than 6.5 × 8.5 in: split it with --split dimension, allow more with --max-height or "
        "--max-width, or merge concepts (text is never set below 8 pt).",
    )


def test_counts_fit_the_page_on_the_sample() -> None:
    layout = lay_out(sample_structure(), FigureOptions(counts=True))
    (page,) = layout.pages
    assert page.fits(6.5 * 72, 8.5 * 72) and page.smallest == 8 and layout.warnings == ()
    roomy = lay_out(sample_structure()).pages[0]
    assert roomy.smallest == 9 and roomy.height <= 8.5 * 72


def test_tb_wraps_concepts_under_their_themes_to_fit(engine: Engine, tmp_path: Path) -> None:
    structure = large_structure(60, 12, 4)
    drawings = drawn(structure, FigureOptions(direction="tb", split="dimension"), engine, tmp_path)
    for drawing in drawings:
        assert drawing.width <= 6.5 * 72 and drawing.height <= 8.5 * 72
        sizes = [line.size for lines in drawing.texts.values() for line in lines]
        assert min(sizes) >= 8


def test_shared_concepts_drawn_once_with_a_line_to_each_theme(
    engine: Engine, tmp_path: Path
) -> None:
    """The synthetic stand-in for the published non-tree study: 93 codes under 8 themes,
    11 of them under two themes."""
    structure = structure_from_csv(DATA / "synthetic_b2b_shared_structure.csv")
    result = draw(structure, tmp_path / "b2b.svg", FigureOptions(split="dimension"), engine)
    assert [f.fits for f in result.files] == [True] * len(result.files)
    shared_lines = crossed = 0
    for part in result.files:
        drawing = parse_svg(part.path.read_bytes())
        assert drawing.width <= 6.5 * 72 and drawing.height <= 8.5 * 72
        assert max(drawing.labels.values()) == 1  # each concept once
        sub = StructureView(tuple(d for d in structure.dimensions if d.name in part.dimensions))
        pairs, _ = tree_of(sub)
        assert [pair for pair in pairs if not joined(drawing, *pair)] == []
        assert len(drawing.edges) == len(pairs)
        only_unavoidable(drawing, pairs)
        crossed += len(crossings_drawn(drawing))
        per_concept = Counter(c for c, _ in pairs if c[0] == "concept")
        shared_lines += sum(n for n in per_concept.values() if n == 2)
    assert shared_lines == 2 * 9  # 9 of the 11 share two themes of one dimension
    assert crossed == 4  # four pairs of themes share two concepts each


def test_shared_concepts_in_one_figure(engine: Engine, tmp_path: Path) -> None:
    structure = structure_from_csv(DATA / "synthetic_b2b_shared_structure.csv")
    (drawing,) = drawn(structure, FigureOptions(max_height=30), engine, tmp_path)
    assert max(drawing.labels.values()) == 1 and sum(drawing.labels.values()) == 93 + 8 + 3
    pairs, _ = tree_of(structure)
    assert len(drawing.edges) == len(pairs) == 104 + 8
    only_unavoidable(drawing, pairs)
    assert len(crossings_drawn(drawing)) == 4
    themes = {c: [p for q, p in pairs if q == c] for c, _ in pairs if c[0] == "concept"}
    assert sum(len(ts) == 2 for ts in themes.values()) == 11
    for concept, under in themes.items():
        assert all(joined(drawing, concept, theme) for theme in under)


def test_crossings_are_counted_on_the_graph() -> None:
    structure = structure_from_csv(DATA / "synthetic_b2b_shared_structure.csv")
    graph = structure_graph(structure)
    cols = columns(graph)
    assert crossings(graph, cols) == 4  # the fewest: 4 pairs of themes share 2 concepts each
    concepts = list(cols.concepts)
    first = concepts.index(("concept", "Trust grows with every kept promise"))
    shared = concepts.index(("concept", "Trust is built over many years"))
    concepts[first], concepts[shared] = concepts[shared], concepts[first]
    # Moving a shared concept to the top of its first theme's block: its line to the next
    # theme crosses the other 12 concepts' lines to the first theme.
    assert crossings(graph, Columns(tuple(concepts), cols.themes, cols.dimensions)) == 16


def test_boxed_style(engine: Engine, tmp_path: Path) -> None:
    structure = sample_structure()
    options = FigureOptions(style="boxed")
    (drawing,) = drawn(structure, options, engine, tmp_path)
    check_geometry(structure, drawing, "lr")
    for d in structure.dimensions:
        box = drawing.boxes[("dimension", d.name)]
        themes = [drawing.boxes[("theme", t.name)] for t in d.themes]
        assert abs(box[1] - min(t[1] for t in themes)) <= 1
        assert abs(box[3] - max(t[3] for t in themes)) <= 1
    svg = (tmp_path / "figure.svg").read_text()
    rule = re.search(r"<title>rule\d+a&#45;&gt;rule\d+b</title>\s*<path [^>]*d=\"([^\"]+)\"", svg)
    assert rule is not None  # a rule under the headings
    heading_bottom = max(h.y for h in drawing.headings)
    first_box = min(b[1] for b in drawing.boxes.values())
    rule_y = float(re.findall(r"-?[\d.]+", rule[1])[1]) + drawing.height
    assert heading_bottom < rule_y < first_box


# PDF and PNG ----------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="needs poppler's pdffonts")
def test_pdf_fonts_embedded_and_page_equal_to_the_figure(engine: Engine, tmp_path: Path) -> None:
    options = FigureOptions(counts=True)
    (svg,) = draw(sample_structure(), tmp_path / "figure.svg", options, engine).files
    result = draw(sample_structure(), tmp_path / "figure.pdf", options, engine)
    (pdf,) = result.files
    assert result.engine == {"dot": "dot", "graphviz-pure": "graphviz-pure+svglib"}[engine.name]
    assert (pdf.width, pdf.height) == (svg.width, svg.height)
    done = subprocess.run(
        ["pdffonts", str(pdf.path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert len(done) == 2  # the regular and the bold face
    assert [line.split()[-5] for line in done] == ["yes", "yes"]  # embedded
    info = subprocess.run(
        ["pdfinfo", str(pdf.path)], capture_output=True, text=True, check=True
    ).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size is not None
    drawing = parse_svg(svg.path.read_bytes())
    assert abs(float(size[1]) - drawing.width) <= 1 and abs(float(size[2]) - drawing.height) <= 1
    assert abs(drawing.width - svg.width * 72) <= 1 and abs(drawing.height - svg.height * 72) <= 1


def test_png_is_print_resolution(engine: Engine, tmp_path: Path) -> None:
    (png,) = draw(sample_structure(), tmp_path / "figure.png", FigureOptions(), engine).files
    data = png.path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert abs(int.from_bytes(data[16:20], "big") - png.width * 300) <= 4


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_rendering_is_deterministic(engine: Engine, tmp_path: Path, suffix: str) -> None:
    options = FigureOptions(counts=True, color=True)
    small = one_theme(ConceptNode("Buyers want to taste", None, Counts(segments=3)))
    first = draw(small, tmp_path / f"a{suffix}", options, engine).path
    second = draw(small, tmp_path / f"b{suffix}", options, engine).path
    assert first.read_bytes() == second.read_bytes()


def test_pdf_through_svglib_is_deterministic(tmp_path: Path) -> None:
    pure = Engine("graphviz-pure", PURE)
    first = draw(sample_structure(), tmp_path / "a.pdf", engine=pure).path
    second = draw(sample_structure(), tmp_path / "b.pdf", engine=pure).path
    assert first.read_bytes() == second.read_bytes()


def test_pdf_without_dot_or_svglib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "svglib", None)
    monkeypatch.setitem(sys.modules, "svglib.svglib", None)
    with pytest.raises(GioiaError) as error:
        draw(sample_structure(), tmp_path / "figure.pdf", engine=Engine("graphviz-pure", PURE))
    assert error.value.message == (
        "PDF output needs Graphviz's dot or the svglib package: install Graphviz "
        "or `pip install svglib`, or write a .svg file."
    )
    assert list(tmp_path.iterdir()) == []


def test_pdf_without_a_truetype_font_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(figure_render, "font_files", lambda font: None)
    result = draw(sample_structure(), tmp_path / "f.pdf", engine=Engine("graphviz-pure", PURE))
    assert result.warnings == (
        "No TrueType file of Arial found, so the PDF names Helvetica without embedding it: "
        "install Graphviz (or Liberation Sans), or write an SVG.",
    )


# The DOT source ---------------------------------------------------------------------------


def test_dot_is_built_with_the_graphviz_package_and_pins_every_node() -> None:
    source, left_out = to_dot(sample_structure())
    assert left_out == []
    assert source.startswith("// Laid out by gioia: render with `dot -Kneato -n2 -Tsvg`")
    assert "\ndigraph gioia {\n" in source
    nodes = re.findall(r"^\t(\w+) \[(.*)\]$", source, flags=re.MULTILINE)
    nodes = [(name, a) for name, a in nodes if name not in ("graph", "node", "edge")]
    assert nodes and all('pos="' in attributes and '!"' in attributes for _, attributes in nodes)
    assert sum(bool(re.fullmatch(r"c\d+", name)) for name, _ in nodes) == 20
    edges = re.findall(r"^\t(\w+) -> (\w+) \[pos=", source, flags=re.MULTILINE)
    assert len(edges) == 20 + 6


def test_labels_are_escaped(engine: Engine, tmp_path: Path) -> None:
    awkward = 'Say "no" & <stop> \\ at 100% {now} [here] ‘quoted’ — café \\n'
    structure = one_theme(ConceptNode(awkward, None, Counts()), theme="<T>", dimension="A & B")
    (drawing,) = drawn(structure, FigureOptions(), engine, tmp_path)
    assert set(drawing.labels) == {"A & B", "<T>", awkward}


def test_left_out_names(engine: Engine, tmp_path: Path) -> None:
    kept = ThemeNode("Kept", None, Counts(), (ConceptNode("In", None, Counts()),))
    loose = ThemeNode("Loose theme", None, Counts(), (ConceptNode("Under loose", None, Counts()),))
    structure = StructureView(
        (DimensionNode("Dim", None, Counts(), (kept,)),),
        themes_without_dimension=(loose,),
        concepts_without_theme=(ConceptNode("Stray", None, Counts()),),
    )
    _, left_out = to_dot(structure)
    assert left_out == ["Loose theme", "Under loose", "Stray"]
    (drawing,) = drawn(structure, FigureOptions(), engine, tmp_path)
    assert set(drawing.labels) == {"Dim", "Kept", "In"}


def test_empty_theme_and_dimension_are_drawn(engine: Engine, tmp_path: Path) -> None:
    structure = StructureView(
        (
            DimensionNode("Empty dimension", None, Counts(), ()),
            DimensionNode("Dim", None, Counts(), (ThemeNode("Empty theme", None, Counts(), ()),)),
        )
    )
    (drawing,) = drawn(structure, FigureOptions(), engine, tmp_path)
    assert set(drawing.labels) == {"Empty dimension", "Dim", "Empty theme"}
    assert len(drawing.edges) == 1


def test_counts_line_under_each_concept(engine: Engine, tmp_path: Path) -> None:
    one = ConceptNode("Buyers want to taste", None, Counts(segments=1, informants=1))
    many = ConceptNode("Samples cost", None, Counts(segments=12, informants=5))
    (drawing,) = drawn(one_theme(one, many), FigureOptions(counts=True), engine, tmp_path)
    small = {
        key[1]: [line.text for line in lines if line.small]
        for key, lines in drawing.texts.items()
        if key[0] == "concept"
    }
    assert small == {
        "Buyers want to taste": ["n = 1 segment, 1 informant"],
        "Samples cost": ["n = 12 segments, 5 informants"],
    }


def test_color_tints_each_dimension_and_grayscale_is_white(engine: Engine, tmp_path: Path) -> None:
    structure = sample_structure()
    expected: dict[str, str] = {}
    for index, dimension in enumerate(structure.dimensions):
        expected[dimension.name] = TINTS[index]
        for theme in dimension.themes:
            expected[theme.name] = TINTS[index]
            expected.update((c.name, TINTS[index]) for c in theme.concepts)
    color = drawn(structure, FigureOptions(color=True), engine, tmp_path)[0].fills
    gray = drawn(structure, FigureOptions(), engine, tmp_path)[0].fills
    assert color == expected
    assert set(gray.values()) == {"white"}


def concept_order(structure: StructureView, order: str) -> list[str]:
    (page,) = lay_out(structure, FigureOptions(order=order)).pages
    boxes = sorted((b for b in page.boxes if b.key[0] == "concept"), key=lambda b: b.y0)
    return [b.key[1] for b in boxes]


def test_orders() -> None:
    def concept(name: str, segments: int) -> ConceptNode:
        return ConceptNode(name, None, Counts(segments=segments))

    first = ThemeNode(
        "Zeta", None, Counts(segments=1), (concept("b", 3), concept("a", 3), concept("C", 9))
    )
    second = ThemeNode("Alpha", None, Counts(segments=5), (concept("d", 1),))
    structure = StructureView((DimensionNode("Dim", None, Counts(), (first, second)),))
    assert concept_order(structure, "structure") == ["b", "a", "C", "d"]
    assert concept_order(structure, "alpha") == ["d", "a", "b", "C"]
    assert concept_order(structure, "count") == ["d", "C", "a", "b"]


def test_long_labels_wrap_at_word_boundaries_into_balanced_lines() -> None:
    name = "We keep the platform for new contacts and never for the buyers we already have"
    room = 130.0
    lines = wrap(name, room, 9)
    assert " ".join(lines) == name and len(lines) == 3
    assert all(text_width(line, 9) <= room for line in lines)
    # Balanced: as even as three lines can be, unlike greedy filling.
    widths = [text_width(line, 9) for line in lines]
    assert max(widths) - min(widths) < text_width("platform", 9)


def test_a_word_too_long_for_its_box_is_hyphenated() -> None:
    lines = wrap("Internationalisation drive", 50, 9)
    assert [line.endswith("-") for line in lines] == [True, False, False]
    assert lines[0].removesuffix("-") + lines[1] == "Internationalisation"
    assert lines[2] == "drive"
    assert all(text_width(line, 9) <= 50 for line in lines)
    layout = lay_out(sample_structure(), FigureOptions(max_width=2))
    assert (
        "'Internationalisation drive' has a word too long for its box at 8 pt, so it is "
        "hyphenated: shorten it or give the figure more width." in layout.warnings
    )


def test_dot_is_deterministic() -> None:
    structure = large_structure(60, 12, 4)
    options = FigureOptions(counts=True, color=True)
    assert to_dot(structure, options) == to_dot(structure, options)


def test_dot_file_needs_no_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIOIA_DOT", "no-such-engine")
    result = draw(sample_structure(), tmp_path / "figure.dot")
    assert result.engine == "none"
    assert result.path.read_text() == to_dot(sample_structure())[0]


def test_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as error:
        draw(sample_structure(), tmp_path / "figure.jpg")
    assert error.value.message == (
        "Cannot write figure.jpg: give a file name ending in .svg, .png, .pdf or .dot."
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"direction": "rl"}, "Unknown direction 'rl': use lr or tb."),
        ({"order": "size"}, "Unknown order 'size': use structure, alpha or count."),
        ({"style": "fancy"}, "Unknown style 'fancy': use plain or boxed."),
        ({"split": "theme"}, "Unknown split 'theme': use none or dimension."),
        ({"font": 'Ar"ial'}, "'Ar\"ial' is not a font name: give one family, such as Arial."),
        (
            {"font": "Arial, Helvetica"},
            "'Arial, Helvetica' is not a font name: give one family, such as Arial.",
        ),
        ({"font": " "}, "' ' is not a font name: give one family, such as Arial."),
        ({"max_width": 1.5}, "A figure is between 2 and 100 inches wide (not 1.5)."),
        ({"max_width": float("nan")}, "A figure is between 2 and 100 inches wide (not nan)."),
        ({"max_width": float("inf")}, "A figure is between 2 and 100 inches wide (not inf)."),
        ({"max_height": 1}, "A figure is between 2 and 100 inches tall (not 1)."),
        ({"max_height": 101}, "A figure is between 2 and 100 inches tall (not 101)."),
    ],
)
def test_invalid_options(options: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput) as error:
        FigureOptions(**options)  # type: ignore[arg-type]
    assert error.value.message == message


def test_font_reaches_the_drawing(engine: Engine, tmp_path: Path) -> None:
    (drawing,) = drawn(sample_structure(), FigureOptions(font="Times New Roman"), engine, tmp_path)
    families = {line.family for lines in drawing.texts.values() for line in lines}
    assert families == {f"Times New Roman, {FONT_LIST}"}
    bold = {line.bold for line in drawing.texts[("dimension", "Exporter disposition")]}
    assert bold == {True}


# The engine choice ----------------------------------------------------------------------


def test_system_dot_comes_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GIOIA_DOT", raising=False)
    system = shutil.which("dot")
    if system is None:
        pytest.skip("Graphviz's dot is not installed")
    assert find_engine() == Engine("dot", system)


def test_graphviz_pure_without_system_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GIOIA_DOT", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # graphviz-pure is found without PATH
    assert find_engine() == Engine("graphviz-pure", PURE)
    result = draw(sample_structure(), tmp_path / "figure.svg")
    assert result.engine == "graphviz-pure"


def test_no_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GIOIA_DOT", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(graphviz_engine, "graphviz_pure", lambda: None)
    with pytest.raises(GioiaError) as error:
        draw(sample_structure(), tmp_path / "figure.svg")
    assert error.value.message == (
        "No Graphviz found to draw the figure: reinstall gioia (it brings graphviz-pure), "
        "install Graphviz, or write a .dot file."
    )


def test_gioia_dot_names_the_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIOIA_DOT", PURE)
    assert find_engine() == Engine("graphviz-pure", PURE)
    assert draw(sample_structure(), tmp_path / "figure.svg").engine == "graphviz-pure"


def test_gioia_dot_not_an_executable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIOIA_DOT", "no-such-dot")
    with pytest.raises(GioiaError) as error:
        find_engine()
    assert error.value.message == (
        "GIOIA_DOT is 'no-such-dot', which is not an executable: "
        "point it at Graphviz's dot or at graphviz-pure, or unset it."
    )


@pytest.mark.skipif(os.name == "nt", reason="a shell script stands in for dot")
def test_engine_failure_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A "dot" that is graphviz-pure underneath: SVG works, PDF fails with its message.
    fake = tmp_path / "dot"
    fake.write_text(f'#!/bin/sh\nexec "{PURE}" "$@"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("GIOIA_DOT", str(fake))
    assert find_engine() == Engine("dot", str(fake))
    assert draw(sample_structure(), tmp_path / "figure.svg").engine == "dot"
    with pytest.raises(GioiaError) as error:
        draw(sample_structure(), tmp_path / "figure.pdf")
    assert error.value.message == f"{fake} could not draw the figure; its messages follow."
    assert error.value.details
    assert not (tmp_path / "figure.pdf").exists()


def test_import_is_cheap() -> None:
    heavy = "{'svglib', 'reportlab', 'graphviz', 'networkx'}"
    code = f"import sys, gioia.figure; print(sorted({heavy} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"
