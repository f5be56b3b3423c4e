"""Applying a structure file to the store (``gioia structure import``): every item
that changes parents gets its own event with the parents it had."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from sqlalchemy import select

from gioia.errors import InvalidInput
from gioia.models import Concept, Theme
from gioia.ops import parents
from gioia.ops.base import Tx
from gioia.ops.levels import LEVELS, parent_map
from gioia.ops.structure import (
    Item,
    add,
    define,
    delete_item,
    find_item,
    level,
    name_of,
)
from gioia.structure_file import read_structure
from gioia.text import name_key
from gioia.views_structure import StructureImportResult

ABOVE = {"concept": "theme", "theme": "dimension"}


def import_structure(
    tx: Tx, path: Path, *, mode: str = "merge", allow_shared: bool = False, move: bool = False
) -> StructureImportResult:
    """Apply a structure file. ``merge`` adds and regroups what the file names and keeps
    the rest; ``replace`` makes the tree exactly the file's (concepts it does not name
    stay, unassigned; themes and dimensions it does not name are deleted).

    ``allow_shared`` turns the project's shared concepts on, so that a concept may be
    under several themes (one row per concept and theme) and a theme under several
    dimensions. Without shared concepts, a merge that would move a concept to another
    theme (or a theme to another dimension) is refused, naming each, unless ``move``:
    then it moves them. The file names its items: it may adopt a concept a coder keeps
    private (open coding), which every coder then sees.
    """
    if mode not in ("merge", "replace"):
        raise InvalidInput(f"{mode!r} is not a mode: choose merge or replace.")
    turned_on = allow_shared and parents.allow_shared(tx, True)
    shared = parents.shared_allowed(tx)
    parsed = read_structure(path, allow_shared=shared)
    created = {"concept": 0, "theme": 0, "dimension": 0}
    assigned = defined = removed = 0
    had = item_parents(tx)
    if mode == "replace":
        parents.clear(tx)
    cache: dict[tuple[str, str], Item] = {}
    moves: list[str] = []

    def ensure(word: str, name: str, definition: str) -> Item:
        nonlocal defined
        key = (word, name_key(name))
        if key in cache:
            return cache[key]
        item = find_item(tx, word, name)
        if item is None:
            add(tx, word, name, definition or None)
            created[word] += 1
            item = find_item(tx, word, name)
            assert item is not None
        elif definition and item.definition != definition:
            define(tx, word, item, definition)
            defined += 1
        cache[key] = item
        return item

    for row in parsed.rows:
        dimension = ensure("dimension", row.dimension, row.dimension_definition)
        theme = ensure("theme", row.theme, row.theme_definition)
        concept = ensure("concept", row.concept, row.concept_definition)
        assert isinstance(theme, Theme) and isinstance(concept, Concept)
        for word, child, parent in (("theme", theme, dimension), ("concept", concept, theme)):
            current = parents.parent_ids(tx, word, child)
            if parent.id in current:
                continue
            assigned += 1
            if not current or shared:
                parents.add_parent(tx, word, child, parent.id)
                continue
            before = name_of(tx, ABOVE[word], current[0])
            moves.append(
                f"{word} {child.name!r} from {before!r} to {parent.name!r} (row {row.number})"
            )
            if move:
                parents.set_only_parent(tx, word, child, parent.id)
    if moves and not move:
        raise InvalidInput(
            f"{path.name} would move {len(moves)} item(s) to another parent: "
            f"{'; '.join(moves)}. Nothing imported: pass --move to move them, or "
            "--allow-shared to keep them under both."
        )
    tx.session.flush()
    _reorder(tx, list(cache))
    if mode == "replace":
        named = set(cache)
        for word in ("theme", "dimension"):
            model = level(word).model
            for name, key in tx.session.execute(select(model.name, model.name_key)).all():
                if (word, key) not in named:
                    delete_item(tx, word, name, force=True)
                    removed += 1
    changes = record_regrouping(tx, had, item_parents(tx), path.name)
    tx.record(
        "import",
        "structure",
        f"Imported the structure from {path.name} ({mode}): {len(parsed.rows)} concept rows",
        before={"parents": [{k: c[k] for k in ("level", "name", "from")} for c in changes]},
        after={
            "file": path.name,
            "mode": mode,
            "created": created,
            "assigned": assigned,
            "moved": len(moves),
            "parents": [{k: c[k] for k in ("level", "name", "to")} for c in changes],
        },
    )
    return StructureImportResult(
        created,
        assigned,
        defined,
        removed,
        parsed.warnings,
        moved=tuple(moves),
        shared=sum(1 for _ in parents.extras(tx)),
        allowed_shared=turned_on,
    )


ItemParents = dict[tuple[str, int], tuple[str, list[str]]]


def item_parents(tx: Tx) -> ItemParents:
    """Every concept's and theme's parents by name, the first (primary) one first."""
    found: ItemParents = {}
    for word in ABOVE:
        model, above = level(word).model, level(ABOVE[word]).model
        names = dict(tx.session.execute(select(above.id, above.name)).all())
        held = parent_map(tx, word)
        for id_, name in tx.session.execute(select(model.id, model.name)):
            found[(word, id_)] = (name, [names[p] for p in held.get(id_, [])])
    return found


def record_regrouping(
    tx: Tx, had: ItemParents, has: ItemParents, source: str
) -> list[dict[str, object]]:
    """An event for each item (still there) whose parents changed, with the parents it
    had; returns the changes."""
    changes: list[dict[str, object]] = []
    for (word, id_), (name, after) in has.items():
        before = had.get((word, id_), (name, []))[1]
        if before == after:
            continue
        above = ABOVE[word]
        if not before:
            action, summary = "assign", f"Assigned {word} {name!r} to {above} {after[0]!r}"
        elif not after:
            action, summary = "unassign", f"Took {word} {name!r} out of {above} {before[0]!r}"
        else:
            action = "move"
            summary = f"Moved {word} {name!r} from {above} {before[0]!r} to {after[0]!r}"
            if len(after) > 1:
                summary = f"Put {word} {name!r} under {above}s {', '.join(map(repr, after))}"
        tx.record(
            action,
            word,
            f"{summary} ({source})",
            subject_id=id_,
            concept_id=id_ if word == "concept" else None,
            before={f"{above}s": before},
            after={f"{above}s": after},
        )
        changes.append({"level": word, "name": name, "from": list(before), "to": list(after)})
    return changes


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
