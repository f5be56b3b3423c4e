"""Making the structure a REFI-QDA code tree maps to (see :mod:`gioia.refi.levels`).

Items are written in bulk, dimensions before themes before concepts, each with its
"create" event. An item the store has already (a merge) is the same item: it keeps its
place, and gets the file's definition only if it had none. Sets named after a theme and
holding concepts (or after a dimension and holding themes), as gioia writes them for
shared concepts, put their members under that theme too where the store allows it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select

from gioia import schema
from gioia.models import (
    Coder,
    Concept,
    ConceptExtraTheme,
    Setting,
    Theme,
    ThemeExtraDimension,
)
from gioia.ops import scopes
from gioia.ops.base import Tx
from gioia.ops.parents import ADOPT, parent_ids, shared_allowed
from gioia.ops.structure import assign, define, find_item, level
from gioia.refi import model as m
from gioia.refi.levels import Mapping
from gioia.refi.model import parse_time
from gioia.refi.report import ImportReport, Skipped
from gioia.schema import SHARED_SCOPE, utcnow
from gioia.text import name_key

_PARENT = {"concept": ("theme_id", "theme"), "theme": ("dimension_id", "dimension")}


#: Items made or found, by level and key (see ``_Row.key``).
Ids = dict[tuple[str, tuple[str, str | None]], int]


@dataclass
class _Row:
    """One item of the structure to find or make."""

    level: str
    name: str
    definition: str | None
    parent: str | None
    extra: list[Any] | None
    id: int = 0

    @property
    def owner(self) -> str | None:
        """The coder (by their GUID) whose private concept this is, as gioia recorded it
        (see :mod:`gioia.ops.scopes`); None for a shared one and every other item."""
        private = self.extra is not None and len(self.extra) > 4 and self.extra[4]
        return self.extra[2] if private and self.extra is not None else None

    @property
    def key(self) -> tuple[str, str | None]:
        """What makes the item one item: its name, and the coder it is private to."""
        return name_key(self.name), self.owner


def _rows(
    mapping: Mapping, codes: dict[str, m.Code], recorded: dict[str, Any]
) -> Iterator[tuple[str, str, _Row]]:
    """(code GUID, what the row is to the code: "item" or "concept", row) in tree order."""
    for placement in mapping.placements:
        code = codes[placement.guid]
        definition = code.description.strip() if code.description else None
        if placement.name is not None:
            row = _Row(
                placement.role,
                placement.name,
                definition or None,
                placement.parent,
                recorded.get(code.guid),
            )
            yield code.guid, "item", row
        if placement.concept is not None and placement.role != "concept":
            yield (
                code.guid,
                "concept",
                _Row("concept", placement.concept, None, placement.concept_theme, None),
            )


def make_structure(
    tx: Tx,
    project: m.Project,
    mapping: Mapping,
    recorded: dict[str, Any],
    report: ImportReport,
) -> tuple[dict[str, int], dict[str, tuple[str, int]]]:
    """Find or make every item; returns, by code GUID, the concept its codings go to and
    the item its notes go to."""
    codes = {code.guid: code for code, _ in m.walk_codes(project.codes)}
    planned = list(_rows(mapping, codes, recorded))
    coders = dict(tx.session.execute(select(Coder.name, Coder.id)).all())
    ids: Ids = {}
    for word in ("dimension", "theme", "concept"):
        model = level(word).model
        rows = {row.key: row for _, _, row in planned if row.level == word}
        found = _stored(tx, word, rows, coders)
        last = tx.session.scalar(select(func.max(model.position))) or 0
        new: list[tuple[_Row, dict[str, Any]]] = []
        for key, row in rows.items():
            item = found.get(key)
            if item is not None:
                row.id = item.id
                _merge_into(tx, word, item, row, ids, report)
                continue
            position = last + len(new) + 1
            fields: dict[str, Any] = {
                "name": row.name,
                "name_key": key[0],
                "definition": row.definition,
                "position": position,
                "created_at": utcnow(),
            }
            if row.extra:
                _level, fields["position"], creator, created = row.extra[:4]
                fields["created_at"] = parse_time(created) or fields["created_at"]
                if word == "concept":
                    fields["created_by_id"] = coders.get(creator)
            if word == "concept":
                fields["scope"] = coders[row.owner] if row.owner else SHARED_SCOPE
            if word in _PARENT:
                column, above = _PARENT[word]
                fields[column] = (
                    ids.get((above, (name_key(row.parent), None))) if row.parent else None
                )
            new.append((row, fields))
        if new:
            tx.session.execute(insert(model.__table__), [fields for _, fields in new])
            made = _stored(tx, word, {row.key: row for row, _ in new}, coders)
            for row, _fields in new:
                row.id = made[row.key].id
            _record(tx, word, new)
            report.definitions += sum(row.definition is not None for row, _ in new)
        for key, row in rows.items():
            ids[(word, key)] = row.id
    concepts: dict[str, int] = {}
    items: dict[str, tuple[str, int]] = {}
    for guid, what, row in planned:
        row_id = ids[(row.level, row.key)]
        if what == "item":
            items[guid] = (row.level, row_id)
        else:
            items.setdefault(guid, ("concept", row_id))
        if row.level == "concept":
            concepts[guid] = row_id
    return concepts, items


def _stored(
    tx: Tx, word: str, rows: dict[tuple[str, str | None], _Row], coders: dict[str, int]
) -> dict[tuple[str, str | None], Any]:
    """The items the store has for these rows, by key: a concept in the same scope. A
    shared concept of the file whose name a coder's private concept has is refused (the
    lead shares or renames that one first, never a silent join)."""
    model = level(word).model
    keys = sorted({name for name, _owner in rows})
    stored: list[Any] = list(tx.session.scalars(select(model).where(model.name_key.in_(keys))))
    if word != "concept":
        return {(item.name_key, None): item for item in stored}
    owner_of = {id_: name for name, id_ in coders.items()}
    found: dict[tuple[str, str | None], Any] = {}
    for item in stored:
        key = (item.name_key, owner_of.get(item.scope) if item.scope else None)
        if key in rows:
            found[key] = item
        elif item.scope and (item.name_key, None) in rows:
            named = rows[(item.name_key, None)].name
            raise scopes.refuse_clash(tx, item, f"import the code {named!r}")
    return found


def _merge_into(tx: Tx, word: str, item: Any, row: _Row, ids: Ids, report: ImportReport) -> None:
    """An item the store has: the file's definition if it has none; its place kept."""
    if row.definition and not item.definition:
        define(tx, word, item, row.definition)
        report.definitions += 1
    if word in _PARENT and row.parent:
        column, above = _PARENT[word]
        wanted = ids.get((above, (name_key(row.parent), None)))
        current = getattr(item, column)
        if current is None:
            if isinstance(item, Concept) and wanted is not None:
                scopes.share(tx, item, ADOPT)
            setattr(item, column, wanted)
        elif current != wanted:
            report.warnings.append(
                f"The {word} {item.name!r} stays where it is in the store (the file puts it "
                f"under the {above} {row.parent!r})."
            )


