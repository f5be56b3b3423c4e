"""Exporting the store as REFI-QDA: a ``.qdpx`` project or a ``.qdc`` codebook.

The code tree is the structure, dimension > theme > concept, in the researcher's order
(themes without a dimension and concepts without a theme at the top, after the
dimensions), definitions as ``Description``. Coders are users; each transcript is an
internal ``.txt`` source, its speaker labels written into the text at the start of their
segments; each coding is a ``PlainTextSelection`` with one ``Coding``; memos are notes
referenced from their concept, theme or dimension, from a selection over their segment,
or from the project. Cases hold their transcripts; attributes, informants, roles, waves
and dates are variables.

What REFI-QDA has no place for (segments, speakers' informants and times, review marks,
quote picks, gioia's levels and positions) goes in ``gioia.json`` inside the ``.qdpx``,
which other programs ignore and gioia reads back, so that gioia → ``.qdpx`` → gioia
loses nothing. GUIDs derive from the store's identity and each item's id, and nothing
depends on the time of export, so the same store exports to the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from gioia import __version__
from gioia.errors import InvalidInput
from gioia.ops.base import Tx, find_coder
from gioia.refi import model as m
from gioia.refi.model import iso
from gioia.refi.package import SIDECAR_VERSION
from gioia.refi.positions import CONVENTIONS, Positions
from gioia.refi.report import ExportResult
from gioia.store import (
    Attribute,
    Case,
    Coder,
    Coding,
    Concept,
    Dimension,
    Event,
    Informant,
    Memo,
    Review,
    Segment,
    Setting,
    Theme,
    Transcript,
)

ORIGIN = f"gioia {__version__}"
STORE_ID = "store_id"
#: Source variables gioia writes for a transcript's own metadata (their keys in gioia.json).
BUILTIN_VARIABLES = {
    "informant": "Informant",
    "role": "Role",
    "wave": "Wave",
    "date": "Interview date",
}


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


def format_time(seconds: float) -> str:
    """``h:mm:ss``, as a speaker label in a transcript writes a time."""
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def speaker_label(segment: Segment, previous: Segment | None, gap: str) -> str:
    """The label written before a segment: ``[h:mm:ss] Speaker: `` at the start of a turn
    (a new speaker or a new paragraph), nothing inside a paragraph."""
    if segment.speaker is None and segment.time_start is None:
        return ""
    if previous is not None and previous.speaker == segment.speaker and "\n" not in gap:
        return ""
    time = f"[{format_time(segment.time_start)}] " if segment.time_start is not None else ""
    return f"{time}{segment.speaker}: " if segment.speaker is not None else time


@dataclass
class Export:
    """What an export writes: the project, the sources' files, gioia's member, and the
    figures and warnings to report."""

    project: m.Project
    files: list[tuple[str, bytes]] = field(default_factory=list)
    sidecar: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class _Guids:
    """GUIDs derived from the store's identity: the same item always gets the same."""

    def __init__(self, identity: str) -> None:
        self._namespace = uuid.UUID(identity)

    def __call__(self, kind: str, key: object) -> str:
        return str(uuid.uuid5(self._namespace, f"{kind}:{key}"))


def _chosen_coders(tx: Tx, names: list[str] | None) -> list[Coder]:
    if names:
        ids = {find_coder(tx.session, name).id for name in names}
        return list(tx.session.scalars(select(Coder).where(Coder.id.in_(ids)).order_by(Coder.id)))
    return list(tx.session.scalars(select(Coder).order_by(Coder.id)))


def _user_name(coder: Coder) -> str:
    """The user's name: a consensus coder says so when its name does not."""
    if coder.is_consensus and "consensus" not in coder.name.casefold():
        return f"{coder.name} (consensus)"
    return coder.name


def build_codes(
    tx: Tx, guid: _Guids, memos: dict[tuple[str, int], list[str]]
) -> tuple[list[m.Code], dict[int, str], dict[str, list[Any]]]:
    """The code tree of the structure, the concepts' GUIDs by id, and gioia's record of
    each code's level, position, creator and creation time (by GUID)."""
    levels: dict[str, list[Any]] = {}
    creators: dict[int | None, str] = dict(tx.session.execute(select(Coder.id, Coder.name)).all())

    def code(level: str, item: Concept | Theme | Dimension) -> m.Code:
        key = guid(level, item.id)
        creator = creators.get(item.created_by_id) if isinstance(item, Concept) else None
        levels[key] = [level, item.position, creator, iso(item.created_at)]
        return m.Code(key, item.name, True, item.definition, memos.get((level, item.id), []))

    concept_guids: dict[int, str] = {}
    by_theme: dict[int | None, list[m.Code]] = defaultdict(list)
    for concept in tx.session.scalars(select(Concept).order_by(Concept.position, Concept.id)):
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


