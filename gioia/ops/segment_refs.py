"""Segments by reference and as the trail names them: ``TRANSCRIPT:N`` references
resolved to segments with their words, the labels events name segments by, and the read
marks a coder leaves on segments (with their event)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, func, select

from gioia import schema
from gioia.errors import InvalidInput, NotFound
from gioia.limits import MAX_INTEGER
from gioia.ops.base import CHUNK, Identified, Tx, in_chunks, insert_new, suggestion
from gioia.schema import utcnow
from gioia.text import name_key, one_line

#: How much of a segment's text an event names it by.
LABEL_LENGTH = 50


#: How many transcripts' texts are held at once where segments are named by their words.
TEXTS_AT_ONCE = 50


_REF = re.compile(r"^(?P<transcript>.+):(?P<position>[0-9]+)$")


class SegmentRow(NamedTuple):
    """A segment as tagging needs it: where it is, its transcript, and its words."""

    id: int
    position: int
    char_start: int
    char_end: int
    transcript_id: int
    transcript: str
    text: str

    @property
    def ref(self) -> str:
        """Its ``TRANSCRIPT:N`` reference."""
        return f"{self.transcript}:{self.position}"


def parse_ref(ref: str) -> tuple[str, int]:
    """Split ``TRANSCRIPT:N`` into the transcript name and the position N (from 1)."""
    match = _REF.match(ref.strip())
    digits = match["position"].lstrip("0") if match else ""
    if match is None or not digits:
        raise InvalidInput(
            f"{ref!r} is not a segment reference: write TRANSCRIPT:N, e.g. case_a_ceo_w1:3."
        )
    if len(digits) > len(str(MAX_INTEGER)) or int(digits) > MAX_INTEGER:
        raise InvalidInput(f"{ref!r}: segment numbers go up to {MAX_INTEGER:,}.")
    return match["transcript"], int(digits)


def transcript_id(tx: Tx, name: str) -> int:
    """The id of the transcript called ``name``, or ``NotFound`` with the closest name."""
    table = schema.transcripts
    found = tx.execute(select(table.c.id).where(table.c.name_key == name_key(name))).scalar()
    if found is None:
        raise _no_such_transcript(tx, name)
    return int(found)


def _no_such_transcript(tx: Tx, name: str) -> NotFound:
    names = list(tx.execute(select(schema.transcripts.c.name)).scalars())
    return NotFound(f"No transcript {name!r}.{suggestion(name, names)}")


@cache
def _segments_named() -> Select[Any]:
    """Segments of the transcript ``key`` at ``positions``, with their words."""
    transcripts, segments = schema.transcripts.c, schema.segments.c
    length = segments.char_end - segments.char_start
    return (
        select(
            segments.id,
            segments.position,
            segments.char_start,
            segments.char_end,
            transcripts.id.label("transcript_id"),
            transcripts.name,
            func.substr(transcripts.text, segments.char_start + 1, length).label("words"),
        )
        .join(schema.transcripts, transcripts.id == segments.transcript_id)
        .where(
            transcripts.name_key == bindparam("key"),
            segments.position.in_(bindparam("positions", expanding=True)),
        )
    )


def resolve_segments(tx: Tx, refs: list[str]) -> list[SegmentRow]:
    """The segments named by ``TRANSCRIPT:N`` references, in the order given, with their
    words: one query per transcript named (its text is not read, only the segments')."""
    wanted = [parse_ref(ref) for ref in refs]
    positions: dict[str, tuple[str, set[int]]] = {}
    for name, position in wanted:
        positions.setdefault(name_key(name), (name, set()))[1].add(position)
    transcripts, segments = schema.transcripts.c, schema.segments.c
    found: dict[tuple[str, int], SegmentRow] = {}
    for key, (name, numbers) in positions.items():
        rows = tx.execute(_segments_named(), {"key": key, "positions": sorted(numbers)}).all()
        if not rows:
            transcript_id(tx, name)  # NotFound, with the closest name, if there is none
        for r in rows:
            found[(key, r.position)] = SegmentRow(
                r.id, r.position, r.char_start, r.char_end, r.transcript_id, r.name, r.words
            )
    for name, position in wanted:
        if (name_key(name), position) not in found:
            owner = transcript_id(tx, name)
            title = tx.execute(select(transcripts.name).where(transcripts.id == owner)).scalar()
            count = tx.execute(select(func.count()).where(segments.transcript_id == owner)).scalar()
            raise NotFound(f"No segment {title}:{position}: {title} has segments 1 to {count}.")
    return [found[(name_key(name), position)] for name, position in wanted]


def segment_label(segment_id: int, ref: str, text: str) -> dict[str, object]:
    """A segment as the trail names it: the id (never reused), the ``T:N`` reference and
    the start of its text (``text``: its words, or their start), so that a reader of the
    log can follow it after renumbering."""
    return {
        "id": segment_id,
        "segment": ref,
        "text": one_line(text[: LABEL_LENGTH + 1], LABEL_LENGTH),
    }


def segment_places() -> Select[Any]:
    """Segments' id, transcript id, position, start and end (to add a WHERE to)."""
    segments = schema.segments.c
    return select(
        segments.id,
        segments.transcript_id,
        segments.position,
        segments.char_start,
        segments.char_end,
    )


def segment_labels(tx: Tx, segment_ids: list[int]) -> list[dict[str, object]]:
    """The :func:`segment_label` of these segments, read from the store, in the order
    given. Each transcript's text is read once for all its segments named, a few
    transcripts at a time (a slice of it per segment in SQL would read the whole text
    again for every segment)."""
    places: dict[int, tuple[int, int, int, int]] = {}
    for chunk in in_chunks(segment_ids):
        query = segment_places().where(schema.segments.c.id.in_(list(chunk)))
        for segment_id, *place in tx.fetch_array(query, 5).tolist():
            places[segment_id] = (place[0], place[1], place[2], place[3])
    named: dict[int, list[int]] = {}
    for segment_id, (transcript_id, *_) in places.items():
        named.setdefault(transcript_id, []).append(segment_id)
    found: dict[int, dict[str, object]] = {}
    for chunk in in_chunks(sorted(named), TEXTS_AT_ONCE):
        for row in tx.execute(_texts_query(), {"ids": list(chunk)}):
            for segment_id in named[row.id]:
                _, position, start, end = places[segment_id]
                words = row.text[start : min(end, start + LABEL_LENGTH + 1)]
                found[segment_id] = segment_label(segment_id, f"{row.name}:{position}", words)
    return [found[i] for i in segment_ids if i in found]


@cache
def _texts_query() -> Select[Any]:
    transcripts = schema.transcripts.c
    return select(transcripts.id, transcripts.name, transcripts.text).where(
        transcripts.id.in_(bindparam("ids", expanding=True))
    )


def label_ids(labels: list[Any]) -> list[int]:
    """The segment ids of an event's ``segments`` (labels, or bare ids in older events)."""
    return [item["id"] if isinstance(item, dict) else int(item) for item in labels]


def mark_reviewed(tx: Tx, coder_id: int, segment_ids: set[int]) -> list[int]:
    """Record that a coder has read these segments; returns those that were new."""
    if not segment_ids:
        return []
    reviews = schema.reviews
    at = utcnow()
    rows = [(segment_id, coder_id, at) for segment_id in sorted(segment_ids)]
    if len(rows) <= CHUNK:
        adding = insert_new(tx, reviews, "segment_id")
        keys = ("segment_id", "coder_id", "reviewed_at")
        added = tx.execute(adding, [dict(zip(keys, row, strict=True)) for row in rows])
        return sorted(added.scalars())
    query = select(reviews.c.segment_id).where(reviews.c.coder_id == coder_id)
    already = set(tx.execute(query).scalars())
    new = [row for row in rows if row[0] not in already]
    tx.insert_many(reviews, ("segment_id", "coder_id", "reviewed_at"), new)
    return [row[0] for row in new]


def record_reviews(
    tx: Tx, coder: Identified, targets: dict[int, str], texts: dict[int, str] | None = None
) -> tuple[list[int], int | None]:
    """Mark segments (id → reference) read by ``coder``; returns those newly read and the
    event that lists them (None when there were none). ``texts`` (id → words), when the
    caller has them, name the segments in the event without reading them again."""
    new = mark_reviewed(tx, coder.id, set(targets))
    if not new:
        return [], None
    refs = [targets[i] for i in new]
    summary = f"Reviewed {', '.join(refs[:3])}" + (" …" if len(refs) > 3 else "")
    if texts is None:
        labels = segment_labels(tx, new)
    else:
        labels = [segment_label(i, targets[i], texts[i]) for i in new]
    after = {"segments": labels}
    return new, tx.record("review", "segment", summary, after=after, coder=coder)
