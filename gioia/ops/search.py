"""Text search over the transcripts: a scan of each transcript's text, the matches mapped
to their segments (a match never crosses from one segment into the next)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict

from sqlalchemy import select

from gioia import schema
from gioia.analysis.kwic import SearchHit, context, search_pattern
from gioia.errors import NotFound
from gioia.ops.base import Tx, suggestion
from gioia.ops.segment_refs import transcript_id
from gioia.text import name_key

_cases = schema.cases.c
_codings = schema.codings.c
_segments = schema.segments.c
_transcripts = schema.transcripts.c

# Up to this many transcripts with a match, only their segments are read.
_FEW = 500


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
    may see (their own, when blind). Each transcript's text is scanned once; only the
    segments of transcripts with a match are read.
    """
    compiled = search_pattern(pattern, regex)
    if speaker is not None:
        _check_speaker(tx, speaker)
    query = select(_transcripts.id, _transcripts.name, _transcripts.text, _cases.name).outerjoin(
        schema.cases, _cases.id == _transcripts.case_id
    )
    if transcript is not None:
        query = query.where(_transcripts.id == transcript_id(tx, transcript))
    if case is not None:
        query = query.where(_transcripts.case_id == _case_id(tx, case))
    found: list[tuple[int, str, str, str | None, list[re.Match[str]]]] = []
    for row in tx.execute(query.order_by(_transcripts.name_key)):
        key, name, text, case_name = tuple(row)
        matches = list(compiled.finditer(text))
        if matches:
            found.append((key, name, text, case_name, matches))
    if not found:
        return []
    turns = _turns(tx, [key for key, *_ in found], speaker, include_interviewer)
    coded = _coded_segments(tx) if uncoded else set()
    hits: list[SearchHit] = []
    for key, name, text, case_name, matches in found:
        rows = [row for row in turns.get(key, ()) if row[0] not in coded]
        if not rows:
            continue
        starts = [row[2] for row in rows]
        for match in matches:
            at = bisect_right(starts, match.start()) - 1
            if at < 0:
                continue
            _, position, start, end, label, interviewer = rows[at]
            if match.end() > end:
                continue
            left, word, right = context(
                text, match.start(), match.end(), width, within=(start, end)
            )
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


_Turn = tuple[int, int, int, int, "str | None", bool]


def _turns(
    tx: Tx, transcripts: list[int], speaker: str | None, include_interviewer: bool
) -> dict[int, list[_Turn]]:
    """The segments to search in each of ``transcripts``, in reading order: the turns of
    ``speaker`` if given, else every informant turn (and the interviewer's if asked)."""
    query = select(
        _segments.id,
        _segments.transcript_id,
        _segments.position,
        _segments.char_start,
        _segments.char_end,
        _segments.speaker,
        _segments.is_interviewer,
    ).order_by(_segments.transcript_id, _segments.char_start)
    if len(transcripts) <= _FEW:
        query = query.where(_segments.transcript_id.in_(transcripts))
    if speaker is None and not include_interviewer:
        query = query.where(_segments.is_interviewer.is_(False))
    wanted = set(transcripts)
    key = name_key(speaker) if speaker is not None else None
    turns: dict[int, list[_Turn]] = defaultdict(list)
    for row in tx.execute(query).all():
        id_, owner, position, start, end, label, interviewer = tuple(row)
        if owner not in wanted or (key is not None and (not label or name_key(label) != key)):
            continue
        turns[owner].append((id_, position, start, end, label, bool(interviewer)))
    return turns


def _check_speaker(tx: Tx, speaker: str) -> None:
    """An error naming the speakers there are when no turn is by ``speaker``."""
    labels = list(tx.execute(select(_segments.speaker).distinct()).scalars())
    named = sorted(label for label in labels if label)
    if not any(name_key(label) == name_key(speaker) for label in named):
        raise NotFound(f"No turn is by {speaker!r}.{suggestion(speaker, named)}")


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
