"""Reading the Gioia structure: the tree with its counts, the items of a level, and
what `gioia concept|theme|dimension info` shows about one item."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import distinct, func, select

from gioia.errors import InvalidInput
from gioia.ops import memos
from gioia.ops.base import Tx, coding_applications, evidence_coder
from gioia.ops.listing import segments as list_segments
from gioia.ops.structure import child_names, get_item, level, name_of
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


def _counts(tx: Tx, group: Any, coder_id: int | None) -> dict[Any, Counts]:
    """Counts per ``group`` (a column of Concept or Theme): a coder's concept on a
    segment counts once however many quotes mark it (see ``coding_applications``)."""
    applied = coding_applications(coder_id)
    informant = func.coalesce(Segment.informant_id, Transcript.informant_id)
    query = (
        select(
            group,
            func.count(),
            func.count(distinct(applied.c.segment_id)),
            func.count(distinct(applied.c.transcript_id)),
            func.count(distinct(Transcript.case_id)),
            func.count(distinct(informant)),
            func.sum(applied.c.quoted),
        )
        .select_from(applied)
        .join(Segment, Segment.id == applied.c.segment_id)
        .join(Transcript, Transcript.id == applied.c.transcript_id)
        .join(Concept, Concept.id == applied.c.concept_id)
        .outerjoin(Theme, Theme.id == Concept.theme_id)
        .where(tx.viewer.own(applied.c.coder_id))
        .group_by(group)
    )
    return {
        key: Counts(int(n), int(s), int(t), int(c), int(i), int(q or 0))
        for key, n, s, t, c, i, q in tx.session.execute(query)
    }


def structure(tx: Tx, *, coder: str | None = None, order: str = "structure") -> StructureView:
    """The tree dimension > theme > concept with counts (see ``evidence_coder``), with
    the concepts the acting coder may see.

    ``order``: ``structure`` (the order items were made in), ``alpha`` or ``count``
    (segments, most first).
    """
    if order not in ("structure", "alpha", "count"):
        raise InvalidInput(f"Cannot order by {order!r}: choose structure, alpha or count.")
    coder_id = evidence_coder(tx, coder)
    by_concept = _counts(tx, Concept.id, coder_id)
    by_theme = _counts(tx, Concept.theme_id, coder_id)
    by_dimension = _counts(tx, Theme.dimension_id, coder_id)

    def sort(nodes: list[Any]) -> tuple[Any, ...]:
        if order == "alpha":
            nodes = sorted(nodes, key=lambda n: name_key(n.name))
        elif order == "count":
            nodes = sorted(nodes, key=lambda n: (-n.counts.segments, name_key(n.name)))
        return tuple(nodes)

    concepts: dict[int | None, list[ConceptNode]] = defaultdict(list)
    visible = select(Concept).where(tx.viewer.concept_clause())
    for c in tx.session.scalars(visible.order_by(Concept.position, Concept.id)):
        concepts[c.theme_id].append(
            ConceptNode(c.name, c.definition, by_concept.get(c.id, Counts()))
        )
    themes: dict[int | None, list[ThemeNode]] = defaultdict(list)
    for t in tx.session.scalars(select(Theme).order_by(Theme.position, Theme.id)):
        themes[t.dimension_id].append(
            ThemeNode(t.name, t.definition, by_theme.get(t.id, Counts()), sort(concepts[t.id]))
        )
    dimensions = [
        DimensionNode(d.name, d.definition, by_dimension.get(d.id, Counts()), sort(themes[d.id]))
        for d in tx.session.scalars(select(Dimension).order_by(Dimension.position, Dimension.id))
    ]
    evidence = tx.session.get(Coder, coder_id) if coder_id is not None else None
    return StructureView(
        sort(dimensions),
        sort(themes[None]),
        sort(concepts[None]),
        evidence.name if evidence else None,
    )


def items(tx: Tx, word: str, *, coder: str | None = None) -> list[ItemRow]:
    """Every item of a level, by name, with its parent and counts."""
    level(word)
    return items_of(structure(tx, coder=coder, order="alpha"), word)


def items_of(view: StructureView, word: str) -> list[ItemRow]:
    """The items of one level of a structure, by name, with their parent and counts."""
    rows: list[ItemRow] = []
    for d in view.dimensions:
        if word == "dimension":
            rows.append(ItemRow(d.name, d.definition, None, len(d.themes), d.counts))
        for t in d.themes:
            if word == "theme":
                rows.append(ItemRow(t.name, t.definition, d.name, len(t.concepts), t.counts))
            if word == "concept":
                rows.extend(ItemRow(c.name, c.definition, t.name, 0, c.counts) for c in t.concepts)
    for t in view.themes_without_dimension:
        if word == "theme":
            rows.append(ItemRow(t.name, t.definition, None, len(t.concepts), t.counts))
        if word == "concept":
            rows.extend(ItemRow(c.name, c.definition, t.name, 0, c.counts) for c in t.concepts)
    if word == "concept":
        rows.extend(
            ItemRow(c.name, c.definition, None, 0, c.counts) for c in view.concepts_without_theme
        )
    return sorted(rows, key=lambda r: name_key(r.name))


def item_info(tx: Tx, word: str, name: str, *, coder: str | None = None) -> ItemInfo:
    """A concept's, theme's or dimension's definition, place, children, counts (of the
    evidence, as ``structure`` counts), the memos the acting coder may read, and, for
    a concept, two segments of the evidence."""
    lvl = level(word)
    item = get_item(tx, word, name)
    parent = grandparent = None
    if lvl.parent is not None:
        column = "theme_id" if word == "concept" else "dimension_id"
        parent = name_of(tx, lvl.parent, getattr(item, column))
        if word == "concept" and parent is not None:
            theme = tx.session.scalar(select(Theme).where(Theme.name == parent))
            grandparent = name_of(tx, "dimension", theme.dimension_id if theme else None)
    view = structure(tx, coder=coder)
    counts = next(
        (row.counts for row in items_of(view, word) if name_key(row.name) == item.name_key),
        Counts(),
    )
    examples: tuple[Any, ...] = ()
    if word == "concept":
        evidence = evidence_coder(tx, coder)
        found = list_segments(tx, concept=item.name, only_coder=evidence, include_interviewer=True)
        examples = tuple(found[:2])
    return ItemInfo(
        word,
        item.name,
        item.definition,
        parent,
        grandparent,
        tuple(child_names(tx, lvl, item)),
        counts,
        view.evidence,
        memos.on_item(tx, word, item.id),
        examples,
    )
