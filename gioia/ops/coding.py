"""Coding: tag and untag segments, and codings files in and out."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, insert, select

from gioia.errors import ImportFailed, InvalidInput, NotAllowed, NotFound
from gioia.importers.tables import read_table
from gioia.limits import clean_name
from gioia.ops import scopes
from gioia.ops.base import (
    Tx,
    coding_keys,
    create_concept,
    find_coder,
    get_concept,
    get_or_create_coder,
    no_such_concept,
    parse_ref,
    record_reviews,
    resolve_refs,
    segment_ref,
)
from gioia.relocate import loose_pattern
from gioia.store import (
    Case,
    Coder,
    Coding,
    Concept,
    Event,
    Informant,
    Segment,
    Transcript,
    core_table,
)
from gioia.text import name_key
from gioia.views import CodingRow, CodingsImportResult, TagResult, UntagResult

NEW_CONCEPT_HINT = " Add --new to create it."


def locate_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` occurs in ``text``: exactly, else ignoring case, spacing and the
    kind of quotation marks; the first occurrence, as ``[start, end)`` code points."""
    wanted = quote.strip()
    if not wanted:
        return None
    start = text.find(wanted)
    if start >= 0:
        return start, start + len(wanted)
    match = re.search(loose_pattern(wanted), text, re.IGNORECASE)
    return (match.start(), match.end()) if match else None


def _span(
    segment: Segment, text: str, quote: str | None, span: tuple[int, int] | None, ref: str
) -> tuple[int, int]:
    """Absolute offsets of the coded words: the quote, the relative span, or the segment."""
    if quote is not None:
        found = locate_quote(text, quote)
        if found is None:
            raise InvalidInput(f"The quote {quote!r} is not in {ref}.")
        return segment.char_start + found[0], segment.char_start + found[1]
    if span is not None:
        start, end = span
        if not 0 <= start < end <= len(text):
            raise InvalidInput(
                f"The span {start}:{end} is not inside {ref}, whose text has {len(text)} "
                "characters (offsets are from 0, END excluded)."
            )
        return segment.char_start + start, segment.char_start + end
    return segment.char_start, segment.char_end


def tag(
    tx: Tx,
    refs: list[str],
    concept_name: str,
    *,
    quote: str | None = None,
    span: tuple[int, int] | None = None,
    create: bool = False,
) -> TagResult:
    """Apply a concept to segments for the acting coder; an existing coding is kept as is.

    The name means the shared concept or the coder's own (see :mod:`gioia.ops.scopes`):
    during open coding a name another coder keeps private is, for you, a new concept of
    your own (``create`` is needed), and neither of you learns of the other's.
    """
    if quote is not None and span is not None:
        raise InvalidInput("Give either a quote or a span, not both.")
    if not refs:
        raise InvalidInput("No segments given.")
    coder = tx.coder()
    concept = scopes.of_coder(tx, clean_name(concept_name, "concept"), coder.id)
    created = concept is None
    events: list[int] = []
    if concept is None:
        if not create:
            raise no_such_concept(tx, concept_name, NEW_CONCEPT_HINT)
        concept, event = create_concept(tx, concept_name)
        events.append(event)
    added = existing = 0
    targets = resolve_refs(tx.session, refs)
    for transcript, segment in targets:
        ref = segment_ref(transcript, segment)
        text = transcript.text[segment.char_start : segment.char_end]
        start, end = _span(segment, text, quote, span, ref)
        key = dict(
            segment_id=segment.id,
            concept_id=concept.id,
            coder_id=coder.id,
            char_start=start,
            char_end=end,
        )
        if tx.session.scalar(select(Coding.id).filter_by(**key)) is not None:
            existing += 1
            continue
        coding = Coding(**key)
        tx.session.add(coding)
        tx.session.flush()
        quoted = (
            transcript.text[start:end]
            if (start, end) != (segment.char_start, segment.char_end)
            else None
        )
        event = tx.record(
            "tag",
            "coding",
            f"Tagged {ref} with {concept.name!r}" + (f": {quoted!r}" if quoted else ""),
            subject_id=coding.id,
            concept_id=concept.id,
            transcript_id=transcript.id,
            after={"segment": ref, "concept": concept.name, "start": start, "end": end},
        )
        events.append(event)
        added += 1
    new, reviewed = record_reviews(tx, coder, {s.id: segment_ref(t, s) for t, s in targets})
    if reviewed is not None:
        events.append(reviewed)
    return TagResult(concept.name, added, existing, created, tuple(events), len(new))


