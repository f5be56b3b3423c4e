"""Reading the structure: the tree dimension > theme > concept with its counts.

A concept under several themes (where the project allows it) appears under each, and a
theme under several dimensions under each; counts at theme and dimension level count
each coding once.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, ColumnElement, Row, Table, cast, func, not_, or_, select

from gioia import schema
from gioia.errors import InvalidInput
from gioia.ops import scopes
from gioia.ops.base import Tx, evidence_coder, evidence_name
from gioia.ops.levels import LEVELS, level_codes, parent_map
from gioia.structure_counts import (
    Applications,
    Codings,
    Segments,
    Transcripts,
    applications,
    level_counts,
)
from gioia.text import name_key
from gioia.views_structure import (
    ConceptNode,
    Counts,
    DimensionNode,
    ItemInfo,
    ItemRow,
    StructureView,
    ThemeNode,
)

ORDERS = ("structure", "alpha", "count")


#: The codings' segment, concept and coder are read as one number where they fit below.
PACKED = 2**62


def _applications(tx: Tx, coder_id: int | None) -> Applications:
    """The codings as they count (``structure_counts.applications``): integer arrays of
    the codings (of ``coder_id`` only, if given), the segments and the transcripts,
    matched in numpy rather than joined in SQL."""
    segments, transcripts = schema.segments.c, schema.transcripts.c
    places = tx.fetch_array(
        select(
            segments.id,
            segments.transcript_id,
            segments.char_start,
            segments.char_end,
            func.coalesce(segments.informant_id, -1),
        ),
        5,
    ).T
    held = tx.fetch_array(
        select(
            transcripts.id,
            func.coalesce(transcripts.case_id, -1),
            func.coalesce(transcripts.informant_id, -1),
        ),
        3,
    ).T
    return applications(_codings(tx, coder_id), Segments(*places), Transcripts(*held))


def _codings(tx: Tx, coder_id: int | None) -> Codings:
    """The codings as arrays, their segment, concept and coder read as one number where
    it fits (``PACKED``): fewer numbers for the database to write and numpy to read.

    The sizes come from the ids' maxima, read first. Where each statement sees what was
    committed before it began (a writing transaction on PostgreSQL), the codings with
    larger ids (another writer's, meanwhile) are read apart, unpacked; a transaction that
    reads one snapshot (``Tx.one_snapshot``) holds no coding above the maxima it read
    (a coding's segment, concept and coder are rows of that snapshot too)."""
    c = schema.codings.c
    ids = [c.segment_id, c.concept_id, c.coder_id]
    where = [] if coder_id is None else [c.coder_id == coder_id]
    sizes = _sizes(tx)
    if sizes[0] * sizes[1] * sizes[2] >= PACKED:
        columns = select(*ids, c.char_start, c.char_end).where(*where)
        segment, concept, coder, start, end = tx.fetch_array(columns, 5).T
        return Codings(coder, concept, segment, start, end)
    fits = [column < size for column, size in zip(ids, sizes, strict=True)]
    key = (cast(c.segment_id, BigInteger) * sizes[1] + c.concept_id) * sizes[2] + c.coder_id
    query = select(key, c.char_start, c.char_end).where(*where, *fits)
    key, start, end = tx.fetch_array(query, 3).T
    place, coder = np.divmod(key, sizes[2])
    segment, concept = np.divmod(place, sizes[1])
    found = [segment, concept, coder, start, end]
    if not tx.one_snapshot:
        above = or_(*(not_(condition) for condition in fits))
        rest = tx.fetch_array(select(*ids, c.char_start, c.char_end).where(*where, above), 5).T
        found = [np.concatenate(pair) for pair in zip(found, rest, strict=True)]
    segment, concept, coder, start, end = found
    return Codings(coder, concept, segment, start, end)


def _sizes(tx: Tx) -> list[int]:
    """One more than the largest segment, concept and coder id."""
    tops = [
        select(func.max(t.c.id)).scalar_subquery()
        for t in (schema.segments, schema.concepts, schema.coders)
    ]
    return [(top or 0) + 1 for top in tx.execute(select(*tops)).one()]


def structure(tx: Tx, *, coder: str | None = None, order: str = "structure") -> StructureView:
    """The tree dimension > theme > concept with counts (see ``evidence_coder``: a blind
    coder's own by default), with the concepts the acting coder may see.

    ``order``: ``structure`` (the order items were made in), ``alpha`` or ``count``
    (segments, most first).
    """
    if order not in ORDERS:
        raise InvalidInput(f"Cannot order by {order!r}: choose structure, alpha or count.")
    coder_id = evidence_coder(tx, coder)
    applied = _applications(tx, coder_id)
    counts = {
        level: {item: Counts(*found) for item, found in level_counts(applied, *pairs).items()}
        for level, pairs in ((word, level_codes(tx, word)) for word in LEVELS)
    }

    def sort(nodes: list[Any]) -> tuple[Any, ...]:
        if order == "alpha":
            nodes = sorted(nodes, key=lambda n: name_key(n.name))
        elif order == "count":
            nodes = sorted(nodes, key=lambda n: (-n.counts.segments, name_key(n.name)))
        return tuple(nodes)

    def rows(table: Table, *where: ColumnElement[bool]) -> list[Row[Any]]:
        c = table.c
        query = select(c.id, c.name, c.definition).where(*where).order_by(c.position, c.id)
        return list(tx.execute(query))

    dimensions = rows(schema.dimensions)
    dimension_names = {d.id: d.name for d in dimensions}
    theme_rows = rows(schema.themes)
    theme_names = {t.id: t.name for t in theme_rows}
    concept_themes = parent_map(tx, "concept")
    theme_dimensions = parent_map(tx, "theme")

    concepts: dict[int | None, list[ConceptNode]] = defaultdict(list)
    held: list[int | None]
    under: list[int | None]
    shown = scopes.labels(tx)  # another coder's private concept as "Trust [Ana]"
    for c in rows(schema.concepts, tx.viewer.concept_clause()):
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
    for t in theme_rows:
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
    evidence = evidence_name(tx, coder_id)
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
        evidence,
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
    from gioia.ops import memos
    from gioia.ops.listing import segments as list_segments
    from gioia.ops.structure import child_names, get_item, level, parent_names

    lvl = level(word)
    item = get_item(tx, word, name)
    above = parent_names(tx, word, item)
    grand: list[str] = []
    if word == "concept":
        for theme in above:
            grand += [g for g in parent_names(tx, "theme", get_item(tx, "theme", theme))]
    view = structure(tx, coder=coder)
    named = scopes.label_of(tx, item) if word == "concept" else item.name  # type: ignore[arg-type]
    counts = next((row.counts for row in items_of(view, word) if row.name == named), Counts())
    examples: tuple[Any, ...] = ()
    if word == "concept":
        evidence = evidence_coder(tx, coder)
        found = list_segments(tx, concept=named, only_coder=evidence, include_interviewer=True)
        examples = tuple(found[:2])
    return ItemInfo(
        word,
        named,
        item.definition,
        ", ".join(above) or None,
        ", ".join(dict.fromkeys(grand)) or None,
        tuple(child_names(tx, lvl, item)),
        counts,
        view.evidence,
        memos.on_item(tx, word, item.id),
        examples,
    )
