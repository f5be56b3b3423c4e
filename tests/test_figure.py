"""The data-structure figure: DOT text, engine choice, and the geometry of the drawn SVG.

Drawing tests run with graphviz-pure (a dependency of gioia) and, when it is installed, with
Graphviz's own ``dot``.
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
from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import pytest

from gioia import figure
from gioia.errors import GioiaError, InvalidInput
from gioia.figure import HEADINGS, TINTS, Engine, FigureOptions, find_engine, render, to_dot
from gioia.resources import bundled_path
from gioia.views import ConceptNode, Counts, DimensionNode, StructureView, ThemeNode

SVG = "{http://www.w3.org/2000/svg}"
PURE = str(
    Path(sysconfig.get_path("scripts"), "graphviz-pure.exe" if os.name == "nt" else "graphviz-pure")
)
Box = tuple[float, float, float, float]  # x0, y0, x1, y1, y growing downwards


def sample_structure() -> StructureView:
    """The sample study's structure, with made-up counts."""
    path = bundled_path("sample_transcripts") / "structure.csv"
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    tree: dict[str, dict[str, list[ConceptNode]]] = {}
    for i, row in enumerate(rows):
        counts = Counts(codings=i + 3, segments=i + 1, transcripts=2, cases=2, informants=i % 4 + 1)
        concept = ConceptNode(row["concept"], row["concept_definition"], counts)
        tree.setdefault(row["dimension"], {}).setdefault(row["theme"], []).append(concept)
    return StructureView(
        tuple(
            DimensionNode(
                d,
                None,
                Counts(),
                tuple(ThemeNode(t, None, Counts(), tuple(cs)) for t, cs in ts.items()),
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


@dataclass(frozen=True)
class Drawing:
    """What an SVG shows: its width and scale, each box by label, each edge's control polygon."""

    width: float
    scale: float
    boxes: dict[str, Box]
    labels: Counter[str]
    fills: dict[str, str]
    edges: list[list[tuple[float, float]]]


def parse_svg(data: bytes) -> Drawing:
    """Boxes keyed by their label, its wrapped lines joined again with spaces."""
    root = ET.fromstring(data)
    width = float(root.attrib["width"].removesuffix("pt"))
    graph = root.find(f"{SVG}g")
    assert graph is not None
    scale = re.match(r"scale\(([\d.]+) ", graph.attrib["transform"])
    assert scale is not None
    boxes: dict[str, Box] = {}
    labels: Counter[str] = Counter()
    fills: dict[str, str] = {}
    edges: list[list[tuple[float, float]]] = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "node":
            label = " ".join(text.text or "" for text in group.iter(f"{SVG}text"))
            polygon = group.find(f"{SVG}polygon")
            assert polygon is not None, label
            points = [tuple(map(float, p.split(","))) for p in polygon.attrib["points"].split()]
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            labels[label] += 1
            boxes[label] = (min(xs), min(ys), max(xs), max(ys))
            fills[label] = polygon.attrib["fill"]
        elif group.get("class") == "edge":
            path = group.find(f"{SVG}path")
            assert path is not None
            numbers = [float(n) for n in re.findall(r"-?[\d.]+(?:e-?\d+)?", path.attrib["d"])]
            edges.append(list(zip(numbers[0::2], numbers[1::2], strict=True)))
    return Drawing(width, float(scale[1]), boxes, labels, fills, edges)


def crossing(a: tuple[tuple[float, float], ...], b: tuple[tuple[float, float], ...]) -> bool:
    """Whether segments ``a`` and ``b`` cross; touching at an end point is not crossing."""

    def side(p: tuple[float, float], q: tuple[float, float], r: tuple[float, float]) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    eps = 1e-6
    return (
        side(a[0], a[1], b[0]) * side(a[0], a[1], b[1]) < -eps
        and side(b[0], b[1], a[0]) * side(b[0], b[1], a[1]) < -eps
    )


@pytest.fixture(params=["graphviz-pure", "dot"])
def engine(request: pytest.FixtureRequest) -> Engine:
    if request.param == "dot":
        path = shutil.which("dot")
        if path is None:
            pytest.skip("Graphviz's dot is not installed")
        return Engine("dot", path)
    return Engine("graphviz-pure", PURE)


def draw(
    structure: StructureView, options: FigureOptions, engine: Engine, tmp_path: Path
) -> Drawing:
    source, _ = to_dot(structure, options)
    path = tmp_path / "figure.svg"
    assert render(source, path, engine) == engine.name
    return parse_svg(path.read_bytes())


@pytest.mark.parametrize("direction", ["lr", "tb"])
@pytest.mark.parametrize("size", ["sample", "large"])
def test_geometry(engine: Engine, tmp_path: Path, direction: str, size: str) -> None:
    structure = sample_structure() if size == "sample" else large_structure(60, 12, 4)
    options = FigureOptions(direction=direction)
    drawing = draw(structure, options, engine, tmp_path)
    themes = [t for d in structure.dimensions for t in d.themes]
    concepts = [c for t in themes for c in t.concepts]
    names = [*HEADINGS, *(d.name for d in structure.dimensions), *(t.name for t in themes)]
    names += [c.name for c in concepts]
    assert drawing.labels == Counter(names)  # every label once, and nothing else

    def before(first: str, second: str) -> bool:
        """``first`` lies wholly left of (lr) or above (tb) ``second``."""
        a, b = drawing.boxes[first], drawing.boxes[second]
        return a[2] <= b[0] if direction == "lr" else a[3] <= b[1]

    def joined(first: str, second: str) -> bool:
        """An edge runs from the box of ``first`` to the box of ``second`` (within 2 pt)."""

        def on(point: tuple[float, float], box: Box) -> bool:
            return box[0] - 2 <= point[0] <= box[2] + 2 and box[1] - 2 <= point[1] <= box[3] + 2

        return any(
            on(edge[0], drawing.boxes[first]) and on(edge[-1], drawing.boxes[second])
            for edge in drawing.edges
        )

    pairs = [(c.name, t.name) for t in themes for c in t.concepts]
    pairs += [(t.name, d.name) for d in structure.dimensions for t in d.themes]
    assert [pair for pair in pairs if not (before(*pair) and joined(*pair))] == []
    assert len(drawing.edges) == len(pairs)

    segments = [[tuple(edge[i : i + 2]) for i in range(len(edge) - 1)] for edge in drawing.edges]
    crossings = [
        (i, j)
        for (i, first), (j, second) in combinations(enumerate(segments), 2)
        if any(crossing(a, b) for a in first for b in second)
    ]
    assert crossings == []

    columns = [
        [c.name for c in concepts],
        [t.name for t in themes],
        [d.name for d in structure.dimensions],
    ]
    for heading, column in zip(HEADINGS, columns, strict=True):
        boxes = [drawing.boxes[name] for name in column]
        head = drawing.boxes[heading]
        if direction == "lr":  # centred over its column, above its top box
            assert min(b[0] for b in boxes) <= (head[0] + head[2]) / 2 <= max(b[2] for b in boxes)
            assert head[3] <= min(b[1] for b in boxes)
        else:  # level with its row, left of its first box
            assert min(b[1] for b in boxes) <= (head[1] + head[3]) / 2 <= max(b[3] for b in boxes)
            assert head[2] <= min(b[0] for b in boxes)
        order = [b[1] if direction == "lr" else b[0] for b in boxes]
        assert order == sorted(order)  # top to bottom (lr) or left to right (tb), as given

    assert drawing.width <= options.max_width * 72


@pytest.mark.parametrize("max_width", [6.5, 3.5, 2.0])
@pytest.mark.parametrize("direction", ["lr", "tb"])
def test_never_wider_than_max_width(
    engine: Engine, tmp_path: Path, max_width: float, direction: str
) -> None:
    options = FigureOptions(max_width=max_width, counts=True, direction=direction)
    for structure in (sample_structure(), large_structure(60, 12, 4)):
        assert draw(structure, options, engine, tmp_path).width <= max_width * 72


def test_boxes_of_a_column_are_equally_wide(tmp_path: Path) -> None:
    structure = sample_structure()
    drawing = draw(structure, FigureOptions(counts=True), Engine("graphviz-pure", PURE), tmp_path)
    themes = [t for d in structure.dimensions for t in d.themes]
    columns = [
        [f"{c.name} {figure._count_line(c)}" for t in themes for c in t.concepts],
        [t.name for t in themes],
        [d.name for d in structure.dimensions],
    ]
    widths = [
        {round(b[2] - b[0], 2) for b in map(drawing.boxes.get, column) if b} for column in columns
    ]
    assert [len(w) for w in widths] == [1, 1, 1]
    assert (drawing.scale, drawing.width) == (1.0, 467.0)  # the page is filled, not scaled


def test_counts_line_under_each_concept(engine: Engine, tmp_path: Path) -> None:
    one = ConceptNode("Buyers want to taste", None, Counts(segments=1, informants=1))
    many = ConceptNode("Samples cost", None, Counts(segments=12, informants=5))
    structure = StructureView(
        (
            DimensionNode(
                "Trajectory", None, Counts(), (ThemeNode("Trust", None, Counts(), (one, many)),)
            ),
        )
    )
    drawing = draw(structure, FigureOptions(counts=True), engine, tmp_path)
    assert set(drawing.labels) == {
        *HEADINGS,
        "Trajectory",
        "Trust",
        "Buyers want to taste n = 1 segment, 1 informant",
        "Samples cost n = 12 segments, 5 informants",
    }


def test_color_tints_each_dimension_and_grayscale_is_white(engine: Engine, tmp_path: Path) -> None:
    structure = sample_structure()
    expected_color: dict[str, str] = {}
    for index, dimension in enumerate(structure.dimensions):
        for name in [dimension.name, *(t.name for t in dimension.themes)]:
            expected_color[name] = TINTS[index]
        for theme in dimension.themes:
            expected_color.update((c.name, TINTS[index]) for c in theme.concepts)
    color = draw(structure, FigureOptions(color=True), engine, tmp_path).fills
    gray = draw(structure, FigureOptions(), engine, tmp_path).fills
    assert {name: color[name] for name in expected_color} == expected_color
    assert {gray[name] for name in expected_color} == {"white"}


def test_labels_are_escaped(engine: Engine, tmp_path: Path) -> None:
    awkward = 'Say "no" & <stop> \\ at 100% {now} [here] ‘quoted’ — café'
    structure = StructureView(
        (
            DimensionNode(
                "A & B",
                None,
                Counts(),
                (ThemeNode("<T>", None, Counts(), (ConceptNode(awkward, None, Counts()),)),),
            ),
        )
    )
    source, _ = to_dot(structure)
    assert "&amp;" in source and "&lt;T&gt;" in source and "&quot;no&quot;" in source
    assert set(draw(structure, FigureOptions(), engine, tmp_path).labels) == {
        *HEADINGS,
        "A & B",
        "<T>",
        awkward,
    }


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
    assert set(draw(structure, FigureOptions(), engine, tmp_path).labels) == {
        *HEADINGS,
        "Dim",
        "Kept",
        "In",
    }


def test_empty_theme_and_dimension_are_drawn(engine: Engine, tmp_path: Path) -> None:
    structure = StructureView(
        (
            DimensionNode("Empty dimension", None, Counts(), ()),
            DimensionNode("Dim", None, Counts(), (ThemeNode("Empty theme", None, Counts(), ()),)),
        )
    )
    drawing = draw(structure, FigureOptions(), engine, tmp_path)
    assert set(drawing.labels) == {*HEADINGS, "Empty dimension", "Dim", "Empty theme"}
    assert len(drawing.edges) == 1


def concept_order(structure: StructureView, order: str) -> list[str]:
    source, _ = to_dot(structure, FigureOptions(order=order))
    return re.findall(r"^    c\d+ \[.*label=<(.*)>\];$", source, flags=re.MULTILINE)


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


def test_long_labels_wrap_at_word_boundaries() -> None:
    name = "We keep the platform for new contacts and never for the buyers we already have"
    structure = StructureView(
        (
            DimensionNode(
                "D",
                None,
                Counts(),
                (ThemeNode("T", None, Counts(), (ConceptNode(name, None, Counts()),)),),
            ),
        )
    )
    (label,) = concept_order(structure, "structure")
    assert label.split("<BR/>") == [
        "We keep the platform for",
        "new contacts and never for",
        "the buyers we already have",
    ]


def test_dot_is_deterministic() -> None:
    structure = large_structure(60, 12, 4)
    options = FigureOptions(counts=True, color=True)
    assert to_dot(structure, options) == to_dot(structure, options)


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_rendering_is_deterministic(engine: Engine, tmp_path: Path, suffix: str) -> None:
    source, _ = to_dot(sample_structure(), FigureOptions(counts=True, color=True))
    first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    render(source, first, engine)
    render(source, second, engine)
    assert first.read_bytes() == second.read_bytes()


def test_png_is_print_resolution(engine: Engine, tmp_path: Path) -> None:
    source, _ = to_dot(sample_structure())
    path = tmp_path / "figure.png"
    render(source, path, engine)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") in range(6 * 300, int(6.5 * 300) + 1)


def test_pdf(engine: Engine, tmp_path: Path) -> None:
    source, _ = to_dot(sample_structure())
    path = tmp_path / "figure.pdf"
    used = render(source, path, engine)
    assert used == {"dot": "dot", "graphviz-pure": "graphviz-pure+svglib"}[engine.name]
    assert path.read_bytes()[:5] == b"%PDF-"


def test_pdf_through_svglib_is_deterministic(tmp_path: Path) -> None:
    source, _ = to_dot(sample_structure())
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    render(source, first, Engine("graphviz-pure", PURE))
    render(source, second, Engine("graphviz-pure", PURE))
    assert first.read_bytes() == second.read_bytes()


def test_pdf_without_dot_or_svglib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "svglib", None)
    monkeypatch.setitem(sys.modules, "svglib.svglib", None)
    source, _ = to_dot(sample_structure())
    with pytest.raises(GioiaError) as error:
        render(source, tmp_path / "figure.pdf", Engine("graphviz-pure", PURE))
    assert error.value.message == (
        "PDF output needs Graphviz's dot or the svglib package: install Graphviz "
        "or `pip install svglib`, or write a .svg file."
    )
    assert not (tmp_path / "figure.pdf").exists()


def test_dot_file_needs_no_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIOIA_DOT", "no-such-engine")
    source, _ = to_dot(sample_structure())
    path = tmp_path / "figure.dot"
    assert render(source, path) == "none"
    assert path.read_bytes() == source.encode()


def test_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as error:
        render("digraph {}", tmp_path / "figure.jpg")
    assert error.value.message == (
        "Cannot write a figure to 'figure.jpg': name a .svg, .png, .pdf or .dot file."
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"direction": "rl"}, "Unknown direction 'rl': use lr or tb."),
        ({"order": "size"}, "Unknown order 'size': use structure, alpha or count."),
        ({"font": 'Ar"ial'}, "'Ar\"ial' is not a font name: give one family, such as Arial."),
        ({"font": " "}, "' ' is not a font name: give one family, such as Arial."),
        ({"max_width": 1.5}, "A figure is between 2 and 100 inches wide (not 1.5)."),
        ({"max_width": float("nan")}, "A figure is between 2 and 100 inches wide (not nan)."),
        ({"max_width": float("inf")}, "A figure is between 2 and 100 inches wide (not inf)."),
    ],
)
def test_invalid_options(options: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput) as error:
        FigureOptions(**options)  # type: ignore[arg-type]
    assert error.value.message == message