def untag(
    tx: Tx,
    refs: list[str],
    concept_name: str,
    *,
    quote: str | None = None,
    span: tuple[int, int] | None = None,
) -> UntagResult:
    """Remove the acting coder's codings of a concept (only that span, if one is given)."""
    coder = tx.coder()
    concept = get_concept(tx, concept_name)
    events: list[int] = []
    for transcript, segment in resolve_refs(tx.session, refs):
        ref = segment_ref(transcript, segment)
        query = select(Coding).filter_by(
            segment_id=segment.id, concept_id=concept.id, coder_id=coder.id
        )
        if quote is not None or span is not None:
            text = transcript.text[segment.char_start : segment.char_end]
            start, end = _span(segment, text, quote, span, ref)
            query = query.filter_by(char_start=start, char_end=end)
        codings = list(tx.session.scalars(query))
        if not codings:
            raise NotFound(f"{ref} has no coding {concept.name!r} by {coder.name}.")
        for coding in codings:
            event = tx.record(
                "untag",
                "coding",
                f"Untagged {ref} from {concept.name!r}",
                subject_id=coding.id,
                concept_id=concept.id,
                transcript_id=transcript.id,
                before={
                    "segment": ref,
                    "segment_id": segment.id,
                    "concept": concept.name,
                    "start": coding.char_start,
                    "end": coding.char_end,
                },
            )
            events.append(event)
            tx.session.delete(coding)
    return UntagResult(len(events), tuple(events))


@dataclass(frozen=True)
class _Row:
    number: int
    coder: str
    segment: Segment
    transcript: Transcript
    concept: str
    start: int
    end: int


def _transcript_segments(tx: Tx, key: str) -> tuple[Transcript, dict[int, Segment]] | None:
    """A transcript (by name key) and its segments by position, or None."""
    transcript = tx.session.scalar(select(Transcript).filter_by(name_key=key))
    if transcript is None:
        return None
    segments = tx.session.scalars(select(Segment).filter_by(transcript_id=transcript.id))
    return transcript, {s.position: s for s in segments}


