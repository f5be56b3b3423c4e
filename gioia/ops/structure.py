"""The Gioia structure: concepts, themes and dimensions, and the tree they form.

One set of functions serves the three levels; a level is named by its word
("concept", "theme", "dimension").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, delete, distinct, exists, func, select, update
from sqlalchemy.orm import aliased

from gioia.errors import InvalidInput, NotFound
from gioia.ops.base import (
    Tx,
    clean_name,
    coding_applications,
    evidence_coder,
    resolve_refs,
    suggestion,
)
from gioia.ops.listing import compile_grep
from gioia.store import Coder, Coding, Concept, Dimension, Memo, Segment, Theme, Transcript
from gioia.structure_file import read_structure
from gioia.text import name_key
from gioia.views import (
    ConceptNode,
    Counts,
    DeleteResult,
    DimensionNode,
    ItemRow,
    MergeResult,
    StructureImportResult,
    StructureView,
    ThemeNode,
)

Item = Concept | Theme | Dimension
LEVELS = ("concept", "theme", "dimension")


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


def _parent_column(lvl: Level) -> Any:
    return {"concept": Concept.theme_id, "theme": Theme.dimension_id}[lvl.word]


def find_item(tx: Tx, word: str, name: str) -> Item | None:
    """The concept, theme or dimension called ``name`` (case- and space-insensitively)."""
    model = level(word).model
    found = tx.session.scalar(select(model).where(model.name_key == name_key(name)))
    return cast("Item | None", found)


def get_item(tx: Tx, word: str, name: str, *, hint: str = "") -> Item:
    """The item called ``name``, or ``NotFound`` with the closest name at that level."""
    found = find_item(tx, word, name)
    if found is None:
        model = level(word).model
        names = list(tx.session.scalars(select(model.name)))
        raise NotFound(f"No {word} {name!r}.{suggestion(name, names)}{hint}")
    return found


def _children(tx: Tx, lvl: Level, item: Item) -> int:
    if lvl.child is None:
        return 0
    child = level(lvl.child)
    column = _parent_column(child)
    return tx.session.scalar(select(func.count()).where(column == item.id)) or 0


def _changed(result: Any) -> int:
    """The number of rows an UPDATE or DELETE touched."""
    return cast("CursorResult[Any]", result).rowcount


def _codings_of(tx: Tx, concept: Item) -> int:
    return tx.session.scalar(select(func.count()).where(Coding.concept_id == concept.id)) or 0


def add(tx: Tx, word: str, name: str, definition: str | None = None) -> str:
    """Create a concept, theme or dimension; its name must be free at its level."""
    lvl = level(word)
    cleaned = clean_name(name, word)
    existing = find_item(tx, word, cleaned)
    if existing is not None:
        raise InvalidInput(f"A {word} named {existing.name!r} already exists.")
    creator = tx.coder() if tx.coder_name else None
    last = tx.session.scalar(select(func.max(lvl.model.position)))
    fields: dict[str, Any] = {
        "name": cleaned,
        "name_key": name_key(cleaned),
        "position": (last or 0) + 1,
    }
    if definition and definition.strip():
        fields["definition"] = definition.strip()
    if word == "concept" and creator is not None:
        fields["created_by_id"] = creator.id
    item = lvl.model(**fields)
    tx.session.add(item)
    tx.session.flush()
    tx.record(
        "create",
        word,
        f"Created {word} {cleaned!r}",
        subject_id=item.id,
        concept_id=item.id if word == "concept" else None,
        after={"name": cleaned, "definition": fields.get("definition")},
    )
    return cleaned


def rename(tx: Tx, word: str, old: str, new: str) -> str:
    """Rename an item; the new name must be free (a change of case or spacing is fine)."""
    item = get_item(tx, word, old)
    cleaned = clean_name(new, word)
    clash = find_item(tx, word, cleaned)
    if clash is not None and clash.id != item.id:
        raise InvalidInput(
            f"A {word} named {clash.name!r} already exists: merge them with `gioia {word} merge`."
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
    before = item.definition
    item.definition = definition.strip() or None
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
    duplicates, their memos follow, and they are deleted. One event."""
    lvl = level(word)
    into = get_item(tx, word, target)
    items = [get_item(tx, word, name) for name in sources]
    if not items:
        raise InvalidInput(f"Name the {word}s to merge into {into.name!r}.")
    if any(i.id == into.id for i in items):
        raise InvalidInput(f"Cannot merge {into.name!r} into itself.")
    moved = duplicates = 0
    memo_column = {
        "concept": Memo.concept_id,
        "theme": Memo.theme_id,
        "dimension": Memo.dimension_id,
    }[word]
    for item in items:
        if word == "concept":
            m, d = _move_codings(tx, item.id, into.id)
        else:
            assert lvl.child is not None
            column = _parent_column(level(lvl.child))
            m = _changed(
                tx.session.execute(
                    update(level(lvl.child).model)
                    .where(column == item.id)
                    .values({column: into.id})
                )
            )
            d = 0
        moved, duplicates = moved + m, duplicates + d
        tx.session.execute(
            update(Memo).where(memo_column == item.id).values({memo_column: into.id})
        )
        if lvl.parent is not None:
            column = _parent_column(lvl)
            if getattr(into, column.key) is None and getattr(item, column.key) is not None:
                setattr(into, column.key, getattr(item, column.key))
        tx.session.delete(item)
    tx.session.flush()
    names = tuple(i.name for i in items)
    what = "coding(s)" if word == "concept" else f"{lvl.child}(s)"
    tx.record(
        "merge",
        word,
        f"Merged {word}(s) {', '.join(map(repr, names))} into {into.name!r} "
        f"({moved} {what} moved, {duplicates} duplicate(s) dropped)",
        subject_id=into.id,
        concept_id=into.id if word == "concept" else None,
        before={"sources": [{"id": i.id, "name": i.name} for i in items]},
        after={"target": into.name, "moved": moved, "duplicates": duplicates},
    )
    return MergeResult(into.name, names, moved, duplicates)


