"""Review coverage: which segments a coder has read, and the queue still to read."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, delete, func, or_, select

from gioia.errors import InvalidInput
from gioia.limits import clean_name
from gioia.models import (
    Case,
    Coder,
    Coding,
    Concept,
    Dimension,
    Informant,
    Review,
    Segment,
    Theme,
    Transcript,
)
from gioia.ops import memos, scopes
from gioia.ops.base import Tx, coding_applications
from gioia.ops.handles import handle
from gioia.ops.listing import segments as list_segments
from gioia.ops.objects import find_coder, get_concept, get_transcript, resolve_refs, segment_ref
from gioia.ops.segment_refs import record_reviews, segment_labels
from gioia.text import name_key
from gioia.views import CoderSummary, ConceptChoice, ConceptInfo, ProgressRow, ReviewResult, Step


def _targets(tx: Tx, refs: list[str] | None, transcript: str | None) -> dict[int, str]:
    """Segment id → reference, for the references given or a whole transcript (its
    segments to code: interviewer turns left out)."""
    if bool(refs) == (transcript is not None):
        raise InvalidInput("Give segment references or --transcript, not both and not neither.")
    if refs:
        return {s.id: segment_ref(t, s) for t, s in resolve_refs(tx, refs)}
    assert transcript is not None
    found = get_transcript(tx, transcript)
    return {
        id_: f"{found.name}:{position}"
        for id_, position in tx.session.execute(
            select(Segment.id, Segment.position)
            .where(Segment.transcript_id == found.id, Segment.is_interviewer.is_(False))
            .order_by(Segment.position)
        )
    }


def review(tx: Tx, refs: list[str] | None = None, transcript: str | None = None) -> ReviewResult:
    """Mark segments as read by the acting coder (found nothing to code, or coded)."""
    coder = tx.coder()
    targets = _targets(tx, refs, transcript)
    new, event = record_reviews(tx, coder, targets)
    return ReviewResult(len(new), len(targets) - len(new), handle(tx, event))


def unreview(tx: Tx, refs: list[str] | None = None, transcript: str | None = None) -> ReviewResult:
    """Take back "read" marks of the acting coder (codings stay)."""
    coder = tx.coder()
    targets = _targets(tx, refs, transcript)
    marked = list(
        tx.session.scalars(
            select(Review.segment_id).where(
                Review.coder_id == coder.id, Review.segment_id.in_(list(targets))
            )
        )
    )
    if not marked:
        return ReviewResult(0, len(targets), None)
    remove_reviews(tx, coder.id, marked)
    event = tx.record(
        "unreview",
        "segment",
        f"Marked {', '.join(targets[i] for i in marked[:3])}"
        + (" …" if len(marked) > 3 else "")
        + " as not reviewed",
        before={"segments": segment_labels(tx, marked)},
    )
    return ReviewResult(len(marked), len(targets) - len(marked), handle(tx, event))


def remove_reviews(tx: Tx, coder_id: int, segment_ids: list[int]) -> None:
    """Delete a coder's "read" marks on these segments."""
    tx.session.execute(
        delete(Review).where(Review.coder_id == coder_id, Review.segment_id.in_(segment_ids))
    )


def progress(tx: Tx) -> list[ProgressRow]:
    """Per coder (those the acting coder may see: only themselves, when blind) and
    transcript: segments reviewed out of those to code, and codings."""
    viewer = tx.viewer
    totals = dict(
        tx.session.execute(
            select(Segment.transcript_id, func.count())
            .where(Segment.is_interviewer.is_(False))
            .group_by(Segment.transcript_id)
        ).all()
    )
    reviewed = {
        (coder, transcript): n
        for coder, transcript, n in tx.session.execute(
            select(Review.coder_id, Segment.transcript_id, func.count())
            .join(Segment, Segment.id == Review.segment_id)
            .where(Segment.is_interviewer.is_(False))
            .group_by(Review.coder_id, Segment.transcript_id)
        )
    }
    applied = coding_applications()
    codings = {
        (coder, transcript): n
        for coder, transcript, n in tx.session.execute(
            select(applied.c.coder_id, applied.c.transcript_id, func.count()).group_by(
                applied.c.coder_id, applied.c.transcript_id
            )
        )
    }
    names = dict(tx.session.execute(select(Transcript.id, Transcript.name)).all())
    rows = []
    for coder_id, coder in tx.session.execute(
        select(Coder.id, Coder.name).where(viewer.own(Coder.id)).order_by(Coder.name_key)
    ):
        for transcript_id, name in sorted(names.items(), key=lambda item: item[1]):
            rows.append(
                ProgressRow(
                    coder,
                    name,
                    reviewed.get((coder_id, transcript_id), 0),
                    totals.get(transcript_id, 0),
                    codings.get((coder_id, transcript_id), 0),
                )
            )
    return rows


