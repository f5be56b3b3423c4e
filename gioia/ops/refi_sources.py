"""Importing a REFI-QDA project's sources: transcripts with their cases and metadata,
and selections as codings.

A text source becomes a transcript segmented into speaker turns as the text importer
does (a ``.txt`` read as stored, BOM and CRLF included; a source with only a Word file
through the Word importer), or, for a source gioia itself wrote and nobody changed, with
the segments gioia recorded in ``gioia.json``. Cases and their variables become cases
and attributes; a source's variables its informant, role, wave, date and attributes.
Each selection becomes one coding per turn it covers, with its exact span.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import Insert, Table, insert, select, update

from gioia import schema
from gioia.errors import GioiaError
from gioia.importers.decode import decode_raw
from gioia.importers.manifest import TranscriptMeta
from gioia.limits import WAVE_LENGTH
from gioia.models import Coder, Segment
from gioia.ops.base import Tx
from gioia.ops.importing import (
    ImportOptions,
    content_hash,
    insert_segments,
    segment_people,
    speaker_roles,
)
from gioia.ops.objects import get_or_create_coder
from gioia.ops.people import (
    get_or_create_case,
    get_or_create_informant,
    link_speakers,
    store_attributes,
)
from gioia.refi import model as m
from gioia.refi.align import Document, labelled_document, read_document
from gioia.refi.levels import clean_code_name
from gioia.refi.model import parse_time
from gioia.refi.package import Package
from gioia.refi.positions import Positions
from gioia.refi.report import ImportReport, Skipped
from gioia.schema import utcnow
from gioia.text import SegmentSpan, build_document, name_key

SEGMENT_BY = "turn"


@dataclass
class SourceText:
    """A text source ready to store: its name, text and segments, and how its
    positions map onto them."""

    source: m.Source
    name: str
    raw: str
    document: Document
    format: str
    file: str
    segment_by: str = SEGMENT_BY
    recorded: list[list[Any]] | None = None
    """Segments as gioia recorded them (speaker, interviewer, informant), if it did."""
    positions: Positions = field(init=False)
    transcript_id: int = 0
    segment_ids: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.positions = Positions(self.raw)


def read_sources(package: Package, report: ImportReport) -> list[SourceText]:
    """Every text source with text, read and segmented; the others are skipped with the
    reason in the report."""
    recorded = (package.sidecar or {}).get("transcripts", {})
    found: list[SourceText] = []
    names: set[str] = set()
    for source in package.project.sources:
        label = source.name or source.plain_path or source.rich_path or source.guid
        if source.kind != "TextSource":
            report.skipped.append(
                Skipped(f"source {label}", f"a {source.kind[:-6].lower()} source: gioia codes text")
            )
            continue
        try:
            text = _read_source(package, source, label, recorded.get(source.guid), report)
        except GioiaError as exc:
            report.skipped.append(Skipped(f"source {label}", exc.message))
            continue
        if text is None:
            continue
        text.name = _unique_name(text.name, names, report)
        found.append(text)
    return found


def _unique_name(name: str, names: set[str], report: ImportReport) -> str:
    unique, number = name, 2
    while name_key(unique) in names:
        unique, number = f"{name} ({number})", number + 1
    if unique != name:
        report.warnings.append(f"Two sources are named {name!r}: the second is {unique!r}.")
    names.add(name_key(unique))
    return unique


def _source_name(source: m.Source, member: str | None) -> str:
    if source.name and source.name.strip():
        return clean_code_name(source.name)
    if member:
        return clean_code_name(PurePosixPath(member).stem)
    return clean_code_name(f"Source {source.guid[:8]}")


def _read_source(
    package: Package,
    source: m.Source,
    label: str,
    recorded: dict[str, Any] | None,
    report: ImportReport,
) -> SourceText | None:
    """The source's text and segments; None (with the reason reported) if it has none."""
    member, problem = package.member(source.plain_path)
    if problem and member:
        report.warnings.append(f"Source {label}: {problem}.")
    if source.content is not None:
        raw, file_name = source.content, f"{label}.txt"
    elif member is not None:
        raw, warnings = decode_raw(package.files[member], member)
        report.warnings.extend(f"Source {label}: {w}" for w in warnings)
        file_name = PurePosixPath(member).name
    else:
        rich, rich_problem = package.member(source.rich_path)
        if rich is not None and rich.lower().endswith(".docx"):
            return _word_source(package, source, rich)
        why = problem or rich_problem or "it names no text file"
        report.skipped.append(Skipped(f"source {label}", why))
        return None
    if raw.startswith("\ufeff"):
        raw = raw[1:]
    if not raw.strip():
        report.skipped.append(Skipped(f"source {label}", "its text is empty"))
        return None
    name = _source_name(source, member)
    if recorded is not None:
        written = hashlib.sha256(raw.encode()).hexdigest() == recorded.get("sha256")
        document = written and labelled_document(
            raw,
            recorded.get("labels", []),
            [(r[0], r[1], r[2], r[5], r[6]) for r in recorded.get("segments", [])],
        )
        if document:
            return SourceText(
                source,
                name,
                raw,
                document,
                recorded.get("format", "txt"),
                recorded.get("source", file_name),
                recorded.get("segment_by", SEGMENT_BY),
                recorded.get("segments"),
            )
        report.warnings.append(
            f"Source {label} changed since gioia wrote it: segmented into turns anew."
        )
    document = read_document(raw, SEGMENT_BY)
    report.warnings.extend(f"Source {label}: {w}" for w in document.warnings)
    if not document.spans:
        report.skipped.append(Skipped(f"source {label}", "its text holds no turns"))
        return None
    return SourceText(source, name, raw, document, "txt", file_name)