def _move_codings(tx: Tx, source_id: int, target_id: int) -> tuple[int, int]:
    """Move a concept's codings to another; a coding the target has already is dropped."""
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
    dropped = _changed(
        tx.session.execute(
            delete(Coding)
            .where(Coding.concept_id == source_id)
            .execution_options(synchronize_session=False)
        )
    )
    return moved, dropped


def delete_item(tx: Tx, word: str, name: str, *, force: bool = False) -> DeleteResult:
    """Delete an item; refused while it has codings or children unless ``force``, which
    deletes its codings (a concept) or leaves its children unassigned."""
    lvl = level(word)
    item = get_item(tx, word, name)
    codings = _codings_of(tx, item) if word == "concept" else 0
    children = _children(tx, lvl, item)
    memo_column = {
        "concept": Memo.concept_id,
        "theme": Memo.theme_id,
        "dimension": Memo.dimension_id,
    }[word]
    memos = tx.session.scalar(select(func.count()).where(memo_column == item.id)) or 0
    if (codings or children or memos) and not force:
        held = " and ".join(
            part
            for part in (
                f"{codings} coding(s)" if codings else "",
                f"{children} {lvl.child}(s)" if children else "",
                f"{memos} memo(s)" if memos else "",
            )
            if part
        )
        raise InvalidInput(
            f"The {word} {item.name!r} has {held}: merge it into another {word}, "
            "or pass --force to delete it anyway."
        )
    if codings:
        tx.session.execute(delete(Coding).where(Coding.concept_id == item.id))
    if children:
        assert lvl.child is not None
        column = _parent_column(level(lvl.child))
        tx.session.execute(
            update(level(lvl.child).model).where(column == item.id).values({column: None})
        )
    tx.record(
        "delete",
        word,
        f"Deleted {word} {item.name!r}"
        + (f" and its {codings} coding(s)" if codings else "")
        + (f"; its {children} {lvl.child}(s) are unassigned" if children else ""),
        subject_id=item.id,
        concept_id=item.id if word == "concept" else None,
        before={"name": item.name, "definition": item.definition, "codings": codings},
    )
    tx.session.delete(item)
    tx.session.flush()
    return DeleteResult(item.name, codings, children)


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
    query = (
        select(Coding.id, Segment.id, Segment.char_start, Segment.char_end, Transcript)
        .join(Segment, Segment.id == Coding.segment_id)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .where(Coding.concept_id == concept.id)
    )
    rows = tx.session.execute(query).all()
    if refs:
        wanted = {segment.id for _, segment in resolve_refs(tx.session, refs)}
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
    name = add(tx, "concept", new)
    created = find_item(tx, "concept", name)
    assert isinstance(created, Concept)
    created.theme_id = concept.theme_id
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
        after={"new": name, "codings": len(chosen)},
    )
    tx.record(
        "split",
        "concept",
        f"Took {len(chosen)} coding(s) from {concept.name!r}",
        subject_id=created.id,
        concept_id=created.id,
        after={"from": concept.name, "codings": len(chosen)},
    )
    return len(chosen)


