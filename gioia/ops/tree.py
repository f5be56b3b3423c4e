"""Reading the structure: the tree dimension > theme > concept with its counts.

A concept under several themes (where the project allows it) appears under each, and a
theme under several dimensions under each; counts at theme and dimension level count
each coding once.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import distinct, func, select

from gioia.errors import InvalidInput
from gioia.ops import memos, scopes
from gioia.ops.base import Tx, coding_applications, evidence_coder
from gioia.ops.listing import segments as list_segments
from gioia.ops.parents import extras, links, parent_map
from gioia.ops.structure import child_names, get_item, level, parent_names
from gioia.store import Coder, Concept, Dimension, Segment, Theme, Transcript
from gioia.text import name_key
from gioia.views import (
    ConceptNode,
    Counts,
    DimensionNode,
    ItemInfo,
    ItemRow,
    StructureView,
    ThemeNode,
)

ORDERS = ("structure", "alpha", "count")


def _counts(tx: Tx, level: str, coder_id: int | None, shared: bool) -> dict[Any, Counts]:
    """Counts per concept, theme or dimension, a coder's concept on a segment once (see
    ``coding_applications``). In a tree each application reaches one theme and one
    dimension; with ``shared`` items it can reach a dimension through two of its themes,
    and counts there once."""
    applied = coding_applications(coder_id)
    rows = select(
        applied.c.concept_id.label("group"),
        applied.c.coder_id,
        applied.c.concept_id,
        applied.c.segment_id,
        applied.c.transcript_id,
        applied.c.quoted,
    )
    if level != "concept" and not shared:
        rows = rows.join(Concept, Concept.id == applied.c.concept_id)
        group: Any = Concept.theme_id
        if level == "dimension":
            rows = rows.join(Theme, Theme.id == Concept.theme_id)
            group = Theme.dimension_id
        rows = rows.with_only_columns(group.label("group"), *list(rows.selected_columns)[1:])
    elif level != "concept":
        themes = links("concept")
        rows = rows.join(themes, themes.c.child == applied.c.concept_id)
        group = themes.c.parent
        if level == "dimension":
            dimensions = links("theme")
            rows = rows.join(dimensions, dimensions.c.child == themes.c.parent)
            group = dimensions.c.parent
        rows = rows.with_only_columns(group.label("group"), *list(rows.selected_columns)[1:])
        rows = rows.distinct()
    reached = rows.subquery()
    informant = func.coalesce(Segment.informant_id, Transcript.informant_id)
    query = (
        select(
            reached.c.group,
            func.count(),
            func.count(distinct(reached.c.segment_id)),
            func.count(distinct(reached.c.transcript_id)),
            func.count(distinct(Transcript.case_id)),
            func.count(distinct(informant)),
            func.sum(reached.c.quoted),
        )
        .join(Segment, Segment.id == reached.c.segment_id)
        .join(Transcript, Transcript.id == reached.c.transcript_id)
        .group_by(reached.c.group)
    )
    return {
        key: Counts(int(n), int(s), int(t), int(c), int(i), int(q or 0))
        for key, n, s, t, c, i, q in tx.session.execute(query)
        if key is not None
    }


def structure(tx: Tx, *, coder: str | None = None, order: str = "structure") -> StructureView:
    """The tree dimension > theme > concept with counts (see ``evidence_coder``: a blind
    coder's own by default), with the concepts the acting coder may see.

    ``order``: ``structure`` (the order items were made in), ``alpha`` or ``count``
    (segments, most first).
    """
    if order not in ORDERS:
        raise InvalidInput(f"Cannot order by {order!r}: choose structure, alpha or count.")
    coder_id = evidence_coder(tx, coder)
    shared = bool(extras(tx))
    counts = {
        level: _counts(tx, level, coder_id, shared) for level in ("concept", "theme", "dimension")
    }

    def sort(nodes: list[Any]) -> tuple[Any, ...]:
        if order == "alpha":
            nodes = sorted(nodes, key=lambda n: name_key(n.name))
        elif order == "count":
            nodes = sorted(nodes, key=lambda n: (-n.counts.segments, name_key(n.name)))
        return tuple(nodes)

    theme_names = {id_: name for id_, name in tx.session.execute(select(Theme.id, Theme.name))}
    dimension_rows = tx.session.scalars(
        select(Dimension).order_by(Dimension.position, Dimension.id)
    )
    dimensions = list(dimension_rows)
    dimension_names = {d.id: d.name for d in dimensions}
    concept_themes = parent_map(tx, "concept")
    theme_dimensions = parent_map(tx, "theme")

    concepts: dict[int | None, list[ConceptNode]] = defaultdict(list)
    held: list[int | None]
    under: list[int | None]
    visible = select(Concept).where(tx.viewer.concept_clause())
    shown = scopes.labels(tx)  # another coder's private concept as "Trust [Ana]"
    for c in tx.session.scalars(visible.order_by(Concept.position, Concept.id)):
        held = list(concept_themes.get(c.id, []))
        concept = ConceptNode(
            shown[c.id],
            c.definition,
            counts["concept"].get(c.id, Counts()),
            tuple(theme_names[t] for t in held if t is not None),
        )
        for theme_id in held or [None]:
            concepts[theme_id].append(concept)
    themes: dict[int | None, list[ThemeNode]] = defaultdict(list)
    for t in tx.session.scalars(select(Theme).order_by(Theme.position, Theme.id)):
        under = list(theme_dimensions.get(t.id, []))
        theme = ThemeNode(
            t.name,
            t.definition,
            counts["theme"].get(t.id, Counts()),
            sort(concepts[t.id]),
            tuple(dimension_names[d] for d in under if d is not None),
        )
        for dimension_id in under or [None]:
            themes[dimension_id].append(theme)
    evidence = tx.session.get(Coder, coder_id) if coder_id is not None else None
    return StructureView(
        sort(
            [
                DimensionNode(
                    d.name,
                    d.definition,
                    counts["dimension"].get(d.id, Counts()),
                    sort(themes[d.id]),
                )
                for d in dimensions
            ]
        ),
        sort(themes[None]),
        sort(concepts[None]),
        evidence.name if evidence else None,
    )


def items(tx: Tx, word: str, *, coder: str | None = None) -> list[ItemRow]:
    """Every item of a level, by name, with its parents (joined by ", ") and counts."""
    return items_of(structure(tx, coder=coder, order="alpha"), word)


def items_of(view: StructureView, word: str) -> list[ItemRow]:
    """The items of one level of a structure, by name, with their parents and counts."""
    themes = {t.name: t for d in view.dimensions for t in d.themes}
    themes.update((t.name, t) for t in view.themes_without_dimension)
    if word == "dimension":
        rows = [
            ItemRow(d.name, d.definition, None, len(d.themes), d.counts) for d in view.dimensions
        ]
    elif word == "theme":
        rows = [
            ItemRow(
                t.name, t.definition, ", ".join(t.dimensions) or None, len(t.concepts), t.counts
            )
            for t in themes.values()
        ]
    elif word == "concept":
        concepts = {c.name: c for t in themes.values() for c in t.concepts}
        concepts.update((c.name, c) for c in view.concepts_without_theme)
        rows = [
            ItemRow(c.name, c.definition, ", ".join(c.themes) or None, 0, c.counts)
            for c in concepts.values()
        ]
    else:
        raise InvalidInput(f"{word!r} is not a level: choose concept, theme or dimension.")
    return sorted(rows, key=lambda r: name_key(r.name))


def item_info(tx: Tx, word: str, name: str, *, coder: str | None = None) -> ItemInfo:
    """A concept's, theme's or dimension's definition, parents (and a concept's theme's
    dimensions), children, counts (of the evidence, as ``structure`` counts), the memos
    the acting coder may read, and, for a concept, two segments of the evidence."""
    lvl = level(word)
    item = get_item(tx, word, name)
    above = parent_names(tx, word, item)
    grand: list[str] = []
    if word == "concept":
        for theme in above:
            grand += [g for g in parent_names(tx, "theme", get_item(tx, "theme", theme))]
    view = structure(tx, coder=coder)
    name = scopes.label_of(tx, item) if isinstance(item, Concept) else item.name
    counts = next((row.counts for row in items_of(view, word) if row.name == name), Counts())
    examples: tuple[Any, ...] = ()
    if word == "concept":
        evidence = evidence_coder(tx, coder)
        found = list_segments(tx, concept=name, only_coder=evidence, include_interviewer=True)
        examples = tuple(found[:2])
    return ItemInfo(
        word,
        name,
        item.definition,
        ", ".join(above) or None,
        ", ".join(dict.fromkeys(grand)) or None,
        tuple(child_names(tx, lvl, item)),
        counts,
        view.evidence,
        memos.on_item(tx, word, item.id),
        examples,
    )