def coders(tx: Tx) -> list[CoderSummary]:
    """Every coder the acting coder may see (only themselves, when blind) with segments
    reviewed, codings, concepts used and transcripts coded."""
    viewer = tx.viewer
    applied = coding_applications()
    counts = {
        coder: (n, concepts, transcripts)
        for coder, n, concepts, transcripts in tx.session.execute(
            select(
                applied.c.coder_id,
                func.count(),
                func.count(func.distinct(applied.c.concept_id)),
                func.count(func.distinct(applied.c.transcript_id)),
            ).group_by(applied.c.coder_id)
        )
    }
    reviewed = {
        coder: count
        for coder, count in tx.session.execute(
            select(Review.coder_id, func.count())
            .join(Segment, Segment.id == Review.segment_id)
            .where(Segment.is_interviewer.is_(False))
            .group_by(Review.coder_id)
        )
    }
    return [
        CoderSummary(name, reviewed.get(id_, 0), *counts.get(id_, (0, 0, 0)), consensus)
        for id_, name, consensus in tx.session.execute(
            select(Coder.id, Coder.name, Coder.is_consensus)
            .where(viewer.own(Coder.id))
            .order_by(Coder.name_key)
        )
    ]


def queue(tx: Tx, *, transcript: str | None = None, include_interviewer: bool = False) -> list[int]:
    """The segments the acting coder has not reviewed yet, in reading order."""
    coder = tx.coder()
    query = (
        select(Segment.id)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .outerjoin(Review, and_(Review.segment_id == Segment.id, Review.coder_id == coder.id))
        .where(Review.id.is_(None))
        .order_by(Transcript.name_key, Segment.position)
    )
    if transcript is not None:
        query = query.where(Segment.transcript_id == get_transcript(tx, transcript).id)
    if not include_interviewer:
        query = query.where(Segment.is_interviewer.is_(False))
    return list(tx.session.scalars(query))


def step(tx: Tx, segment_id: int) -> Step:
    """What a coding session shows for one segment (the codings and memos the acting
    coder may see)."""
    segment = tx.session.get(Segment, segment_id)
    if segment is None:
        raise InvalidInput("That segment no longer exists.")
    transcript = tx.session.get(Transcript, segment.transcript_id)
    assert transcript is not None
    window = list_segments(
        tx,
        transcript=transcript.name,
        include_interviewer=True,
        positions=(segment.position - 1, segment.position),
    )
    current = window[-1]
    previous = window[0] if len(window) == 2 else None
    informant = (
        tx.session.get(Informant, transcript.informant_id) if transcript.informant_id else None
    )
    case = tx.session.get(Case, transcript.case_id) if transcript.case_id else None
    total = (
        tx.session.scalar(select(func.count()).where(Segment.transcript_id == transcript.id)) or 0
    )
    reviewed = tx.session.scalar(
        select(Review.id).where(Review.segment_id == segment.id, Review.coder_id == tx.coder().id)
    )
    return Step(
        current,
        previous,
        case.name if case else None,
        informant.name if informant else None,
        informant.role if informant else None,
        total,
        reviewed is not None,
    )


