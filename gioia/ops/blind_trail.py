"""What a blind coder reads of the project lead's events in the audit trail.

A concept the lead adopts (assigns to a theme, imports, merges) is shared with the
team: its owner and the lead read whose it was, any other coder that it is now shared.

A merge event is keyed to its target, which every coder may see, but its sources may be
coders' private concepts and its counts span every coder's codings. The event keeps it
all (the project lead reads it whole); each private source names its owner
(``"coder"``) and each source counts the codings moved per coder (``"moved by
coder"``), so :meth:`gioia.ops.visibility.Viewer.redact` drops the other coders' part
and :func:`as_read_by` rebuilds the summary from what is left, or hides the event when
nothing of it is the reader's to see.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from gioia.models import Memo
from gioia.ops.memos import named_refs
from gioia.ops.scopes import unqualified
from gioia.ops.visibility import MOVED_BY_CODER
from gioia.text import name_key

if TYPE_CHECKING:
    from gioia.ops.base import Tx


def merge_summary(word: str, names: list[str], target: str, moved: int, dropped: int) -> str:
    """The summary of a merge of ``names`` into ``target``."""
    what = "coding(s)" if word == "concept" else f"{_CHILDREN[word]}(s)"
    return (
        f"Merged {word}(s) {', '.join(map(repr, names))} into {target!r} "
        f"({moved} {what} moved, {dropped} duplicate(s) dropped)"
    )


_CHILDREN = {"theme": "concept", "dimension": "theme"}

#: How a segment's deletion says that work on it went (listed in its before).
DROPPING = ", dropping the work on it (see before)"

#: How a split says where whole-segment codings went.
_WHOLE = re.compile(r"; whole-segment codings to \w+ part$")


def deletion_summary(word: str, name: str, codings: int, memos: int, children: int) -> str:
    """The summary of the deletion of an item with what went with it."""
    return (
        f"Deleted {word} {name!r}"
        + (f" and its {codings} coding(s)" if codings else "")
        + (f" and {memos} memo(s)" if memos else "")
        + (f"; its {children} {_CHILDREN[word]}(s) are unassigned" if children else "")
    )


def summary_as_read_by(action: str, subject: str, summary: str, before: Any) -> str:
    """Another's event's summary as a blind reader reads it, ``before`` redacted: what it
    counts or says of the work that went with a deletion or a split is rebuilt from the
    reader's own part."""
    if not isinstance(before, dict):
        return summary
    if action == "delete" and subject in ("concept", "theme", "dimension") and "name" in before:
        children = len(before.get(f"{_CHILDREN[subject]}s", [])) if subject in _CHILDREN else 0
        codings, memos = len(before.get("codings", [])), len(before.get("memos", []))
        return deletion_summary(subject, str(before["name"]), codings, memos, children)
    if (
        action == "delete"
        and subject == "segment"
        and not (before.get("codings") or before.get("memos"))
    ):
        return summary.removesuffix(DROPPING)
    if action == "split" and subject == "segment":
        segment = before.get("segment") or {}
        span = (segment.get("start"), segment.get("end"))
        if not any((c.get("start"), c.get("end")) == span for c in before.get("codings", [])):
            return _WHOLE.sub("", summary)
    return summary


def shared_as_read_by(
    reader: str | None, summary: str, before: Any, after: Any
) -> tuple[str, Any, Any]:
    """The sharing of a coder's private concept (see :func:`gioia.ops.scopes.share`) as
    a blind ``reader`` reads it: whole if it was theirs; else with no word of whose it
    was."""
    owner = before.get("private_to") if isinstance(before, dict) else None
    if not isinstance(owner, str) or name_key(owner) == name_key(reader or ""):
        return summary, before, after
    prefix, suffix = f"{owner}'s concept ", " is shared with the team"
    if summary.startswith(prefix) and summary.endswith(suffix):  # as scopes.share words it
        neutral = f"Concept {summary[len(prefix) : -len(suffix)]} is now shared with the team"
    else:  # worded otherwise: nothing of it, which might name the owner
        neutral = "A concept is now shared with the team"
    return neutral, {"shared": False}, {"shared": True}


def phase_as_read_by(after: Any) -> Any:
    """The move to codebook coding as a blind reader reads it: the private concepts it
    shared by their names, not their owners' (the lead reads ``Trust [Ana]``)."""
    if not isinstance(after, dict) or not isinstance(after.get("shared"), list):
        return after
    return {**after, "shared": [unqualified(str(name)) for name in after["shared"]]}


def moved_by_coder(codings: list[dict[str, Any]], dropped: list[dict[str, Any]]) -> dict[str, int]:
    """A source's codings moved (its snapshots less the duplicates dropped), per coder."""
    moved = Counter(c["coder"] for c in codings)
    moved.subtract(Counter(c["coder"] for c in dropped))
    return {coder: n for coder, n in sorted(moved.items()) if n}


def _readable_memos(tx: Tx, memos: list[Any]) -> list[Any]:
    """The memos a merge moved that the acting coder may read: their own (named
    ``{"memo": "Ben#2", "coder": "Ben", …}``) and those they may read now; an event from
    before memos were named lists ids, which are named here."""
    ids = [m["id"] if isinstance(m, dict) else m for m in memos]
    readable = select(Memo.id).where(Memo.id.in_(ids), tx.viewer.memo_clause())
    seen = set(tx.session.scalars(readable))
    named = {m["id"]: m for m in named_refs(tx, [i for i in ids if i in seen])}
    return [
        m if isinstance(m, dict) else named[m]
        for m in memos
        if (isinstance(m, dict) and m.get("coder") == tx.viewer.name)
        or (m["id"] if isinstance(m, dict) else m) in seen
    ]


def as_read_by(tx: Tx, summary: str, before: Any, after: Any) -> tuple[str, Any, Any] | None:
    """A concept merge event as the blind acting coder reads it: the sources they may
    see, their codings moved, the memos they may read (by ``Ana#3``), and a summary of these; None
    when they may see none of the sources. An event recorded before sources named their
    owners is only redacted."""
    viewer = tx.viewer
    sources = (before or {}).get("sources")
    if (
        not isinstance(sources, list)
        or not isinstance(after, dict)
        or any(not isinstance(s, dict) or MOVED_BY_CODER not in s for s in sources)
    ):
        return summary, viewer.redact(before), viewer.redact(after)
    memos = _readable_memos(tx, after.get("memos") or [])
    before, after = viewer.redact(before), viewer.redact(after)
    sources = before["sources"]
    if not sources:
        return None
    moved = sum(n for s in sources for n in s[MOVED_BY_CODER].values())
    dropped = after.get("dropped", [])
    shown = {k: v for k, v in after.items() if k not in ("memos", "dropped")}
    shown.update(moved=moved, duplicates=len(dropped))
    if dropped:
        shown["dropped"] = dropped
    if memos:
        shown["memos"] = memos
    names = [str(s["name"]) for s in sources]
    text = merge_summary("concept", names, str(after.get("target")), moved, len(dropped))
    return text, before, shown