def _word_source(package: Package, source: m.Source, member: str) -> SourceText:
    """A source with only a Word file: read by the Word importer; its positions are
    taken against the text gioia reads from it."""
    from gioia.importers.word import parse_docx

    parsed = parse_docx(package.files[member], PurePosixPath(member).name)
    text, spans = build_document(parsed.turns, SEGMENT_BY)
    document = Document(text, spans, text, [(0, 0, len(text))], warnings=list(parsed.warnings))
    name = _source_name(source, member)
    return SourceText(source, name, text, document, "docx", PurePosixPath(member).name)


def store_transcripts(
    tx: Tx, texts: list[tuple[SourceText, TranscriptMeta]], informants: dict[str, int]
) -> None:
    """Write new transcripts with their segments (ids into ``text.segment_ids``) and
    their events, with Core statements: a row per transcript, then one insert of all
    their segments, one query for their ids and one insert of their events."""
    options = ImportOptions()
    events = []
    segments: list[tuple[int, list[SegmentSpan], list[tuple[bool, int | None]]]] = []
    for text, meta in texts:
        case = get_or_create_case(tx, meta.case) if meta.case else None
        informant = get_or_create_informant(tx, meta, case) if meta.informant else None
        document = text.document
        row = {
            "name": text.name,
            "name_key": name_key(text.name),
            "source": text.file[:1000],
            "format": text.format,
            "text": document.text,
            "content_hash": content_hash(document.text, text.segment_by),
            "segment_by": text.segment_by,
            "case_id": case.id if case else None,
            "informant_id": informant.id if informant else None,
            "wave": meta.wave,
            "interview_date": meta.date,
            "imported_at": parse_time(text.source.created) or utcnow(),
        }
        text.transcript_id = transcript = int(tx.execute(_insert_transcript(), row).scalar_one())
        if text.recorded is not None:
            rows = [(r[3], informants.get(r[4]) if r[4] else None) for r in text.recorded]
        else:
            asking = speaker_roles(document.spans, options)
            linked = link_speakers(tx, asking, informant)
            rows = segment_people(document.spans, asking, linked)
        segments.append((transcript, document.spans, rows))
        store_attributes(
            tx, TranscriptMeta(attributes=meta.attributes), transcript, case, informant
        )
        events.append(
            {
                "action": "import",
                "subject": "transcript",
                "summary": f"Imported {text.name} from {text.source.name or text.file} "
                f"({len(document.spans)} segments)",
                "subject_id": transcript,
                "transcript_id": transcript,
                "after": {
                    "source": text.file,
                    "segments": len(document.spans),
                    "segment_by": text.segment_by,
                },
            }
        )
    if not texts:
        return
    insert_segments(tx, segments)
    written = schema.segments.c
    found = tx.fetch_array(
        select(written.transcript_id, written.id)
        .where(written.transcript_id >= min(text.transcript_id for text, _ in texts))
        .order_by(written.transcript_id, written.position),
        2,
    )
    by_transcript: dict[int, list[int]] = {}
    for transcript, segment in found.tolist():
        by_transcript.setdefault(transcript, []).append(segment)
    for text, _ in texts:
        text.segment_ids = by_transcript[text.transcript_id]
    tx.record_many(events)


@cache
def _insert_transcript() -> Insert:
    return insert(schema.transcripts).returning(schema.transcripts.c.id)


@dataclass(frozen=True)
class Placed:
    """A selection placed on the stored text: the coding spans per segment."""

    parts: list[tuple[int, int, int]]
    """(segment id, start, end) for each segment the selection covers."""
    trimmed: bool