def export_codebook(tx: Tx) -> Export:
    """The structure as a codebook (``.qdc``): codes and definitions only."""
    guid = _Guids(store_identity(tx) or ensure_store_identity(tx))
    codes, _, _ = build_codes(tx, guid, {})
    if not codes:
        raise InvalidInput("The structure is empty: add concepts before exporting a codebook.")
    export = Export(m.Project(origin=ORIGIN, codes=codes, codebook_only=True))
    export.counts = _structure_counts(tx)
    memos = tx.session.scalar(select(func.count()).where(Memo.segment_id.is_(None))) or 0
    on_items = memos - (
        tx.session.scalar(
            select(func.count()).where(
                Memo.segment_id.is_(None),
                Memo.concept_id.is_(None),
                Memo.theme_id.is_(None),
                Memo.dimension_id.is_(None),
            )
        )
        or 0
    )
    if on_items:
        export.warnings.append(
            f"A codebook has no place for memos: the {on_items} memo(s) on concepts, themes "
            "and dimensions are left out (a .qdpx carries them)."
        )
    export.warnings.append(
        "A codebook holds the code tree and definitions only: a program that reads it sees "
        "dimensions, themes and concepts as codes nested three deep."
    )
    return export


def _structure_counts(tx: Tx) -> dict[str, int]:
    return {
        word: tx.session.scalar(select(func.count()).select_from(model)) or 0
        for word, model in (("dimensions", Dimension), ("themes", Theme), ("concepts", Concept))
    }


@dataclass(frozen=True)
class _Placed:
    """Where a segment is in the written source: its source, its position in the
    transcript, how far the labels before it shift it, and the transcript's name."""

    source: str
    position: int
    shift: int
    transcript: str