def rename_coder(tx: Tx, old: str, new: str) -> str:
    """Rename a coder (the new name must be free, but for case or spacing). The event is
    the coder's (run by the lead): blind, no other coder reads another's name in it."""
    coder = find_coder(tx, old)
    cleaned = clean_name(new, "coder")
    clash = tx.session.scalar(select(Coder).where(Coder.name_key == name_key(cleaned)))
    if clash is not None and clash.id != coder.id:
        raise InvalidInput(f"A coder named {clash.name!r} already exists.")
    before = coder.name
    coder.name, coder.name_key = cleaned, name_key(cleaned)
    tx.record(
        "rename",
        "coder",
        f"Renamed coder {before!r} to {cleaned!r}",
        subject_id=coder.id,
        before={"name": before},
        after={"name": cleaned},
        coder=coder,
    )
    return cleaned


def concept_choices(tx: Tx) -> list[ConceptChoice]:
    """Every concept the acting coder may see, with its theme, their most recently used
    first (none are, with no coder)."""
    me = tx.coder().id if tx.coder_name else None
    last = {
        concept_id: at
        for concept_id, at in tx.session.execute(
            select(Coding.concept_id, func.max(Coding.created_at))
            .where(Coding.coder_id == me)
            .group_by(Coding.concept_id)
        )
    }
    rows = tx.session.execute(
        select(Concept.id, Theme.name)
        .outerjoin(Theme, Theme.id == Concept.theme_id)
        .where(tx.viewer.concept_clause())
        .order_by(Concept.name_key, Concept.scope)
    ).all()
    shown = scopes.labels(tx)  # another coder's private concept as "Trust [Ana]"
    choices = [ConceptChoice(shown[id_], theme, last.get(id_)) for id_, theme in rows]
    return sorted(choices, key=lambda c: c.last_used or dt.datetime.min, reverse=True)


def concept_info(tx: Tx, name: str, *, examples: int = 2) -> ConceptInfo:
    """A concept's definition, place and memos, with a few of the acting coder's own
    codings."""
    concept = get_concept(tx, name)
    theme = tx.session.get(Theme, concept.theme_id or -1)
    dimension = tx.session.get(Dimension, theme.dimension_id or -1) if theme else None
    name = scopes.label_of(tx, concept)
    own = list_segments(tx, concept=name, only_coder=tx.coder().id, include_interviewer=True)
    return ConceptInfo(
        name,
        concept.definition,
        theme.name if theme else None,
        dimension.name if dimension else None,
        tuple(own[:examples]),
        memos.on_item(tx, "concept", concept.id),
    )


def first_unreviewed(
    tx: Tx, segment_ids: list[int], *, after: int | None = None, chunk: int = 200
) -> int | None:
    """The first of these segments (in reading order, as :func:`queue` lists them) the
    acting coder has not reviewed; with ``after``, the first that comes after that
    segment in reading order, in the list or not (a segment reached with `g`), going
    round to the list's start (skipped segments come back). Looked up in chunks."""
    coder = tx.coder()
    place = (  # where ``after`` comes in reading order
        select(Transcript.name_key, Segment.position)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .where(Segment.id == after)
    )
    here = None if after is None else tx.session.execute(place).first()
    if here is None:
        ids = segment_ids
    else:
        ids = segment_ids[segment_ids.index(after) :] if after in segment_ids else segment_ids
    for start in range(0, len(ids), chunk):
        query = (
            select(Segment.id)
            .join(Transcript, Transcript.id == Segment.transcript_id)
            .outerjoin(Review, and_(Review.segment_id == Segment.id, Review.coder_id == coder.id))
            .where(Segment.id.in_(ids[start : start + chunk]), Review.id.is_(None))
            .order_by(Transcript.name_key, Segment.position)
            .limit(1)
        )
        if here is not None:
            query = query.where(
                or_(
                    Transcript.name_key > here.name_key,
                    and_(Transcript.name_key == here.name_key, Segment.position > here.position),
                )
            )
        found = tx.session.scalar(query)
        if found is not None:
            return found
    return None if here is None else first_unreviewed(tx, segment_ids, chunk=chunk)