def place(text: SourceText, selection: m.Selection, convention: str) -> Placed | str:
    """Where a selection lands (per segment), or why it cannot be imported."""
    positions = text.positions
    length = positions.utf16_length if convention == "utf16" else positions.length
    if not 0 <= selection.start < selection.end <= length:
        return _not_inside(selection, length, convention)
    start = positions.to_codepoints(selection.start, convention)
    end = positions.to_codepoints(selection.end, convention)
    located = text.document.locate(start, end)
    if located is None:
        return NOT_KEPT
    a, b, trimmed = located
    parts = [(text.segment_ids[i], x, y) for i, x, y in text.document.split(a, b)]
    if not parts:
        return BETWEEN_TURNS
    return Placed(parts, trimmed)


#: Why a selection inside the text cannot be imported.
NOT_KEPT = "it covers only what gioia does not keep of the text (a speaker label, a title)"
BETWEEN_TURNS = "it covers only blank space between turns"


def _not_inside(selection: m.Selection, length: int, convention: str) -> str:
    """Why a selection outside the text (``length`` in ``convention``'s units) cannot be
    imported."""
    units = "UTF-16 units" if convention == "utf16" else "characters"
    return f"its span {selection.start}-{selection.end} is not inside the text ({length} {units})"


def place_all(
    text: SourceText, selections: list[m.Selection], convention: str
) -> list[Placed | str]:
    """``place`` for each of a source's selections, placed at once (numpy)."""
    import numpy as np

    positions = text.positions
    length = positions.utf16_length if convention == "utf16" else positions.length
    inside = [k for k, s in enumerate(selections) if 0 <= s.start < s.end <= length]
    found: list[Placed | str] = [""] * len(selections)
    if len(inside) < len(selections):
        for k in set(range(len(selections))).difference(inside):
            found[k] = _not_inside(selections[k], length, convention)
    starts = np.array([selections[k].start for k in inside], dtype=np.int64)
    ends = np.array([selections[k].end for k in inside], dtype=np.int64)
    document = text.document
    a, b, trimmed, located = document.locate_many(
        positions.to_codepoints_many(starts, convention),
        positions.to_codepoints_many(ends, convention),
    )
    owner, segment, part_a, part_b = document.split_many(a[located], b[located])
    ids = text.segment_ids
    parts: list[list[tuple[int, int, int]]] = [[] for _ in range(int(located.sum()))]
    for k, index, x, y in zip(
        owner.tolist(), segment.tolist(), part_a.tolist(), part_b.tolist(), strict=True
    ):
        parts[k].append((ids[index], x, y))
    placed = iter(parts)
    for k, is_located, is_trimmed in zip(inside, located.tolist(), trimmed.tolist(), strict=True):
        if not is_located:
            found[k] = NOT_KEPT
            continue
        cut = next(placed)
        found[k] = Placed(cut, is_trimmed) if cut else BETWEEN_TURNS
    return found


def insert_codings(tx: Tx, rows: dict[tuple[int, int, int, int, int], tuple[Any, ...]]) -> None:
    """Write codings: (segment, concept, coder, start, end) → (created at, pick rank), in
    the order of their unique key (the index then grows at its end)."""
    now = utcnow()
    tx.insert_many(
        schema.codings,
        (
            "segment_id",
            "concept_id",
            "coder_id",
            "char_start",
            "char_end",
            "created_at",
            "pick_rank",
        ),
        [(*key, created or now, rank) for key, (created, rank) in sorted(rows.items())],
    )


def coder_for(
    tx: Tx, users: dict[str, Coder], guid: str | None, report: ImportReport
) -> Coder | None:
    """The coder of a user GUID; a GUID the file does not list becomes a coder too."""
    if guid is None:
        return None
    if guid not in users:
        users[guid] = get_or_create_coder(tx, f"User {guid[:8]}")
        report.warnings.append(
            f"The user {guid} is not among the file's users: the coder {users[guid].name!r}."
        )
    return users[guid]


def _set_created(tx: Tx, table: Table, row_id: int, when: dt.datetime | None) -> None:
    """Give a case or informant the creation time the file records, if it records one."""
    if when is not None:
        tx.execute(update(table).where(table.c.id == row_id).values(created_at=when))


def make_informants(tx: Tx, sidecar: dict[str, Any]) -> dict[str, int]:
    """The informants gioia recorded (none for another program's file), by name."""
    found = {}
    for name, (role, case_name, created, attributes) in sidecar.get("informants", {}).items():
        case = get_or_create_case(tx, case_name) if case_name else None
        informant = get_or_create_informant(tx, TranscriptMeta(informant=name, role=role), case)
        _set_created(tx, schema.informants, informant.id, parse_time(created))
        store_attributes(
            tx,
            TranscriptMeta(attributes={f"informant.{k}": v for k, v in attributes.items()}),
            None,
            None,
            informant,
        )
        found[name] = informant.id
    return found


_BUILTIN_NAMES = {
    "informant": "informant",
    "role": "role",
    "wave": "wave",
    "interview date": "date",
}


