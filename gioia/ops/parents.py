"""Where items sit: a concept's themes and a theme's dimensions, and the setting that
lets them have more than one.

The Gioia tree gives each concept one theme and each theme one dimension: the primary
parent, kept in ``concepts.theme_id`` and ``themes.dimension_id``, which every reader of
the tree uses. Where the project allows shared concepts (the ``allow_shared`` setting,
off by default), further parents are rows of ``concept_extra_themes`` and
``theme_extra_dimensions``, in order. A child never has the same parent twice, and has
extra parents only while it has a primary one: taking the primary parent away promotes
the first extra one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Select, delete, func, select, union_all, update

from gioia.errors import InvalidInput, NotFound
from gioia.models import Concept, ConceptExtraTheme, Dimension, Setting, Theme, ThemeExtraDimension
from gioia.ops import scopes
from gioia.ops.base import Tx
from gioia.text import name_key

ALLOW_SHARED = "allow_shared"
SETTINGS = {ALLOW_SHARED: "false"}  # every setting and its default


@dataclass(frozen=True)
class _Link:
    """How one level is linked to the level above it."""

    child: type[Concept] | type[Theme]
    parent: type[Theme] | type[Dimension]
    primary: Any  # the child's column holding its primary parent
    extra: type[ConceptExtraTheme] | type[ThemeExtraDimension]
    extra_child: Any
    extra_parent: Any


_LINKS = {
    "concept": _Link(
        Concept,
        Theme,
        Concept.theme_id,
        ConceptExtraTheme,
        ConceptExtraTheme.concept_id,
        ConceptExtraTheme.theme_id,
    ),
    "theme": _Link(
        Theme,
        Dimension,
        Theme.dimension_id,
        ThemeExtraDimension,
        ThemeExtraDimension.theme_id,
        ThemeExtraDimension.dimension_id,
    ),
}


# --- settings ------------------------------------------------------------------------


def setting(tx: Tx, key: str) -> str:
    """A setting's value, or its default."""
    if key not in SETTINGS:
        raise InvalidInput(f"No setting {key!r}: the settings are {', '.join(SETTINGS)}.")
    stored = tx.session.get(Setting, key)
    return stored.value if stored is not None else SETTINGS[key]


def settings(tx: Tx) -> dict[str, str]:
    """Every setting with its value."""
    return {key: setting(tx, key) for key in SETTINGS}


def shared_allowed(tx: Tx) -> bool:
    """Whether concepts may be under several themes (and themes under several dimensions)."""
    return setting(tx, ALLOW_SHARED) == "true"


def allow_shared(tx: Tx, on: bool) -> bool:
    """Turn shared concepts on or off; returns whether that changed anything.

    Turning them off is refused while an item has more than one parent, naming them all.
    """
    if on == shared_allowed(tx):
        return False
    if not on:
        held = [
            f"{name!r} (also under {', '.join(map(repr, also))})" for _, name, also in extras(tx)
        ]
        if held:
            raise InvalidInput(
                f"{len(held)} item(s) are under more than one parent: {'; '.join(held)}. "
                "Take them out of the extra ones (gioia unassign NAME --theme THEME) first."
            )
    value = "true" if on else "false"
    stored = tx.session.get(Setting, ALLOW_SHARED)
    if stored is None:
        tx.session.add(Setting(key=ALLOW_SHARED, value=value))
    else:
        stored.value = value
    tx.record(
        "setting",
        "project",
        "Allowed concepts under several themes" if on else "Kept each concept under one theme",
        before={ALLOW_SHARED: not on},
        after={ALLOW_SHARED: on},
    )
    return True


# --- reading ---------------------------------------------------------------------------


def parent_ids(tx: Tx, word: str, item: Concept | Theme) -> list[int]:
    """The ids of ``item``'s parents: its primary one first, then the extra ones in order."""
    link = _LINKS[word]
    primary = getattr(item, link.primary.key)
    if primary is None:
        return []
    more = tx.session.scalars(
        select(link.extra_parent)
        .where(link.extra_child == item.id)
        .order_by(link.extra.position, link.extra_parent)
    )
    return [primary, *more]


def parent_names(tx: Tx, word: str, name: str) -> tuple[str, ...]:
    """The names of the parents of the concept (``word`` "concept") or theme called
    ``name``, its primary one first."""
    link = _LINKS.get(word)
    if link is None:
        raise InvalidInput(f"Only concepts and themes have parents, not {word}s.")
    concept = scopes.resolve(tx, name) if word == "concept" else None
    where = link.child.id == concept.id if concept else link.child.name_key == name_key(name)
    found = _children(tx, link, where) if word != "concept" or concept else []
    if not found:
        raise NotFound(f"No {word} {name!r}.")
    ids = parent_ids(tx, word, found[0])
    query = select(link.parent.id, link.parent.name).where(link.parent.id.in_(ids))
    names = {id_: parent for id_, parent in tx.session.execute(query)}
    return tuple(names[i] for i in ids)