def test_font_reaches_the_drawing(engine: Engine, tmp_path: Path) -> None:
    source, _ = to_dot(sample_structure(), FigureOptions(font="Times New Roman"))
    path = tmp_path / "figure.svg"
    render(source, path, engine)
    families = {t.get("font-family") for t in ET.fromstring(path.read_bytes()).iter(f"{SVG}text")}
    assert families == {"Times New Roman"}


# The engine choice


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


def test_no_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GIOIA_DOT", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(figure, "_graphviz_pure", lambda: None)
    with pytest.raises(GioiaError) as error:
        render("digraph {}", tmp_path / "figure.svg")
    assert error.value.message == (
        "No Graphviz found to draw the figure: reinstall gioia (it brings graphviz-pure), "
        "install Graphviz, or write a .dot file."
    )


def test_gioia_dot_names_the_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIOIA_DOT", PURE)
    assert find_engine() == Engine("graphviz-pure", PURE)
    source, _ = to_dot(sample_structure())
    assert render(source, tmp_path / "figure.svg") == "graphviz-pure"


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
    source, _ = to_dot(sample_structure())
    assert render(source, tmp_path / "figure.svg") == "dot"
    with pytest.raises(GioiaError) as error:
        render(source, tmp_path / "figure.pdf")
    assert error.value.message == f"{fake} could not draw the figure; its messages follow."
    assert error.value.details
    assert not (tmp_path / "figure.pdf").exists()


def test_import_is_cheap() -> None:
    heavy = "{'svglib', 'reportlab', 'graphviz'}"
    code = f"import sys, gioia.figure; print(sorted({heavy} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"
