"""Undo: reverse events of the acting coder, recorded as events themselves.

An event is undone at most once (the undo names it in ``reverses_id``), and an undo that
would change nothing (the coding is gone already, the concept is in use) is refused
rather than reported as done.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import delete, func, select

from gioia.errors import InvalidInput
from gioia.limits import MAX_INTEGER
from gioia.models import Coder, Coding, Concept, Event, Memo, Review, Segment
from gioia.ops import handles
from gioia.ops.base import Tx
from gioia.ops.reviews import remove_reviews
from gioia.ops.segment_refs import label_ids, mark_reviewed


def undo(tx: Tx, event_ids: list[int], *, actor: Coder | None = None) -> list[str]:
    """Reverse these events (the newest first; named as the steps that made them
    returned them, see :mod:`gioia.ops.handles`); returns what was undone, one line each.

    Tags, untags, memos, reviews, unreviews, concept creations and reconciliation
    decisions can be undone, and only the ``actor``'s own (default: the acting coder).
    """
    coder = actor or tx.coder()
    done = []
    named = dict(zip(handles.event_ids(tx, event_ids), event_ids, strict=True))
    for event_id in sorted(named, reverse=True):
        event = tx.session.get(Event, event_id) if 0 < event_id <= MAX_INTEGER else None
        if event is None or event.coder_id != coder.id:
            raise InvalidInput(
                f"Event {named[event_id]} is not one of {coder.name}'s: cannot undo it."
            )
        reverse = _REVERSALS.get((event.action, event.subject))
        if reverse is None:
            raise InvalidInput(f"{event.summary!r} cannot be undone.")
        if tx.session.scalar(select(Event.id).where(Event.reverses_id == event.id)) is not None:
            raise InvalidInput(f"{event.summary!r} was undone already.")
        reverse(tx, event)
        tx.record(
            "undo",
            event.subject,
            f"Undid: {event.summary}",
            subject_id=event.subject_id,
            concept_id=event.concept_id,
            transcript_id=event.transcript_id,
            before=event.after,
            after=event.before,
            coder=coder,
            reverses=event.id,
        )
        done.append(event.summary)
    return done


def _refuse(event: Event, why: str) -> InvalidInput:
    return InvalidInput(f"Cannot undo {event.summary!r}: {why}.")


def _untag(tx: Tx, event: Event) -> None:
    removed = tx.session.execute(delete(Coding).where(Coding.id == event.subject_id))
    if not getattr(removed, "rowcount", 0):
        raise _refuse(event, "that coding is gone already")


def _retag(tx: Tx, event: Event) -> None:
    before = event.before or {}
    if tx.session.get(Concept, event.concept_id) is None:
        raise _refuse(event, "the concept no longer exists")
    if tx.session.get(Segment, before.get("segment_id")) is None:
        raise _refuse(event, "the segment no longer exists")
    key = {
        "segment_id": before["segment_id"],
        "concept_id": event.concept_id,
        "coder_id": event.coder_id,
        "char_start": before["start"],
        "char_end": before["end"],
    }
    if tx.session.scalar(select(Coding.id).filter_by(**key)) is not None:
        raise _refuse(event, "the segment has that coding again")
    tx.session.add(Coding(**key))


def _unmemo(tx: Tx, event: Event) -> None:
    removed = tx.session.execute(delete(Memo).where(Memo.id == event.subject_id))
    if not getattr(removed, "rowcount", 0):
        raise _refuse(event, "that memo is gone already")


def _unreview(tx: Tx, event: Event) -> None:
    assert event.coder_id is not None
    segments = label_ids((event.after or {}).get("segments", []))
    still = tx.session.scalar(
        select(func.count()).where(
            Review.coder_id == event.coder_id, Review.segment_id.in_(segments)
        )
    )
    if not still:
        raise _refuse(event, "those segments are not marked as reviewed any more")
    remove_reviews(tx, event.coder_id, segments)


def _rereview(tx: Tx, event: Event) -> None:
    assert event.coder_id is not None
    segments = set(label_ids((event.before or {}).get("segments", [])))
    present = set(tx.session.scalars(select(Segment.id).where(Segment.id.in_(segments))))
    if not mark_reviewed(tx, event.coder_id, present):
        raise _refuse(event, "those segments are marked as reviewed already")


def _uncreate(tx: Tx, event: Event) -> None:
    if tx.session.get(Concept, event.subject_id) is None:
        raise _refuse(event, "the concept no longer exists")
    used = tx.session.scalar(select(func.count()).where(Coding.concept_id == event.subject_id))
    memos = tx.session.scalar(select(func.count()).where(Memo.concept_id == event.subject_id))
    if used or memos:
        raise _refuse(event, f"the concept has {used} coding(s) and {memos} memo(s) now")
    tx.session.execute(delete(Concept).where(Concept.id == event.subject_id))


def _undecide(tx: Tx, event: Event) -> None:
    """Take back a reconciliation decision: the codings it gave the consensus coder, the
    ones it replaced back (with their ids), and the segment's mark as settled."""
    after = event.after or {}
    added = [coding["id"] for coding in after.get("added", [])]
    if added:
        removed = tx.session.execute(delete(Coding).where(Coding.id.in_(added)))
        if getattr(removed, "rowcount", 0) != len(added):
            raise _refuse(event, "the consensus codings it made have changed since")
    assert event.coder_id is not None and event.subject_id is not None
    replaced = after.get("removed", [])
    if replaced and tx.session.get(Segment, event.subject_id) is None:
        raise _refuse(event, "the segment no longer exists")
    for coding in replaced:
        if tx.session.get(Concept, coding["concept_id"]) is None:
            raise _refuse(event, f"the concept {coding['concept']!r} no longer exists")
        tx.session.add(
            Coding(
                id=coding["id"],
                segment_id=event.subject_id,
                concept_id=coding["concept_id"],
                coder_id=event.coder_id,
                char_start=coding["start"],
                char_end=coding["end"],
            )
        )
    remove_reviews(tx, event.coder_id, [event.subject_id])


_REVERSALS: dict[tuple[str, str], Callable[[Tx, Event], None]] = {
    ("tag", "coding"): _untag,
    ("untag", "coding"): _retag,
    ("memo", "memo"): _unmemo,
    ("review", "segment"): _unreview,
    ("unreview", "segment"): _rereview,
    ("create", "concept"): _uncreate,
    ("reconcile", "segment"): _undecide,
}
