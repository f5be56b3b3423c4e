"""Exporting the store as REFI-QDA: a ``.qdpx`` project or a ``.qdc`` codebook.

The code tree is the structure, dimension > theme > concept, in the researcher's order
(themes without a dimension and concepts without a theme at the top, after the
dimensions), definitions as ``Description``. Coders are users (a consensus coder says
so); each transcript is an internal ``.txt`` source with its case and variables, each
coding a ``PlainTextSelection`` with one ``Coding`` (:mod:`refi_export_sources`); memos
are notes referenced from their concept, theme or dimension, from a selection over their
segment, or from the project.

What REFI-QDA has no place for (segments, speakers' informants and times, review marks,
quote picks, gioia's levels and positions) goes in ``gioia.json`` inside the ``.qdpx``,
which other programs ignore and gioia reads back, so that gioia → ``.qdpx`` → gioia
loses nothing. GUIDs derive from the store's identity and each item's id, and nothing
depends on the time of export: the same store exports to the same bytes.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from gioia import __version__
from gioia.errors import InvalidInput
from gioia.models import (
    Coder,
    Concept,
    ConceptExtraTheme,
    Dimension,
    Memo,
    Setting,
    Theme,
    ThemeExtraDimension,
)
from gioia.ops.base import Tx
from gioia.ops.levels import parent_map
from gioia.ops.listing import event_count
from gioia.ops.objects import find_coder
from gioia.ops.refi_export_sources import Guids, Sources
from gioia.ops.structure import level as structure_level
from gioia.output import Opener, output_file
from gioia.refi import model as m
from gioia.refi.model import iso
from gioia.refi.package import SIDECAR_VERSION, write_package
from gioia.refi.positions import CONVENTIONS
from gioia.refi.report import ExportResult
from gioia.refi.xmlwrite import codebook_xml
from gioia.schema import SHARED_SCOPE, STORE_ID

ORIGIN = f"gioia {__version__}"


def store_identity(tx: Tx) -> str | None:
    """The store's identity (a UUID), None in a store that has none yet."""
    return tx.session.scalar(select(Setting.value).where(Setting.key == STORE_ID))


def ensure_store_identity(tx: Tx) -> str:
    """The store's identity, made now if the store has none (a writing transaction)."""
    found = store_identity(tx)
    if found is None:
        found = str(uuid.uuid4())
        tx.session.add(Setting(key=STORE_ID, value=found))
        tx.session.flush()
    return found


def _guids(tx: Tx) -> Guids:
    identity = store_identity(tx)
    if identity is None:
        raise InvalidInput("The store has no identity yet: export from a writable store.")
    return Guids(identity)


def _user_name(coder: Coder) -> str:
    """The user's name: a consensus coder says so when its name does not."""
    if coder.is_consensus and "consensus" not in coder.name.casefold():
        return f"{coder.name} (consensus)"
    return coder.name


def build_codes(
    tx: Tx, guid: Guids, memos: dict[tuple[str, int], list[str]]
) -> tuple[list[m.Code], dict[int, str], dict[str, list[Any]]]:
    """The code tree of the structure, the concepts' GUIDs by id, and gioia's record of
    each code's level, position, creator and creation time (by GUID), and True after
    them for a concept private to its creator (open coding).

    Each code has one parent here: a concept in several themes is under its first, and
    :func:`shared_sets` shows the others."""
    levels: dict[str, list[Any]] = {}
    creators: dict[int | None, str] = dict(
        tx.session.execute(select(Coder.id, Coder.name).where(tx.viewer.own(Coder.id))).all()
    )

    def code(level: str, item: Concept | Theme | Dimension) -> m.Code:
        key = guid(level, item.id)
        creator = creators.get(item.created_by_id) if isinstance(item, Concept) else None
        levels[key] = [level, item.position, creator, iso(item.created_at)]
        if isinstance(item, Concept) and item.scope != SHARED_SCOPE:
            levels[key].append(True)  # private to its creator (open coding)
        return m.Code(key, item.name, True, item.definition, memos.get((level, item.id), []))

    concept_guids: dict[int, str] = {}
    by_theme: dict[int | None, list[m.Code]] = defaultdict(list)
    visible = select(Concept).where(tx.viewer.concept_clause())
    for concept in tx.session.scalars(visible.order_by(Concept.position, Concept.id)):
        node = code("concept", concept)
        concept_guids[concept.id] = node.guid
        by_theme[concept.theme_id].append(node)
    by_dimension: dict[int | None, list[m.Code]] = defaultdict(list)
    for theme in tx.session.scalars(select(Theme).order_by(Theme.position, Theme.id)):
        node = code("theme", theme)
        node.children = by_theme[theme.id]
        by_dimension[theme.dimension_id].append(node)
    tree = []
    for dimension in tx.session.scalars(
        select(Dimension).order_by(Dimension.position, Dimension.id)
    ):
        node = code("dimension", dimension)
        node.children = by_dimension[dimension.id]
        tree.append(node)
    return tree + by_dimension[None] + by_theme[None], concept_guids, levels