def variable_meanings(project: m.Project, sidecar: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """What each variable is to gioia: (scope, key); gioia's record, else its name."""
    recorded = sidecar.get("variables", {})
    meanings = {}
    for variable in project.variables:
        if variable.guid in recorded:
            scope, key = recorded[variable.guid]
        elif variable.name.strip().casefold() in _BUILTIN_NAMES:
            scope, key = "builtin", _BUILTIN_NAMES[variable.name.strip().casefold()]
        elif variable.name.casefold().startswith("informant "):
            scope, key = "informant", variable.name[len("informant ") :].strip()
        else:
            scope, key = "any", variable.name.strip()
        meanings[variable.guid] = (scope, key)
    return meanings


def metadata(
    values: list[m.VariableValue],
    meanings: dict[str, tuple[str, str]],
    case: str | None,
    recorded: bool,
) -> TranscriptMeta:
    """A transcript's case, informant, role, wave, date and attributes from its values."""
    builtin: dict[str, str] = {}
    attributes: dict[str, str] = {}
    for value in values:
        scope, key = meanings.get(value.variable, ("any", value.variable))
        if scope == "builtin":
            builtin[key] = value.value
        elif scope == "informant":
            if not recorded:
                attributes[f"informant.{key}"] = value.value
        elif key:
            attributes[key] = value.value
    date = None
    if builtin.get("date"):
        try:
            date = dt.date.fromisoformat(builtin["date"][:10])
        except ValueError:
            attributes["Interview date"] = builtin["date"]
    informant = clean_code_name(builtin["informant"]) if builtin.get("informant") else None
    if informant is None:
        attributes = {k: v for k, v in attributes.items() if not k.startswith("informant.")}
    wave = builtin.get("wave") or None
    if wave is not None and len(wave) > WAVE_LENGTH:  # not a wave: kept as an attribute
        attributes["Wave"], wave = wave, None
    role = clean_code_name(builtin["role"]) if builtin.get("role") else None
    return TranscriptMeta(
        case,
        informant,
        role,
        wave,
        date,
        {clean_code_name(key): value for key, value in attributes.items()},
    )


def make_transcripts(
    tx: Tx,
    project: m.Project,
    texts: list[SourceText],
    sidecar: dict[str, Any],
    informants: dict[str, int],
    merge: bool,
    report: ImportReport,
) -> None:
    """Cases with their attributes, then every transcript with its metadata."""
    meanings = variable_meanings(project, sidecar)
    case_of: dict[str, str] = {}
    created = sidecar.get("cases", {})
    for number, case in enumerate(project.cases, start=1):
        name = clean_code_name(case.name or "") if (case.name or "").strip() else f"Case {number}"
        made = get_or_create_case(tx, name)
        _set_created(tx, schema.cases, made.id, parse_time(created.get(case.guid)))
        attributes = {
            f"case.{clean_code_name(meanings.get(v.variable, ('', v.variable))[1])}": v.value
            for v in case.values
        }
        if case.description:
            attributes["case.Description"] = case.description.strip()
        store_attributes(tx, TranscriptMeta(attributes=attributes), None, made, None)
        if case.other_refs:
            report.skipped.append(
                Skipped(
                    f"case {name}: {case.other_refs} code or selection reference(s)",
                    "gioia's cases hold transcripts only",
                )
            )
        for source in case.sources:
            if source in case_of and case_of[source] != made.name:
                report.warnings.append(
                    f"A source is in the cases {case_of[source]!r} and {made.name!r}: gioia "
                    f"gives a transcript one case, {case_of[source]!r}."
                )
            case_of.setdefault(source, made.name)
    keep = []
    fresh = []
    transcripts = schema.transcripts.c
    for text in texts:
        existing = tx.execute(
            select(transcripts.id, transcripts.text).where(
                transcripts.name_key == name_key(text.name)
            )
        ).first()
        if existing is not None:
            if not merge or existing.text != text.document.text:
                report.skipped.append(
                    Skipped(
                        f"source {text.name}",
                        "the store has a transcript of that name with other text",
                    )
                )
                continue
            _reuse(tx, text, existing.id)
        else:
            meta = metadata(
                text.source.values, meanings, case_of.get(text.source.guid), bool(sidecar)
            )
            fresh.append((text, meta))
        keep.append(text)
    store_transcripts(tx, fresh, informants)
    texts[:] = keep


def _reuse(tx: Tx, text: SourceText, transcript: int) -> None:
    """Code onto a transcript the store has already (a merge): its own segments."""
    segments = list(
        tx.session.scalars(
            select(Segment).where(Segment.transcript_id == transcript).order_by(Segment.position)
        )
    )
    text.document.use_segments(
        [
            SegmentSpan(s.char_start, s.char_end, s.speaker, i, s.time_start, s.time_end)
            for i, s in enumerate(segments)
        ]
    )
    text.transcript_id = transcript
    text.segment_ids = [s.id for s in segments]
