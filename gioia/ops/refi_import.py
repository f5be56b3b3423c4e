"""Importing a REFI-QDA project (``.qdpx``) or codebook (``.qdc``), in one transaction.

Users become coders; the code tree becomes the structure by a rule the researcher
chooses (:mod:`gioia.refi.levels`); sources become transcripts and selections codings
(:mod:`gioia.ops.refi_sources`); cases and variables become cases, informants, waves,
dates and attributes; notes become memos and descriptions definitions. Nothing is
dropped silently: the report counts what was read, what was made, and what was left
out and why. A file gioia wrote comes back whole through ``gioia.json``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, insert, select

from gioia.errors import ImportFailed, InvalidInput
from gioia.importers.decode import decode_raw
from gioia.importers.manifest import TranscriptMeta
from gioia.ops.base import Tx, get_or_create_coder
from gioia.ops.importing import get_or_create_case, get_or_create_informant, store_attributes
from gioia.ops.refi_sources import (
    Metadata,
    SourceText,
    insert_codings,
    place,
    read_sources,
    store_transcript,
)
from gioia.ops.refi_structure import make_structure
from gioia.refi import model as m
from gioia.refi.levels import Rule, map_codes, parse_rule
from gioia.refi.model import parse_time
from gioia.refi.package import Package
from gioia.refi.positions import CONVENTIONS, detect
from gioia.refi.report import ImportReport, Skipped
from gioia.store import (
    Case,
    Coder,
    Concept,
    Dimension,
    Memo,
    Review,
    Theme,
    Transcript,
    core_table,
    utcnow,
)
from gioia.text import name_key

CODER_SOURCES = ("selection", "coding")
REVIEWS = ("coded", "sources")
_EMPTY_CHECK = (Transcript, Concept, Theme, Dimension, Case, Memo)


@dataclass(frozen=True)
class ProjectImportOptions:
    """How to read a project: the levels rule, the position convention (``auto``,
    ``codepoints``, ``utf16``), whose name a coding carries (the selection's
    ``creatingUser`` or the coding's), what counts as read (the segments coded, or every
    segment of a source a coder coded in), and whether to merge into a store that holds
    work already."""

    levels: str = "leaves"
    positions: str = "auto"
    coder_from: str = "selection"
    reviews: str = "coded"
    merge: bool = False

    def check(self) -> Rule:
        """The levels rule; an error naming the option that is wrong."""
        if self.positions not in ("auto", *CONVENTIONS):
            raise InvalidInput(f"--positions is auto, codepoints or utf16, not {self.positions!r}.")
        if self.coder_from not in CODER_SOURCES:
            raise InvalidInput(f"--coder-from is selection or coding, not {self.coder_from!r}.")
        if self.reviews not in REVIEWS:
            raise InvalidInput(f"--reviews is coded or sources, not {self.reviews!r}.")
        return parse_rule(self.levels)


def _require_empty(tx: Tx, name: str) -> None:
    held = [
        f"{model.__tablename__}"
        for model in _EMPTY_CHECK
        if tx.session.scalar(select(exists().select_from(model)))
    ]
    if held:
        raise ImportFailed(
            f"The store holds {', '.join(held)} already: import {name} into a new store "
            "(gioia --store NEW.db import-project …), or pass --merge to add it to this one "
            "(names that match are the same item)."
        )


def import_project(tx: Tx, package: Package, options: ProjectImportOptions) -> ImportReport:
    """Bring ``package`` into the store (see the module docstring)."""
    rule = options.check()
    project = package.project
    sidecar = package.sidecar or {}
    if not options.merge:
        _require_empty(tx, package.name)
    report = ImportReport(
        package.name,
        project.origin,
        rule.describe(),
        coder_source=options.coder_from,
        reviews=options.reviews,
        from_gioia=bool(sidecar),
        users=len(project.users),
        sources=len(project.sources),
    )
    texts = read_sources(package, report)
    coded = {
        coding.code
        for text in texts
        for coding in [
            *text.source.codings,
            *(c for s in text.source.selections for c in s.codings),
        ]
    }
    levels = {guid: row[0] for guid, row in sidecar.get("codes", {}).items()}
    if levels and all(code.guid in levels for code, _ in m.walk_codes(project.codes)):
        rule = Rule(given=levels)
        report.rule = rule.describe()
    mapping = map_codes(project.codes, rule, coded)
    report.placements = mapping.placements
    users = _coders(tx, project, sidecar, report)
    concepts, items = make_structure(
        tx, project, mapping, sidecar.get("codes", {}) if not options.merge else {}, report
    )
    if project.codebook_only:
        tx.record(
            "import",
            "structure",
            f"Imported the code book {package.name} ({report.rule})",
            after={"file": package.name, "codes": len(mapping.placements)},
        )
        return report
    informants = _informants(tx, sidecar)
    _transcripts(tx, project, texts, sidecar, informants, options.merge, report)
    convention = _convention(texts, sidecar, options, report)
    codings = _codings(tx, texts, concepts, users, convention, sidecar, options, report)
    _reviews(tx, texts, codings, users, sidecar, options)
    _memos(tx, package, texts, items, users, report)
    report.transcripts = tuple(text.name for text in texts)
    report.segments = sum(len(text.segment_ids) for text in texts)
    report.cases = len(project.cases)
    tx.record(
        "import",
        "project",
        f"Imported {package.name}: {len(texts)} transcript(s), "
        f"{report.codings_created} coding(s) by {len(report.coder_counts)} coder(s)",
        after={
            "file": package.name,
            "origin": project.origin,
            "rule": report.rule,
            "positions": report.convention,
            "codings": report.codings_created,
        },
    )
    return report


# --- coders --------------------------------------------------------------------------


def _coders(
    tx: Tx, project: m.Project, sidecar: dict[str, Any], report: ImportReport
) -> dict[str, Coder]:
    """Every user as a coder (by user GUID); gioia's own record gives names and flags."""
    recorded = sidecar.get("coders", {})
    found: dict[str, Coder] = {}
    for user in project.users:
        known = recorded.get(user.guid, {})
        name = known.get("name") or user.name.strip() or user.id or f"User {user.guid[:8]}"
        coder = get_or_create_coder(tx.session, name)
        if known.get("consensus") or (user.id or "").casefold() == "consensus":
            coder.is_consensus = True
        created = parse_time(known.get("created"))
        if created is not None:
            coder.created_at = created
        found[user.guid] = coder
    report.coders = tuple(dict.fromkeys(coder.name for coder in found.values()))
    return found


