"""Tagging: concepts applied to segments, one by one (``tag``) or from a codings file
(``import_codings``), written with Core statements (no ORM: a one-shot ``gioia tag``
does not load it, and a file of 100,000 codings goes in with a few executemanys)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import case, func, select

from gioia import schema
from gioia.errors import GioiaError, ImportFailed, InvalidInput, NotAllowed, NotFound
from gioia.limits import clean_name
from gioia.ops import scopes
from gioia.ops.base import (
    Actor,
    Tx,
    create_concept,
    create_concepts,
    ensure_coder,
    in_chunks,
    insert_new,
    no_such_concept,
)
from gioia.ops.handles import handles
from gioia.ops.scopes import ConceptRow
from gioia.ops.segment_refs import parse_ref, record_reviews, resolve_segments, segment_places
from gioia.schema import SHARED_SCOPE, utcnow
from gioia.text import name_key
from gioia.views import CodingsImportResult, TagResult

NEW_CONCEPT_HINT = " Add --new to create it."
#: How many codings of a file are written (with their events) at a time.
WRITE_CHUNK = 20_000
T = TypeVar("T")


def locate_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` occurs in ``text``: exactly, else ignoring case, spacing and the
    kind of quotation marks; the first occurrence, as ``[start, end)`` code points."""
    wanted = quote.strip()
    if not wanted:
        return None
    start = text.find(wanted)
    if start >= 0:
        return start, start + len(wanted)
    from gioia.relocate import loose_pattern

    match = re.search(loose_pattern(wanted), text, re.IGNORECASE)
    return (match.start(), match.end()) if match else None


def coded_span(
    bounds: tuple[int, int],
    text: str,
    quote: str | None,
    span: tuple[int, int] | None,
    ref: str,
) -> tuple[int, int]:
    """Absolute offsets of the coded words of a segment (its ``bounds`` and ``text``):
    the quote, the span relative to the segment, or the whole segment."""
    if quote is not None:
        found = locate_quote(text, quote)
        if found is None:
            raise InvalidInput(f"The quote {quote!r} is not in {ref}.")
        return bounds[0] + found[0], bounds[0] + found[1]
    if span is not None:
        start, end = span
        if not 0 <= start < end <= len(text):
            raise InvalidInput(
                f"The span {start}:{end} is not inside {ref}, whose text has {len(text)} "
                "characters (offsets are from 0, END excluded)."
            )
        return bounds[0] + start, bounds[0] + end
    return bounds


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
    targets = resolve_segments(tx, refs)
    codings = schema.codings
    for segment in targets:
        bounds = (segment.char_start, segment.char_end)
        start, end = coded_span(bounds, segment.text, quote, span, segment.ref)
        row = {
            "segment_id": segment.id,
            "concept_id": concept.id,
            "coder_id": coder.id,
            "char_start": start,
            "char_end": end,
            "created_at": utcnow(),
        }
        coding = tx.execute(insert_new(tx, codings, "id"), row).scalar()
        if coding is None:  # the coder had it already
            existing += 1
            continue
        words = segment.text[start - bounds[0] : end - bounds[0]]
        event = tx.record(
            "tag",
            "coding",
            f"Tagged {segment.ref} with {concept.name!r}"
            + (f": {words!r}" if (start, end) != bounds else ""),
            subject_id=coding,
            concept_id=concept.id,
            transcript_id=segment.transcript_id,
            after={"segment": segment.ref, "concept": concept.name, "start": start, "end": end},
        )
        events.append(event)
        added += 1
    texts = {s.id: s.text for s in targets}
    new, reviewed = record_reviews(tx, coder, {s.id: s.ref for s in targets}, texts)
    if reviewed is not None:
        events.append(reviewed)
    return TagResult(concept.name, added, existing, created, handles(tx, events), len(new))


# --- codings files -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    """One good row of a codings file: its names cleaned, its segment and span found."""

    number: int
    coder: str
    coder_key: str
    concept: str
    concept_key: str
    segment_id: int
    transcript_id: int
    ref: str
    start: int
    end: int


def _memo(function: Callable[[str], T]) -> Callable[[str], T]:
    """``function`` computed once per distinct value, its error too (a file repeats its
    coders, concepts and segments thousands of times)."""
    done: dict[str, T | GioiaError] = {}

    def once(value: str) -> T:
        if value not in done:
            try:
                done[value] = function(value)
            except GioiaError as exc:
                done[value] = exc
        result = done[value]
        if isinstance(result, GioiaError):
            raise result
        return result

    return once