def assign(tx: Tx, word: str, names: list[str], parent: str, *, create: bool = False) -> int:
    """Put concepts under a theme, or themes under a dimension; returns how many moved."""
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
    column = _parent_column(lvl)
    changed = 0
    for name in names:
        item = get_item(tx, word, name)
        before = getattr(item, column.key)
        if before == holder.id:
            continue
        setattr(item, column.key, holder.id)
        changed += 1
        tx.record(
            "assign",
            word,
            f"Assigned {word} {item.name!r} to {lvl.parent} {holder.name!r}",
            subject_id=item.id,
            concept_id=item.id if word == "concept" else None,
            before={lvl.parent: _name_of(tx, lvl.parent, before)},
            after={lvl.parent: holder.name},
        )
    return changed


def unassign(tx: Tx, word: str, names: list[str]) -> int:
    """Take concepts out of their theme, or themes out of their dimension."""
    lvl = level(word)
    if lvl.parent is None:
        raise InvalidInput("Dimensions have no parent to be taken out of.")
    column = _parent_column(lvl)
    changed = 0
    for name in names:
        item = get_item(tx, word, name)
        before = getattr(item, column.key)
        if before is None:
            continue
        setattr(item, column.key, None)
        changed += 1
        tx.record(
            "unassign",
            word,
            f"Took {word} {item.name!r} out of {lvl.parent} {_name_of(tx, lvl.parent, before)!r}",
            subject_id=item.id,
            concept_id=item.id if word == "concept" else None,
            before={lvl.parent: _name_of(tx, lvl.parent, before)},
        )
    return changed


def _name_of(tx: Tx, word: str, id_: int | None) -> str | None:
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


# --- reading the structure ---------------------------------------------------------


def _counts(tx: Tx, group: Any, coder_id: int | None) -> dict[Any, Counts]:
    """Counts per ``group`` (a column of Concept or Theme): a coder's concept on a
    segment counts once however many quotes mark it (see ``coding_applications``)."""
    applied = coding_applications(coder_id)
    informant = func.coalesce(Segment.informant_id, Transcript.informant_id)
    query = (
        select(
            group,
            func.count(),
            func.count(distinct(applied.c.segment_id)),
            func.count(distinct(applied.c.transcript_id)),
            func.count(distinct(Transcript.case_id)),
            func.count(distinct(informant)),
            func.sum(applied.c.quoted),
        )
        .select_from(applied)
        .join(Segment, Segment.id == applied.c.segment_id)
        .join(Transcript, Transcript.id == applied.c.transcript_id)
        .join(Concept, Concept.id == applied.c.concept_id)
        .outerjoin(Theme, Theme.id == Concept.theme_id)
        .group_by(group)
    )
    return {
        key: Counts(int(n), int(s), int(t), int(c), int(i), int(q or 0))
        for key, n, s, t, c, i, q in tx.session.execute(query)
    }


def structure(tx: Tx, *, coder: str | None = None, order: str = "structure") -> StructureView:
    """The tree dimension > theme > concept with counts: of one coder's codings if named,
    else of the consensus coder's when there is one, else of everyone's.

    ``order``: ``structure`` (the order items were made in), ``alpha`` or ``count``
    (segments, most first).
    """
    if order not in ("structure", "alpha", "count"):
        raise InvalidInput(f"Cannot order by {order!r}: choose structure, alpha or count.")
    coder_id = evidence_coder(tx, coder)
    by_concept = _counts(tx, Concept.id, coder_id)
    by_theme = _counts(tx, Concept.theme_id, coder_id)
    by_dimension = _counts(tx, Theme.dimension_id, coder_id)

    def sort(nodes: list[Any]) -> tuple[Any, ...]:
        if order == "alpha":
            nodes = sorted(nodes, key=lambda n: name_key(n.name))
        elif order == "count":
            nodes = sorted(nodes, key=lambda n: (-n.counts.segments, name_key(n.name)))
        return tuple(nodes)

    concepts: dict[int | None, list[ConceptNode]] = defaultdict(list)
    for c in tx.session.scalars(select(Concept).order_by(Concept.position, Concept.id)):
        concepts[c.theme_id].append(
            ConceptNode(c.name, c.definition, by_concept.get(c.id, Counts()))
        )
    themes: dict[int | None, list[ThemeNode]] = defaultdict(list)
    for t in tx.session.scalars(select(Theme).order_by(Theme.position, Theme.id)):
        themes[t.dimension_id].append(
            ThemeNode(t.name, t.definition, by_theme.get(t.id, Counts()), sort(concepts[t.id]))
        )
    dimensions = [
        DimensionNode(d.name, d.definition, by_dimension.get(d.id, Counts()), sort(themes[d.id]))
        for d in tx.session.scalars(select(Dimension).order_by(Dimension.position, Dimension.id))
    ]
    evidence = tx.session.get(Coder, coder_id) if coder_id is not None else None
    return StructureView(
        sort(dimensions),
        sort(themes[None]),
        sort(concepts[None]),
        evidence.name if evidence else None,
    )


