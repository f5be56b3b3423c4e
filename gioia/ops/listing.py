"""Reading the store: transcripts, cases, segments and the audit trail."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from gioia.errors import NotFound
from gioia.limits import MAX_INTEGER
from gioia.models import (
    Attribute,
    Case,
    Coder,
    Coding,
    Concept,
    Event,
    Informant,
    Segment,
    Transcript,
)
from gioia.ops import blind_trail, memos
from gioia.ops.base import Tx, coding_applications
from gioia.ops.handles import namer
from gioia.ops.objects import find_coder, get_concept, get_transcript
from gioia.ops.visibility import Viewer
from gioia.text import compile_grep, name_key
from gioia.views import (
    CaseSummary,
    CodingMark,
    EventView,
    InformantSummary,
    MemoView,
    SegmentView,
    TranscriptSummary,
    TranscriptView,
)

#: ``TRANSCRIPT:N``, as ``show`` takes it.
_SEGMENT_REF = re.compile(r"^(?P<transcript>.+):(?P<position>[0-9]+)$")


def _attributes(tx: Tx, column: str, ids: list[int]) -> dict[int, dict[str, str]]:
    found: dict[int, dict[str, str]] = defaultdict(dict)
    owner = getattr(Attribute, column)
    for owner_id, key, value in tx.session.execute(
        select(owner, Attribute.key, Attribute.value).where(owner.in_(ids)).order_by(Attribute.id)
    ):
        found[owner_id][key] = value
    return found


def transcripts(tx: Tx, *, names: list[str] | None = None) -> list[TranscriptSummary]:
    """Every transcript (or those named) with metadata and counts (of the codings the
    acting coder may see), by name."""
    segment_counts = (
        select(Segment.transcript_id, func.count().label("n"))
        .group_by(Segment.transcript_id)
        .subquery()
    )
    applied = coding_applications()
    coding_counts = (
        select(applied.c.transcript_id, func.count().label("n"))
        .where(tx.viewer.own(applied.c.coder_id))
        .group_by(applied.c.transcript_id)
        .subquery()
    )
    query = (
        select(Transcript, Case.name, Informant, segment_counts.c.n, coding_counts.c.n)
        .outerjoin(Case, Case.id == Transcript.case_id)
        .outerjoin(Informant, Informant.id == Transcript.informant_id)
        .outerjoin(segment_counts, segment_counts.c.transcript_id == Transcript.id)
        .outerjoin(coding_counts, coding_counts.c.transcript_id == Transcript.id)
        .order_by(Transcript.name_key)
    )
    if names is not None:
        query = query.where(Transcript.id.in_([get_transcript(tx, n).id for n in names]))
    rows = list(tx.session.execute(query))
    attributes = _attributes(tx, "transcript_id", [row[0].id for row in rows])
    return [
        TranscriptSummary(
            name=t.name,
            source=t.source,
            format=t.format,
            case=case,
            informant=informant.name if informant else None,
            role=informant.role if informant else None,
            wave=t.wave,
            date=t.interview_date,
            segments=n_segments or 0,
            words=len(t.text.split()),
            codings=n_codings or 0,
            attributes=attributes.get(t.id, {}),
        )
        for t, case, informant, n_segments, n_codings in rows
    ]


def cases(tx: Tx, summaries: list[TranscriptSummary] | None = None) -> list[CaseSummary]:
    """Every case with its attributes, informants, waves and counts, by name (from
    ``summaries``, every transcript's, when the caller has them already)."""
    all_cases = list(tx.session.scalars(select(Case).order_by(Case.name_key)))
    by_name = {t.name: t for t in (transcripts(tx) if summaries is None else summaries)}
    by_case: dict[int | None, list[str]] = defaultdict(list)
    for case_id, name in tx.session.execute(
        select(Transcript.case_id, Transcript.name).where(Transcript.case_id.is_not(None))
    ):
        by_case[case_id].append(name)
    interviews: dict[int | None, int] = {
        informant_id: count
        for informant_id, count in tx.session.execute(
            select(Transcript.informant_id, func.count()).group_by(Transcript.informant_id)
        )
    }
    informants: dict[int, list[InformantSummary]] = defaultdict(list)
    for informant in tx.session.scalars(select(Informant).order_by(Informant.name_key)):
        if informant.case_id is not None:
            informants[informant.case_id].append(
                InformantSummary(informant.name, informant.role, interviews.get(informant.id, 0))
            )
    attributes = _attributes(tx, "case_id", [c.id for c in all_cases])
    result = []
    for case in all_cases:
        own = [by_name[name] for name in by_case[case.id]]
        result.append(
            CaseSummary(
                name=case.name,
                informants=tuple(informants[case.id]),
                transcripts=len(own),
                segments=sum(s.segments for s in own),
                words=sum(s.words for s in own),
                codings=sum(s.codings for s in own),
                waves=tuple(sorted({s.wave for s in own if s.wave})),
                interviews_per_wave=dict(sorted(Counter(s.wave or "?" for s in own).items())),
                attributes=attributes.get(case.id, {}),
            )
        )
    return result


def case_count(tx: Tx) -> int:
    """How many cases the study has."""
    return tx.session.scalar(select(func.count()).select_from(Case)) or 0


#: Segments read from the store at a time when listing them.
PAGE = 500


def segments(
    tx: Tx,
    *,
    transcript: str | None = None,
    uncoded: bool = False,
    concept: str | None = None,
    grep: str | None = None,
    include_interviewer: bool = False,
    positions: tuple[int, int] | None = None,
    only_coder: int | None = None,
) -> list[SegmentView]:
    """Segments in reading order, with the codings and memos the acting coder may see
    (only ``only_coder``'s codings, if given); ``positions`` limits them to a range of
    positions (both ends included)."""
    return [
        view
        for page in segment_pages(
            tx,
            transcript=transcript,
            uncoded=uncoded,
            concept=concept,
            grep=grep,
            include_interviewer=include_interviewer,
            positions=positions,
            only_coder=only_coder,
        )
        for view in page
    ]


def segment_pages(
    tx: Tx,
    *,
    transcript: str | None = None,
    uncoded: bool = False,
    concept: str | None = None,
    grep: str | None = None,
    include_interviewer: bool = False,
    positions: tuple[int, int] | None = None,
    only_coder: int | None = None,
) -> Iterator[list[SegmentView]]:
    """The segments of :func:`segments`, a page (``PAGE`` segments read) at a time, so
    that the first of a transcript of 50 MB can be shown at once. Each transcript's
    segments are read by position, on the index of (transcript, position)."""
    pattern = compile_grep(grep) if grep else None
    names = select(Transcript.id, Transcript.name).order_by(Transcript.name_key)
    if transcript is not None:  # not the whole row: its text may be 50 MB
        names = names.where(Transcript.name_key == name_key(transcript))
    chosen = [(row.id, row.name) for row in tx.session.execute(names)]
    if transcript is not None and not chosen:
        get_transcript(tx, transcript)  # the error, with the closest name
    concept_id = get_concept(tx, concept).id if concept else None
    low, high = positions or (1, MAX_INTEGER)
    for transcript_id, name in chosen:
        query = select(Segment).where(
            Segment.transcript_id == transcript_id, Segment.position <= high
        )
        if not include_interviewer:
            query = query.where(Segment.is_interviewer.is_(False))
        text = ""  # the text the pages need so far: the first page's, then all of it
        after = low - 1
        while True:
            rows = list(
                tx.session.scalars(
                    query.where(Segment.position > after).order_by(Segment.position).limit(PAGE)
                )
            )
            if not rows:
                break
            after = rows[-1].position
            if len(text) < rows[-1].char_end:
                whole = len(rows) < PAGE or bool(text)  # the first of several pages: its part
                text = _text(tx, transcript_id, None if whole else rows[-1].char_end)
            ids = [s.id for s in rows]
            marks = _marks(tx, ids, only_coder)
            notes = memos.on_segments(tx, ids)
            page = []
            for segment in rows:
                segment_marks = marks.get(segment.id, [])
                view = _view(segment, name, text, segment_marks, notes.get(segment.id, ()))
                if uncoded and view.codings:
                    continue
                if concept_id is not None and all(cid != concept_id for cid, _ in segment_marks):
                    continue
                if pattern is not None and not pattern.search(view.text):
                    continue
                page.append(view)
            if page:
                yield page
            if len(rows) < PAGE:
                break


def _text(tx: Tx, transcript_id: int, end: int | None) -> str:
    """A transcript's text, or its first ``end`` characters."""
    column = Transcript.text if end is None else func.substr(Transcript.text, 1, end)
    text = tx.session.scalar(select(column).where(Transcript.id == transcript_id))
    assert text is not None
    return str(text)


def transcript_view(tx: Tx, name: str) -> TranscriptView:
    """A transcript's metadata and every segment (interviewer turns included); or, for
    ``TRANSCRIPT:N``, that segment only (a number out of range names the range)."""
    wanted = _SEGMENT_REF.match(name.strip())
    transcript = tx.session.scalar(select(Transcript).where(Transcript.name_key == name_key(name)))
    position = None
    if transcript is None and wanted is not None:
        transcript = tx.session.scalar(
            select(Transcript).where(Transcript.name_key == name_key(wanted["transcript"]))
        )
        position = int(wanted["position"])
    found = transcript or get_transcript(tx, name)  # the error, with the closest name
    (summary,) = transcripts(tx, names=[found.name])
    shown = segments(tx, transcript=found.name, include_interviewer=True)
    if position is not None:
        shown = [s for s in shown if s.ref == f"{found.name}:{position}"]
        if not shown:
            raise NotFound(
                f"No segment {found.name}:{position}: {found.name} has segments 1 to "
                f"{summary.segments}."
            )
    return TranscriptView(summary, tuple(shown))


_Marks = dict[int, list[tuple[int, CodingMark]]]


def _marks(tx: Tx, segment_ids: list[int], only_coder: int | None) -> _Marks:
    """The codings the acting coder may see on these segments (only ``only_coder``'s, if
    given) as (concept id, mark) pairs, quotes filled in later."""
    if not segment_ids:
        return {}
    query = (
        select(Coding, Concept.name, Coder.name, Segment.char_start, Segment.char_end)
        .join(Concept, Concept.id == Coding.concept_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .join(Segment, Segment.id == Coding.segment_id)
        .where(tx.viewer.own(Coding.coder_id))
        .order_by(Coding.segment_id, Concept.name_key, Coder.name_key, Coding.char_start)
    )
    if only_coder is not None:
        query = query.where(Coding.coder_id == only_coder)
    if len(segment_ids) <= 500:
        query = query.where(Coding.segment_id.in_(segment_ids))
    wanted = set(segment_ids)
    found: _Marks = defaultdict(list)
    for coding, concept, coder, seg_start, seg_end in tx.session.execute(query):
        if coding.segment_id in wanted:
            whole = (coding.char_start, coding.char_end) == (seg_start, seg_end)
            mark = CodingMark(
                concept,
                coder,
                coding.char_start - seg_start,
                coding.char_end - seg_start,
                None if whole else "",
            )
            found[coding.segment_id].append((coding.concept_id, mark))
    return found


def _view(
    segment: Segment,
    transcript: str,
    text: str,
    marks: list[tuple[int, CodingMark]],
    notes: tuple[MemoView, ...],
) -> SegmentView:
    body = text[segment.char_start : segment.char_end]
    return SegmentView(
        ref=f"{transcript}:{segment.position}",
        transcript=transcript,
        position=segment.position,
        speaker=segment.speaker,
        is_interviewer=segment.is_interviewer,
        text=body,
        char_start=segment.char_start,
        char_end=segment.char_end,
        time_start=segment.time_start,
        time_end=segment.time_end,
        codings=tuple(
            mark if mark.quote is None else replace(mark, quote=body[mark.start : mark.end])
            for _, mark in marks
        ),
        memos=notes,
    )


def log(
    tx: Tx,
    *,
    since: dt.datetime | None = None,
    by: str | None = None,
    concept: str | None = None,
    limit: int | None = None,
) -> list[EventView]:
    """The audit trail the acting coder may read, oldest first (the newest ``limit``
    events if a limit is given), of changes ``by`` a coder and about a concept."""
    actor = aliased(Coder)
    query = (
        select(Event, Coder.name, actor.name)
        .outerjoin(Coder, Coder.id == Event.coder_id)
        .outerjoin(actor, actor.id == Event.actor_id)
        .where(tx.viewer.event_clause())
    )
    if since is not None:
        query = query.where(Event.at >= since)
    if by is not None:
        tx.viewer.check_coder(by, f"{by}'s changes are")
        query = query.where(Event.coder_id == find_coder(tx, by).id)
    if concept is not None:
        query = query.where(Event.concept_id == get_concept(tx, concept).id)
    query = query.order_by(Event.id.desc())
    viewer, name = tx.viewer, namer(tx)
    views: list[EventView] = []
    fetched = 0
    while True:  # a blind reader may not see some events read: read on until enough
        batch = query.offset(fetched)
        if limit is not None:
            batch = batch.limit(max(limit - len(views), 1))
        rows = tx.session.execute(batch).all()
        fetched += len(rows)
        views += [v for row in rows if (v := _event_view(tx, viewer, name, *row)) is not None]
        if limit is None or len(views) >= limit or not rows:
            return list(reversed(views[:limit]))


def event_count(tx: Tx) -> int:
    """How many events of the trail the acting coder reads (as :func:`log` shows them:
    a blind coder's count leaves out the merges of none of their concepts)."""
    viewer = tx.viewer
    count = select(func.count()).select_from(Event).where(viewer.event_clause())
    total = tx.session.scalar(count) or 0
    if viewer.unblinded:
        return total
    merges = select(Event.summary, Event.before, Event.after).where(
        viewer.event_clause(),
        Event.action == "merge",
        Event.subject == "concept",
        or_(Event.coder_id.is_(None), Event.coder_id != viewer.me),
    )
    hidden = sum(blind_trail.as_read_by(tx, *merge) is None for merge in tx.session.execute(merges))
    return total - hidden


def _event_view(
    tx: Tx,
    viewer: Viewer,
    named: Callable[[int], int],
    e: Event,
    name: str | None,
    actor: str | None,
) -> EventView | None:
    """An event as the acting coder reads it (None: nothing of it is theirs to see),
    named as they name it (``named``: see :mod:`gioia.ops.handles`)."""
    summary, before, after = e.summary, e.before, e.after
    if e.coder_id != viewer.me and viewer.blind:
        if e.action == "merge" and e.subject == "concept":
            read = blind_trail.as_read_by(tx, summary, before, after)
            if read is None:
                return None
            summary, before, after = read
        elif e.action == "share" and e.subject == "concept":
            read = blind_trail.shared_as_read_by(viewer.name, summary, before, after)
            summary, before, after = read
        else:
            before, after = viewer.redact(before), viewer.redact(after)
            summary = blind_trail.summary_as_read_by(e.action, e.subject, summary, before)
            if e.action == "phase":
                after = blind_trail.phase_as_read_by(after)
    if viewer.blind:  # no store ids: see Viewer.without_ids; undo takes a handle
        before, after = viewer.without_ids(before), viewer.without_ids(after)
    event = named(e.id) if viewer.sees_coder(e.coder_id) else None
    return EventView(event, e.at, name, e.action, e.subject, summary, before, after, actor)