def import_codings(tx: Tx, path: Path) -> CodingsImportResult:
    """Add the codings of a CSV/XLSX file (coder, segment, concept[, quote]), all or nothing.

    Each distinct name and reference is cleaned and keyed once; the transcripts named
    are read with their segments in a few queries; codings, their events and the
    segments marked read go in with one executemany each.
    """
    from gioia.importers.tables import read_table

    table = read_table(path)
    table.require("coder", "segment", "concept")
    coder_name = _memo(lambda name: clean_name(name, "coder"))
    concept_name = _memo(lambda name: clean_name(name, "concept"))
    ref_of = _memo(parse_ref)
    key_of = _memo(name_key)
    at = {column: index for index, column in enumerate(table.header)}
    lines = [
        (
            number,
            _cell(cells, at["coder"]),
            _cell(cells, at["segment"]),
            _cell(cells, at["concept"]),
            _cell(cells, at.get("quote")),
        )
        for number, cells in table.rows
    ]
    del table  # the lines hold what is needed of it
    wanted, quoted = set(), set()
    for line in lines:
        with suppress(GioiaError):  # a bad reference is told in the loop below
            key = key_of(ref_of(line[2])[0])
            wanted.add(key)
            if line[4]:
                quoted.add(key)
    texts, segments = _transcript_segments(tx, wanted, quoted)

    problems: list[str] = []
    rows: list[_Row] = []
    acting = tx.coder() if tx.coder_name else None
    for number, coder, ref, concept, quote in lines:
        try:
            coder = coder_name(coder)
            if acting is not None and key_of(coder) != key_of(acting.name):
                raise NotAllowed(
                    f"{path.name} row {number} is a coding by {coder!r}: as {acting.name} you "
                    "import only your own codings (the project lead, with no --coder or "
                    "GIOIA_CODER, imports them for anyone); nothing imported."
                )
            concept = concept_name(concept)
            name, position = ref_of(ref)
            key = key_of(name)
            if key not in texts:
                raise NotFound(f"no transcript {name!r}.")
            title, text = texts[key]
            segment = segments.get((key, position))
            if segment is None:
                raise NotFound(f"no segment {title}:{position}.")
            segment_id, owner, first, last = segment
            where = f"{title}:{position}"
            words = text[first:last] if quote and text is not None else ""
            start, end = coded_span((first, last), words, quote or None, None, where)
        except (InvalidInput, NotFound) as exc:
            problems.append(f"row {number}: {exc.message[0].lower()}{exc.message[1:]}")
            continue
        rows.append(
            _Row(
                number,
                coder,
                key_of(coder),
                concept,
                key_of(concept),
                segment_id,
                owner,
                where,
                start,
                end,
            )
        )
    if problems:
        raise ImportFailed(
            f"{path.name} has {len(problems)} bad row(s); nothing imported.", problems
        )
    if not rows:
        raise ImportFailed(f"{path.name} holds no codings.")

    # A new coder takes the file's last spelling of the name, a new concept its first.
    spelled = {row.coder_key: row.coder for row in rows}
    coders = {key: ensure_coder(tx, name) for key, name in spelled.items()}
    concepts, created = _concepts(tx, rows, coders)
    present = coding_keys(tx, schema.codings.c.coder_id.in_([c.id for c in coders.values()]))
    new: dict[tuple[int, int, int, int, int], _Row] = {}
    duplicates = existing = 0
    for row in rows:
        identity = (
            row.segment_id,
            concepts[(row.coder_key, row.concept_key)].id,
            coders[row.coder_key].id,
            row.start,
            row.end,
        )
        if identity in present:
            existing += 1
        elif identity in new:
            duplicates += 1
        else:
            new[identity] = row
    _insert_codings(tx, path, new, {c.id: c.name for c in concepts.values()})
    read: dict[int, dict[int, str]] = defaultdict(dict)  # coder -> segment -> reference
    for (segment_id, _concept, coder_id, _start, _end), row in new.items():
        read[coder_id][segment_id] = row.ref
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


def coding_keys(tx: Tx, condition: Any) -> set[tuple[int, int, int, int, int]]:
    """The codings matching ``condition`` as (segment, concept, coder, start, end): what
    makes a coding the same coding."""
    codings = schema.codings.c
    query = select(
        codings.segment_id,
        codings.concept_id,
        codings.coder_id,
        codings.char_start,
        codings.char_end,
    ).where(condition)
    return {(r[0], r[1], r[2], r[3], r[4]) for r in tx.fetch_array(query, 5).tolist()}


