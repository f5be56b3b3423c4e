"""The structure as a directed graph (networkx): who is under whom, in what order.

Nodes are ``(level, name)`` with ``level`` one of ``concept``, ``theme``, ``dimension``;
each edge runs from a child to a parent. A concept under two themes is one node with two
edges, so the figure draws it once with a line to each theme. The order of each column
puts every item in the block of its first parent and, when it has later parents too, at
the end of that block next to them; within a dimension, themes that share concepts are
brought next to each other when that removes crossings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise
from typing import TYPE_CHECKING, TypeVar

from gioia.views_structure import ConceptNode, DimensionNode, StructureView, ThemeNode

if TYPE_CHECKING:
    import networkx as nx

Key = tuple[str, str]  # (level, name)
_Node = TypeVar("_Node", ConceptNode, ThemeNode, DimensionNode)


@dataclass(frozen=True)
class Columns:
    """The items of each column, top to bottom (left to right in a tb figure)."""

    concepts: tuple[Key, ...]
    themes: tuple[Key, ...]
    dimensions: tuple[Key, ...]

    def all(self) -> tuple[tuple[Key, ...], tuple[Key, ...], tuple[Key, ...]]:
        return self.concepts, self.themes, self.dimensions


def ordered(nodes: Sequence[_Node], order: str) -> list[_Node]:
    """``nodes`` as given (``structure``), by name (``alpha``) or by segments (``count``)."""
    if order == "alpha":
        return sorted(nodes, key=lambda n: (n.name.casefold(), n.name))
    if order == "count":
        return sorted(nodes, key=lambda n: (-n.counts.segments, n.name.casefold(), n.name))
    return list(nodes)


def structure_graph(structure: StructureView, order: str = "structure") -> nx.DiGraph:
    """The drawn part of the structure: dimensions, their themes and those themes' concepts.

    Each node carries its view (``item``); edges keep the order the structure gives.
    """
    import networkx as nx

    graph = nx.DiGraph()
    for dimension in ordered(structure.dimensions, order):
        d_key = ("dimension", dimension.name)
        graph.add_node(d_key, item=dimension)
        for theme in ordered(dimension.themes, order):
            t_key = ("theme", theme.name)
            if t_key not in graph:
                graph.add_node(t_key, item=theme)
            graph.add_edge(t_key, d_key)
            for concept in ordered(theme.concepts, order):
                c_key = ("concept", concept.name)
                if c_key not in graph:
                    graph.add_node(c_key, item=concept)
                graph.add_edge(c_key, t_key)
    return graph


def columns(graph: nx.DiGraph) -> Columns:
    """The order of each column: dimensions as given, then each level under the one above."""
    dimensions = [key for key in graph if key[0] == "dimension"]
    themes = _children(graph, dimensions)
    themes = _share_neighbours(graph, dimensions, themes)
    return Columns(tuple(_children(graph, themes)), tuple(themes), tuple(dimensions))


def parents(graph: nx.DiGraph, key: Key, placed: Sequence[Key]) -> list[Key]:
    """The parents of ``key`` in the order of ``placed`` (the column above)."""
    rank = {parent: i for i, parent in enumerate(placed)}
    return sorted((p for p in graph.successors(key) if p in rank), key=rank.__getitem__)


def children(graph: nx.DiGraph, key: Key) -> list[Key]:
    """The children of ``key`` in the order the structure gives them."""
    return list(graph.predecessors(key))


def crossings(graph: nx.DiGraph, cols: Columns) -> int:
    """How many pairs of lines cross when the columns are drawn in this order."""
    rank = {key: i for column in cols.all() for i, key in enumerate(column)}
    count = 0
    for level in ("concept", "theme"):
        lines = [
            (rank[a], rank[b]) for a, b in graph.edges if a[0] == level and a in rank and b in rank
        ]
        count += sum(1 for (a, b), (c, d) in combinations(lines, 2) if (a - c) * (b - d) < 0)
    return count


def _children(graph: nx.DiGraph, placed: Sequence[Key]) -> list[Key]:
    """The children of ``placed`` items, each in the block of its first parent; those
    with later parents too at the end of the block, nearest parent first."""
    rank = {parent: i for i, parent in enumerate(placed)}
    seen: dict[Key, int] = {}
    for parent in placed:
        for child in graph.predecessors(parent):
            seen.setdefault(child, len(seen))

    def key(child: Key) -> tuple[int, int, tuple[int, ...], int]:
        ranks = sorted(rank[p] for p in graph.successors(child) if p in rank)
        return ranks[0], int(len(ranks) > 1), tuple(ranks[1:]), seen[child]

    return sorted(seen, key=key)


def _share_neighbours(graph: nx.DiGraph, dimensions: Sequence[Key], themes: list[Key]) -> list[Key]:
    """Within each dimension, themes chained so that themes sharing concepts are
    neighbours, when that leaves fewer crossings than the given order."""
    first = {t: parents(graph, t, dimensions)[0] for t in themes}
    shared = {
        pair: len(set(graph.predecessors(pair[0])) & set(graph.predecessors(pair[1])))
        for pair in combinations(themes, 2)
        if first[pair[0]] == first[pair[1]]
    }
    if not any(shared.values()):
        return themes
    chained: list[Key] = []
    for dimension in dimensions:
        block = [t for t in themes if first[t] == dimension]
        order = block[:1]
        rest = block[1:]
        while rest:
            last = order[-1]
            best = max(rest, key=lambda t: shared.get((last, t), shared.get((t, last), 0)))
            if not shared.get((last, best), shared.get((best, last), 0)):
                best = rest[0]
            order.append(best)
            rest.remove(best)
        chained += order

    def drawn(theme_order: list[Key]) -> int:
        return crossings(
            graph, Columns(tuple(_children(graph, theme_order)), tuple(theme_order), ())
        )

    return chained if drawn(chained) < drawn(themes) else themes


def linked_dimensions(graph: nx.DiGraph, dimensions: Sequence[Key]) -> list[list[Key]]:
    """The dimensions in runs that must be drawn together: a theme or a concept under two
    dimensions links them (and every dimension between them)."""
    import networkx as nx

    rank = {d: i for i, d in enumerate(dimensions)}
    links = nx.Graph()
    links.add_nodes_from(dimensions)
    for key in graph:
        if key[0] != "dimension":
            above = {d for d in nx.descendants(graph, key) if d[0] == "dimension" and d in rank}
            ordered_above = sorted(above, key=rank.__getitem__)
            links.add_edges_from(pairwise(ordered_above))
    runs: list[list[Key]] = []
    reach = -1  # the last dimension the current run must hold
    for dimension in dimensions:
        if rank[dimension] > reach:
            runs.append([])
        runs[-1].append(dimension)
        component = nx.node_connected_component(links, dimension)
        reach = max(reach, *(rank[d] for d in component))
    return runs