def links(word: str) -> Any:
    """A subquery of every (child, parent) pair of a level, extra parents included, with
    columns ``child`` and ``parent``."""
    link = _LINKS[word]
    primary: Select[Any] = select(link.child.id.label("child"), link.primary.label("parent")).where(
        link.primary.is_not(None)
    )
    more: Select[Any] = select(link.extra_child.label("child"), link.extra_parent.label("parent"))
    return union_all(primary, more).subquery(f"{word}_parents")


def extras(tx: Tx) -> list[tuple[str, str, list[str]]]:
    """Every item with extra parents: its level, name and the extra parents' names."""
    found = []
    for word, link in _LINKS.items():
        query = (
            select(link.child.name, link.parent.name)
            .join(link.extra, link.extra_child == link.child.id)
            .join(link.parent, link.parent.id == link.extra_parent)
            .order_by(link.child.position, link.child.id, link.extra.position)
        )
        by_child: dict[str, list[str]] = {}
        for child, parent in tx.session.execute(query):
            by_child.setdefault(child, []).append(parent)
        found += [(word, child, parents) for child, parents in by_child.items()]
    return found


# --- changing ------------------------------------------------------------------------


ADOPT = "adopt {!r} into the structure"


def add_parent(tx: Tx, word: str, item: Concept | Theme, parent: int) -> bool:
    """Put ``item`` under ``parent`` too (or first, if it has none); False if it was. A
    coder's private concept becomes the team's (see :mod:`gioia.ops.scopes`)."""
    link = _LINKS[word]
    current = parent_ids(tx, word, item)
    if parent in current:
        return False
    if isinstance(item, Concept):
        scopes.share(tx, item, ADOPT)
    if not current:
        setattr(item, link.primary.key, parent)
        return True
    last = tx.session.scalar(
        select(func.max(link.extra.position)).where(link.extra_child == item.id)
    )
    extra = link.extra(**{link.extra_child.key: item.id, link.extra_parent.key: parent})
    extra.position = (last or 0) + 1
    tx.session.add(extra)
    tx.session.flush()
    return True


def remove_parent(tx: Tx, word: str, item: Concept | Theme, parent: int) -> bool:
    """Take ``item`` out of ``parent``; its first extra parent becomes its primary one
    when that was the primary. False if it was not under ``parent``."""
    link = _LINKS[word]
    if getattr(item, link.primary.key) == parent:
        others = parent_ids(tx, word, item)[1:]
        setattr(item, link.primary.key, others[0] if others else None)
        if others:
            _drop_extra(tx, link, item.id, others[0])
        return True
    return _drop_extra(tx, link, item.id, parent)


def set_only_parent(tx: Tx, word: str, item: Concept | Theme, parent: int | None) -> None:
    """Make ``parent`` the item's one parent (a move): its extra parents are dropped. A
    coder's private concept becomes the team's (see :mod:`gioia.ops.scopes`)."""
    link = _LINKS[word]
    if isinstance(item, Concept) and parent is not None:
        scopes.share(tx, item, ADOPT)
    setattr(item, link.primary.key, parent)
    tx.session.execute(delete(link.extra).where(link.extra_child == item.id))


def clear(tx: Tx) -> None:
    """Take every item out of every parent (a structure file replaces the tree)."""
    for link in _LINKS.values():
        tx.session.execute(delete(link.extra))
        tx.session.execute(update(link.child).values({link.primary: None}))


def move_children(tx: Tx, child_word: str, source: int, target: int) -> int:
    """Every child of ``source`` goes under ``target`` (a merge); a child that is under
    both keeps ``target`` once. Returns how many children moved."""
    link = _LINKS[child_word]
    moved = 0
    for child in _children(tx, link, link.primary == source):
        if target in parent_ids(tx, child_word, child):
            _drop_extra(tx, link, child.id, target)
        setattr(child, link.primary.key, target)
        moved += 1
    rows = tx.session.scalars(select(link.extra).where(link.extra_parent == source)).all()
    for extra in rows:
        (child,) = _children(tx, link, link.child.id == getattr(extra, link.extra_child.key))
        if target in parent_ids(tx, child_word, child):
            tx.session.delete(extra)
        else:
            moved += 1
            tx.session.execute(
                update(link.extra)
                .where(link.extra_child == child.id, link.extra_parent == source)
                .values({link.extra_parent: target})
            )
    tx.session.flush()
    return moved


def orphan_children(tx: Tx, child_word: str, parent: int) -> int:
    """Take every child out of ``parent`` before it is deleted; returns how many."""
    link = _LINKS[child_word]
    taken = 0
    for child in _children(tx, link, link.primary == parent):
        remove_parent(tx, child_word, child, parent)
        taken += 1
    dropped = tx.session.execute(delete(link.extra).where(link.extra_parent == parent))
    tx.session.flush()
    return taken + int(getattr(dropped, "rowcount", 0) or 0)


def _children(tx: Tx, link: _Link, where: Any) -> list[Concept | Theme]:
    """The children of a level that meet ``where``."""
    found = tx.session.scalars(select(link.child).where(where)).all()
    return cast("list[Concept | Theme]", list(found))


def _drop_extra(tx: Tx, link: _Link, child: int, parent: int) -> bool:
    done = tx.session.execute(
        delete(link.extra).where(link.extra_child == child, link.extra_parent == parent)
    )
    tx.session.flush()
    return bool(getattr(done, "rowcount", 0))
