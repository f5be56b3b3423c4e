"""Carrying the work on a transcript (codings, quote picks, memos, read marks) over
when its text is replaced by a corrected version, and dropping it, audited, when asked.

``plan`` decides where everything goes before anything is written (so a refusal
writes nothing); ``apply`` moves it onto the new segments. The words of each coding
are found again in the new text by :class:`gioia.relocate.Relocator`; memos and read
marks follow their segment, placed the same way.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, insert, select, update

from gioia import schema
from gioia.models import Coder, Coding, Concept, Memo, Review, Segment, Transcript
from gioia.ops.base import Tx
from gioia.output import output_file
from gioia.relocate import Placement, Relocator
from gioia.spreadsheet import write_csv
from gioia.text import SegmentSpan, name_key, one_line
from gioia.views import CarriedItem, CarryReport

DROPPED_COLUMNS = ("kind", "coder", "segment", "concept", "quote", "memo", "text")


@dataclass(frozen=True)
class OldSegment:
    """A segment as it was: id, position and span."""

    id: int
    position: int
    start: int
    end: int


@dataclass(frozen=True)
class WorkCoding:
    """A coding with the names a report and the trail need."""

    id: int
    segment_id: int
    concept_id: int
    concept: str
    coder_id: int
    coder: str
    start: int
    end: int
    pick_rank: int | None


@dataclass(frozen=True)
class WorkMemo:
    """A memo on a segment."""

    id: int
    segment_id: int
    coder: str
    text: str


@dataclass(frozen=True)
class WorkReview:
    """A coder's read mark on a segment."""

    segment_id: int
    coder_id: int
    reviewed_at: dt.datetime
    coder: str = ""


@dataclass
class Work:
    """The work stored on some segments."""

    codings: list[WorkCoding] = field(default_factory=list)
    memos: list[WorkMemo] = field(default_factory=list)
    reviews: list[WorkReview] = field(default_factory=list)


