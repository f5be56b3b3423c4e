"""Co-occurrence of codes: for each pair, the units (segments or transcripts) where both
occur, with Jaccard's coefficient and the count expected were they independent; and the
network of codes that Gephi reads or Graphviz draws."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from gioia.analysis.evidence import Evidence
from gioia.errors import InvalidInput

if TYPE_CHECKING:
    import networkx as nx

WITHIN = ("segment", "transcript")


@dataclass(frozen=True)
class CodePair:
    """Two codes that occur together: in ``count`` units, Jaccard's ``jaccard`` (count over
    the units with either) and ``expected`` = n(a) × n(b) / units under independence."""

    a: str
    b: str
    count: int
    jaccard: float
    expected: float


@dataclass(frozen=True)
class Cooccurrence:
    """Which codes occur together within ``within`` units (segments or transcripts).
    At theme level a concept under two themes puts both on its segments, so they occur
    together there.

    ``units`` is the number of units that could hold a code (the base of ``expected``);
    ``frequencies`` the units holding each code; ``pairs`` those with ``count`` ≥
    ``min_count``, most frequent first (ties in structure order).
    """

    level: str
    within: str
    coder: str | None
    units: int
    codes: tuple[str, ...]
    parents: tuple[str | None, ...]
    frequencies: tuple[int, ...]
    pairs: tuple[CodePair, ...]
    min_count: int = 1


def cooccurrence(evidence: Evidence, within: str = "segment", min_count: int = 1) -> Cooccurrence:
    """Count, for every pair of the evidence's codes, the units where both occur."""
    if within not in WITHIN:
        raise InvalidInput(
            f"Cannot count co-occurrence within {within!r}: choose segment or transcript."
        )
    if min_count < 1:
        raise InvalidInput("The minimum count must be at least 1.")
    n_codes = len(evidence.codes)
    unit_ids = evidence.segment if within == "segment" else evidence.transcript
    units = evidence.units if within == "segment" else len(evidence.transcripts)
    present = np.zeros((0, n_codes))
    if len(unit_ids):
        _, unit = np.unique(unit_ids, return_inverse=True)
        present = np.zeros((int(unit.max()) + 1, n_codes))
        present[unit, evidence.code] = 1.0
    both = present.T @ present  # BLAS: floats count exactly far beyond any study's size
    frequency = np.diag(both).astype(np.int64)
    pairs = []
    for a, b in zip(*np.nonzero(np.triu(both, k=1) >= min_count), strict=True):
        count = int(both[a, b])
        union = int(frequency[a] + frequency[b]) - count
        pairs.append(
            CodePair(
                evidence.codes[a],
                evidence.codes[b],
                count,
                count / union,
                float(frequency[a] * frequency[b]) / units if units else 0.0,
            )
        )
    rank = {code: n for n, code in enumerate(evidence.codes)}
    pairs.sort(key=lambda p: (-p.count, rank[p.a], rank[p.b]))
    return Cooccurrence(
        level=evidence.level,
        within=within,
        coder=evidence.coder,
        units=units,
        codes=evidence.codes,
        parents=evidence.parents,
        frequencies=tuple(int(f) for f in frequency),
        pairs=tuple(pairs),
        min_count=min_count,
    )


def network(result: Cooccurrence) -> nx.Graph:
    """The codes as a networkx graph: a node per code that occurs (``frequency``, also as
    ``size``, and its ``parent``), an edge per pair (``weight`` = count, ``jaccard``,
    ``expected``)."""
    import networkx as nx

    graph = nx.Graph(level=result.level, within=result.within, units=result.units)
    for code, parent, frequency in zip(
        result.codes, result.parents, result.frequencies, strict=True
    ):
        if frequency:
            attributes: dict[str, Any] = {"label": code, "frequency": frequency, "size": frequency}
            if parent:
                attributes["parent"] = parent
            graph.add_node(code, **attributes)
    for pair in result.pairs:
        graph.add_edge(
            pair.a,
            pair.b,
            weight=pair.count,
            jaccard=round(pair.jaccard, 6),
            expected=round(pair.expected, 6),
        )
    return graph


def network_dot(result: Cooccurrence, max_width: float = 6.5, dpi: int = 0) -> str:
    """The network as DOT for Graphviz's ``neato``: an ellipse per code that occurs, its
    name and frequency inside, at least as large as its frequency asks (area in
    proportion) and tinted by its theme (dimension); a line per pair, as thick as the pair
    is frequent. ``dpi``: the resolution of a bitmap drawn from it."""
    import textwrap

    from gioia.figure import TINTS

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    present = [i for i, f in enumerate(result.frequencies) if f]
    top = max((result.frequencies[i] for i in present), default=1)
    parents = list(dict.fromkeys(result.parents[i] for i in present))
    tint = {p: TINTS[n % len(TINTS)] for n, p in enumerate(parents)}
    strongest = max((p.count for p in result.pairs), default=1)
    lines = [
        "graph cooccurrence {",
        f'  graph [layout=neato, overlap=prism, sep="+12", splines=false, outputorder=edgesfirst, '
        f'start=1, size="{max_width:g},{max_width:g}", fontname="Arial", '
        f"pad=0.2{f', dpi={dpi}' if dpi else ''}];",
        '  node [shape=ellipse, style=filled, color="#333333", penwidth=0.6, '
        'fontname="Arial", fontsize=8, margin="0.04,0.02"];',
        '  edge [color="#555555"];',
    ]
    for i in present:
        frequency = result.frequencies[i]
        label = (
            "\n".join(textwrap.wrap(result.codes[i], 18, break_long_words=False))
            + f"\n({frequency})"
        )
        scale = (frequency / top) ** 0.5
        lines.append(
            f"  n{i} [width={0.5 + 1.1 * scale:.3f}, height={0.3 + 0.6 * scale:.3f}, "
            f'fillcolor="{tint[result.parents[i]]}", label={quoted(label)}, '
            f"tooltip={quoted(result.codes[i])}];"
        )
    index = {code: i for i, code in enumerate(result.codes)}
    for pair in result.pairs:
        width = 0.5 + 3.5 * pair.count / strongest
        lines.append(
            f"  n{index[pair.a]} -- n{index[pair.b]} [penwidth={width:.2f}, "
            f"tooltip={quoted(f'{pair.a} & {pair.b}: {pair.count}')}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def draw_network(result: Cooccurrence, fmt: str) -> bytes:
    """The network laid out by Graphviz's ``neato`` (the engine the figure uses: see
    ``gioia.graphviz_engine.find_engine``) as ``svg`` or ``png`` (300 dpi, recorded)."""
    from gioia.graphviz_engine import PNG_DPI, find_engine, run_neato

    source = network_dot(result, dpi=PNG_DPI if fmt == "png" else 0)
    return run_neato(find_engine(), fmt, source, pinned=False, what="the network")