def _structure_counts(tx: Tx) -> tuple[int, int, int]:
    """How many dimensions, themes and concepts (that the acting coder may see)."""
    dimensions, themes = (
        tx.session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Dimension, Theme)
    )
    concepts = tx.session.scalar(
        select(func.count()).select_from(Concept).where(tx.viewer.concept_clause())
    )
    return dimensions, themes, concepts or 0


def export_codebook(tx: Tx, path: Path, *, output: Opener = output_file) -> ExportResult:
    """Write the structure as a codebook (``.qdc``): codes and definitions only, through
    ``output`` (``Project``'s protects the store)."""
    guid = _guids(tx)
    codes, _, _ = build_codes(tx, guid, {})
    if not codes:
        raise InvalidInput("The structure is empty: add concepts before exporting a codebook.")
    warnings = []
    on_items = tx.session.scalar(
        select(func.count()).where(
            Memo.concept_id.is_not(None)
            | Memo.theme_id.is_not(None)
            | Memo.dimension_id.is_not(None),
            tx.viewer.memo_clause(),
        )
    )
    if on_items:
        warnings.append(
            f"A codebook has no place for memos: the {on_items} memo(s) on concepts, themes "
            "and dimensions are left out (a .qdpx carries them)."
        )
    warnings.append(
        "A codebook holds the code tree and definitions only: a program that reads it sees "
        "dimensions, themes and concepts as codes nested three deep."
    )
    sets, shared = shared_sets(tx, guid)
    warnings.extend(shared)
    with output(path, (".qdc",)) as out:
        out.temp.write_bytes(codebook_xml(m.Project(origin=ORIGIN, codes=codes, sets=sets)))
    return ExportResult(
        out.path, *_structure_counts(tx), warnings=tuple(warnings), replaced=out.replaced
    )


def export_project(
    tx: Tx,
    path: Path,
    *,
    coders: list[str] | None = None,
    positions: str = "codepoints",
    output: Opener = output_file,
) -> ExportResult:
    """Write the whole project (or these coders' codings, memos and reviews) as a
    ``.qdpx``, whole or not at all, through ``output`` (``Project``'s protects the
    store). A blind coder exports their own work only (with the shared memos and the
    concepts they may see)."""
    if positions not in CONVENTIONS:
        raise InvalidInput(f"Positions are {' or '.join(CONVENTIONS)}, not {positions!r}.")
    viewer = tx.viewer
    for name in coders or []:
        viewer.check_coder(name, f"{name}'s codings are")
    guid = _guids(tx)
    if coders:
        ids = {find_coder(tx, name).id for name in coders}
        chosen = list(tx.session.scalars(select(Coder).where(Coder.id.in_(ids)).order_by(Coder.id)))
    else:
        chosen = list(
            tx.session.scalars(select(Coder).where(viewer.own(Coder.id)).order_by(Coder.id))
        )
    users = {c.id: guid("coder", c.id) for c in chosen}
    memos = [
        memo
        for memo in tx.session.scalars(select(Memo).where(viewer.memo_clause()).order_by(Memo.id))
        if not coders or memo.coder_id is None or memo.coder_id in users
    ]
    note_refs: dict[tuple[str, int], list[str]] = defaultdict(list)
    for memo in memos:
        for level, item in (
            ("concept", memo.concept_id),
            ("theme", memo.theme_id),
            ("dimension", memo.dimension_id),
        ):
            if item is not None:
                note_refs[(level, item)].append(guid("memo", memo.id))
    codes, concepts, levels = build_codes(tx, guid, note_refs)
    extra = _extra_parents(tx, guid)
    sets, shared = shared_sets(tx, guid)
    settings = {
        key: value
        for key, value in tx.session.execute(select(Setting.key, Setting.value))
        if key != STORE_ID
    }
    sources = Sources(tx, guid, users, concepts, memos, positions)
    project = m.Project(
        name=path.stem,
        origin=ORIGIN,
        users=[
            m.User(users[c.id], _user_name(c), "consensus" if c.is_consensus else None)
            for c in chosen
        ],
        codes=codes,
        variables=sources.variables.declared,
        cases=sources.case_list(),
        sets=sets,
    )

    def each() -> Iterator[m.Source]:
        """The sources, then the notes (which come after them in the file)."""
        yield from sources.each()
        project.notes, project.project_notes = sources.notes()

    def rest() -> tuple[list[tuple[str, bytes]], dict[str, Any]]:
        sidecar = {
            "gioia": SIDECAR_VERSION,
            "positions": positions,
            "coders": {
                users[c.id]: {
                    "name": c.name,
                    "consensus": c.is_consensus,
                    "created": iso(c.created_at),
                }
                for c in chosen
            },
            "codes": levels,
            "variables": sources.variables.meaning,
            "cases": sources.case_times,
            "informants": sources.informants,
            "transcripts": sources.recorded,
            "reviews": sources.reviews(),
            "picks": sources.picks,
            "settings": settings,
            "extra": extra,
        }
        return sources.files, sidecar

    with output(path, (".qdpx",)) as out:
        sidecar = write_package(out.temp, project, each(), rest)
    return ExportResult(
        out.path,
        *_structure_counts(tx),
        coders=len(chosen),
        transcripts=len(sources.transcripts),
        codings=sources.codings,
        memos=len(memos),
        cases=len(sources.cases),
        positions=positions,
        warnings=(*_cannot_carry(tx, sidecar, sources.wide, positions), *shared),
        replaced=out.replaced,
    )


