"""Structure files applied to the store: every regrouping recorded with the parent an
item had."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from sqlalchemy import select

from gioia.errors import InvalidInput
from gioia.ops.base import Tx
from gioia.ops.structure import (
    LEVELS,
    Item,
    add,
    define,
    delete_item,
    find_item,
    level,
    name_of,
    parent_column,
)
from gioia.store import Concept
from gioia.structure_file import read_structure
from gioia.text import name_key
from gioia.views import StructureImportResult


def import_structure(tx: Tx, path: Path, *, mode: str = "merge") -> StructureImportResult:
    """Apply a structure file. ``merge`` adds and regroups what the file names and keeps
    the rest; ``replace`` makes the tree exactly the file's (concepts it does not name
    stay, unassigned; themes and dimensions it does not name are deleted). Every item
    that changes parent gets its own event with the parent it had; ``moved`` lists
    those taken from one parent to another."""
    if mode not in ("merge", "replace"):
        raise InvalidInput(f"{mode!r} is not a mode: choose merge or replace.")
    parsed = read_structure(path)
    created = {"concept": 0, "theme": 0, "dimension": 0}
    defined = removed = 0
    cache: dict[tuple[str, str], Item] = {}

    def ensure(word: str, name: str, definition: str) -> Item:
        nonlocal defined
        key = (word, name_key(name))
        if key in cache:
            return cache[key]
        item = find_item(tx, word, name)  # the file names it: whoever may see it
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

    wanted: dict[tuple[str, int], tuple[Item, Item | None]] = {}  # (level, id) -> item, parent
    for row in parsed.rows:
        dimension = ensure("dimension", row.dimension, row.dimension_definition)
        theme = ensure("theme", row.theme, row.theme_definition)
        concept = ensure("concept", row.concept, row.concept_definition)
        wanted[("theme", theme.id)] = (theme, dimension)
        wanted[("concept", concept.id)] = (concept, theme)
    if mode == "replace":  # the concepts it does not name leave the tree
        for concept in tx.session.scalars(select(Concept).where(Concept.theme_id.is_not(None))):
            wanted.setdefault(("concept", concept.id), (concept, None))
    changes = [
        change
        for (word, _), (item, parent) in wanted.items()
        if (change := _regroup(tx, word, item, parent, path.name)) is not None
    ]
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
    moved = tuple(
        f"{c['level']} {c['name']!r} from {c['from']!r} to {c['to']!r}"
        for c in changes
        if c["from"] is not None and c["to"] is not None
    )
    tx.record(
        "import",
        "structure",
        f"Imported the structure from {path.name} ({mode}): {len(parsed.rows)} concept rows"
        + (f", {len(moved)} item(s) moved to another parent" if moved else ""),
        before={"parents": [{k: c[k] for k in ("level", "name", "from")} for c in changes]},
        after={
            "file": path.name,
            "mode": mode,
            "created": created,
            "parents": [{k: c[k] for k in ("level", "name", "to")} for c in changes],
        },
    )
    return StructureImportResult(created, len(changes), defined, removed, parsed.warnings, moved)


def _regroup(
    tx: Tx, word: str, item: Item, parent: Item | None, source: str
) -> dict[str, Any] | None:
    """Put ``item`` under ``parent`` (None: under nothing), recorded with the parent it
    had; returns the change, or None when it was there already."""
    lvl = level(word)
    assert lvl.parent is not None
    column = parent_column(lvl)
    old = getattr(item, column.key)
    new = parent.id if parent is not None else None
    if old == new:
        return None
    setattr(item, column.key, new)
    before, after = name_of(tx, lvl.parent, old), parent.name if parent else None
    if after is None:
        summary = f"Took {word} {item.name!r} out of {lvl.parent} {before!r}"
    elif before is None:
        summary = f"Assigned {word} {item.name!r} to {lvl.parent} {after!r}"
    else:
        summary = f"Moved {word} {item.name!r} from {lvl.parent} {before!r} to {after!r}"
    tx.record(
        "assign" if after is not None else "unassign",
        word,
        f"{summary} ({source})",
        subject_id=item.id,
        concept_id=item.id if word == "concept" else None,
        before={lvl.parent: before},
        after={lvl.parent: after},
    )
    return {"level": word, "name": item.name, "from": before, "to": after}


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