def _record(tx: Tx, word: str, new: list[tuple[_Row, dict[str, Any]]]) -> None:
    """A "create" event for each item made."""
    coder = tx.actor_id()
    tx.session.execute(
        insert(schema.events),
        [
            {
                "coder_id": coder,
                "actor_id": coder,
                "action": "create",
                "subject": word,
                "subject_id": row.id,
                "concept_id": row.id if word == "concept" else None,
                "summary": f"Created {word} {row.name!r}"
                + (
                    f" in {_PARENT[word][1]} {row.parent!r}"
                    if word in _PARENT and row.parent
                    else ""
                ),
                "after": {"name": row.name, "definition": row.definition, "parent": row.parent},
            }
            for row, _ in new
        ],
    )


def restore_extras(tx: Tx, sidecar: dict[str, Any], items: dict[str, tuple[str, int]]) -> None:
    """Put back what gioia recorded beyond the tree: the settings (shared concepts allowed)
    and the themes and dimensions items have beyond their first."""
    for key, value in sidecar.get("settings", {}).items():
        if tx.session.get(Setting, key) is None:
            tx.session.add(Setting(key=key, value=value))
            tx.record(
                "setting",
                "project",
                f"Set {key} to {value!r} as the file records it",
                before={key: None},
                after={key: value},
            )
    extra = sidecar.get("extra", {})
    for model, rows, columns in (
        (ConceptExtraTheme, extra.get("concept_themes", []), ("concept_id", "theme_id")),
        (ThemeExtraDimension, extra.get("theme_dimensions", []), ("theme_id", "dimension_id")),
    ):
        found = [
            (items[child][1], items[parent][1], position)
            for child, parent, position in rows
            if child in items and parent in items
        ]
        tx.insert_many(model.__table__, (*columns, "position"), found)
    tx.session.flush()


_SET_PARENT = {"concept": "theme", "theme": "dimension"}


def apply_sets(
    tx: Tx, sets: list[m.CodeSet], items: dict[str, tuple[str, int]], report: ImportReport
) -> None:
    """Read each set named after a theme and holding concepts only (or after a dimension
    and holding themes only) as that theme's members: those not under it yet are put
    under it too (``assign``, audited) when the store allows shared concepts, or, for a
    member that has no parent, in any store. Other sets, and sets that would share
    items in a store that does not allow it, are reported by name."""
    shared = shared_allowed(tx)
    unread: list[str] = []
    refused: list[str] = []
    for code_set in sets:
        members = [items.get(code) for code in code_set.codes]
        kinds = {member[0] for member in members if member is not None}
        child = next(iter(kinds)) if len(kinds) == 1 else None
        holder = None
        if child in _SET_PARENT and None not in members and not code_set.sources:
            holder = find_item(tx, _SET_PARENT[child], code_set.name)
        if child is None or holder is None:
            unread.append(code_set.name)
            continue
        model: type[Concept] | type[Theme] = Concept if child == "concept" else Theme
        wanted = dict.fromkeys(member[1] for member in members if member is not None)
        found: list[Concept | Theme] = list(
            tx.session.scalars(select(model).where(model.id.in_(wanted)))
        )
        order = {item: n for n, item in enumerate(wanted)}
        missing = sorted(
            (item for item in found if holder.id not in parent_ids(tx, child, item)),
            key=lambda item: order[item.id],
        )
        if not shared and any(parent_ids(tx, child, item) for item in missing):
            refused.append(code_set.name)
            continue
        report.sets += 1
        if missing:
            report.shared += assign(tx, child, [item.name for item in missing], holder.name)
    if unread:
        report.skipped.append(
            Skipped(
                f"{len(unread)} set(s) ({', '.join(map(repr, unread))})",
                "gioia has no sets: it reads a set named after a theme that holds concepts "
                "(or after a dimension that holds themes) as that theme's members",
            )
        )
    if refused:
        report.skipped.append(
            Skipped(
                f"{len(refused)} set(s) that put codes under a further theme or dimension "
                f"({', '.join(map(repr, refused))})",
                "this store keeps each concept under one theme: import into a new store "
                "after `gioia settings allow-shared on` to keep them",
            )
        )
