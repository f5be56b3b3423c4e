"""Memos: notes on a segment, a concept, a theme or a dimension; written, read, edited,
shared and deleted, every change in the audit trail.

Under blind coding a memo is private to its author until shared (see
:mod:`gioia.ops.visibility`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select

from gioia.errors import InvalidInput, NotFound
from gioia.limits import MEMO_LENGTH, clean_text
from gioia.models import Coder, Concept, Dimension, Event, Memo, Segment, Theme, Transcript
from gioia.ops.base import Tx, suggestion
from gioia.ops.handles import handle
from gioia.ops.objects import resolve_refs, segment_ref, visible_concept
from gioia.schema import utcnow
from gioia.text import name_key
from gioia.views import MemoView

KINDS = ("segment", "concept", "theme", "dimension")
_REF = re.compile(r".+:\d+")
_MEMO_REF = re.compile(r"^(?:(?P<author>.*?\S)\s*#|#)?(?P<number>[0-9]+)$")


def numbers(tx: Tx, authors: set[int | None]) -> dict[int, int]:
    """Each memo of these authors, by id -> its number among its author's memos (1, 2,
    …): every memo they wrote counts, deleted ones too (by the trail's memo events), so
    a number never changes and is never reused, and no one else's memos count."""
    wanted = [a for a in authors if a is not None]
    if not wanted:
        return {}
    written: dict[int, set[int]] = defaultdict(set)
    made = select(Event.coder_id, Event.subject_id).where(
        Event.action == "memo", Event.subject == "memo", Event.coder_id.in_(wanted)
    )
    held = select(Memo.coder_id, Memo.id).where(Memo.coder_id.in_(wanted))
    for query in (made, held):
        for author, memo_id in tx.session.execute(query):
            if author is not None and memo_id is not None:
                written[author].add(memo_id)
    return {
        memo_id: number
        for ids in written.values()
        for number, memo_id in enumerate(sorted(ids), start=1)
    }


def _target(tx: Tx, target: str, level: str | None) -> tuple[str, int, str, int | None]:
    """What a memo is on: (kind, id, label, transcript id) for ``T:N`` or an item's name;
    ``level`` says which kind of item when a name is given."""
    if level is not None and level not in KINDS:
        raise InvalidInput(f"{level!r} is not a memo target: choose {', '.join(KINDS)}.")
    wanted = target.strip()
    if level == "segment" or (
        level is None and _REF.fullmatch(wanted) and visible_concept(tx, wanted) is None
    ):
        ((transcript, segment),) = resolve_refs(tx, [wanted])
        return "segment", segment.id, segment_ref(transcript, segment), transcript.id
    found: list[tuple[str, int, str]] = []
    concept = visible_concept(tx, wanted)
    if concept is not None and level in (None, "concept"):
        found.append(("concept", concept.id, concept.name))
    models: tuple[tuple[str, type[Theme] | type[Dimension]], ...] = (
        ("theme", Theme),
        ("dimension", Dimension),
    )
    for kind, model in models:
        if level in (None, kind):
            item = tx.session.execute(
                select(model.id, model.name).where(model.name_key == name_key(wanted))
            ).first()
            if item is not None:
                found.append((kind, item[0], item[1]))
    if len(found) > 1:
        kinds = " and a ".join(kind for kind, _, _ in found)
        raise InvalidInput(f"{wanted!r} is a {kinds}: pass --level to say which.")
    if not found:
        names = [
            *tx.session.scalars(select(Concept.name).where(tx.viewer.concept_clause())),
            *tx.session.scalars(select(Theme.name)),
            *tx.session.scalars(select(Dimension.name)),
        ]
        what = level or "segment (TRANSCRIPT:N), concept, theme or dimension"
        raise NotFound(f"No {what} {wanted!r}.{suggestion(wanted, names)}")
    kind, id_, label = found[0]
    return kind, id_, label, None


def add(
    tx: Tx, target: str, text: str, *, level: str | None = None, share: bool = False
) -> MemoView:
    """Attach a memo by the acting coder to a segment (``T:N``) or an item (by name)."""
    body = clean_text(text, "A memo", MEMO_LENGTH)
    if not body:
        raise InvalidInput("A memo cannot be blank.")
    coder = tx.coder()
    kind, id_, label, transcript_id = _target(tx, target, level)
    memo = Memo(coder_id=coder.id, text=body, shared=share, **{f"{kind}_id": id_})
    tx.session.add(memo)
    tx.session.flush()
    event = tx.record(
        "memo",
        "memo",
        f"Memo {_ref(tx, memo)} on {label}" + (" (shared)" if share else ""),
        subject_id=memo.id,
        concept_id=id_ if kind == "concept" else None,
        transcript_id=transcript_id,
        after={"kind": kind, "target": label, "text": body, "shared": share},
    )
    return _view(tx, memo, kind, label, coder.name, event)


def _find(tx: Tx, wanted: int | str) -> tuple[Memo | None, str]:
    """The memo a reference names, and how to say the reference: the store's id (an
    int, as the API had it), ``N`` or ``#N`` (the acting coder's own N-th memo, else,
    as before numbers were per author, their own memo of that id), ``Ana#N``."""
    if isinstance(wanted, int):
        return tx.session.get(Memo, wanted), f"#{wanted}"
    match = _MEMO_REF.match(wanted.strip())
    if match is None:
        raise InvalidInput(f"{wanted!r} is not a memo: write its number, e.g. 3 or Ana#3.")
    number, named = int(match["number"]), match["author"]
    if named is not None and name_key(named) != name_key(tx.viewer.name or ""):
        author = tx.session.scalar(select(Coder.id).where(Coder.name_key == name_key(named)))
        if author is None:
            return None, wanted.strip()
    else:
        author = tx.coder().id
    by_number = {n: i for i, n in numbers(tx, {author}).items()}
    found = tx.session.get(Memo, by_number[number]) if number in by_number else None
    if found is None and named is None:  # a reference from before per-author numbers
        old = tx.session.get(Memo, number)
        found = old if old is not None and old.coder_id == author else None
    return found, wanted.strip()


def _own(tx: Tx, wanted: int | str) -> tuple[Memo, str, str]:
    """The acting coder's memo ``wanted`` (see :func:`_find`) with its kind and label,
    or an error."""
    coder = tx.coder()
    memo, said = _find(tx, wanted)
    if memo is None or not tx.session.scalar(
        select(func.count()).where(Memo.id == memo.id, tx.viewer.memo_clause())
    ):
        raise NotFound(f"No memo {said}: `gioia memo list` shows their numbers.")
    if memo.coder_id != coder.id:
        author = tx.session.get(Coder, memo.coder_id or -1)
        raise InvalidInput(
            f"Memo {said} is {author.name if author else 'nobody'}'s: "
            "only its author can change it."
        )
    kind, label = _label(tx, memo)
    return memo, kind, label


def edit(tx: Tx, memo_id: int | str, text: str) -> MemoView:
    """Replace the text of one of the acting coder's memos."""
    body = clean_text(text, "A memo", MEMO_LENGTH)
    if not body:
        raise InvalidInput("A memo cannot be blank: delete it with `gioia memo delete`.")
    memo, kind, label = _own(tx, memo_id)
    before = memo.text
    memo.text, memo.updated_at = body, utcnow()
    event = _record(
        tx,
        memo,
        "edit",
        f"Edited memo {_ref(tx, memo)} on {label}",
        before={"target": label, "text": before},
        after={"target": label, "text": body},
    )
    return _view(tx, memo, kind, label, tx.coder().name, event)


def share(tx: Tx, memo_id: int | str) -> MemoView:
    """Let every coder read one of the acting coder's memos during blind coding."""
    memo, kind, label = _own(tx, memo_id)
    event = None
    if not memo.shared:
        memo.shared = True
        event = _record(
            tx,
            memo,
            "share",
            f"Shared memo {_ref(tx, memo)} on {label}",
            before={"target": label, "shared": False},
            after={"target": label, "shared": True},
        )
    return _view(tx, memo, kind, label, tx.coder().name, event)


def delete(tx: Tx, memo_id: int | str) -> MemoView:
    """Delete one of the acting coder's memos (its text stays in the trail)."""
    memo, kind, label = _own(tx, memo_id)
    view = _view(tx, memo, kind, label, tx.coder().name, None)
    summary = f"Deleted memo {view.ref} on {label}"
    event = _record(tx, memo, "delete", summary, snapshot(tx, memo))
    tx.session.delete(memo)
    tx.session.flush()
    return MemoView(**{**view.__dict__, "event": event})


def snapshot(tx: Tx, memo: Memo) -> dict[str, Any]:
    """What the trail keeps of a memo that is deleted (with it, or by a cascade)."""
    kind, label = _label(tx, memo)
    author = tx.session.get(Coder, memo.coder_id or -1)
    return {
        "id": memo.id,
        "memo": f"{author.name if author else ''}{_ref(tx, memo)}",
        "kind": kind,
        "target": label,
        "coder": author.name if author else None,
        "text": memo.text,
        "shared": memo.shared,
    }


def snapshots(tx: Tx, column: Any, ids: list[int]) -> list[dict[str, Any]]:
    """Snapshots of the memos whose ``column`` (e.g. ``Memo.concept_id``) is in ``ids``."""
    if not ids:
        return []
    memos = tx.session.scalars(select(Memo).where(column.in_(ids)).order_by(Memo.id))
    return [snapshot(tx, memo) for memo in memos]


def _label(tx: Tx, memo: Memo) -> tuple[str, str]:
    if memo.segment_id is not None:
        segment = tx.session.get(Segment, memo.segment_id)
        assert segment is not None
        transcript = tx.session.get(Transcript, segment.transcript_id)
        assert transcript is not None
        return "segment", segment_ref(transcript, segment)
    models: tuple[tuple[str, type[Concept] | type[Theme] | type[Dimension]], ...] = (
        ("concept", Concept),
        ("theme", Theme),
        ("dimension", Dimension),
    )
    for kind, model in models:
        id_ = getattr(memo, f"{kind}_id")
        if id_ is not None:
            name = tx.session.scalar(select(model.name).where(model.id == id_))
            assert name is not None
            return kind, name
    raise AssertionError("a memo is on something")


def _record(
    tx: Tx, memo: Memo, action: str, summary: str, before: Any = None, after: Any = None
) -> int:
    """An event about a memo, filed under its concept or transcript."""
    transcript = None
    if memo.segment_id is not None:
        transcript = tx.session.scalar(
            select(Segment.transcript_id).where(Segment.id == memo.segment_id)
        )
    return tx.record(
        action,
        "memo",
        summary,
        subject_id=memo.id,
        concept_id=memo.concept_id,
        transcript_id=transcript,
        before=before,
        after=after,
    )


def _ref(tx: Tx, memo: Memo) -> str:
    """How a memo is named: ``#N``, its author's N-th memo (see :func:`numbers`)."""
    return f"#{numbers(tx, {memo.coder_id}).get(memo.id, 0)}"


def named_refs(tx: Tx, ids: list[int]) -> list[dict[str, Any]]:
    """These memos as the trail names them: ``{"memo": "Ana#3", "coder": "Ana", "id":
    …}`` (the author's N-th memo, which names it to anyone; the store's id for the
    project lead, see :meth:`gioia.ops.visibility.Viewer.without_ids`), in this order."""
    rows = tx.session.execute(
        select(Memo.id, Memo.coder_id, Coder.name)
        .outerjoin(Coder, Coder.id == Memo.coder_id)
        .where(Memo.id.in_(ids))
    ).all()
    number = numbers(tx, {author for _, author, _ in rows})
    author = {memo_id: name for memo_id, _, name in rows}
    return [
        {"memo": f"{author[i] or ''}#{number.get(i, 0)}", "coder": author[i], "id": i}
        for i in ids
        if i in author
    ]


def _view(
    tx: Tx,
    memo: Memo,
    kind: str,
    label: str,
    coder: str | None,
    event: int | None,
    ref: str | None = None,
) -> MemoView:
    return MemoView(
        memo.id if tx.viewer.unblinded else None,
        kind,
        label,
        coder,
        memo.text,
        memo.shared,
        memo.created_at or utcnow(),
        memo.updated_at,
        handle(tx, event),
        ref if ref is not None else _ref(tx, memo),
    )


def _query(*, by_author: bool = False) -> Any:
    """Memos with their author and what they are on, in the order a reader wants them:
    segments in reading order, then concepts, themes and dimensions by name, then time;
    ``by_author``: by author, then number (a list of the team's memos, where ``#N``
    counts its author's memos: each author's read in the order they wrote them)."""
    columns = (
        select(
            Memo,
            Coder.name,
            Transcript.name,
            Segment.position,
            Concept.name,
            Theme.name,
            Dimension.name,
        )
        .outerjoin(Coder, Coder.id == Memo.coder_id)
        .outerjoin(Segment, Segment.id == Memo.segment_id)
        .outerjoin(Transcript, Transcript.id == Segment.transcript_id)
        .outerjoin(Concept, Concept.id == Memo.concept_id)
        .outerjoin(Theme, Theme.id == Memo.theme_id)
        .outerjoin(Dimension, Dimension.id == Memo.dimension_id)
    )
    if by_author:
        return columns.order_by(Memo.coder_id.is_(None), Coder.name_key, Memo.id)
    return columns.order_by(
        Memo.segment_id.is_(None),
        Transcript.name_key,
        Segment.position,
        Memo.concept_id.is_(None),
        Concept.name_key,
        Memo.theme_id.is_(None),
        Theme.name_key,
        Dimension.name_key,
        Memo.created_at,
        Memo.id,
    )


def _views(tx: Tx, query: Any) -> list[tuple[Memo, MemoView]]:
    found = []
    rows = tx.session.execute(query.where(tx.viewer.memo_clause())).all()
    number = numbers(tx, {row[0].coder_id for row in rows})
    for memo, coder, transcript, position, concept, theme, dimension in rows:
        kind = next(k for k in KINDS if getattr(memo, f"{k}_id") is not None)
        segment = f"{transcript}:{position}"
        label = {"segment": segment, "concept": concept, "theme": theme}.get(kind, dimension)
        ref = f"#{number.get(memo.id, 0)}"
        found.append((memo, _view(tx, memo, kind, label, coder, None, ref)))
    return found


def memos(tx: Tx, target: str | None = None, *, level: str | None = None) -> list[MemoView]:
    """The memos the acting coder may read (their own and shared ones, when blind), on
    one target or all; a transcript's name gives the memos on its segments. By author,
    then number (see :func:`_query`)."""
    query = _query(by_author=True)
    if target is not None:
        transcript = tx.session.scalar(
            select(Transcript).where(Transcript.name_key == name_key(target))
        )
        if transcript is not None and level in (None, "segment") and not _REF.fullmatch(target):
            query = query.where(Segment.transcript_id == transcript.id)
        else:
            kind, id_, _, _ = _target(tx, target, level)
            query = query.where(getattr(Memo, f"{kind}_id") == id_)
    elif level is not None:
        if level not in KINDS:
            raise InvalidInput(f"{level!r} is not a memo target: choose {', '.join(KINDS)}.")
        query = query.where(getattr(Memo, f"{level}_id").is_not(None))
    return [view for _, view in _views(tx, query)]


def on_segments(tx: Tx, segment_ids: list[int]) -> dict[int, tuple[MemoView, ...]]:
    """The memos the acting coder may read on these segments, by segment id."""
    if not segment_ids:
        return {}
    found: dict[int, list[MemoView]] = defaultdict(list)
    for start in range(0, len(segment_ids), 500):
        part = segment_ids[start : start + 500]
        for memo, view in _views(tx, _query().where(Memo.segment_id.in_(part))):
            assert memo.segment_id is not None
            found[memo.segment_id].append(view)
    return {key: tuple(value) for key, value in found.items()}


def on_item(tx: Tx, kind: str, item_id: int) -> tuple[MemoView, ...]:
    """The memos the acting coder may read on a concept, theme or dimension."""
    column = getattr(Memo, f"{kind}_id")
    return tuple(view for _, view in _views(tx, _query().where(column == item_id)))


def on_structure(tx: Tx) -> dict[tuple[str, str], tuple[MemoView, ...]]:
    """The memos the acting coder may read on each concept, theme and dimension, by
    (kind, name)."""
    found: dict[tuple[str, str], list[MemoView]] = defaultdict(list)
    for _, view in _views(tx, _query().where(Memo.segment_id.is_(None))):
        found[(view.kind, view.target)].append(view)
    return {key: tuple(value) for key, value in found.items()}