def import_codings(tx: Tx, path: Path) -> CodingsImportResult:
    """Add the codings of a CSV/XLSX file (coder, segment, concept[, quote]), all or nothing."""
    table = read_table(path)
    table.require("coder", "segment", "concept")
    session = tx.session
    problems: list[str] = []
    rows: list[_Row] = []
    loaded: dict[str, tuple[Transcript, dict[int, Segment]] | None] = {}
    acting = tx.coder() if tx.coder_name else None
    for number, record in table.records():
        try:
            coder = clean_name(record["coder"], "coder")
            if acting is not None and name_key(coder) != acting.name_key:
                raise NotAllowed(
                    f"{path.name} row {number} is a coding by {coder!r}: as {acting.name} you "
                    "import only your own codings (the project lead, with no --coder or "
                    "GIOIA_CODER, imports them for anyone); nothing imported."
                )
            concept = clean_name(record["concept"], "concept")
            name, position = parse_ref(record["segment"])
            key = name_key(name)
            if key not in loaded:
                loaded[key] = _transcript_segments(tx, key)
            entry = loaded[key]
            if entry is None:
                raise NotFound(f"no transcript {name!r}.")
            transcript, by_position = entry
            segment = by_position.get(position)
            if segment is None:
                raise NotFound(f"no segment {transcript.name}:{position}.")
            text = transcript.text[segment.char_start : segment.char_end]
            start, end = _span(
                segment, text, record.get("quote") or None, None, f"{transcript.name}:{position}"
            )
        except (InvalidInput, NotFound) as exc:
            problems.append(f"row {number}: {exc.message[0].lower()}{exc.message[1:]}")
            continue
        rows.append(_Row(number, coder, segment, transcript, concept, start, end))
    if problems:
        raise ImportFailed(
            f"{path.name} has {len(problems)} bad row(s); nothing imported.", problems
        )
    if not rows:
        raise ImportFailed(f"{path.name} holds no codings.")

    names = {name_key(r.coder): r.coder for r in rows}
    coders = {key: get_or_create_coder(tx, name) for key, name in names.items()}
    # A name means, in a coder's row, the shared concept or that coder's own (see
    # gioia.ops.scopes): one coder's new name never joins another's private concept.
    concepts: dict[tuple[str, str], Concept] = {}
    created: list[str] = []
    for row in rows:
        pair = (name_key(row.coder), name_key(row.concept))
        if pair not in concepts:
            author = coders[pair[0]]
            found = scopes.of_coder(tx, row.concept, author.id)
            if found is None:
                found, _ = create_concept(tx, row.concept, author)
                created.append(found.name)
            concepts[pair] = found

    def concept_of(row: _Row) -> Concept:
        return concepts[(name_key(row.coder), name_key(row.concept))]

    present = coding_keys(session, Coding.coder_id.in_([c.id for c in coders.values()]))
    new: dict[tuple[int, int, int, int, int], _Row] = {}
    duplicates = existing = 0
    for row in rows:
        identity = (
            row.segment.id,
            concept_of(row).id,
            coders[name_key(row.coder)].id,
            row.start,
            row.end,
        )
        if identity in present:
            existing += 1
        elif identity in new:
            duplicates += 1
        else:
            new[identity] = row
    actor = tx.actor_id()
    if new:
        ids = session.scalars(
            insert(core_table(Coding)).returning(
                core_table(Coding).c.id, sort_by_parameter_order=True
            ),
            [
                dict(
                    segment_id=k[0], concept_id=k[1], coder_id=k[2], char_start=k[3], char_end=k[4]
                )
                for k in new
            ],
        ).all()
        session.execute(
            insert(core_table(Event)),
            [
                dict(
                    coder_id=k[2],
                    actor_id=actor,
                    action="tag",
                    subject="coding",
                    subject_id=coding_id,
                    concept_id=k[1],
                    transcript_id=row.transcript.id,
                    summary=f"Tagged {row.transcript.name}:{row.segment.position} with "
                    f"{concept_of(row).name!r} (from {path.name} row {row.number})",
                    after={
                        "segment": f"{row.transcript.name}:{row.segment.position}",
                        "concept": concept_of(row).name,
                        "start": k[3],
                        "end": k[4],
                        "source": path.name,
                    },
                )
                for coding_id, (k, row) in zip(ids, new.items(), strict=True)
            ],
        )
    read: dict[int, dict[int, str]] = defaultdict(dict)  # coder -> segment -> reference
    for (segment_id, _concept, coder_id, _start, _end), row in new.items():
        read[coder_id][segment_id] = f"{row.transcript.name}:{row.segment.position}"
    by_id = {c.id: c for c in coders.values()}
    reviewed = {}
    for coder_id, targets in read.items():
        marked, _ = record_reviews(tx, by_id[coder_id], targets)
        reviewed[by_id[coder_id].name] = len(marked)
    return CodingsImportResult(
        added=len(new),
        existing=existing,
        duplicates=duplicates,
        created_concepts=tuple(created),
        coders=tuple(sorted(c.name for c in coders.values())),
        reviewed=dict(sorted(reviewed.items())),
    )


def coding_rows(tx: Tx, coders: list[str] | None = None) -> list[CodingRow]:
    """Every coding the acting coder may see (of the named coders, if given) with its
    context, in reading order."""
    viewer = tx.viewer
    for name in coders or []:
        viewer.check_coder(name, f"{name}'s codings are")
    query = (
        select(Coding, Segment, Transcript, Concept.name, Coder.name, Case.name, Informant)
        .join(Segment, Segment.id == Coding.segment_id)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .join(Concept, Concept.id == Coding.concept_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .outerjoin(Case, Case.id == Transcript.case_id)
        .outerjoin(
            Informant, Informant.id == func.coalesce(Segment.informant_id, Transcript.informant_id)
        )
        .where(viewer.own(Coding.coder_id))
        .order_by(Transcript.name, Segment.position, Coder.name, Concept.name, Coding.char_start)
    )
    if coders:
        query = query.where(Coder.id.in_([find_coder(tx.session, c).id for c in coders]))
    rows = []
    for coding, segment, transcript, concept, coder, case, informant in tx.session.execute(query):
        whole = (coding.char_start, coding.char_end) == (segment.char_start, segment.char_end)
        rows.append(
            CodingRow(
                coder=coder,
                segment=f"{transcript.name}:{segment.position}",
                concept=concept,
                quote="" if whole else transcript.text[coding.char_start : coding.char_end],
                transcript=transcript.name,
                case=case or "",
                informant=informant.name if informant else "",
                role=(informant.role or "") if informant else "",
                text=transcript.text[segment.char_start : segment.char_end],
            )
        )
    return rows
