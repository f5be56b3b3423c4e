"""Representative quotes: chosen to spread over cases and informants, or picked by hand."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import and_, func, or_, select, update

from gioia.errors import InvalidInput, NotFound
from gioia.models import Case, Coding, Concept, Informant, Segment, Transcript
from gioia.ops.base import Tx, evidence_coder
from gioia.ops.objects import resolve_refs, segment_ref
from gioia.ops.structure import coding_snapshots, get_item
from gioia.text import clean_quote, trim_words
from gioia.views import ConceptQuotes, Quote, StructureView


class _Candidate(NamedTuple):
    """A coding as a quote candidate (a tuple: tens of thousands are made at a time)."""

    coding_id: int
    segment_id: int
    ref: str
    transcript_id: int
    start: int
    end: int
    quoted: bool
    case: str | None
    informant: int | None
    role: str | None
    wave: str | None
    pick_rank: int | None


def _candidates(
    tx: Tx, concept_ids: list[int], coder_id: int | None
) -> dict[int, list[_Candidate]]:
    """Each concept's codings as quote candidates, one per distinct span, in reading
    order: one query for every concept, without the transcripts' texts."""
    informant = func.coalesce(Segment.informant_id, Transcript.informant_id)
    query = (
        select(
            Coding.id,
            Coding.concept_id,
            Coding.char_start,
            Coding.char_end,
            Coding.pick_rank,
            Segment.id,
            Segment.position,
            Segment.char_start,
            Segment.char_end,
            Transcript.id,
            Transcript.name,
            Transcript.wave,
            Case.name,
            informant,
            Informant.role,
        )
        .join(Segment, Segment.id == Coding.segment_id)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .outerjoin(Case, Case.id == Transcript.case_id)
        .outerjoin(Informant, Informant.id == informant)
        .where(tx.viewer.own(Coding.coder_id))
        .order_by(Transcript.name_key, Segment.position, Coding.char_start, Coding.id)
    )
    if len(concept_ids) <= 500:
        query = query.where(Coding.concept_id.in_(concept_ids))
    if coder_id is not None:  # picked codings stand whoever coded them
        query = query.where(or_(Coding.coder_id == coder_id, Coding.pick_rank.is_not(None)))
    wanted = set(concept_ids)
    found: dict[int, dict[tuple[int, int, int], _Candidate]] = {c: {} for c in concept_ids}
    for row in tx.session.connection().execute(query):  # Core rows: no ORM work per row
        (coding_id, concept_id, start, end, rank, segment_id, position, seg_start, seg_end) = row[
            :9
        ]
        transcript_id, name, wave, case_name, informant_id, role = row[9:]
        if concept_id not in wanted:
            continue
        key = (segment_id, start, end)
        candidate = _Candidate(
            coding_id,
            segment_id,
            f"{name}:{position}",
            transcript_id,
            start,
            end,
            (start, end) != (seg_start, seg_end),
            case_name,
            informant_id,
            role,
            wave,
            rank,
        )
        spans = found[concept_id]
        if key not in spans or (candidate.pick_rank and not spans[key].pick_rank):
            spans[key] = candidate
    return {c: list(spans.values()) for c, spans in found.items()}


def _spread(candidates: list[_Candidate], n: int) -> list[_Candidate]:
    """Up to ``n`` candidates: the picked ones in their order, else a greedy choice among
    the marked quotes (whole segments only when the concept has no quote) that prefers a
    new case, then a new informant and a new segment."""
    picked = sorted((c for c in candidates if c.pick_rank), key=lambda c: c.pick_rank or 0)
    if picked:
        return picked[:n]
    chosen: list[_Candidate] = []
    cases: set[str | None] = set()
    informants: set[int | None] = set()
    segments: set[int] = set()
    remaining = [c for c in candidates if c.quoted] or list(candidates)
    while remaining and len(chosen) < n:
        best = max(
            remaining,
            key=lambda c: (
                c.case not in cases,
                c.informant not in informants,
                c.segment_id not in segments,
            ),
        )
        chosen.append(best)
        remaining.remove(best)
        cases.add(best.case)
        informants.add(best.informant)
        segments.add(best.segment_id)
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
    candidates = _candidates(tx, [ids[name] for name in concepts], coder_id)
    picks = {name: _spread(candidates[ids[name]], per_concept) for name in concepts}
    needed = {q.transcript_id for chosen in picks.values() for q in chosen}
    texts = dict(
        tx.session.execute(
            select(Transcript.id, Transcript.text).where(Transcript.id.in_(needed))
        ).all()
    )
    quoted = {
        name: tuple(
            Quote(
                trim_words(clean_quote(texts[q.transcript_id][q.start : q.end]), max_words),
                q.ref,
                q.case,
                q.role,
                q.wave,
            )
            for q in chosen
        )
        for name, chosen in picks.items()
    }
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