def load_work(tx: Tx, segment_ids: Sequence[int]) -> Work:
    """The codings, segment memos and read marks on these segments, in a stable order."""
    ids = list(segment_ids)
    codings = [
        WorkCoding(*row)
        for row in tx.session.execute(
            select(
                Coding.id,
                Coding.segment_id,
                Coding.concept_id,
                Concept.name,
                Coding.coder_id,
                Coder.name,
                Coding.char_start,
                Coding.char_end,
                Coding.pick_rank,
            )
            .join(Concept, Concept.id == Coding.concept_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .where(Coding.segment_id.in_(ids))
            .order_by(Coding.char_start, Coding.char_end, Coding.id)
        )
    ]
    memos = []
    for id_, segment_id, coder, text in tx.session.execute(
        select(Memo.id, Memo.segment_id, Coder.name, Memo.text)
        .outerjoin(Coder, Coder.id == Memo.coder_id)
        .where(Memo.segment_id.in_(ids))
        .order_by(Memo.id)
    ):
        assert segment_id is not None  # chosen by its segment
        memos.append(WorkMemo(id_, segment_id, coder or "", text))
    reviews = [
        WorkReview(*row)
        for row in tx.session.execute(
            select(Review.segment_id, Review.coder_id, Review.reviewed_at, Coder.name)
            .join(Coder, Coder.id == Review.coder_id)
            .where(Review.segment_id.in_(ids))
            .order_by(Review.id)
        )
    ]
    return Work(codings, memos, reviews)


def coding_state(coding: WorkCoding, ref: str, text: str) -> dict[str, object]:
    """A coding as the trail records it."""
    return {
        "id": coding.id,
        "segment": ref,
        "concept": coding.concept,
        "coder": coding.coder,
        "start": coding.start,
        "end": coding.end,
        "text": text[coding.start : coding.end],
        "pick_rank": coding.pick_rank,
    }


def drop_work(
    tx: Tx,
    transcript: Transcript,
    text: str,
    where: dict[int, OldSegment],
    codings: Sequence[WorkCoding],
    memos: Sequence[WorkMemo],
    reason: str,
) -> tuple[list[CarriedItem], list[dict[str, str]]]:
    """Delete codings and memos that cannot stay, one ``drop`` event each; returns the
    report items and the rows of the export that lists them."""
    items: list[CarriedItem] = []
    rows: list[dict[str, str]] = []
    for coding in codings:
        segment = where[coding.segment_id]
        ref = f"{transcript.name}:{segment.position}"
        whole = (coding.start, coding.end) == (segment.start, segment.end)
        tx.record(
            "drop",
            "coding",
            f"Dropped the coding of {ref} with {coding.concept!r} by {coding.coder} ({reason})",
            subject_id=coding.id,
            concept_id=coding.concept_id,
            transcript_id=transcript.id,
            before={**coding_state(coding, ref, text), "segment_id": coding.segment_id},
        )
        tx.session.execute(delete(Coding).where(Coding.id == coding.id))
        words = text[coding.start : coding.end]
        items.append(
            CarriedItem(
                "coding",
                coding.coder,
                coding.concept,
                ref,
                None,
                "dropped",
                None,
                words,
                None,
                coding.pick_rank is not None,
            )
        )
        rows.append(
            {
                "kind": "coding",
                "coder": coding.coder,
                "segment": ref,
                "concept": coding.concept,
                "quote": "" if whole else words,
                "memo": "",
                "text": text[segment.start : segment.end],
            }
        )
    for memo in memos:
        segment = where[memo.segment_id]
        ref = f"{transcript.name}:{segment.position}"
        tx.record(
            "drop",
            "memo",
            f"Dropped the memo on {ref} by {memo.coder} ({reason})",
            subject_id=memo.id,
            transcript_id=transcript.id,
            before={"target": ref, "coder": memo.coder, "text": memo.text},
        )
        tx.session.execute(delete(Memo).where(Memo.id == memo.id))
        items.append(
            CarriedItem("memo", memo.coder, None, ref, None, "dropped", None, memo.text, None)
        )
        rows.append(
            {
                "kind": "memo",
                "coder": memo.coder,
                "segment": ref,
                "concept": "",
                "quote": "",
                "memo": memo.text,
                "text": text[segment.start : segment.end],
            }
        )
    return items, rows


def write_dropped(path: Path, rows: Sequence[dict[str, str]]) -> None:
    """Write the codings and memos that were dropped to a new CSV file."""
    with output_file(path, (".csv",), no_clobber=True) as out:
        records = ([row.get(column, "") for column in DROPPED_COLUMNS] for row in rows)
        write_csv(out.temp, DROPPED_COLUMNS, records)


def unplaced_lines(items: Sequence[CarriedItem], viewer: str | None) -> list[str]:
    """One line per coding or memo that could not be placed, for an error's details.

    Blind coding: another coder's work is named by its place and coder only when a
    coder (``viewer``) is acting, not by its concept or words.
    """
    lines = []
    for item in items:
        if item.status != "not placed":
            continue
        if viewer is not None and name_key(item.coder) != name_key(viewer):
            lines.append(f"{item.before} a {item.kind} by {item.coder}")
            continue
        what = f"{item.concept!r}" if item.kind == "coding" else "memo"
        lines.append(f"{item.before} {what} by {item.coder}: {one_line(item.old_text, 60)!r}")
    return lines


# --- replacing a transcript's text --------------------------------------------------


@dataclass
class _Placed:
    """Where one coding goes: a new segment position and span, or nowhere."""

    coding: WorkCoding
    position: int | None
    start: int
    end: int
    status: str
    how: str | None
    merged_into: WorkCoding | None = None


@dataclass
class CarryPlan:
    """Where the work on a transcript goes in its new text, decided before any write."""

    transcript: Transcript
    old_text: str
    new_text: str
    spans: list[SegmentSpan]
    segments: dict[int, OldSegment]
    work: Work
    codings: list[_Placed]
    segment_to: dict[int, int | None]  # old segment id -> new position
    items: list[CarriedItem]

    @property
    def unplaced(self) -> list[CarriedItem]:
        """The codings and memos whose words are gone from the new text."""
        return [i for i in self.items if i.status == "not placed"]


def plan(tx: Tx, transcript: Transcript, new_text: str, spans: list[SegmentSpan]) -> CarryPlan:
    """Decide where each coding, memo and read mark of ``transcript`` goes in its new
    text and segments (nothing is written)."""
    segments = {
        s.id: OldSegment(s.id, s.position, s.char_start, s.char_end)
        for s in tx.session.scalars(
            select(Segment).where(Segment.transcript_id == transcript.id).order_by(Segment.position)
        )
    }
    work = load_work(tx, list(segments))
    old_text = transcript.text
    relocator = Relocator(old_text, new_text)
    starts = [span.start for span in spans]
    found = {id_: relocator.place(s.start, s.end) for id_, s in segments.items()}
    segment_to = {id_: _segment_of(p, spans, starts) for id_, p in found.items()}
    placed: list[_Placed] = []
    identities: dict[tuple[int, int, int, int, int], _Placed] = {}
    for coding in work.codings:
        old, follows = segments[coding.segment_id], segment_to[coding.segment_id]
        placement = found[coding.segment_id]
        if (coding.start, coding.end) == (old.start, old.end) and placement and follows:
            # A whole-segment coding stays one, of the segment its segment became.
            span = spans[follows - 1]
            status = "kept" if placement.how == "exact" else "changed"
            target = _Placed(coding, follows, span.start, span.end, status, placement.how)
        else:
            target = _place_coding(relocator, coding, follows, spans, starts)
        if target.position is not None:
            key = (target.position, coding.concept_id, coding.coder_id, target.start, target.end)
            first = identities.get(key)
            if first is None:
                identities[key] = target
            else:
                target.status, target.merged_into = "merged", first.coding
        placed.append(target)
    name = transcript.name
    items = [
        CarriedItem(
            "coding",
            p.coding.coder,
            p.coding.concept,
            f"{name}:{segments[p.coding.segment_id].position}",
            None if p.position is None else f"{name}:{p.position}",
            p.status,
            p.how,
            old_text[p.coding.start : p.coding.end],
            None if p.position is None else new_text[p.start : p.end],
            p.coding.pick_rank is not None,
        )
        for p in placed
    ]
    for memo in work.memos:
        old = segments[memo.segment_id]
        position = segment_to[memo.segment_id]
        status = "not placed" if position is None else "kept"  # it follows its segment
        items.append(
            CarriedItem(
                "memo",
                memo.coder,
                None,
                f"{name}:{old.position}",
                None if position is None else f"{name}:{position}",
                status,
                None,
                memo.text,
                None if position is None else memo.text,
            )
        )
    return CarryPlan(
        transcript, old_text, new_text, spans, segments, work, placed, segment_to, items
    )


def _segment_of(
    placement: Placement | None, spans: list[SegmentSpan], starts: list[int]
) -> int | None:
    """The position (from 1) of the new segment holding most of a placement."""
    if placement is None:
        return None
    best, most = None, 0
    first = max(_index_at(starts, placement.start), 0)
    for index in range(first, len(spans)):
        span = spans[index]
        if span.start >= placement.end:
            break
        overlap = min(span.end, placement.end) - max(span.start, placement.start)
        if overlap > most:
            best, most = index + 1, overlap
    return best


def _index_at(starts: list[int], offset: int) -> int:
    """The index of the last segment starting at or before ``offset`` (-1 if none)."""
    return bisect.bisect_right(starts, offset) - 1


def _place_coding(
    relocator: Relocator,
    coding: WorkCoding,
    follows: int | None,
    spans: list[SegmentSpan],
    starts: list[int],
) -> _Placed:
    """Where a coding goes: its words found again, kept inside one new segment. The same
    words in the segment its old segment became (``follows``, whatever its number now)
    are ``kept``, elsewhere ``moved``; other words are ``changed``."""
    placement = relocator.place(coding.start, coding.end)
    position = _segment_of(placement, spans, starts)
    if placement is None or position is None:
        return _Placed(coding, None, 0, 0, "not placed", None)
    span = spans[position - 1]
    start, end = max(placement.start, span.start), min(placement.end, span.end)
    piece = relocator.new[start:end]
    start += len(piece) - len(piece.lstrip())
    end = start + len(piece.strip())
    if relocator.new[start:end] != relocator.old[coding.start : coding.end]:
        status = "changed"
    else:
        status = "kept" if position == follows else "moved"
    return _Placed(coding, position, start, end, status, placement.how)


def apply(
    tx: Tx, carry: CarryPlan, new_ids: dict[int, int]
) -> tuple[CarryReport, list[dict[str, str]]]:
    """Move the work onto the new segments (``new_ids``: position -> id), drop what could
    not be placed (audited), then delete the old segments. Returns the report and the
    rows of the export of what was dropped."""
    session = tx.session
    moves: list[dict[str, int]] = []
    merged: list[int] = []
    ranks: dict[int, int] = {}  # a coding that others merged into -> its pick rank
    for target in carry.codings:
        if target.position is None:
            continue
        keeper = target.merged_into
        if keeper is None:
            moves.append(
                {
                    "id": target.coding.id,
                    "segment_id": new_ids[target.position],
                    "char_start": target.start,
                    "char_end": target.end,
                }
            )
            continue
        merged.append(target.coding.id)
        for rank in (keeper.pick_rank, target.coding.pick_rank):
            if rank is not None:
                ranks[keeper.id] = min(ranks.get(keeper.id, rank), rank)
    if merged:
        session.execute(delete(Coding).where(Coding.id.in_(merged)))
    if moves:  # one UPDATE by primary key, run for every row
        session.execute(update(Coding), moves)
    for coding_id, rank in ranks.items():
        session.execute(update(Coding).where(Coding.id == coding_id).values(pick_rank=rank))
    lost_memos = [m for m in carry.work.memos if carry.segment_to[m.segment_id] is None]
    memo_moves = [
        {"id": m.id, "segment_id": new_ids[position]}
        for m in carry.work.memos
        if (position := carry.segment_to[m.segment_id]) is not None
    ]
    if memo_moves:
        session.execute(update(Memo), memo_moves)
    dropped, rows = drop_work(
        tx,
        carry.transcript,
        carry.old_text,
        carry.segments,
        [t.coding for t in carry.codings if t.position is None],
        lost_memos,
        "its words are not in the new text",
    )
    kept: dict[tuple[int, int], dt.datetime] = {}
    lost_reviews = 0
    for review in carry.work.reviews:
        position = carry.segment_to[review.segment_id]
        if position is None:
            lost_reviews += 1
        else:
            key = (new_ids[position], review.coder_id)
            kept[key] = min(kept.get(key, review.reviewed_at), review.reviewed_at)
    if kept:
        session.execute(
            insert(schema.reviews),
            [{"segment_id": s, "coder_id": c, "reviewed_at": at} for (s, c), at in kept.items()],
        )
    session.execute(delete(Segment).where(Segment.id.in_(list(carry.segments))))
    dropped_items = iter(dropped)  # in the order of the plan: codings, then memos
    items = [next(dropped_items) if i.status == "not placed" else i for i in carry.items]
    report = CarryReport(tuple(items), reviews_kept=len(kept), reviews_dropped=lost_reviews)
    return report, rows


def trail(
    carry: CarryPlan, report: CarryReport, new_ids: dict[int, int]
) -> tuple[dict[str, object], dict[str, object]]:
    """The before and after of the work on a replaced transcript, for its event."""
    name = carry.transcript.name
    before_codings = [
        coding_state(
            p.coding, f"{name}:{carry.segments[p.coding.segment_id].position}", carry.old_text
        )
        for p in carry.codings
    ]
    after_codings = [  # each names its coder, so a blind reader's trail leaves it out
        {
            "id": (p.merged_into or p.coding).id,
            "coder": p.coding.coder,
            "segment": f"{name}:{p.position}",
            "segment_id": new_ids[p.position],
            "start": p.start,
            "end": p.end,
            "text": carry.new_text[p.start : p.end],
            "status": p.status,
            "how": p.how,
        }
        for p in carry.codings
        if p.position is not None
    ]
    memos_before = [
        {"id": m.id, "segment": f"{name}:{carry.segments[m.segment_id].position}", "coder": m.coder}
        for m in carry.work.memos
    ]
    memos_after = [
        {"id": m.id, "segment": f"{name}:{carry.segment_to[m.segment_id]}", "coder": m.coder}
        for m in carry.work.memos
        if carry.segment_to[m.segment_id] is not None
    ]
    # Read marks by coder, so a blind reader's trail counts their own only.
    read_before: dict[str, int] = {}
    read_after: dict[str, set[int]] = {}
    for review in carry.work.reviews:
        read_before[review.coder] = read_before.get(review.coder, 0) + 1
        position = carry.segment_to[review.segment_id]
        if position is not None:
            read_after.setdefault(review.coder, set()).add(position)
    before: dict[str, object] = {
        "codings": before_codings,
        "memos": memos_before,
        "reviews": read_before,
    }
    after = {
        "codings": after_codings,
        "memos": memos_after,
        "reviews": {coder: len(kept) for coder, kept in read_after.items()},
        "dropped": report.count("dropped") + report.count("dropped", "memo"),
    }
    return before, after