def _coder_for(
    tx: Tx, users: dict[str, Coder], guid: str | None, report: ImportReport
) -> Coder | None:
    """The coder of a user GUID; a GUID the file does not list becomes a coder too."""
    if guid is None:
        return None
    if guid not in users:
        users[guid] = get_or_create_coder(tx.session, f"User {guid[:8]}")
        report.warnings.append(
            f"The user {guid} is not among the file's users: the coder {users[guid].name!r}."
        )
    return users[guid]


# --- cases, informants, transcripts ---------------------------------------------------------


def _informants(tx: Tx, sidecar: dict[str, Any]) -> dict[str, int]:
    """The informants gioia recorded (none for another program's file), by name."""
    found = {}
    for name, (role, case_name, created, attributes) in sidecar.get("informants", {}).items():
        case = get_or_create_case(tx, case_name) if case_name else None
        informant = get_or_create_informant(tx, TranscriptMeta(informant=name, role=role), case)
        informant.created_at = parse_time(created) or informant.created_at
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


def _meanings(project: m.Project, sidecar: dict[str, Any]) -> dict[str, tuple[str, str]]:
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


def _metadata(
    values: list[m.VariableValue],
    meanings: dict[str, tuple[str, str]],
    case: str | None,
    recorded: bool,
) -> Metadata:
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
    informant = builtin.get("informant") or None
    if informant is None:
        attributes = {k: v for k, v in attributes.items() if not k.startswith("informant.")}
    return Metadata(
        case, informant, builtin.get("role") or None, builtin.get("wave") or None, date, attributes
    )


