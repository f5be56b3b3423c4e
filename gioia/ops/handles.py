"""Event handles: how a write names the events it made to the caller, who may undo them.

The project lead (and an unblinded call) gets the events' ids. A blind coder gets
handles instead: the store numbers every coder's events in one sequence, so the gaps
between the ids of one's own events would count what the others did in between. A
handle is the id under a keyed permutation (a four-round Feistel network over 48 bits,
keyed by the store's identity): one event, one handle, for ever; no order, no gaps.
Per-coder numbers (as memos have) were not chosen: on PostgreSQL two transactions that
write events of the same coder can commit out of id order, and a number counted before
the other committed would then name another event, so an undo would reverse the wrong
one. Blind coding keeps coders from seeing each other's work by accident; the key is
the store's, not a secret from someone who reads the store itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import select

from gioia import schema
from gioia.errors import InvalidInput

if TYPE_CHECKING:
    from gioia.ops.base import Tx

_HALF = 24
_MASK = (1 << _HALF) - 1
_ROUNDS = 4


def _key(tx: Tx) -> bytes:
    settings = schema.settings.c
    identity = tx.execute(select(settings.value).where(settings.key == schema.STORE_ID)).scalar()
    return str(identity or "").encode()


def _round(key: bytes, number: int, half: int) -> int:
    digest = hashlib.sha256(key + bytes((number,)) + half.to_bytes(3, "big")).digest()
    return int.from_bytes(digest[:3], "big")


def _permute(key: bytes, value: int, rounds: range) -> int:
    left, right = value >> _HALF, value & _MASK
    if rounds.step > 0:
        for number in rounds:
            left, right = right, left ^ _round(key, number, right)
    else:
        for number in rounds:
            left, right = right ^ _round(key, number, left), left
    return (left << _HALF) | right


def namer(tx: Tx) -> Callable[[int], int]:
    """How the acting caller names an event given its id: by the id, or (blind) by its
    handle."""
    if tx.viewer.unblinded:
        return int
    key = _key(tx)
    return lambda event_id: _permute(key, event_id, range(_ROUNDS))


def handles(tx: Tx, event_ids: list[int]) -> tuple[int, ...]:
    """What the acting caller is given for these events (see :func:`namer`)."""
    name = namer(tx)
    return tuple(name(i) for i in event_ids)


def handle(tx: Tx, event_id: int | None) -> int | None:
    """One event's handle (see :func:`handles`), if there is an event."""
    return None if event_id is None else handles(tx, [event_id])[0]


def event_ids(tx: Tx, given: list[int]) -> list[int]:
    """The events these handles name (ids, for an unblinded caller)."""
    if tx.viewer.unblinded:
        return list(given)
    if any(not 0 <= h < 1 << 2 * _HALF for h in given):
        raise InvalidInput("Name an event by what the step that made it returned.")
    key = _key(tx)
    return [_permute(key, h, range(_ROUNDS - 1, -1, -1)) for h in given]
