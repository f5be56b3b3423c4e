"""Text search over the transcripts: a scan of each transcript's text, the matches mapped
to their segments (a match never crosses from one segment into the next)."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict

from sqlalchemy import select

from gioia import schema
from gioia.analysis.kwic import SearchHit, context, search_pattern
from gioia.errors import NotFound
from gioia.ops.base import Tx, suggestion, transcript_id
from gioia.text import name_key

_cases = schema.cases.c
_codings = schema.codings.c
_segments = schema.segments.c
_transcripts = schema.transcripts.c


def search(
    tx: Tx,
    pattern: str,
    *,
    regex: bool = False,
    transcript: str | None = None,
    case: str | None = None,
    speaker: str | None = None,
    uncoded: bool = False,
    include_interviewer: bool = False,
    width: int = 40,
) -> list[SearchHit]:
    """Every match of ``pattern`` in reading order, as keyword-in-context lines.

    Interviewer turns are left out unless ``include_interviewer`` or ``speaker`` names
    whose turns to search; ``uncoded`` keeps segments without a coding the acting coder
    may see (their own, when blind).
    """
    compiled = search_pattern(pattern, regex)
    query = select(_transcripts.id, _transcripts.name, _transcripts.text, _cases.name).outerjoin(
        schema.cases, _cases.id == _transcripts.case_id
    )
    if transcript is not None:
        query = query.where(_transcripts.id == transcript_id(tx, transcript))
    if case is not None:
        query = query.where(_transcripts.case_id == _case_id(tx, case))
    ordered = tx.execute(query.order_by(_transcripts.name_key))
    texts: dict[int, tuple[str, str, str | None]] = {}
    for row in ordered:
        key, name, text, case_name = tuple(row)
        texts[key] = (name, text, case_name)
    segments = select(
        _segments.id,
        _segments.transcript_id,
        _segments.position,
        _segments.char_start,
        _segments.char_end,
        _segments.speaker,
        _segments.is_interviewer,
    ).order_by(_segments.transcript_id, _segments.char_start)
    if transcript is not None or case is not None:
        segments = segments.where(_segments.transcript_id.in_(texts))
    by_transcript: dict[int, list[tuple[int, int, int, int, str | None, bool]]] = defaultdict(list)
    speakers: set[str] = set()
    for row in tx.execute(segments):
        id_, owner, position, start, end, label, interviewer = tuple(row)
        if label:
            speakers.add(label)
        if speaker is not None:
            if not label or name_key(label) != name_key(speaker):
                continue
        elif interviewer and not include_interviewer:
            continue
        by_transcript[owner].append((id_, position, start, end, label, interviewer))
    if speaker is not None and not any(name_key(s) == name_key(speaker) for s in speakers):
        raise NotFound(f"No turn is by {speaker!r}.{suggestion(speaker, sorted(speakers))}")
    coded = _coded_segments(tx) if uncoded else set()
    hits: list[SearchHit] = []
    for owner, (name, text, case_name) in texts.items():
        rows = [r for r in by_transcript.get(owner, []) if r[0] not in coded]
        if not rows:
            continue
        starts = [r[2] for r in rows]
        for match in compiled.finditer(text):
            at = bisect_right(starts, match.start()) - 1
            if at < 0:
                continue
            _, position, start, end, label, interviewer = rows[at]
            if match.end() > end:
                continue
            body = text[start:end]
            left, word, right = context(body, match.start() - start, match.end() - start, width)
            hits.append(
                SearchHit(
                    f"{name}:{position}",
                    name,
                    case_name,
                    label,
                    interviewer,
                    match.start() - start,
                    match.end() - start,
                    left,
                    word,
                    right,
                )
            )
    return hits


def _case_id(tx: Tx, name: str) -> int:
    found = tx.execute(select(_cases.id).where(_cases.name_key == name_key(name))).scalar()
    if found is None:
        names = list(tx.execute(select(_cases.name)).scalars())
        raise NotFound(f"No case {name!r}.{suggestion(name, names)}")
    return int(found)


def _coded_segments(tx: Tx) -> set[int]:
    """The segments with a coding the acting coder may see."""
    query = select(_codings.segment_id).distinct().where(tx.viewer.own(_codings.coder_id))
    return set(tx.execute(query).scalars())