def _transcripts(
    tx: Tx,
    project: m.Project,
    texts: list[SourceText],
    sidecar: dict[str, Any],
    informants: dict[str, int],
    merge: bool,
    report: ImportReport,
) -> None:
    """Cases with their attributes, then every transcript with its metadata."""
    meanings = _meanings(project, sidecar)
    case_of: dict[str, str] = {}
    created = sidecar.get("cases", {})
    for number, case in enumerate(project.cases, start=1):
        name = (case.name or "").strip() or f"Case {number}"
        made = get_or_create_case(tx, name)
        made.created_at = parse_time(created.get(case.guid)) or made.created_at
        attributes = {
            f"case.{meanings.get(v.variable, ('', v.variable))[1]}": v.value for v in case.values
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
    for text in texts:
        existing = tx.session.scalar(
            select(Transcript).where(Transcript.name_key == name_key(text.name))
        )
        if existing is not None:
            if not merge or existing.text != text.document.text:
                report.skipped.append(
                    Skipped(
                        f"source {text.name}",
                        "the store has a transcript of that name with other text",
                    )
                )
                continue
            _reuse(tx, text, existing)
        else:
            meta = _metadata(
                text.source.values, meanings, case_of.get(text.source.guid), bool(sidecar)
            )
            store_transcript(tx, text, meta, informants)
        keep.append(text)
    texts[:] = keep


def _reuse(tx: Tx, text: SourceText, transcript: Transcript) -> None:
    """Code onto a transcript the store has already (a merge): its own segments."""
    from gioia.store import Segment
    from gioia.text import SegmentSpan

    segments = list(
        tx.session.scalars(
            select(Segment).where(Segment.transcript_id == transcript.id).order_by(Segment.position)
        )
    )
    text.document.spans[:] = [
        SegmentSpan(s.char_start, s.char_end, s.speaker, i, s.time_start, s.time_end)
        for i, s in enumerate(segments)
    ]
    text.document.__post_init__()
    text.transcript_id = transcript.id
    text.segment_ids = [s.id for s in segments]


# --- codings -----------------------------------------------------------------------------


def _convention(
    texts: list[SourceText],
    sidecar: dict[str, Any],
    options: ProjectImportOptions,
    report: ImportReport,
) -> str:
    """The position convention: forced, as gioia wrote it, or detected."""
    if options.positions != "auto":
        report.positions_forced = options.positions
        return options.positions
    if sidecar.get("positions") in CONVENTIONS:
        report.positions_forced = sidecar["positions"]
        return str(sidecar["positions"])
    report.positions = detect(
        [(text.raw, [(s.start, s.end) for s in text.source.selections]) for text in texts]
    )
    return report.positions.convention


Key = tuple[int, int, int, int, int]


def _codings(
    tx: Tx,
    texts: list[SourceText],
    concepts: dict[str, int],
    users: dict[str, Coder],
    convention: str,
    sidecar: dict[str, Any],
    options: ProjectImportOptions,
    report: ImportReport,
) -> dict[Key, tuple[Any, ...]]:
    """Every selection's codings, placed on the segments they cover; written at once."""
    picks = sidecar.get("picks", {})
    fallback = _fallback_coder(tx, users, report)
    rows: dict[Key, tuple[Any, ...]] = {}
    per_transcript: dict[tuple[int, int], int] = Counter()
    skipped: Counter[str] = Counter()
    chosen: Counter[str] = Counter()
    other: Counter[str] = Counter()
    existing = _existing(tx, texts) if options.merge else set()
    for text in texts:
        selections = list(text.source.selections)
        if text.source.codings:
            whole = m.Selection(
                f"{text.source.guid}-whole", 0, len(text.raw), codings=text.source.codings
            )
            selections.append(whole)
        for selection in selections:
            report.selections += 1
            report.codings_read += len(selection.codings)
            if not selection.codings:
                if not (selection.notes or selection.description):
                    skipped["it has no coding and no note"] += 1
                continue
            placed = place(text, selection, convention)
            if isinstance(placed, str):
                skipped[placed] += len(selection.codings)
                continue
            report.split += len(placed.parts) > 1
            report.trimmed += placed.trimmed
            for coding in selection.codings:
                concept = concepts.get(coding.code)
                if concept is None:
                    skipped["its code is not in the code book"] += 1
                    continue
                first, second = (
                    (selection.creating_user, coding.creating_user)
                    if options.coder_from == "selection"
                    else (coding.creating_user, selection.creating_user)
                )
                coder = _coder_for(tx, users, first or second, report) or fallback()
                chosen[coder.name] += 1
                if first is not None and second is not None:
                    other[(_coder_for(tx, users, second, report) or coder).name] += 1
                created = parse_time(coding.created or selection.created)
                for segment, a, b in placed.parts:
                    key = (segment, concept, coder.id, a, b)
                    if key in existing:
                        report.codings_existing += 1
                    elif key not in rows:
                        rows[key] = (created, picks.get(selection.guid))
                        per_transcript[(coder.id, text.transcript_id)] += 1
    insert_codings(tx, rows)
    names = {coder.id: coder.name for coder in users.values()}
    by_id = {text.transcript_id: text.name for text in texts}
    for (coder_id, transcript_id), count in sorted(per_transcript.items()):
        tx.record(
            "tag",
            "coding",
            f"Imported {count} coding(s) by {names.get(coder_id, coder_id)} in "
            f"{by_id[transcript_id]} from {report.file}",
            transcript_id=transcript_id,
            after={"codings": count, "source": report.file},
            coder=tx.session.get(Coder, coder_id),
        )
    report.codings_created = len(rows)
    report.coder_counts = dict(chosen.most_common())
    if other and dict(other) != dict(chosen):
        report.other_attribution = dict(other.most_common())
    report.skipped.extend(
        Skipped(f"{count} coding(s)" if "no coding" not in why else f"{count} selection(s)", why)
        for why, count in skipped.most_common()
    )
    return rows


def _fallback_coder(tx: Tx, users: dict[str, Coder], report: ImportReport) -> Any:
    """Who a coding without a creating user belongs to: the one user, else the acting
    coder, else a coder named 'Imported' (made when first needed)."""
    made: list[Coder] = []

    def fallback() -> Coder:
        if not made:
            if len(users) == 1:
                made.append(next(iter(users.values())))
            else:
                made.append(get_or_create_coder(tx.session, tx.coder_name or "Imported"))
            report.warnings.append(f"Codings that name no user are attributed to {made[0].name!r}.")
        return made[0]

    return fallback


def _existing(tx: Tx, texts: list[SourceText]) -> set[Key]:
    """The codings already on the transcripts an import codes onto (a merge)."""
    from gioia.store import Coding

    ids = [segment for text in texts for segment in text.segment_ids]
    found: set[Key] = set()
    for chunk in range(0, len(ids), 5000):
        found.update(
            tuple(row)  # type: ignore[misc]
            for row in tx.session.execute(
                select(
                    Coding.segment_id,
                    Coding.concept_id,
                    Coding.coder_id,
                    Coding.char_start,
                    Coding.char_end,
                ).where(Coding.segment_id.in_(ids[chunk : chunk + 5000]))
            )
        )
    return found


def _reviews(
    tx: Tx,
    texts: list[SourceText],
    codings: dict[Key, tuple[Any, ...]],
    users: dict[str, Coder],
    sidecar: dict[str, Any],
    options: ProjectImportOptions,
) -> None:
    """Which segments each coder has read: as gioia recorded, else those they coded (or
    every segment of the sources they coded in)."""
    rows: dict[tuple[int, int], dt.datetime] = {}
    recorded = sidecar.get("reviews")
    if recorded is not None:
        by_source = {text.source.guid: text for text in texts}
        for user, sources in recorded.items():
            coder = users.get(user)
            for source, marks in sources.items():
                text = by_source.get(source)
                if coder is None or text is None:
                    continue
                for position, when in marks:
                    if 0 < position <= len(text.segment_ids):
                        key = (text.segment_ids[position - 1], coder.id)
                        rows[key] = parse_time(when) or utcnow()
    else:
        segments_of = (
            {segment: text for text in texts for segment in text.segment_ids}
            if options.reviews == "sources"
            else {}
        )
        now = utcnow()
        for segment, _concept, coder_id, _a, _b in codings:
            if options.reviews == "sources":
                for other in segments_of[segment].segment_ids:
                    rows.setdefault((other, coder_id), now)
            else:
                rows.setdefault((segment, coder_id), now)
    if options.merge and rows:
        coders = {coder for _, coder in rows}
        have = {
            (segment, coder)
            for segment, coder in tx.session.execute(
                select(Review.segment_id, Review.coder_id).where(Review.coder_id.in_(coders))
            )
        }
        rows = {key: when for key, when in rows.items() if key not in have}
    if rows:
        tx.session.execute(
            insert(core_table(Review)),
            [
                {"segment_id": s, "coder_id": c, "reviewed_at": when}
                for (s, c), when in rows.items()
            ],
        )


# --- memos -----------------------------------------------------------------------------


def _note_text(package: Package, note: m.Note) -> str:
    if note.text is not None:
        return note.text.strip()
    member, _ = package.member(note.plain_path)
    if member is None:
        return ""
    return decode_raw(package.files[member], member)[0].lstrip("\ufeff").strip()


def _memos(
    tx: Tx,
    package: Package,
    texts: list[SourceText],
    items: dict[str, tuple[str, int]],
    users: dict[str, Coder],
    report: ImportReport,
) -> None:
    """Notes as memos where they belong; descriptions of selections, sources and the
    project too."""
    project = package.project
    notes = {note.guid: note for note in project.notes}
    used: set[str] = set()
    memos: list[tuple[str, dict[str, int], str | None, str | None]] = []

    def attach(guid: str, target: dict[str, int], prefix: str = "") -> None:
        note = notes.get(guid)
        if note is None or guid in used:
            return
        used.add(guid)
        memos.append((prefix + _note_text(package, note), target, note.creating_user, note.created))

    codes = {code.guid: code for code, _ in m.walk_codes(project.codes)}
    for guid, code in codes.items():
        level, item = items.get(guid, (None, 0))
        for note in code.notes:
            if level is None:
                attach(note, {}, f"On the code {code.name}: ")
            else:
                attach(note, {f"{level}_id": item})
    for text in texts:
        for selection in text.source.selections:
            placed = (
                place(text, selection, report.convention)
                if selection.notes or selection.description
                else None
            )
            target = (
                {"segment_id": placed.parts[0][0]} if placed and not isinstance(placed, str) else {}
            )
            prefix = "" if target else f"On {text.name}: "
            for note in selection.notes:
                attach(note, target, prefix)
            if selection.description:
                memos.append(
                    (
                        selection.description.strip(),
                        target,
                        selection.creating_user,
                        selection.created,
                    )
                )
        for note in text.source.notes:
            attach(note, {}, f"On {text.name}: ")
        if text.source.description:
            memos.append((f"On {text.name}: {text.source.description.strip()}", {}, None, None))
    for note in project.project_notes:
        attach(note, {})
    for guid in notes:
        attach(guid, {})
    if project.description:
        memos.append((project.description.strip(), {}, project.creating_user, None))
    for body, target, user, created in memos:
        if not body.strip():
            report.skipped.append(Skipped("a note", "its text is empty"))
            continue
        coder = _coder_for(tx, users, user, report)
        memo = Memo(
            coder_id=coder.id if coder else None,
            text=body,
            created_at=parse_time(created) or utcnow(),
            **target,
        )
        tx.session.add(memo)
        tx.session.flush()
        tx.record(
            "memo",
            "memo",
            f"Memo from {report.file}",
            subject_id=memo.id,
            concept_id=target.get("concept_id"),
            after={"text": body, "source": report.file},
            coder=coder,
        )
        report.memos += 1