def _cell(cells: list[str], index: int | None) -> str:
    """A cell stripped; a missing one (or column) is an empty string."""
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _transcript_segments(
    tx: Tx, keys: set[str], quoted: set[str]
) -> tuple[dict[str, tuple[str, str | None]], dict[tuple[str, int], tuple[int, int, int, int]]]:
    """The transcripts with these name keys, ``key -> (name, text)`` (the text only of
    those ``quoted`` names: a quote is looked for in it), and their segments,
    ``(key, position) -> (id, transcript id, start, end)``."""
    transcripts, segments = schema.transcripts.c, schema.segments.c
    texts: dict[str, tuple[str, str | None]] = {}
    keyed: dict[int, str] = {}
    for chunk in in_chunks(sorted(keys)):
        text = case((transcripts.name_key.in_(quoted & set(chunk)), transcripts.text))
        query = select(transcripts.id, transcripts.name_key, transcripts.name, text.label("text"))
        for row in tx.execute(query.where(transcripts.name_key.in_(chunk))):
            texts[row.name_key] = (row.name, row.text)
            keyed[row.id] = row.name_key
    found: dict[tuple[str, int], tuple[int, int, int, int]] = {}
    for ids in in_chunks(sorted(keyed)):
        for r in tx.execute(segment_places().where(segments.transcript_id.in_(ids))):
            found[(keyed[r.transcript_id], r.position)] = (
                r.id,
                r.transcript_id,
                r.char_start,
                r.char_end,
            )
    return texts, found


def _concepts(
    tx: Tx, rows: list[_Row], coders: dict[str, Actor]
) -> tuple[dict[tuple[str, str], ConceptRow], list[str]]:
    """The concept each coder's rows name, by (coder key, concept key): the shared one or
    that coder's own (see :mod:`gioia.ops.scopes`: one coder's new name never joins
    another's private concept); those that are new are created (in the order of the
    file, by the coder of the first row that names them in their scope) and listed."""
    first: dict[tuple[str, str], _Row] = {}
    for row in rows:
        first.setdefault((row.coder_key, row.concept_key), row)
    concepts = schema.concepts.c
    scopes_read = [SHARED_SCOPE, *(c.id for c in coders.values())]
    stored: dict[tuple[int, str], ConceptRow] = {}  # (scope, key) -> concept
    for chunk in in_chunks(sorted({key for _, key in first})):
        query = select(concepts.id, concepts.name, concepts.name_key, concepts.scope).where(
            concepts.name_key.in_(chunk), concepts.scope.in_(scopes_read)
        )
        for r in tx.execute(query):
            stored[(r.scope, r.name_key)] = ConceptRow(r.id, r.name, r.scope)
    scope_of = dict(zip(first, scopes.scopes_for(tx, [coders[c] for c, _ in first]), strict=True))
    found: dict[tuple[str, str], ConceptRow] = {}
    missing: dict[tuple[int, str], _Row] = {}
    for pair, row in first.items():
        hit = stored.get((SHARED_SCOPE, pair[1])) or stored.get((coders[pair[0]].id, pair[1]))
        if hit is not None:
            found[pair] = hit
        else:
            missing.setdefault((scope_of[pair], pair[1]), row)
    made = create_concepts(tx, [(row.concept, coders[row.coder_key]) for row in missing.values()])
    for where, (concept, _event) in zip(missing, made, strict=True):
        stored[where] = concept
    for pair in first:
        if pair not in found:
            found[pair] = stored[(scope_of[pair], pair[1])]
    return found, [concept.name for concept, _ in made]


def _insert_codings(
    tx: Tx,
    path: Path,
    new: dict[tuple[int, int, int, int, int], _Row],
    concept_names: dict[int, str],
) -> None:
    """The new codings and one event each (naming the file and row, and the coding's id),
    at one time, ``WRITE_CHUNK`` at a time: what is held in memory for the writing stays
    small however long the file."""
    codings = schema.codings.c
    at, actor = utcnow(), tx.actor_id()
    pending = iter(new.items())
    while chunk := list(islice(pending, WRITE_CHUNK)):
        before = tx.execute(select(func.max(codings.id))).scalar() or 0
        tx.insert_many(
            schema.codings,
            ("segment_id", "concept_id", "coder_id", "char_start", "char_end", "created_at"),
            [(*identity, at) for identity, _ in chunk],
        )
        # The ids the rows got: those above the largest before, matched by what makes a
        # coding the same coding (another writer's rows meanwhile match none of ours).
        written = tx.fetch_array(
            select(
                codings.id,
                codings.segment_id,
                codings.concept_id,
                codings.coder_id,
                codings.char_start,
                codings.char_end,
            ).where(codings.id > before),
            6,
        ).tolist()
        ids = {tuple(row[1:]): row[0] for row in written}
        columns = ("at", "coder_id", "actor_id", "action", "subject", "subject_id", "concept_id")
        tx.insert_many(
            schema.events,
            (*columns, "transcript_id", "summary", "after"),
            [
                (
                    at,
                    coder_id,
                    actor,
                    "tag",
                    "coding",
                    ids[(segment, concept_id, coder_id, start, end)],
                    concept_id,
                    row.transcript_id,
                    f"Tagged {row.ref} with {concept_names[concept_id]!r} "
                    f"(from {path.name} row {row.number})",
                    {
                        "segment": row.ref,
                        "concept": concept_names[concept_id],
                        "start": start,
                        "end": end,
                        "source": path.name,
                    },
                )
                for (segment, concept_id, coder_id, start, end), row in chunk
            ],
        )
