"""The Gioia structure: concepts, themes and dimensions, and the tree they form.

One set of functions serves the three levels; a level is named by its word
("concept", "theme", "dimension").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, delete, exists, func, select, update
from sqlalchemy.orm import aliased

from gioia.errors import InvalidInput, NotFound
from gioia.limits import DEFINITION_LENGTH, clean_name, clean_text
from gioia.models import Coder, Coding, Concept, Dimension, Memo, Segment, Theme, Transcript
from gioia.ops import parents, scopes
from gioia.ops.base import Tx, suggestion
from gioia.ops.blind_trail import deletion_summary, merge_summary, moved_by_coder
from gioia.ops.memos import named_refs
from gioia.ops.memos import snapshots as memo_snapshots
from gioia.ops.objects import resolve_refs
from gioia.ops.visibility import MOVED_BY_CODER, require_lead, require_lead_or_own
from gioia.schema import SHARED_SCOPE
from gioia.text import compile_grep, name_key
from gioia.views_structure import DeleteResult, MergeResult

Item = Concept | Theme | Dimension


@dataclass(frozen=True)
class Level:
    """What differs between concepts, themes and dimensions."""

    word: str
    model: type[Concept] | type[Theme] | type[Dimension]
    parent: str | None  # the level above, if any
    child: str | None  # the level below, if any


_LEVELS = {
    "concept": Level("concept", Concept, "theme", None),
    "theme": Level("theme", Theme, "dimension", "concept"),
    "dimension": Level("dimension", Dimension, None, "theme"),
}


def level(word: str) -> Level:
    """The level called ``word`` (concept, theme or dimension)."""
    try:
        return _LEVELS[word]
    except KeyError:
        raise InvalidInput(
            f"{word!r} is not a level: choose concept, theme or dimension."
        ) from None


def parent_column(lvl: Level) -> Any:
    return {"concept": Concept.theme_id, "theme": Theme.dimension_id}[lvl.word]


def find_item(tx: Tx, word: str, name: str) -> Item | None:
    """The concept, theme or dimension called ``name`` (case- and space-insensitively):
    names are unique at each level, a concept's in its scope (the one ``name`` means to
    the acting coder, see :func:`gioia.ops.scopes.resolve`)."""
    if word == "concept":
        row = scopes.resolve(tx, name)
        return tx.session.get(Concept, row.id) if row is not None else None
    model = level(word).model
    found = tx.session.scalar(select(model).where(model.name_key == name_key(name)))
    return cast("Item | None", found)


def get_item(tx: Tx, word: str, name: str, *, hint: str = "") -> Item:
    """The item called ``name`` that the acting coder may see, or ``NotFound`` with the
    closest name they may see at that level."""
    found = find_item(tx, word, name)
    if found is None:
        model = level(word).model
        names = (
            list(scopes.labels(tx).values())
            if word == "concept"
            else list(tx.session.scalars(select(model.name)))
        )
        raise NotFound(f"No {word} {name!r}.{suggestion(name, names)}{hint}")
    return found


def _children(tx: Tx, lvl: Level, item: Item) -> int:
    """How many items are under ``item`` (as their first parent or another)."""
    if lvl.child is None:
        return 0
    under = parents.links(lvl.child)
    return tx.session.scalar(select(func.count()).where(under.c.parent == item.id)) or 0


def _changed(result: Any) -> int:
    """The number of rows an UPDATE or DELETE touched."""
    return cast("CursorResult[Any]", result).rowcount


def _codings_of(tx: Tx, concept: Item) -> int:
    return tx.session.scalar(select(func.count()).where(Coding.concept_id == concept.id)) or 0


def add(
    tx: Tx, word: str, name: str, definition: str | None = None, *, scope: int | None = None
) -> str:
    """Create a concept, theme or dimension; its name must be free at its level (a
    concept's in its scope: the acting coder's, see :mod:`gioia.ops.scopes`, unless
    ``scope`` is given)."""
    lvl = level(word)
    if word != "concept":
        require_lead(tx.coder_name, f"Adding a {word}")
    cleaned = clean_name(name, word)
    creator = tx.coder() if tx.coder_name else None
    if word == "concept":
        scope = scopes.scope_for(tx, creator) if scope is None else scope
        clash = scopes.clash(tx, name_key(cleaned), scope)
        if clash is not None:
            raise scopes.refuse_clash(tx, clash, f"add the concept {cleaned!r}")
    else:
        existing = find_item(tx, word, cleaned)
        if existing is not None:
            raise InvalidInput(f"A {word} named {existing.name!r} already exists.")
    last = tx.session.scalar(select(func.max(lvl.model.position)))
    fields: dict[str, Any] = {
        "name": cleaned,
        "name_key": name_key(cleaned),
        "position": (last or 0) + 1,
    }
    described = clean_text(definition or "", "A definition", DEFINITION_LENGTH)
    if described:
        fields["definition"] = described
    after: dict[str, Any] = {"name": cleaned, "definition": fields.get("definition")}
    if word == "concept":
        fields["scope"] = scope
        if creator is not None:
            fields["created_by_id"] = creator.id
        if scope:
            after["private_to"] = tx.session.get(Coder, scope).name  # type: ignore[union-attr]
    item = lvl.model(**fields)
    tx.session.add(item)
    tx.session.flush()
    tx.record(
        "create",
        word,
        f"Created {word} {cleaned!r}",
        subject_id=item.id,
        concept_id=item.id if word == "concept" else None,
        after=after,
    )
    return cleaned


def rename(tx: Tx, word: str, old: str, new: str) -> str:
    """Rename an item; the new name must be free (a change of case or spacing is fine;
    a concept's in its scope, see :mod:`gioia.ops.scopes`)."""
    item = get_item(tx, word, old)
    require_lead_or_own(tx, item, "Renaming")
    cleaned = clean_name(new, word)
    if isinstance(item, Concept):
        clash = scopes.clash(tx, name_key(cleaned), item.scope, besides=[item.id])
        if clash is not None:
            named = scopes.label_of(tx, item)
            doing = f"rename {named!r} to {cleaned!r}"
            raise scopes.refuse_clash(tx, clash, doing, subject=item)
    else:
        other = find_item(tx, word, cleaned)
        if other is not None and other.id != item.id:
            raise InvalidInput(
                f"A {word} named {other.name!r} already exists: merge them with "
                f"`gioia {word} merge`."
            )
    before = item.name
    item.name, item.name_key = cleaned, name_key(cleaned)
    tx.record(
        "rename",
        word,
        f"Renamed {word} {before!r} to {cleaned!r}",
        subject_id=item.id,
        concept_id=item.id if word == "concept" else None,
        before={"name": before},
        after={"name": cleaned},
    )
    return cleaned


def describe(tx: Tx, word: str, name: str, definition: str) -> None:
    """Set (or, with a blank text, clear) an item's definition."""
    item = get_item(tx, word, name)
    require_lead_or_own(tx, item, "Defining")
    define(tx, word, item, definition)


def define(tx: Tx, word: str, item: Item, definition: str) -> None:
    """Set (or clear) the definition of ``item``, a concept, theme or dimension."""
    described = clean_text(definition, "A definition", DEFINITION_LENGTH)
    before = item.definition
    item.definition = described or None
    tx.record(
        "describe",
        word,
        f"Defined {word} {item.name!r}",
        subject_id=item.id,
        concept_id=item.id if word == "concept" else None,
        before={"definition": before},
        after={"definition": item.definition},
    )


def merge(tx: Tx, word: str, sources: list[str], target: str) -> MergeResult:
    """Merge items into ``target``: their codings or children move over without
    duplicates, their memos follow, and they are deleted. One event, which names the
    duplicate codings dropped (with their picks) and the memos moved."""
    lvl = level(word)
    into = get_item(tx, word, target)
    items = [get_item(tx, word, name) for name in sources]
    for item in items:
        require_lead_or_own(tx, item, "Merging")
    if not items:
        raise InvalidInput(f"Name the {word}s to merge into {into.name!r}.")
    if any(i.id == into.id for i in items):
        raise InvalidInput(f"Cannot merge {into.name!r} into itself.")
    moved = 0
    dropped: list[dict[str, Any]] = []
    names = tuple(_shown(tx, i) for i in items)
    memo_column = _MEMO_COLUMNS[word]
    moving = select(Memo.id).where(memo_column.in_([i.id for i in items])).order_by(Memo.id)
    memos = named_refs(tx, list(tx.session.scalars(moving)))
    before = []
    places: list[list[int]] = []
    for item in items:
        source: dict[str, Any] = {"id": item.id, "name": item.name, "definition": item.definition}
        if lvl.parent is not None:
            source[f"{lvl.parent}s"] = parent_names(tx, word, item)
        if word == "concept":
            # Each coding (id, T:N, coder, span), so the move can be audited.
            source["codings"] = coding_snapshots(tx, Coding.concept_id == item.id)
            m, lost = _move_codings(tx, item.id, into.id)
            dropped += lost
            # A private source names its owner, so the trail shows it to them only.
            assert isinstance(item, Concept)
            if item.scope != SHARED_SCOPE:
                source["coder"] = scopes.owners(tx, [item]).get(item.scope)
            source[MOVED_BY_CODER] = moved_by_coder(source["codings"], lost)
        else:
            assert lvl.child is not None
            source[f"{lvl.child}s"] = child_names(tx, lvl, item)
            m = parents.move_children(tx, lvl.child, item.id, into.id)
        before.append(source)
        moved += m
        tx.session.execute(
            update(Memo).where(memo_column == item.id).values({memo_column: into.id})
        )
        if lvl.parent is not None:
            assert isinstance(item, Concept | Theme)
            places.append(parents.parent_ids(tx, word, item))
        tx.session.delete(item)
    tx.session.flush()
    if isinstance(into, Concept) and any(
        isinstance(i, Concept) and i.scope != into.scope for i in items
    ):
        # Two coders' concepts (or a coder's and the team's) are one now: the team's.
        scopes.share(tx, into, "merge into {!r}")
    for held in places:  # the target takes the sources' places in the tree
        assert isinstance(into, Concept | Theme)
        if not parents.shared_allowed(tx):
            held = held[:1] if getattr(into, parent_column(lvl).key) is None else []
        for parent in held:
            parents.add_parent(tx, word, into, parent)
    after: dict[str, Any] = {"target": into.name, "moved": moved, "duplicates": len(dropped)}
    if dropped:
        after["dropped"] = dropped
    if memos:
        after["memos"] = memos
    tx.record(
        "merge",
        word,
        merge_summary(word, list(names), into.name, moved, len(dropped)),
        subject_id=into.id,
        concept_id=into.id if word == "concept" else None,
        before={"sources": before},
        after=after,
    )
    return MergeResult(into.name, names, moved, len(dropped))


def _shown(tx: Tx, item: Item) -> str:
    """An item's name as the acting coder reads it (another coder's private concept as
    ``Trust [Ana]``)."""
    return scopes.label_of(tx, item) if isinstance(item, Concept) else item.name


def _move_codings(tx: Tx, source_id: int, target_id: int) -> tuple[int, list[dict[str, Any]]]:
    """Move a concept's codings to another; a coding the target has already is dropped
    (returned as snapshots for the trail)."""
    other = aliased(Coding)
    already = (
        exists()
        .where(
            other.concept_id == target_id,
            other.segment_id == Coding.segment_id,
            other.coder_id == Coding.coder_id,
            other.char_start == Coding.char_start,
            other.char_end == Coding.char_end,
        )
        .correlate(Coding)
    )
    moved = _changed(
        tx.session.execute(
            update(Coding)
            .where(Coding.concept_id == source_id, ~already)
            .values(concept_id=target_id)
            .execution_options(synchronize_session=False)
        )
    )
    dropped = coding_snapshots(tx, Coding.concept_id == source_id)
    tx.session.execute(
        delete(Coding)
        .where(Coding.concept_id == source_id)
        .execution_options(synchronize_session=False)
    )
    return moved, dropped


_MEMO_COLUMNS = {"concept": Memo.concept_id, "theme": Memo.theme_id, "dimension": Memo.dimension_id}


def coding_snapshots(tx: Tx, where: Any) -> list[dict[str, Any]]:
    """What the trail keeps of the codings that match ``where`` (before they go): coder,
    segment, concept, span and picked rank."""
    rows = tx.session.execute(
        select(Coding, Coder.name, Concept.name, Transcript.name, Segment.position)
        .join(Coder, Coder.id == Coding.coder_id)
        .join(Concept, Concept.id == Coding.concept_id)
        .join(Segment, Segment.id == Coding.segment_id)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .where(where)
        .order_by(Transcript.name_key, Segment.position, Coding.id)
    )
    return [
        {
            "id": coding.id,
            "coder": coder,
            "segment": f"{transcript}:{position}",
            "concept": concept,
            "start": coding.char_start,
            "end": coding.char_end,
            **({"pick_rank": coding.pick_rank} if coding.pick_rank else {}),
        }
        for coding, coder, concept, transcript, position in rows
    ]


def child_names(tx: Tx, lvl: Level, item: Item) -> list[str]:
    """The names of the items under ``item`` (as their first parent or another)."""
    if lvl.child is None:
        return []
    child = level(lvl.child)
    under = parents.links(lvl.child)
    return list(
        tx.session.scalars(
            select(child.model.name)
            .join(under, under.c.child == child.model.id)
            .where(under.c.parent == item.id)
            .order_by(child.model.position, child.model.id)
        )
    )


def parent_names(tx: Tx, word: str, item: Item) -> list[str]:
    """The names of an item's parents, its first (primary) one first."""
    lvl = level(word)
    if lvl.parent is None:
        return []
    assert isinstance(item, Concept | Theme)
    return [name_of(tx, lvl.parent, p) or "" for p in parents.parent_ids(tx, word, item)]


def delete_item(tx: Tx, word: str, name: str, *, force: bool = False) -> DeleteResult:
    """Delete an item; refused while it has codings, children or memos unless ``force``,
    which deletes its codings (a concept) and memos or leaves its children unassigned.
    The event keeps everything that went."""
    lvl = level(word)
    item = get_item(tx, word, name)
    require_lead_or_own(tx, item, "Deleting")
    codings = _codings_of(tx, item) if word == "concept" else 0
    children = child_names(tx, lvl, item)
    memo_column = _MEMO_COLUMNS[word]
    memos = memo_snapshots(tx, memo_column, [item.id])
    if (codings or children or memos) and not force:
        held = " and ".join(
            part
            for part in (
                f"{codings} coding(s)" if codings else "",
                f"{len(children)} {lvl.child}(s)" if children else "",
                f"{len(memos)} memo(s)" if memos else "",
            )
            if part
        )
        raise InvalidInput(
            f"The {word} {item.name!r} has {held}: merge it into another {word}, "
            "or pass --force to delete it anyway."
        )
    before: dict[str, Any] = {"name": item.name, "definition": item.definition}
    if lvl.parent is not None:
        before[f"{lvl.parent}s"] = parent_names(tx, word, item)
    if codings:
        before["codings"] = coding_snapshots(tx, Coding.concept_id == item.id)
        tx.session.execute(delete(Coding).where(Coding.concept_id == item.id))
    if children:
        assert lvl.child is not None
        before[f"{lvl.child}s"] = children
        parents.orphan_children(tx, lvl.child, item.id)
    if memos:
        before["memos"] = memos
        tx.session.execute(delete(Memo).where(memo_column == item.id))
    tx.record(
        "delete",
        word,
        deletion_summary(word, item.name, codings, len(memos), len(children)),
        subject_id=item.id,
        concept_id=item.id if word == "concept" else None,
        before=before,
    )
    tx.session.delete(item)
    tx.session.flush()
    return DeleteResult(item.name, codings, len(children), len(memos))


def split(
    tx: Tx,
    source: str,
    new: str,
    *,
    refs: list[str] | None = None,
    transcript: str | None = None,
    grep: str | None = None,
) -> int:
    """Move some codings of a concept to a new concept (in the same theme): those on the
    segments given, in a transcript, or on segments matching a regular expression."""
    if sum(x is not None and x != [] for x in (refs, transcript, grep)) != 1:
        raise InvalidInput("Choose the codings to split off: segments, --transcript or --grep.")
    concept = get_item(tx, "concept", source)
    assert isinstance(concept, Concept)
    require_lead_or_own(tx, concept, "Splitting")
    query = (
        select(Coding.id, Segment.id, Segment.char_start, Segment.char_end, Transcript)
        .join(Segment, Segment.id == Coding.segment_id)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .where(Coding.concept_id == concept.id, tx.viewer.own(Coding.coder_id))
    )
    rows = tx.session.execute(query).all()
    if refs:
        wanted = {segment.id for _, segment in resolve_refs(tx, refs)}
        chosen = [r[0] for r in rows if r[1] in wanted]
    elif transcript is not None:
        key = name_key(transcript)
        chosen = [r[0] for r in rows if r[4].name_key == key]
    else:
        assert grep is not None
        pattern = compile_grep(grep)
        chosen = [r[0] for r in rows if pattern.search(r[4].text[r[2] : r[3]])]
    if not chosen:
        raise InvalidInput(
            f"None of the codings of {concept.name!r} were chosen: nothing to split."
        )
    if len(chosen) == len(rows):
        raise InvalidInput(f"That would move every coding of {concept.name!r}: rename it instead.")
    moving = coding_snapshots(tx, Coding.id.in_(chosen))
    name = add(tx, "concept", new, scope=concept.scope)
    created = tx.session.scalar(
        select(Concept).where(Concept.name_key == name_key(name), Concept.scope == concept.scope)
    )
    assert created is not None
    for theme in parents.parent_ids(tx, "concept", concept):
        parents.add_parent(tx, "concept", created, theme)
    tx.session.execute(
        update(Coding)
        .where(Coding.id.in_(chosen))
        .values(concept_id=created.id)
        .execution_options(synchronize_session=False)
    )
    tx.record(
        "split",
        "concept",
        f"Split {len(chosen)} coding(s) of {concept.name!r} off into {name!r}",
        subject_id=concept.id,
        concept_id=concept.id,
        before={"concept": concept.name, "codings": moving},
        after={"concept": name, "codings": len(chosen)},
    )
    tx.record(
        "split",
        "concept",
        f"Took {len(chosen)} coding(s) from {concept.name!r}",
        subject_id=created.id,
        concept_id=created.id,
        before={"concept": concept.name, "codings": len(chosen)},
        after={"concept": name, "codings": moving, "themes": parent_names(tx, "concept", created)},
    )
    return len(chosen)


def assign(tx: Tx, word: str, names: list[str], parent: str, *, create: bool = False) -> int:
    """Put concepts under a theme, or themes under a dimension; returns how many changed.

    An item that has a parent already moves, unless the project allows shared concepts:
    then it is added under this parent too.
    """
    lvl = level(word)
    if lvl.parent is None:
        raise InvalidInput("Dimensions are the top of the structure: they have no parent.")
    hint = " Add --new to create it." if not create else ""
    holder = find_item(tx, lvl.parent, parent)
    if holder is None:
        if not create:
            get_item(tx, lvl.parent, parent, hint=hint)
        add(tx, lvl.parent, parent)
        holder = get_item(tx, lvl.parent, parent)
    shared = parents.shared_allowed(tx)
    changed = 0
    for name in names:
        item = get_item(tx, word, name)
        assert isinstance(item, Concept | Theme)
        before = [name_of(tx, lvl.parent, p) for p in parents.parent_ids(tx, word, item)]
        if holder.name in before:
            continue
        if shared:
            parents.add_parent(tx, word, item, holder.id)
        else:
            parents.set_only_parent(tx, word, item, holder.id)
        after = [*before, holder.name] if shared else [holder.name]
        changed += 1
        also = f" (also under {', '.join(map(repr, before))})" if shared and before else ""
        tx.record(
            "assign",
            word,
            f"Assigned {word} {item.name!r} to {lvl.parent} {holder.name!r}{also}",
            subject_id=item.id,
            concept_id=item.id if word == "concept" else None,
            before={lvl.parent: before[0] if before else None, f"{lvl.parent}s": before},
            after={lvl.parent: after[0], f"{lvl.parent}s": after},
        )
    return changed


def unassign(tx: Tx, word: str, names: list[str], parent: str | None = None) -> int:
    """Take concepts out of their theme, or themes out of their dimension; an item under
    several must be told which (``parent``)."""
    lvl = level(word)
    if lvl.parent is None:
        raise InvalidInput("Dimensions have no parent to be taken out of.")
    holder = get_item(tx, lvl.parent, parent) if parent is not None else None
    changed = 0
    for name in names:
        item = get_item(tx, word, name)
        assert isinstance(item, Concept | Theme)
        held = parents.parent_ids(tx, word, item)
        before = [name_of(tx, lvl.parent, p) for p in held]
        if holder is not None and holder.id not in held:
            under = f"it is under {', '.join(map(repr, before))}" if before else "it has none"
            raise InvalidInput(
                f"The {word} {item.name!r} is not under {lvl.parent} {holder.name!r} ({under})."
            )
        if holder is None and len(held) > 1:
            raise InvalidInput(
                f"The {word} {item.name!r} is under {len(held)} {lvl.parent}s "
                f"({', '.join(map(repr, before))}): name the one to take it out of with "
                f"--{lvl.parent}."
            )
        if not held:
            continue
        taken = holder.id if holder is not None else held[0]
        parents.remove_parent(tx, word, item, taken)
        gone = name_of(tx, lvl.parent, taken)
        changed += 1
        tx.record(
            "unassign",
            word,
            f"Took {word} {item.name!r} out of {lvl.parent} {gone!r}",
            subject_id=item.id,
            concept_id=item.id if word == "concept" else None,
            before={lvl.parent: before[0], f"{lvl.parent}s": before},
            after={f"{lvl.parent}s": [b for b in before if b != gone]},
        )
    return changed


def name_of(tx: Tx, word: str, id_: int | None) -> str | None:
    """The name of the item with this id at a level (None for None)."""
    if id_ is None:
        return None
    model = level(word).model
    return tx.session.scalar(select(model.name).where(model.id == id_))


def level_of(tx: Tx, name: str) -> str:
    """Whether ``name`` is a concept or a theme; an error if neither or both."""
    found = [w for w in ("concept", "theme") if find_item(tx, w, name) is not None]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFound(f"No concept or theme {name!r}.")
    raise InvalidInput(f"{name!r} is both a concept and a theme: pass --level concept or theme.")