def items(tx: Tx, word: str, *, coder: str | None = None) -> list[ItemRow]:
    """Every item of a level, by name, with its parent and counts."""
    view = structure(tx, coder=coder, order="alpha")
    rows: list[ItemRow] = []
    for d in view.dimensions:
        if word == "dimension":
            rows.append(ItemRow(d.name, d.definition, None, len(d.themes), d.counts))
        for t in d.themes:
            if word == "theme":
                rows.append(ItemRow(t.name, t.definition, d.name, len(t.concepts), t.counts))
            if word == "concept":
                rows.extend(ItemRow(c.name, c.definition, t.name, 0, c.counts) for c in t.concepts)
    for t in view.themes_without_dimension:
        if word == "theme":
            rows.append(ItemRow(t.name, t.definition, None, len(t.concepts), t.counts))
        if word == "concept":
            rows.extend(ItemRow(c.name, c.definition, t.name, 0, c.counts) for c in t.concepts)
    if word == "concept":
        rows.extend(
            ItemRow(c.name, c.definition, None, 0, c.counts) for c in view.concepts_without_theme
        )
    level(word)
    return sorted(rows, key=lambda r: name_key(r.name))


def import_structure(tx: Tx, path: Path, *, mode: str = "merge") -> StructureImportResult:
    """Apply a structure file. ``merge`` adds and regroups what the file names and keeps
    the rest; ``replace`` makes the tree exactly the file's (concepts it does not name
    stay, unassigned; themes and dimensions it does not name are deleted)."""
    if mode not in ("merge", "replace"):
        raise InvalidInput(f"{mode!r} is not a mode: choose merge or replace.")
    parsed = read_structure(path)
    created = {"concept": 0, "theme": 0, "dimension": 0}
    assigned = defined = removed = 0
    if mode == "replace":
        tx.session.execute(update(Concept).values(theme_id=None))
        tx.session.execute(update(Theme).values(dimension_id=None))
    cache: dict[tuple[str, str], Item] = {}

    def ensure(word: str, name: str, definition: str) -> Item:
        nonlocal defined
        key = (word, name_key(name))
        if key in cache:
            return cache[key]
        item = find_item(tx, word, name)
        if item is None:
            add(tx, word, name, definition or None)
            created[word] += 1
            item = get_item(tx, word, name)
        elif definition and item.definition != definition:
            describe(tx, word, item.name, definition)
            defined += 1
        cache[key] = item
        return item

    for row in parsed.rows:
        dimension = ensure("dimension", row.dimension, row.dimension_definition)
        theme = ensure("theme", row.theme, row.theme_definition)
        concept = ensure("concept", row.concept, row.concept_definition)
        assert isinstance(theme, Theme) and isinstance(concept, Concept)
        if theme.dimension_id != dimension.id:
            theme.dimension_id = dimension.id
            assigned += 1
        if concept.theme_id != theme.id:
            concept.theme_id = theme.id
            assigned += 1
    tx.session.flush()
    _reorder(tx, [key for key in cache])
    if mode == "replace":
        named = set(cache)
        for word in ("theme", "dimension"):
            model = level(word).model
            for name, key in tx.session.execute(select(model.name, model.name_key)).all():
                if (word, key) not in named:
                    delete_item(tx, word, name, force=True)
                    removed += 1
    tx.record(
        "import",
        "structure",
        f"Imported the structure from {path.name} ({mode}): {len(parsed.rows)} concept rows",
        after={"file": path.name, "mode": mode, "created": created, "assigned": assigned},
    )
    return StructureImportResult(created, assigned, defined, removed, parsed.warnings)


def _reorder(tx: Tx, named: list[tuple[str, str]]) -> None:
    """Put the items a file named first, in its order; the others after, as they were."""
    for word in LEVELS:
        model = level(word).model
        first = [key for w, key in named if w == word]
        rank = {key: i for i, key in enumerate(first)}
        items = cast(
            "list[Item]", list(tx.session.scalars(select(model).order_by(model.position, model.id)))
        )
        items.sort(key=lambda item: rank.get(item.name_key, len(rank)))
        for position, item in enumerate(items, start=1):
            item.position = position