def _extra_parents(tx: Tx, guid: Guids) -> dict[str, list[list[Any]]]:
    """A concept's themes and a theme's dimensions beyond the first (shared concepts), as
    GUIDs with their order, for gioia.json."""
    found: dict[str, list[list[Any]]] = {}
    for key, (child, parent, position), (child_kind, parent_kind) in (
        (
            "concept_themes",
            (ConceptExtraTheme.concept_id, ConceptExtraTheme.theme_id, ConceptExtraTheme.position),
            ("concept", "theme"),
        ),
        (
            "theme_dimensions",
            (
                ThemeExtraDimension.theme_id,
                ThemeExtraDimension.dimension_id,
                ThemeExtraDimension.position,
            ),
            ("theme", "dimension"),
        ),
    ):
        found[key] = [
            [guid(child_kind, a), guid(parent_kind, b), rank]
            for a, b, rank in tx.session.execute(
                select(child, parent, position).order_by(child, parent)
            )
        ]
    return found


def shared_sets(tx: Tx, guid: Guids) -> tuple[list[m.CodeSet], list[str]]:
    """A set per theme that holds a concept the code tree shows under another theme (and
    per dimension that holds such a theme), named after it and holding all its members
    in structure order; and what was done, said for the researcher.

    The code tree gives each code one parent (its first); a set shows a theme's (or
    dimension's) whole membership where the tree cannot, as ATLAS.ti's code groups and
    MAXQDA's code sets do. ``gioia import-project`` reads such sets back."""
    sets: list[m.CodeSet] = []
    said: list[str] = []
    for child, parent in (("concept", "theme"), ("theme", "dimension")):
        child_model, parent_model = structure_level(child).model, structure_level(parent).model
        parents_of = parent_map(tx, child)
        shared = {c for c, held in parents_of.items() if len(held) > 1}
        if not shared:
            continue
        wider = {p for c in shared for p in parents_of[c][1:]}
        members: dict[int, list[int]] = defaultdict(list)
        for (child_id,) in tx.session.execute(
            select(child_model.id).order_by(child_model.position, child_model.id)
        ):
            for parent_id in parents_of.get(child_id, []):
                if parent_id in wider:
                    members[parent_id].append(child_id)
        for parent_id, name in tx.session.execute(
            select(parent_model.id, parent_model.name)
            .where(parent_model.id.in_(wider))
            .order_by(parent_model.position, parent_model.id)
        ):
            sets.append(
                m.CodeSet(
                    guid(f"{parent}-set", parent_id),
                    name,
                    f"Every {child} of the {parent} {name!r}, with those the code tree shows "
                    f"under another {parent} (gioia: {child}s under more than one {parent}).",
                    [guid(child, c) for c in members[parent_id]],
                )
            )
        said.append(
            f"{len(shared)} {child}(s) under more than one {parent}: each under its first "
            f"{parent} in the code tree, and in a set per {parent} ({len(wider)} set(s), "
            f"named after their {parent}s)."
        )
    return sets, said


def _cannot_carry(tx: Tx, sidecar: dict[str, Any], wide: int, positions: str) -> list[str]:
    """What the format has no place for, said for the researcher."""
    warnings = []
    events = event_count(tx)
    if events:
        warnings.append(
            f"REFI-QDA has no place for the audit trail: its {events:,} event(s) stay in this "
            "store."
        )
    reviews = sum(len(v) for by in sidecar["reviews"].values() for v in by.values())
    warnings.append(
        "REFI-QDA has no place for segments, speakers (written into the text as labels), "
        f"{reviews:,} review mark(s), {len(sidecar['picks'])} quote pick(s) and "
        f"{len(sidecar['informants'])} informant(s) with their roles: gioia keeps them in "
        "gioia.json inside the file, for gioia; other programs ignore it."
    )
    if positions == "codepoints" and wide:
        warnings.append(
            f"{wide} transcript(s) hold characters outside the Basic Multilingual Plane "
            "(emoji): NVivo for Windows counts positions in UTF-16, so for NVivo export "
            "with --positions utf16."
        )
    return warnings
