"""Editing segments after import: merge, split and delete, with the work on them kept.

Offsets stay true: a merge or a split changes segment boundaries only, so every
coding keeps its span; a deletion takes the segment's words out of the transcript's
text and moves every later span back. Segments after the edit are renumbered, so
their ``T:N`` references change (the event says how). ``Transcript.content_hash``
stays that of the imported file, so importing the same file again changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update

from gioia import schema
from gioia.errors import InvalidInput
from gioia.models import Coder, Coding, Memo, Review, Segment, Transcript
from gioia.ops.base import Tx
from gioia.ops.blind_trail import DROPPING
from gioia.ops.carry import OldSegment, Work, WorkCoding, coding_state, drop_work, load_work
from gioia.ops.handles import handles
from gioia.ops.objects import resolve_refs, segment_ref
from gioia.ops.tagging import locate_quote
from gioia.text import name_key, one_line, split_sentences
from gioia.views import CarriedItem, CarryReport, SegmentEdit


@dataclass(frozen=True)
class DeleteOutcome:
    """A deletion, and the rows of the export of what it dropped."""

    edit: SegmentEdit
    dropped: tuple[dict[str, str], ...]


def _state(transcript: Transcript, segment: Segment) -> dict[str, object]:
    """A segment as the trail records it."""
    return {
        "segment": segment_ref(transcript, segment),
        "id": segment.id,
        "start": segment.char_start,
        "end": segment.char_end,
        "speaker": segment.speaker,
        "text": transcript.text[segment.char_start : segment.char_end],
    }


def _renumber(tx: Tx, transcript_id: int, after: int, by: int) -> int:
    """Move the positions of the segments after ``after`` by ``by``; returns how many.

    In two steps (through negative positions) so that no row ever takes a position
    another still holds: SQLite and PostgreSQL check uniqueness row by row.
    """
    later = (Segment.transcript_id == transcript_id, Segment.position > after)
    count = tx.session.scalar(select(func.count()).where(*later)) or 0
    if count and by:
        tx.session.execute(
            update(Segment)
            .where(*later)
            .values(position=-Segment.position)
            .execution_options(synchronize_session=False)
        )
        tx.session.execute(
            update(Segment)
            .where(Segment.transcript_id == transcript_id, Segment.position < 0)
            .values(position=-Segment.position + by)
            .execution_options(synchronize_session=False)
        )
    return count


def _item(
    coding: WorkCoding, before: str, after: str, status: str, text: str, new_text: str | None
) -> CarriedItem:
    return CarriedItem(
        "coding",
        coding.coder,
        coding.concept,
        before,
        after,
        status,
        None,
        text,
        new_text,
        coding.pick_rank is not None,
    )


def merge(tx: Tx, refs: list[str], *, speaker: str | None = None) -> SegmentEdit:
    """Merge consecutive segments of one transcript, named in their order, into the
    first of them.

    Turns of different speakers are merged only when ``speaker`` names the one whose
    turn the merged segment is (its informant and interviewer flag go with it).
    Codings keep their spans; a coder's whole-segment codings of one concept on every
    part become one whole-segment coding of the merged segment. Memos move over; read
    marks as :func:`_read_marks` says.
    """
    targets = resolve_refs(tx, refs)
    if len(targets) < 2:
        raise InvalidInput("Name two or more consecutive segments to merge, e.g. T:3 T:4.")
    transcript = targets[0][0]
    if any(t.id != transcript.id for t, _ in targets):
        raise InvalidInput("Only segments of one transcript can be merged.")
    parts = sorted((s for _, s in targets), key=lambda s: s.position)
    positions = [s.position for s in parts]
    named = ", ".join(segment_ref(transcript, s) for s in parts)
    if positions != list(range(positions[0], positions[0] + len(parts))):
        raise InvalidInput(f"Segments {named} are not consecutive: merge neighbours only.")
    if [s.position for _, s in targets] != positions:
        raise InvalidInput(
            f"Name the segments in their order: {' '.join(named.split(', '))} "
            "(they merge into the first)."
        )
    first, rest = parts[0], parts[1:]
    voice = _voice(transcript, parts, speaker)
    mixed = len({name_key(s.speaker or "") for s in parts}) > 1
    text = transcript.text
    work = load_work(tx, [s.id for s in parts])
    before_refs = tuple(segment_ref(transcript, s) for s in parts)
    before = {
        "segments": [_state(transcript, s) for s in parts],
        "codings": [coding_state(c, _ref_of(transcript, parts, c), text) for c in work.codings],
    }
    merged_ref = segment_ref(transcript, first)
    spans = {s.id: (s.char_start, s.char_end) for s in parts}
    first.char_end = parts[-1].char_end
    if parts[-1].time_end is not None:
        first.time_end = parts[-1].time_end

    whole: dict[tuple[int, int], list[WorkCoding]] = defaultdict(list)
    for coding in work.codings:
        if (coding.start, coding.end) == spans[coding.segment_id]:
            whole[(coding.coder_id, coding.concept_id)].append(coding)
    joined = {
        c.id: group[0]
        for group in whole.values()
        if {c.segment_id for c in group} == set(spans)
        for c in group
    }
    items = []
    after_codings: list[dict[str, object]] = []
    for coding in work.codings:
        old_ref = _ref_of(transcript, parts, coding)
        words = text[coding.start : coding.end]
        keeper = joined.get(coding.id)
        span = (coding.start, coding.end)
        if keeper is None:
            status = "kept" if coding.segment_id == first.id else "moved"
            tx.session.execute(
                update(Coding).where(Coding.id == coding.id).values(segment_id=first.id)
            )
            items.append(_item(coding, old_ref, merged_ref, status, words, words))
        elif keeper.id == coding.id:
            status, span = "changed", (first.char_start, first.char_end)
            picked = [c.pick_rank for c in work.codings if joined.get(c.id) is keeper]
            ranks = [r for r in picked if r is not None]
            tx.session.execute(
                update(Coding)
                .where(Coding.id == coding.id)
                .values(
                    segment_id=first.id,
                    char_start=span[0],
                    char_end=span[1],
                    pick_rank=min(ranks) if ranks else None,
                )
            )
            items.append(_item(coding, old_ref, merged_ref, status, words, text[span[0] : span[1]]))
        else:
            status, span = "merged", (first.char_start, first.char_end)
            tx.session.execute(delete(Coding).where(Coding.id == coding.id))
            items.append(_item(coding, old_ref, merged_ref, status, words, None))
        after_codings.append(_coding_after((keeper or coding).id, coding, merged_ref, span, status))
    for memo in work.memos:
        old_ref = _ref_of_id(transcript, parts, memo.segment_id)
        status = "kept" if memo.segment_id == first.id else "moved"
        items.append(
            CarriedItem(
                "memo", memo.coder, None, old_ref, merged_ref, status, None, memo.text, memo.text
            )
        )
    tx.session.execute(
        update(Memo).where(Memo.segment_id.in_([s.id for s in rest])).values(segment_id=first.id)
    )
    kept, partial = _read_marks(tx, work, set(spans))
    missing = kept - {r.coder_id for r in work.reviews if r.segment_id == first.id}
    if missing:
        tx.session.execute(
            insert(schema.reviews), [{"segment_id": first.id, "coder_id": c} for c in missing]
        )
    if partial:
        tx.session.execute(
            delete(Review).where(Review.segment_id == first.id, Review.coder_id.in_(partial))
        )
    for segment in rest:
        tx.session.delete(segment)
    tx.session.flush()
    renumbered = _renumber(tx, transcript.id, positions[-1], -len(rest))
    report = CarryReport(tuple(items), reviews_kept=len(kept), reviews_dropped=len(partial))
    first.speaker, first.is_interviewer, first.informant_id = (
        voice.speaker,
        voice.is_interviewer,
        voice.informant_id,
    )
    note = f"; the turn of {voice.speaker or 'no speaker'} (--speaker)" if mixed else ""
    event = tx.record(
        "merge",
        "segment",
        f"Merged {', '.join(before_refs)} into {merged_ref}{note}",
        subject_id=first.id,
        transcript_id=transcript.id,
        before=before,
        after={
            "segment": _state(transcript, first),
            "codings": after_codings,
            "renumbered": {"after": positions[-1], "by": -len(rest), "segments": renumbered},
            "read marks kept": _names(tx, kept),
            "read marks withdrawn": _names(tx, partial),
        },
    )
    return SegmentEdit(
        "merge", before_refs, (merged_ref,), report, renumbered, handles(tx, [event])[0]
    )


def _voice(transcript: Transcript, parts: list[Segment], speaker: str | None) -> Segment:
    """The part whose speaker the merged turn keeps: the only speaker there is, or the
    one ``speaker`` names; refused when the parts are turns of different speakers and
    none is named."""
    speakers: dict[str, Segment] = {}
    for part in parts:
        speakers.setdefault(name_key(part.speaker or ""), part)
    if speaker is None:
        if len(speakers) == 1:
            return parts[0]
        who = " and ".join(
            f"{segment_ref(transcript, s)} ({s.speaker or 'no speaker'})"
            for s in parts
            if speakers[name_key(s.speaker or "")] is s
        )
        raise InvalidInput(
            f"{who} are turns of different speakers: pass --speaker NAME to say whose "
            "turn the merged segment is."
        )
    chosen = speakers.get(name_key(speaker))
    if chosen is None:
        names = ", ".join(repr(s.speaker or "") for s in speakers.values())
        raise InvalidInput(f"No part speaks as {speaker!r}: choose one of {names}.")
    return chosen


def _read_marks(tx: Tx, work: Work, parts: set[int]) -> tuple[set[int], set[int]]:
    """Who keeps a read mark on a merged segment, and whose marks are withdrawn.

    A coder keeps it who had read every part, or who read a part and coded one (a coding
    counts as reading in every count: withdrawing the mark would contradict it). A
    consensus coder's mark says a segment is decided: it keeps it when it had decided
    every part that another coder read, else the merged segment is to decide again (and
    the new decision replaces its codings there).
    """
    read: dict[int, set[int]] = defaultdict(set)
    for review in work.reviews:
        read[review.coder_id].add(review.segment_id)
    coded: dict[int, set[int]] = defaultdict(set)
    for coding in work.codings:
        coded[coding.coder_id].add(coding.segment_id)
    marked = set(read)
    consensus = set(
        tx.session.scalars(
            select(Coder.id).where(Coder.id.in_(marked), Coder.is_consensus.is_(True))
        )
    )
    coders = (set(read) | set(coded)) - consensus
    seen_by_coders = {part for coder in coders for part in read[coder] | coded[coder]}
    kept = set()
    for coder in marked:
        if coder in consensus:
            keep = not (seen_by_coders - read[coder])
        else:
            keep = read[coder] == parts or bool(coded[coder])
        if keep:
            kept.add(coder)
    return kept, marked - kept


def _names(tx: Tx, coders: set[int]) -> list[str]:
    return sorted(tx.session.scalars(select(Coder.name).where(Coder.id.in_(coders))))


def _ref_of(transcript: Transcript, parts: list[Segment], coding: WorkCoding) -> str:
    return _ref_of_id(transcript, parts, coding.segment_id)


def _ref_of_id(transcript: Transcript, parts: list[Segment], segment_id: int) -> str:
    position = next(s.position for s in parts if s.id == segment_id)
    return f"{transcript.name}:{position}"


def split(
    tx: Tx,
    ref: str,
    *,
    at: int | None = None,
    before: str | None = None,
    sentences: bool = False,
    whole: str | None = None,
) -> SegmentEdit:
    """Split a segment at a character (``at``, from 0 in its text), before some words
    (``before``), or at every sentence (``sentences``).

    A quote goes with the part that holds it (a cut inside a quote is refused, or with
    ``sentences`` skipped). A whole-segment coding holds every part's words, so where it
    goes is the caller's to say (``whole``): ``first`` (the first part keeps it) or
    ``every`` (each part gets one, counted once per part); without it such a split is
    refused. Memos stay with the first part; read marks go to every part.
    """
    if whole not in (None, *WHOLE_CODINGS):
        raise InvalidInput(
            f"{whole!r} is not a choice: whole-segment codings go to first or every part."
        )
    if sum((at is not None, before is not None, sentences)) != 1:
        raise InvalidInput(
            "Split at a character (--at N), before words (--before), or at sentences."
        )
    ((transcript, segment),) = resolve_refs(tx, [ref])
    ref = segment_ref(transcript, segment)
    text = transcript.text
    start, end = segment.char_start, segment.char_end
    own = text[start:end]
    if at is not None:
        if not 0 < at < len(own):
            raise InvalidInput(
                f"Cannot split {ref} at {at}: give an offset from 1 to {len(own) - 1} "
                f"(its text has {len(own)} characters, counted from 0)."
            )
        cuts = [start + at]
    elif before is not None:
        found = locate_quote(own, before)
        if found is None:
            raise InvalidInput(f"The words {before!r} are not in {ref}.")
        if found[0] == 0:
            raise InvalidInput(f"{ref} starts with {before!r}: there is nothing before it.")
        cuts = [start + found[0]]
    else:
        cuts = [start + a for a, _ in split_sentences(own)[1:]]
    work = load_work(tx, [segment.id])
    quotes = [c for c in work.codings if (c.start, c.end) != (start, end)]
    inside = [(cut, c) for cut in cuts for c in quotes if c.start < cut < c.end]
    if inside and not sentences:
        cut, coding = inside[0]
        raise InvalidInput(
            f"Splitting {ref} at {cut - start} would cut {coding.coder}'s quote of "
            f"{coding.concept!r} ({text[coding.start : coding.end]!r}): split elsewhere."
        )
    cuts = [cut for cut in cuts if all(cut != c for c, _ in inside)]
    pieces = _pieces(text, start, end, cuts)
    if len(pieces) < 2:
        raise InvalidInput(f"{ref} has nothing to split there: each part needs some text.")
    wholes = [c for c in work.codings if (c.start, c.end) == (start, end)]
    if wholes and whole is None:
        names = ", ".join(f"{c.coder}'s {c.concept!r}" for c in wholes[:3]) + (
            " …" if len(wholes) > 3 else ""
        )
        raise InvalidInput(
            f"{ref} has {len(wholes)} whole-segment coding(s) ({names}): say where they go, "
            "--whole-codings first (the first part keeps them) or every (each part gets "
            "one, and counts once per part)."
        )
    before_state = {
        "segment": _state(transcript, segment),
        "codings": [coding_state(c, ref, text) for c in work.codings],
    }
    renumbered = _renumber(tx, transcript.id, segment.position, len(pieces) - 1)
    time_end = segment.time_end
    segment.char_start, segment.char_end = pieces[0]
    if len(pieces) > 1:
        segment.time_end = None
    new_rows = [
        Segment(
            transcript_id=transcript.id,
            position=segment.position + k,
            char_start=a,
            char_end=b,
            speaker=segment.speaker,
            is_interviewer=segment.is_interviewer,
            informant_id=segment.informant_id,
            time_end=time_end if k == len(pieces) - 1 else None,
        )
        for k, (a, b) in enumerate(pieces[1:], start=1)
    ]
    tx.session.add_all(new_rows)
    tx.session.flush()
    parts = [segment, *new_rows]
    refs = [segment_ref(transcript, s) for s in parts]
    items: list[CarriedItem] = []
    after_codings: list[dict[str, object]] = []
    for coding in work.codings:
        words = text[coding.start : coding.end]
        if (coding.start, coding.end) == (start, end):
            tx.session.execute(
                update(Coding)
                .where(Coding.id == coding.id)
                .values(char_start=pieces[0][0], char_end=pieces[0][1])
            )
            items.append(_item(coding, ref, refs[0], "changed", words, _words(text, pieces[0])))
            after_codings.append(_coding_after(coding.id, coding, refs[0], pieces[0], "changed"))
            if whole == "first":
                continue
            copies = [
                {
                    "segment_id": part.id,
                    "concept_id": coding.concept_id,
                    "coder_id": coding.coder_id,
                    "char_start": part.char_start,
                    "char_end": part.char_end,
                }
                for part in new_rows
            ]
            tx.session.execute(insert(schema.codings), copies)
            for part, part_ref in zip(new_rows, refs[1:], strict=True):
                span = (part.char_start, part.char_end)
                items.append(_item(coding, ref, part_ref, "copied", words, _words(text, span)))
                after_codings.append(_coding_after(None, coding, part_ref, span, "copied"))
            continue
        index = next(k for k, (a, b) in enumerate(pieces) if a <= coding.start < b)
        if index:
            tx.session.execute(
                update(Coding).where(Coding.id == coding.id).values(segment_id=parts[index].id)
            )
        status = "kept" if index == 0 else "moved"
        items.append(_item(coding, ref, refs[index], status, words, words))
        after_codings.append(
            _coding_after(coding.id, coding, refs[index], (coding.start, coding.end), status)
        )
    for memo in work.memos:
        items.append(
            CarriedItem("memo", memo.coder, None, ref, refs[0], "kept", None, memo.text, memo.text)
        )
    readers = [r.coder_id for r in work.reviews]
    if readers:
        tx.session.execute(
            insert(schema.reviews),
            [{"segment_id": part.id, "coder_id": c} for part in new_rows for c in readers],
        )
    report = CarryReport(tuple(items), reviews_kept=len(readers))
    event = tx.record(
        "split",
        "segment",
        f"Split {ref} into {', '.join(refs)}"
        + (f"; whole-segment codings to {whole} part" if wholes and whole else ""),
        subject_id=segment.id,
        transcript_id=transcript.id,
        before=before_state,
        after={
            "segments": [_state(transcript, s) for s in parts],
            "codings": after_codings,
            "renumbered": {
                "after": segment.position,
                "by": len(pieces) - 1,
                "segments": renumbered,
            },
        },
    )
    return SegmentEdit("split", (ref,), tuple(refs), report, renumbered, handles(tx, [event])[0])


#: Where a split sends whole-segment codings: the first part, or every part.
WHOLE_CODINGS = ("first", "every")


def _pieces(text: str, start: int, end: int, cuts: list[int]) -> list[tuple[int, int]]:
    """The parts of ``[start, end)`` between the cuts, without whitespace at their ends;
    an error if one would be blank."""
    pieces = []
    for a, b in zip([start, *cuts], [*cuts, end], strict=True):
        piece = text[a:b]
        stripped = piece.strip()
        if not stripped:
            return []
        a += len(piece) - len(piece.lstrip())
        pieces.append((a, a + len(stripped)))
    return pieces


def _words(text: str, span: tuple[int, int]) -> str:
    return text[span[0] : span[1]]


def _coding_after(
    coding_id: int | None, coding: WorkCoding, ref: str, span: tuple[int, int], status: str
) -> dict[str, object]:
    """A coding after a segment edit, naming its coder (so a blind reader sees their own
    only: :meth:`gioia.ops.visibility.Viewer.redact`)."""
    return {
        "id": coding_id,
        "coder": coding.coder,
        "segment": ref,
        "start": span[0],
        "end": span[1],
        "status": status,
    }


def delete_segment(tx: Tx, ref: str, *, force: bool = False) -> DeleteOutcome:
    """Delete a segment and its words (a title line, a false turn); later offsets move
    back. Refused while it holds codings or memos, unless ``force``, which drops them
    (audited, and listed in the export the caller writes)."""
    ((transcript, segment),) = resolve_refs(tx, [ref])
    ref = segment_ref(transcript, segment)
    work = load_work(tx, [segment.id])
    if (work.codings or work.memos) and not force:
        held = " and ".join(
            part
            for part in (
                f"{len(work.codings)} coding(s)" if work.codings else "",
                f"{len(work.memos)} memo(s)" if work.memos else "",
            )
            if part
        )
        raise InvalidInput(
            f"{ref} holds {held}: merge it into a neighbour (`gioia segment merge`), or "
            "pass --force to drop them (they go to the audit trail and to a file beside "
            "the store)."
        )
    neighbours = {
        s.position: s
        for s in tx.session.scalars(
            select(Segment).where(
                Segment.transcript_id == transcript.id,
                Segment.position.in_([segment.position - 1, segment.position + 1]),
            )
        )
    }
    after_it, before_it = neighbours.get(segment.position + 1), neighbours.get(segment.position - 1)
    if after_it is None and before_it is None:
        raise InvalidInput(
            f"{ref} is the only segment of {transcript.name}: there would be nothing left."
        )
    text = transcript.text
    if after_it is not None:
        cut = (segment.char_start, after_it.char_start)
    else:
        assert before_it is not None
        cut = (before_it.char_end, segment.char_end)
    state = _state(transcript, segment)
    old = OldSegment(segment.id, segment.position, segment.char_start, segment.char_end)
    items, rows = drop_work(
        tx, transcript, text, {segment.id: old}, work.codings, work.memos, "its segment was deleted"
    )
    tx.session.delete(segment)
    tx.session.flush()
    shift = cut[1] - cut[0]
    transcript.text = text[: cut[0]] + text[cut[1] :]
    _shift_spans(tx, transcript.id, cut[1], len(text), shift)
    renumbered = _renumber(tx, transcript.id, old.position, -1)
    event = tx.record(
        "delete",
        "segment",
        f"Deleted {ref}"
        + (f" ({segment.speaker})" if segment.speaker else "")
        + f": {one_line(str(state['text']))!r}"
        + (DROPPING if items else ""),
        subject_id=old.id,
        transcript_id=transcript.id,
        before={
            **state,
            "removed": list(cut),
            "removed_text": text[cut[0] : cut[1]],
            "codings": [coding_state(c, ref, text) for c in work.codings],
            "memos": [{"id": m.id, "coder": m.coder, "text": m.text} for m in work.memos],
            "reviews": {r.coder: 1 for r in work.reviews},  # a blind reader sees theirs
        },
        after={
            "characters": len(transcript.text),
            "renumbered": {"after": old.position, "by": -1, "segments": renumbered},
        },
    )
    report = CarryReport(tuple(items), reviews_dropped=len(work.reviews))
    edit = SegmentEdit("delete", (ref,), (), report, renumbered, handles(tx, [event])[0])
    return DeleteOutcome(edit, tuple(rows))


def _shift_spans(tx: Tx, transcript_id: int, at: int, length: int, by: int) -> None:
    """Move back by ``by`` the segments and codings of a transcript that start at or
    after ``at``. Codings go through offsets above every old one (``length``, the old
    text's), so that none meets another's span on the way: uniqueness is checked row
    by row."""
    tx.session.execute(
        update(Segment)
        .where(Segment.transcript_id == transcript_id, Segment.char_start >= at)
        .values(char_start=Segment.char_start - by, char_end=Segment.char_end - by)
        .execution_options(synchronize_session=False)
    )
    of_transcript = Coding.segment_id.in_(
        select(Segment.id).where(Segment.transcript_id == transcript_id)
    )
    for lower, step in ((at, length), (length, -length - by)):
        tx.session.execute(
            update(Coding)
            .where(of_transcript, Coding.char_start >= lower)
            .values(char_start=Coding.char_start + step, char_end=Coding.char_end + step)
            .execution_options(synchronize_session=False)
        )