def export_project(
    tx: Tx, name: str, *, coders: list[str] | None = None, positions: str = "codepoints"
) -> Export:
    """The whole project (or these coders' codings, memos and reviews) as a ``.qdpx``."""
    if positions not in CONVENTIONS:
        raise InvalidInput(f"Positions are {' or '.join(CONVENTIONS)}, not {positions!r}.")
    guid = _Guids(store_identity(tx) or ensure_store_identity(tx))
    chosen = _chosen_coders(tx, coders)
    users = {c.id: guid("coder", c.id) for c in chosen}
    memos = [
        memo
        for memo in tx.session.scalars(select(Memo).order_by(Memo.id))
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
    codes, concept_guids, levels = build_codes(tx, guid, note_refs)
    project = m.Project(
        name=name,
        origin=ORIGIN,
        users=[
            m.User(users[c.id], _user_name(c), "consensus" if c.is_consensus else None)
            for c in chosen
        ],
        codes=codes,
    )
    export = Export(project, counts=_structure_counts(tx))
    variables = _Variables(guid)
    informants = _informants(tx)
    cases = _cases(tx, guid, variables)
    placed: dict[int, _Placed] = {}
    sources = _sources(tx, guid, variables, informants, cases, placed)
    texts = {key: text for key, (_, _, text) in sources.items()}
    convert = {key: Positions(text) for key, text in texts.items() if positions == "utf16"}

    def position(source: str, offset: int) -> int:
        return convert[source].to_utf16(offset) if source in convert else offset

    picks = _codings(tx, sources, placed, users, concept_guids, guid, position)
    _notes(tx, export, memos, sources, placed, users, guid, position)
    project.variables = variables.declared
    project.cases = [case for case, _ in cases.values()]
    project.sources = [source for source, _, _ in sources.values()]
    export.files = [(f"{key}.txt", text.encode()) for key, text in texts.items()]
    export.sidecar = {
        "gioia": SIDECAR_VERSION,
        "positions": positions,
        "coders": {
            users[c.id]: {"name": c.name, "consensus": c.is_consensus, "created": iso(c.created_at)}
            for c in chosen
        },
        "codes": levels,
        "variables": variables.meaning,
        "cases": {case.guid: iso(created) for case, created in cases.values()},
        "informants": informants,
        "transcripts": {key: meta for key, (_, meta, _) in sources.items()},
        "reviews": _reviews(tx, users, placed),
        "picks": picks,
    }
    export.counts |= {
        "coders": len(chosen),
        "transcripts": len(sources),
        "codings": sum(len(s.selections) for s in project.sources) - _memo_selections(memos),
        "memos": len(memos),
        "cases": len(cases),
    }
    export.warnings.extend(_cannot_carry(tx, export, texts, positions))
    return export


def _memo_selections(memos: list[Memo]) -> int:
    return sum(memo.segment_id is not None for memo in memos)


class _Variables:
    """The variables an export declares, each once, and what each means to gioia."""

    def __init__(self, guid: _Guids) -> None:
        self.guid = guid
        self.declared: list[m.Variable] = []
        self.meaning: dict[str, list[str]] = {}

    def value(self, scope: str, key: str, value: str, name: str | None = None) -> m.VariableValue:
        """A value of the variable (scope, key), declaring the variable on first use."""
        found = self.guid("variable", f"{scope}:{key}")
        if found not in self.meaning:
            self.meaning[found] = [scope, key]
            self.declared.append(m.Variable(found, name or key))
        return m.VariableValue(found, value)


def _attributes(tx: Tx, column: Any) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for owner, key, value in tx.session.execute(
        select(column, Attribute.key, Attribute.value)
        .where(column.is_not(None))
        .order_by(Attribute.id)
    ):
        found[owner].append((key, value))
    return found


def _informants(tx: Tx) -> dict[str, list[Any]]:
    """Every informant by name: role, case, creation time, attributes (for gioia.json)."""
    attributes = _attributes(tx, Attribute.informant_id)
    case_names: dict[int | None, str] = dict(tx.session.execute(select(Case.id, Case.name)).all())
    return {
        informant.name: [
            informant.role,
            case_names.get(informant.case_id),
            iso(informant.created_at),
            dict(attributes.get(informant.id, [])),
        ]
        for informant in tx.session.scalars(select(Informant).order_by(Informant.id))
    }


def _cases(tx: Tx, guid: _Guids, variables: _Variables) -> dict[int, tuple[m.Case, dt.datetime]]:
    attributes = _attributes(tx, Attribute.case_id)
    return {
        case.id: (
            m.Case(
                guid("case", case.id),
                case.name,
                values=[variables.value("case", k, v) for k, v in attributes.get(case.id, [])],
            ),
            case.created_at,
        )
        for case in tx.session.scalars(select(Case).order_by(Case.id))
    }


def written_text(text: str, segments: list[Segment]) -> tuple[str, list[list[int]], list[int]]:
    """A transcript's text as a source file: speaker labels written before their
    segments; where each label is (offset in the written text, length); and how far the
    labels move each segment."""
    parts: list[str] = []
    labels: list[list[int]] = []
    shifts: list[int] = []
    done = shift = 0
    previous: Segment | None = None
    for segment in segments:
        gap = text[done : segment.char_start]
        label = speaker_label(segment, previous, gap)
        parts.append(gap)
        if label:
            labels.append([segment.char_start + shift, len(label)])
            parts.append(label)
            shift += len(label)
        shifts.append(shift)
        parts.append(text[segment.char_start : segment.char_end])
        done, previous = segment.char_end, segment
    parts.append(text[done:])
    return "".join(parts), labels, shifts


def _metadata_values(
    transcript: Transcript,
    informant: str | None,
    informants: dict[str, list[Any]],
    attributes: list[tuple[str, str]],
    variables: _Variables,
) -> list[m.VariableValue]:
    """A transcript's variables: informant, role, wave, date, the informant's and its
    own attributes."""
    values = []
    if informant is not None:
        role, _case, _created, informant_attributes = informants[informant]
        values.append(variables.value("builtin", "informant", informant, "Informant"))
        if role:
            values.append(variables.value("builtin", "role", role, "Role"))
        for key, value in informant_attributes.items():
            values.append(variables.value("informant", key, value, f"Informant {key}"))
    if transcript.wave:
        values.append(variables.value("builtin", "wave", transcript.wave, "Wave"))
    if transcript.interview_date:
        date = transcript.interview_date.isoformat()
        values.append(variables.value("builtin", "date", date, "Interview date"))
    reserved = {name.casefold() for name in BUILTIN_VARIABLES.values()}
    for key, value in attributes:
        shown = f"{key} (attribute)" if key.casefold() in reserved else key
        values.append(variables.value("transcript", key, value, shown))
    return values


def _sources(
    tx: Tx,
    guid: _Guids,
    variables: _Variables,
    informants: dict[str, list[Any]],
    cases: dict[int, tuple[m.Case, dt.datetime]],
    placed: dict[int, _Placed],
) -> dict[str, tuple[m.Source, dict[str, Any], str]]:
    """Each transcript as a source, by GUID: the source, its gioia.json entry, its text;
    and, in ``placed``, where each segment went."""
    informant_names: dict[int | None, str] = dict(
        tx.session.execute(select(Informant.id, Informant.name)).all()
    )
    attributes = _attributes(tx, Attribute.transcript_id)
    segments: dict[int, list[Segment]] = defaultdict(list)
    for segment in tx.session.scalars(
        select(Segment).order_by(Segment.transcript_id, Segment.position)
    ):
        segments[segment.transcript_id].append(segment)
    found = {}
    for transcript in tx.session.scalars(select(Transcript).order_by(Transcript.id)):
        key = guid("transcript", transcript.id)
        text, labels, shifts = written_text(transcript.text, segments[transcript.id])
        for segment, shift in zip(segments[transcript.id], shifts, strict=True):
            placed[segment.id] = _Placed(key, segment.position, shift, transcript.name)
        informant = informant_names.get(transcript.informant_id)
        source = m.Source(
            key,
            name=transcript.name,
            plain_path=f"internal://{key}.txt",
            created=iso(transcript.imported_at),
            values=_metadata_values(
                transcript, informant, informants, attributes.get(transcript.id, []), variables
            ),
        )
        if transcript.case_id is not None:
            cases[transcript.case_id][0].sources.append(key)
        meta = {
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
            "labels": labels,
            "segments": [
                [
                    s.char_start,
                    s.char_end,
                    s.speaker,
                    s.is_interviewer,
                    informant_names.get(s.informant_id),
                    s.time_start,
                    s.time_end,
                ]
                for s in segments[transcript.id]
            ],
            "source": transcript.source,
            "format": transcript.format,
            "segment_by": transcript.segment_by,
        }
        found[key] = (source, meta, text)
    return found


def _codings(
    tx: Tx,
    sources: dict[str, tuple[m.Source, dict[str, Any], str]],
    placed: dict[int, _Placed],
    users: dict[int, str],
    concepts: dict[int, str],
    guid: _Guids,
    position: Callable[[str, int], int],
) -> dict[str, int]:
    """Every coding of the chosen coders as a selection of its source; returns the quote
    picks (selection GUID → rank)."""
    picks = {}
    rows = tx.session.execute(
        select(
            Coding.id,
            Coding.segment_id,
            Coding.concept_id,
            Coding.coder_id,
            Coding.char_start,
            Coding.char_end,
            Coding.pick_rank,
            Coding.created_at,
        )
        .join(Segment, Segment.id == Coding.segment_id)
        .where(Coding.coder_id.in_(users))
        .order_by(
            Segment.transcript_id,
            Segment.position,
            Coding.char_start,
            Coding.char_end,
            Coding.coder_id,
            Coding.concept_id,
            Coding.id,
        )
    )
    for key, segment_id, concept_id, coder_id, start, end, rank, created in rows:
        where = placed[segment_id]
        user, when = users[coder_id], iso(created)
        selection = m.Selection(
            guid("coding", key),
            position(where.source, start + where.shift),
            position(where.source, end + where.shift),
            creating_user=user,
            created=when,
            codings=[m.Coding(guid("coding-ref", key), concepts[concept_id], user, when)],
        )
        sources[where.source][0].selections.append(selection)
        if rank is not None:
            picks[selection.guid] = rank
    return picks


def _notes(
    tx: Tx,
    export: Export,
    memos: list[Memo],
    sources: dict[str, tuple[m.Source, dict[str, Any], str]],
    placed: dict[int, _Placed],
    users: dict[int, str],
    guid: _Guids,
    position: Callable[[str, int], int],
) -> None:
    """Each memo as a note, referenced from where it belongs (its code's ``NoteRef`` is
    written with the code tree)."""
    names = {
        level: dict(tx.session.execute(select(model.id, model.name)).all())
        for level, model in (("concept", Concept), ("theme", Theme), ("dimension", Dimension))
    }
    spans = dict(
        tx.session.execute(
            select(Segment.id, Segment.char_start).where(
                Segment.id.in_([memo.segment_id for memo in memos if memo.segment_id])
            )
        ).all()
    )
    ends = dict(
        tx.session.execute(
            select(Segment.id, Segment.char_end).where(Segment.id.in_(list(spans)))
        ).all()
    )
    for memo in memos:
        key = guid("memo", memo.id)
        user = users.get(memo.coder_id) if memo.coder_id is not None else None
        label = "the project"
        if memo.segment_id is not None:
            where = placed[memo.segment_id]
            label = f"{where.transcript}:{where.position}"
            sources[where.source][0].selections.append(
                m.Selection(
                    guid("memo-selection", memo.id),
                    position(where.source, spans[memo.segment_id] + where.shift),
                    position(where.source, ends[memo.segment_id] + where.shift),
                    creating_user=user,
                    created=iso(memo.created_at),
                    notes=[key],
                )
            )
        else:
            for level, item in (
                ("concept", memo.concept_id),
                ("theme", memo.theme_id),
                ("dimension", memo.dimension_id),
            ):
                if item is not None:
                    label = f"the {level} {names[level][item]}"
            if label == "the project":
                export.project.project_notes.append(key)
        export.project.notes.append(
            m.Note(
                key, f"Memo on {label}", memo.text, creating_user=user, created=iso(memo.created_at)
            )
        )


def _reviews(
    tx: Tx, users: dict[int, str], placed: dict[int, _Placed]
) -> dict[str, dict[str, list[list[Any]]]]:
    """Which segments each coder has read: user → source → [[position, time], …]."""
    found: dict[str, dict[str, list[list[Any]]]] = defaultdict(lambda: defaultdict(list))
    for segment_id, coder_id, reviewed in tx.session.execute(
        select(Review.segment_id, Review.coder_id, Review.reviewed_at)
        .where(Review.coder_id.in_(users))
        .order_by(Review.coder_id, Review.segment_id)
    ):
        where = placed[segment_id]
        found[users[coder_id]][where.source].append([where.position, iso(reviewed)])
    return {user: dict(by_source) for user, by_source in found.items()}


def _cannot_carry(tx: Tx, export: Export, texts: dict[str, str], positions: str) -> list[str]:
    """What the format has no place for, said for the researcher."""
    warnings = []
    events = tx.session.scalar(select(func.count()).select_from(Event)) or 0
    if events:
        warnings.append(
            f"REFI-QDA has no place for the audit trail: its {events:,} event(s) stay in this "
            "store."
        )
    reviews = sum(len(v) for by in export.sidecar["reviews"].values() for v in by.values())
    informants = len(export.sidecar["informants"])
    warnings.append(
        "REFI-QDA has no place for segments, speakers (written into the text as labels), "
        f"{reviews:,} review mark(s), {len(export.sidecar['picks'])} quote pick(s) and "
        f"{informants} informant(s) with their roles: gioia keeps them in gioia.json inside "
        "the file, for gioia; other programs ignore it."
    )
    if positions == "codepoints":
        wide = sum(not Positions(text).agree for text in texts.values())
        if wide:
            warnings.append(
                f"{wide} transcript(s) hold characters outside the Basic Multilingual Plane "
                "(emoji): NVivo for Windows counts positions in UTF-16, so for NVivo export "
                "with --positions utf16."
            )
    return warnings


def write_export(export: Export, path: Path, *, protect: list[str]) -> ExportResult:
    """Write an export to ``path`` (``.qdpx`` for a project, ``.qdc`` for a codebook),
    whole or not at all."""
    from gioia.output import output_file
    from gioia.refi.package import write_package
    from gioia.refi.xmlwrite import codebook_xml, project_xml

    codebook = export.project.codebook_only
    with output_file(path, [".qdc"] if codebook else [".qdpx"], protect=protect) as out:
        if codebook:
            out.temp.write_bytes(codebook_xml(export.project))
        else:
            write_package(out.temp, project_xml(export.project), export.files, export.sidecar)
    counts = export.counts
    return ExportResult(
        path,
        counts.get("dimensions", 0),
        counts.get("themes", 0),
        counts.get("concepts", 0),
        coders=counts.get("coders", 0),
        transcripts=counts.get("transcripts", 0),
        codings=counts.get("codings", 0),
        memos=counts.get("memos", 0),
        cases=counts.get("cases", 0),
        positions=export.sidecar.get("positions", "codepoints"),
        warnings=tuple(export.warnings),
    )
