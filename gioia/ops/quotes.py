"""Representative quotes: chosen to spread over cases and informants, or picked by hand."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import and_, func, or_, select, update

from gioia import schema
from gioia.errors import InvalidInput, NotFound
from gioia.models import Case, Coding, Concept, Informant, Transcript
from gioia.ops.base import Tx, evidence_coder
from gioia.ops.objects import resolve_refs, segment_ref
from gioia.ops.structure import coding_snapshots, get_item
from gioia.text import clean_quote, trim_words
from gioia.views_structure import ConceptQuotes, Quote, StructureView

IntArray = npt.NDArray[np.int64]


NONE = -1  # a case or informant id no row has: the transcript names none


@dataclass(frozen=True)
class _Spans:
    """Every concept's quote candidates as parallel arrays, one entry per distinct span
    (segment, start, end), by concept and then in reading order; ``rank`` is the pick
    rank of the span's first picked coding (0: none), ``case`` and ``informant`` are
    ``NONE`` where the transcript names none. ``bounds`` gives each concept's entries."""

    segment: IntArray
    transcript: IntArray
    position: IntArray
    start: IntArray
    end: IntArray
    quoted: npt.NDArray[np.bool_]
    case: IntArray
    informant: IntArray
    rank: IntArray
    bounds: dict[int, tuple[int, int]]


def _candidates(tx: Tx, concept_ids: list[int], coder_id: int | None) -> _Spans:
    """Each concept's codings as quote candidates, one per distinct span, in reading
    order: the codings, segments and transcripts read as integers (no texts, no names),
    joined and grouped in numpy."""
    codings, segments, transcripts = schema.codings.c, schema.segments.c, schema.transcripts.c
    query = select(
        codings.concept_id,
        codings.segment_id,
        codings.char_start,
        codings.char_end,
        func.coalesce(codings.pick_rank, 0),
        codings.id,
    ).where(tx.viewer.own(codings.coder_id))
    if coder_id is not None:  # picked codings stand whoever coded them
        query = query.where(or_(codings.coder_id == coder_id, codings.pick_rank.is_not(None)))
    found = tx.fetch_array(query, 6)
    found = found[np.isin(found[:, 0], np.array(concept_ids, dtype=np.int64))]
    held = tx.fetch_array(
        select(
            segments.id,
            segments.transcript_id,
            segments.position,
            segments.char_start,
            segments.char_end,
            func.coalesce(segments.informant_id, NONE),
        ).order_by(segments.id),
        6,
    )
    segment = held[np.searchsorted(held[:, 0], found[:, 1])]
    # the transcripts by name, as the store sorts them: a transcript's row is its rank
    named = tx.fetch_array(
        select(
            transcripts.id,
            func.coalesce(transcripts.informant_id, NONE),
            func.coalesce(transcripts.case_id, NONE),
        ).order_by(transcripts.name_key),
        3,
    )
    by_id = np.argsort(named[:, 0])
    rank = by_id[np.searchsorted(named[by_id, 0], segment[:, 1])]
    informant = np.where(segment[:, 5] != NONE, segment[:, 5], named[rank, 1])
    rows = np.column_stack([found, segment[:, 1:5], informant, named[rank, 2]])
    # reading order (transcript, position, span start, coding), then by concept
    rows = rows[np.lexsort((rows[:, 5], rows[:, 2], rows[:, 7], rank, rows[:, 0]))]
    concept, segment, start, end, rank = rows[:, :5].T
    # one entry per span: its first coding in reading order, with the first pick's rank
    spans = np.lexsort((np.arange(len(rows)), end, start, segment, concept))
    key = rows[spans][:, :4]
    first = np.r_[True, (key[1:] != key[:-1]).any(axis=1)] if len(key) else np.zeros(0, bool)
    group = np.cumsum(first) - 1
    picked = np.flatnonzero(rank[spans] > 0)
    _, earliest = np.unique(group[picked], return_index=True)
    ranks = np.zeros(int(first.sum()), dtype=np.int64)
    ranks[group[picked[earliest]]] = rank[spans][picked[earliest]]
    leaders = spans[first]
    keep = np.argsort(leaders, kind="stable")  # back in (concept, reading) order
    kept = rows[leaders[keep]]
    bounds: dict[int, tuple[int, int]] = {}
    if len(kept):
        edges = np.flatnonzero(np.r_[True, kept[1:, 0] != kept[:-1, 0], True]).tolist()
        for a, b in itertools.pairwise(edges):
            bounds[int(kept[a, 0])] = (a, b)
    return _Spans(
        kept[:, 1],
        kept[:, 6],
        kept[:, 7],
        kept[:, 2],
        kept[:, 3],
        (kept[:, 2] != kept[:, 8]) | (kept[:, 3] != kept[:, 9]),
        kept[:, 11],
        kept[:, 10],
        ranks[keep],
        bounds,
    )


