"""Undo: reverse events of the acting coder, recorded as events themselves."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from gioia.errors import InvalidInput
from gioia.models import Coding, Concept, Event, Memo, Segment
from gioia.ops.base import Tx
from gioia.ops.reviews import remove_reviews


def undo(tx: Tx, event_ids: list[int]) -> list[str]:
    """Reverse these events (the newest first); returns what was undone, one line each.

    Tags, untags, memos, reviews and concept creations can be undone, and only the
    acting coder's own.
    """
    coder = tx.coder()
    done = []
    for event_id in sorted(event_ids, reverse=True):
        event = tx.session.get(Event, event_id)
        if event is None or event.coder_id != coder.id:
            raise InvalidInput(f"Event {event_id} is not one of {coder.name}'s: cannot undo it.")
        reverse = _REVERSALS.get(event.action)
        if reverse is None:
            raise InvalidInput(f"A {event.action!r} cannot be undone.")
        reverse(tx, event)
        tx.record(
            "undo",
            event.subject,
            f"Undid: {event.summary}",
            subject_id=event.subject_id,
            concept_id=event.concept_id,
            transcript_id=event.transcript_id,
            before={"event": event.id},
        )
        done.append(event.summary)
    return done


def _untag(tx: Tx, event: Event) -> None:
    tx.session.execute(delete(Coding).where(Coding.id == event.subject_id))


def _retag(tx: Tx, event: Event) -> None:
    before = event.before or {}
    if tx.session.get(Concept, event.concept_id) is None:
        raise InvalidInput(f"Cannot undo {event.summary!r}: the concept no longer exists.")
    if tx.session.get(Segment, before.get("segment_id")) is None:
        raise InvalidInput(f"Cannot undo {event.summary!r}: the segment no longer exists.")
    key = {
        "segment_id": before["segment_id"],
        "concept_id": event.concept_id,
        "coder_id": event.coder_id,
        "char_start": before["start"],
        "char_end": before["end"],
    }
    if tx.session.scalar(select(Coding.id).filter_by(**key)) is None:
        tx.session.add(Coding(**key))


def _unmemo(tx: Tx, event: Event) -> None:
    tx.session.execute(delete(Memo).where(Memo.id == event.subject_id))


def _unreview(tx: Tx, event: Event) -> None:
    assert event.coder_id is not None
    remove_reviews(tx, event.coder_id, list((event.after or {}).get("segments", [])))


def _uncreate(tx: Tx, event: Event) -> None:
    if event.subject != "concept":
        raise InvalidInput(f"A {event.subject} creation cannot be undone here.")
    used = tx.session.scalar(select(func.count()).where(Coding.concept_id == event.subject_id))
    if not used:
        tx.session.execute(delete(Concept).where(Concept.id == event.subject_id))


_REVERSALS = {
    "tag": _untag,
    "untag": _retag,
    "memo": _unmemo,
    "review": _unreview,
    "create": _uncreate,
}
