"""Reading the structure: the tree dimension > theme > concept with its counts.

A concept under several themes (where the project allows it) appears under each, and a
theme under several dimensions under each; counts at theme and dimension level count
each coding once.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import ColumnElement, Row, Table, and_, case, func, select

from gioia import schema
from gioia.errors import InvalidInput
from gioia.ops import scopes
from gioia.ops.base import Tx, evidence_coder, evidence_name
from gioia.ops.levels import codes_at_level, level_codes, parent_map
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
IntArray = npt.NDArray[np.intp]


def _applications(tx: Tx, coder_id: int | None) -> dict[str, IntArray]:
    """The codings as they count, as arrays: a coder's concept on a segment once, however
    many spans mark it (``quoted`` when one of them is a quote), with the segment's
    transcript, case and informant (-1 for none). Three queries: the codings (with their
    quote flag), the segments and the transcripts."""
    codings, segments, transcripts = schema.codings.c, schema.segments.c, schema.transcripts.c
    whole = and_(codings.char_start == segments.char_start, codings.char_end == segments.char_end)
    query = select(
        codings.coder_id, codings.concept_id, codings.segment_id, case((whole, 0), else_=1)
    ).join(schema.segments, segments.id == codings.segment_id)
    if coder_id is not None:
        query = query.where(codings.coder_id == coder_id)
    found = _one_per_application(tx.fetch_array(query, 4))
    none = func.coalesce(segments.informant_id, transcripts.informant_id, -1)
    places = tx.fetch_array(
        select(segments.id, transcripts.id, func.coalesce(transcripts.case_id, -1), none).join(
            schema.transcripts, transcripts.id == segments.transcript_id
        ),
        4,
    )
    where = places[_positions(places[:, 0], found[:, 2])]
    return {
        "coder": found[:, 0],
        "concept": found[:, 1],
        "segment": found[:, 2],
        "quoted": found[:, 3],
        "transcript": where[:, 1],
        "case": where[:, 2],
        "informant": where[:, 3],
    }


def _one_per_application(found: IntArray) -> IntArray:
    """The rows (coder, concept, segment, quoted) once per coder, concept and segment,
    quoted if any of its spans is a quote. The three ids are read as one number where
    it fits in 63 bits, so one sort of numbers does what a sort of rows would."""
    if not len(found):
        return found
    span = found[:, :3].max(axis=0).astype(object) + 1
    if int(span[0] * span[1] * span[2] * 2) >= 2**63:
        order = np.lexsort((-found[:, 3], found[:, 2], found[:, 1], found[:, 0]))
        ordered = found[order]
        first = np.ones(len(ordered), dtype=bool)
        first[1:] = (ordered[1:, :3] != ordered[:-1, :3]).any(axis=1)
        kept: IntArray = ordered[first]
        return kept
    size = [int(n) for n in span]
    keys = np.sort(
        ((found[:, 0] * size[1] + found[:, 1]) * size[2] + found[:, 2]) * 2 + found[:, 3]
    )
    application = keys >> 1
    last = np.ones(len(keys), dtype=bool)  # the last of each application: quoted, if any is
    last[:-1] = application[1:] != application[:-1]
    keys = keys[last]
    application = keys >> 1
    segment = application % size[2]
    concept = application // size[2] % size[1]
    coder = application // (size[2] * size[1])
    rows: IntArray = np.stack([coder, concept, segment, keys & 1], axis=1)
    return rows


def _positions(ids: IntArray, wanted: IntArray) -> IntArray:
    """Where each of ``wanted`` is in ``ids`` (every one is there): a table indexed by id
    where the ids are dense enough, else a binary search."""
    top = int(ids.max(initial=0))
    if top < 4 * len(ids) + 1024:
        at = np.zeros(top + 1, dtype=np.intp)
        at[ids] = np.arange(len(ids))
        found: IntArray = at[wanted]
        return found
    order = np.argsort(ids)
    found = order[np.searchsorted(ids[order], wanted)]
    return found


def _counts(tx: Tx, level: str, applied: dict[str, IntArray]) -> dict[int, Counts]:
    """Counts per concept, theme or dimension: each application once in every item it
    reaches (a concept under two themes in one dimension reaches it once)."""
    rows, codes = codes_at_level(applied["concept"], *level_codes(tx, level))
    items, group = np.unique(codes, return_inverse=True)
    group = group.ravel()

    def distinct(values: IntArray) -> list[int]:
        """Per item, how many distinct values (-1, none, left out)."""
        known = values >= 0
        size = int(values.max(initial=0)) + 1
        ordered = np.sort(group[known] * size + values[known])
        new = np.ones(len(ordered), dtype=bool)
        new[1:] = ordered[1:] != ordered[:-1]
        found: list[int] = np.bincount(ordered[new] // size, minlength=len(items)).tolist()
        return found

    n = np.bincount(group, minlength=len(items)).tolist()
    quotes = np.bincount(group, weights=applied["quoted"][rows], minlength=len(items))
    segments, transcripts, cases, informants = (
        distinct(applied[k][rows]) for k in ("segment", "transcript", "case", "informant")
    )
    return {
        int(item): Counts(
            n[i], segments[i], transcripts[i], cases[i], informants[i], int(quotes[i])
        )
        for i, item in enumerate(items.tolist())
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
    applied = _applications(tx, coder_id)
    counts = {level: _counts(tx, level, applied) for level in ("concept", "theme", "dimension")}

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