def _spread(spans: _Spans, concept: int, n: int) -> list[int]:
    """Up to ``n`` of a concept's candidates (indices into ``spans``): the picked ones
    in their order, else a greedy choice among the marked quotes (whole segments only
    when the concept has no quote) that prefers a new case, then a new informant and a
    new segment (the first in reading order among equals)."""
    first, last = spans.bounds.get(concept, (0, 0))
    rank = spans.rank[first:last]
    picked = np.flatnonzero(rank)
    if len(picked):
        ordered: list[int] = (first + picked[np.argsort(rank[picked], kind="stable")]).tolist()
        return ordered[:n]
    quoted = np.flatnonzero(spans.quoted[first:last])
    pool = first + (quoted if len(quoted) else np.arange(last - first))
    case, informant, segment = spans.case[pool], spans.informant[pool], spans.segment[pool]
    # each candidate's score: a new case 4, a new informant 2, a new segment 1; -1 taken
    new_case = np.full(len(pool), 4, dtype=np.int64)
    new_informant = np.full(len(pool), 2, dtype=np.int64)
    new_segment = np.ones(len(pool), dtype=np.int64)
    taken = np.zeros(len(pool), dtype=bool)
    chosen: list[int] = []
    while len(chosen) < min(n, len(pool)):
        score = new_case + new_informant + new_segment
        score[taken] = -1
        best = int(np.argmax(score))
        taken[best] = True
        new_case[case == case[best]] = 0
        new_informant[informant == informant[best]] = 0
        new_segment[segment == segment[best]] = 0
        chosen.append(int(pool[best]))
    return chosen


def quotes_table(
    tx: Tx,
    view: StructureView,
    *,
    per_concept: int = 3,
    max_words: int = 60,
    coder: str | None = None,
) -> list[ConceptQuotes]:
    """The representative quotes of every concept in the structure, in its order; a
    concept under several themes comes under each, with the others named.

    A quote is printed without the stage directions and fillers at its edges, and cut
    at a sentence boundary (marked "[…]") when it is longer than ``max_words``.
    """
    if per_concept < 1 or max_words < 1:
        raise InvalidInput("--per-concept and --max-words must be at least 1.")
    coder_id = evidence_coder(tx, coder)
    ids = {name: id_ for name, id_ in tx.session.execute(select(Concept.name, Concept.id))}
    concepts = list(
        dict.fromkeys(c.name for d in view.dimensions for t in d.themes for c in t.concepts)
    )
    spans = _candidates(tx, [ids[name] for name in concepts], coder_id)
    picks = {name: _spread(spans, ids[name], per_concept) for name in concepts}
    chosen = [k for found in picks.values() for k in found]
    needed = {int(spans.transcript[k]) for k in chosen}
    texts = {
        id_: (name, text, wave, case)
        for id_, name, text, wave, case in tx.session.execute(
            select(Transcript.id, Transcript.name, Transcript.text, Transcript.wave, Case.name)
            .outerjoin(Case, Case.id == Transcript.case_id)
            .where(Transcript.id.in_(needed))
        )
    }
    informants = {int(spans.informant[k]) for k in chosen} - {NONE}
    roles: dict[int, str | None] = {
        id_: role
        for id_, role in tx.session.execute(
            select(Informant.id, Informant.role).where(Informant.id.in_(informants))
        )
    }

    def quote(k: int) -> Quote:
        name, text, wave, case = texts[int(spans.transcript[k])]
        start, end = int(spans.start[k]), int(spans.end[k])
        return Quote(
            trim_words(clean_quote(text[start:end]), max_words),
            f"{name}:{int(spans.position[k])}",
            case,
            roles.get(int(spans.informant[k])),
            wave,
        )

    quoted = {name: tuple(quote(k) for k in found) for name, found in picks.items()}
    return [
        ConceptQuotes(
            d.name,
            t.name,
            c.name,
            quoted[c.name],
            tuple(other for other in c.themes if other != t.name),
            tuple(other for other in t.dimensions if other != d.name),
        )
        for d in view.dimensions
        for t in d.themes
        for c in t.concepts
    ]


def pick(tx: Tx, concept_name: str, refs: list[str]) -> int:
    """Mark the concept's codings on these segments (in this order) as its quotes; an
    empty list clears the picks. Only codings the acting coder may see are touched."""
    concept = get_item(tx, "concept", concept_name)
    visible = and_(Coding.concept_id == concept.id, tx.viewer.own(Coding.coder_id))
    before = _picked(tx, visible)
    tx.session.execute(update(Coding).where(visible).values(pick_rank=None))
    preferred = tx.coder().id if tx.coder_name else None
    for rank, (transcript, segment) in enumerate(resolve_refs(tx, refs), start=1):
        codings = list(
            tx.session.scalars(select(Coding).where(visible, Coding.segment_id == segment.id))
        )
        if not codings:
            raise NotFound(
                f"{segment_ref(transcript, segment)} is not coded with {concept.name!r}."
            )
        codings.sort(
            key=lambda c: (
                c.coder_id != preferred,
                (c.char_start, c.char_end) == (segment.char_start, segment.char_end),
                c.id,
            )
        )
        codings[0].pick_rank = rank
    tx.session.flush()
    tx.record(
        "pick",
        "coding",
        f"Picked {len(refs)} quote(s) for {concept.name!r}"
        if refs
        else f"Cleared the picked quotes of {concept.name!r}",
        subject_id=concept.id,
        concept_id=concept.id,
        before={"picks": before},
        after={"picks": _picked(tx, visible)},
    )
    return len(refs)


def _picked(tx: Tx, where: Any) -> list[dict[str, Any]]:
    """The picked codings among ``where``, in rank order: segment, coder and span."""
    return [
        {k: v for k, v in snapshot.items() if k != "concept"}
        for snapshot in sorted(
            coding_snapshots(tx, and_(where, Coding.pick_rank.is_not(None))),
            key=lambda c: c["pick_rank"],
        )
    ]
