"""Importing transcripts: read a file, segment it, and store it with its metadata."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Insert, Row, Select, bindparam, insert, select, update

from gioia import schema
from gioia.errors import ImportFailed, InvalidInput
from gioia.importers import ParsedTranscript, read_transcript
from gioia.importers.manifest import TranscriptMeta, checked_meta
from gioia.limits import FILE_NAME_LENGTH, clean_label, clean_name
from gioia.ops.base import Tx
from gioia.ops.people import (
    Named,
    case_named,
    get_or_create_case,
    get_or_create_informant,
    informant_named,
    link_speakers,
    store_attributes,
)
from gioia.ops.speakers import check_speakers, speaker_warnings
from gioia.schema import utcnow
from gioia.text import SEGMENTATIONS, SegmentSpan, build_document, name_key

if TYPE_CHECKING:
    from gioia.ops import carry
    from gioia.views import CarryReport

DEFAULT_INTERVIEWER_LABELS = ("Interviewer", "Q", "I")


@dataclass(frozen=True)
class ImportOptions:
    """How files are segmented, which labels are the interviewer's, and replacement
    (``force``: drop the codings and memos whose words are gone from the new text)."""

    segment_by: str = "turn"
    interviewer_labels: tuple[str, ...] = DEFAULT_INTERVIEWER_LABELS
    replace: bool = False
    force: bool = False

    def __post_init__(self) -> None:
        if self.segment_by not in SEGMENTATIONS:
            raise InvalidInput(
                f"Cannot segment by {self.segment_by!r}: choose {', '.join(SEGMENTATIONS)}."
            )

    @cached_property
    def _interviewer_keys(self) -> frozenset[str]:
        return frozenset(name_key(label) for label in self.interviewer_labels)

    def is_interviewer(self, speaker: str | None) -> bool:
        """Whether a speaker label is one of the interviewer's."""
        if speaker is None:
            return False
        key = name_key(speaker)
        return key.startswith("interviewer") or key in self._interviewer_keys


@dataclass(frozen=True)
class Outcome:
    """The result of importing one file; a replacement that held work has ``carried``
    and, when some of it was dropped, the rows of the file that lists it."""

    transcript: str
    status: str
    segments: int
    warnings: tuple[str, ...]
    carried: CarryReport | None = None
    dropped: tuple[dict[str, str], ...] = ()


def content_hash(text: str, segment_by: str) -> str:
    """What tells a re-import whether a transcript is unchanged: its text and segmentation."""
    return hashlib.sha256(f"{segment_by}\n{text}".encode()).hexdigest()


@dataclass(frozen=True)
class Prepared:
    """A file read, checked and segmented, not yet stored: what :func:`store` writes."""

    path: Path
    meta: TranscriptMeta
    source: str
    name: str
    parsed: ParsedTranscript
    text: str
    spans: list[SegmentSpan]
    digest: str
    warnings: tuple[str, ...]

    @property
    def plain(self) -> bool:
        """Whether storing it as a new transcript creates nothing else (no case,
        informant or attribute) and reads nothing back."""
        return not (self.meta.case or self.meta.informant or self.meta.attributes)


def prepare(path: Path, meta: TranscriptMeta, options: ImportOptions) -> Prepared:
    """Read, check and segment one file, without the store; raises ``ImportFailed`` or
    ``InvalidInput`` on a bad file or bad metadata."""
    if not path.is_file():
        raise ImportFailed(
            f"{path} does not exist." if not path.exists() else f"{path} is not a file."
        )
    meta = checked_meta(meta)
    source = clean_label(path.name, "The file name", FILE_NAME_LENGTH)
    name = clean_name(path.stem, "transcript")
    parsed = read_transcript(path)
    if not parsed.turns:
        raise ImportFailed(f"{path.name} holds no transcript text.")
    text, spans = build_document(parsed.turns, options.segment_by)
    check_speakers(path, [span.speaker for span in spans])
    digest = content_hash(text, options.segment_by)
    warnings = (*parsed.warnings, *speaker_warnings(text, spans, options))
    return Prepared(path, meta, source, name, parsed, text, spans, digest, warnings)


def store(tx: Tx, file: Prepared, options: ImportOptions) -> Outcome:
    """Store a prepared file: a new transcript, the metadata of an unchanged one, or a
    replacement, which carries its work over (``ops.carry``).

    A new transcript is written with Core statements (its row, its segments in one
    executemany, its event)."""
    path, meta, name, spans = file.path, file.meta, file.name, file.spans
    stored = tx.execute(_stored_query(), {"key": name_key(name)}).first()
    warnings = list(file.warnings)
    if stored is not None and stored.content_hash == file.digest:
        updated = _update_metadata(tx, stored.id, meta)
        status = "updated" if updated else "unchanged"
        return Outcome(_transcript_name(tx, stored.id), status, 0, tuple(warnings))
    if stored is not None:
        document = (file.text, spans, file.digest, file.source)
        return _replace(tx, stored.id, name, path, file.parsed, document, meta, options, warnings)
    case = get_or_create_case(tx, meta.case) if meta.case else None
    informant = get_or_create_informant(tx, meta, case) if meta.informant else None
    row = {
        "name": name,
        "name_key": name_key(name),
        "imported_at": utcnow(),
        **transcript_fields(
            file.source, file.parsed.format, file.text, file.digest, options, meta, case, informant
        ),
    }
    transcript_id = int(tx.execute(_insert_transcript(), row).scalar_one())
    _insert_segments(tx, transcript_id, spans, informant, options)
    store_attributes(tx, meta, transcript_id, case, informant)
    tx.record(
        "import",
        "transcript",
        import_summary(file),
        subject_id=transcript_id,
        transcript_id=transcript_id,
        after={
            **import_facts(file, options),
            **(
                _metadata(tx, transcript_id)
                if case or informant or meta.attributes
                else plain_metadata(meta)
            ),
        },
    )
    return Outcome(name, "imported", len(spans), tuple(warnings))


def import_summary(file: Prepared) -> str:
    """The summary of a new transcript's import event."""
    return f"Imported {file.name} from {file.path.name} ({len(file.spans)} segments)"


def import_facts(file: Prepared, options: ImportOptions) -> dict[str, object]:
    """What a new transcript's import event records of its file besides the metadata."""
    return {
        "source": file.path.name,
        "segments": len(file.spans),
        "segment_by": options.segment_by,
        "content_hash": file.digest,
    }


def plain_metadata(meta: TranscriptMeta) -> dict[str, object]:
    """What :func:`_metadata` reads back for a new transcript without case, informant or
    attributes (no statement run): its wave and date, nothing else."""
    return {
        "case": None,
        "informant": None,
        "role": None,
        "wave": meta.wave,
        "date": meta.date.isoformat() if meta.date else None,
        "attributes": {},
    }


def _replace(
    tx: Tx,
    transcript_id: int,
    name: str,
    path: Path,
    parsed: ParsedTranscript,
    document: tuple[str, list[SegmentSpan], str, str],
    meta: TranscriptMeta,
    options: ImportOptions,
    warnings: list[str],
) -> Outcome:
    """Replace a transcript's text and segments (``document``: text, segments, digest,
    source file name), carrying its work over."""
    text, spans, digest, source = document
    from gioia.models import Segment, Transcript
    from gioia.ops import carry

    transcript = tx.session.get(Transcript, transcript_id)
    assert transcript is not None
    if not options.replace:
        raise ImportFailed(
            f"{path.name}: a transcript named {transcript.name!r} already exists with "
            "different content (or segmentation); pass --replace to replace it."
        )
    plan = carry.plan(tx, transcript, text, spans)
    _refuse_losing_work(path, plan, options, tx.coder_name)
    before: dict[str, object] = {
        "source": transcript.source,
        "segments": len(plan.segments),
        "segment_by": transcript.segment_by,
        "content_hash": transcript.content_hash,
        **_metadata(tx, transcript_id),
        # The wording replaced, and where its segments were: the trail can give the
        # original back (codings' old spans point into it).
        "text": transcript.text,
        "segment_spans": [
            [old.start, old.end] for old in sorted(plan.segments.values(), key=lambda o: o.position)
        ],
    }
    # Out of the way of the new segments' positions until the work has moved over (an
    # ORM update: the segments the plan holds follow).
    tx.session.execute(
        update(Segment)
        .where(Segment.transcript_id == transcript_id)
        .values(position=-Segment.position)
    )
    # What the import does not say about the transcript stays as it was.
    meta = _stored_meta(tx, transcript_id).overlaid(meta)
    case = get_or_create_case(tx, meta.case) if meta.case else None
    informant = get_or_create_informant(tx, meta, case) if meta.informant else None
    fields = transcript_fields(source, parsed.format, text, digest, options, meta, case, informant)
    for field_name, value in fields.items():
        setattr(transcript, field_name, value)
    tx.session.flush()
    _insert_segments(tx, transcript_id, spans, informant, options)
    store_attributes(tx, meta, transcript_id, case, informant)
    segments = schema.segments.c
    new_ids = {
        r.position: r.id
        for r in tx.execute(
            select(segments.position, segments.id).where(
                segments.transcript_id == transcript_id, segments.position > 0
            )
        )
    }
    report: CarryReport | None
    report, rows = carry.apply(tx, plan, new_ids)
    work_before, work_after = carry.trail(plan, report, new_ids)
    after: dict[str, object] = {
        "source": path.name,
        "segments": len(spans),
        "segment_by": options.segment_by,
        "content_hash": digest,
        **_metadata(tx, transcript_id),
        **work_after,
    }
    if not report.items and not report.reviews_kept and not report.reviews_dropped:
        report = None
    tx.record(
        "replace",
        "transcript",
        # Counts of the work carried over are in before/after, where each coding names
        # its coder (a blind reader sees theirs): a summary says the same to everyone.
        f"Replaced {name} from {path.name} ({len(spans)} segments)",
        subject_id=transcript_id,
        transcript_id=transcript_id,
        before={**before, **work_before},
        after=after,
    )
    return Outcome(name, "replaced", len(spans), tuple(warnings), report, tuple(rows))


def transcript_fields(
    source: str,
    file_format: str,
    text: str,
    digest: str,
    options: ImportOptions,
    meta: TranscriptMeta,
    case: Named | None = None,
    informant: Named | None = None,
) -> dict[str, object]:
    """The columns of a transcript row that an import sets (new or replacing)."""
    return {
        "source": source,
        "format": file_format,
        "text": text,
        "content_hash": digest,
        "segment_by": options.segment_by,
        "case_id": case.id if case else None,
        "informant_id": informant.id if informant else None,
        "wave": meta.wave,
        "interview_date": meta.date,
    }


def _insert_segments(
    tx: Tx,
    transcript_id: int,
    spans: list[SegmentSpan],
    informant: Named | None,
    options: ImportOptions,
) -> None:
    """The segments of a transcript, in one executemany; each speaker's label is looked at
    once (interviewer or not, which informant)."""
    interviewer = speaker_roles(spans, options)
    linked = link_speakers(tx, interviewer, informant)
    insert_segments(tx, [(transcript_id, spans, segment_people(spans, interviewer, linked))])


def speaker_roles(spans: list[SegmentSpan], options: ImportOptions) -> dict[str | None, bool]:
    """For each speaker label of a transcript, whether it is the interviewer's."""
    return {speaker: options.is_interviewer(speaker) for speaker in {s.speaker for s in spans}}


def segment_people(
    spans: list[SegmentSpan], interviewer: dict[str | None, bool], linked: dict[str | None, int]
) -> list[tuple[bool, int | None]]:
    """Each segment's (interviewer or not, informant id), from its speaker's label."""
    return [(interviewer[s.speaker], linked.get(s.speaker)) for s in spans]


def insert_segments(
    tx: Tx, transcripts: list[tuple[int, list[SegmentSpan], list[tuple[bool, int | None]]]]
) -> None:
    """Write the segments of transcripts in one bulk insert, each transcript's numbered
    from 1: (transcript id, its segments, and each one's (interviewer or not, informant
    id))."""
    tx.insert_many(
        schema.segments,
        (
            "transcript_id",
            "position",
            "char_start",
            "char_end",
            "speaker",
            "is_interviewer",
            "informant_id",
            "time_start",
            "time_end",
        ),
        [
            (
                transcript_id,
                position,
                span.start,
                span.end,
                span.speaker,
                interviewer,
                informant_id,
                span.time_start,
                span.time_end,
            )
            for transcript_id, spans, people in transcripts
            for position, (span, (interviewer, informant_id)) in enumerate(
                zip(spans, people, strict=True), start=1
            )
        ],
    )


def _refuse_losing_work(
    path: Path, plan: carry.CarryPlan, options: ImportOptions, viewer: str | None
) -> None:
    """Refuse a replacement that would lose codings or memos, unless ``force``."""
    from gioia.ops import carry

    lost = plan.unplaced
    if not lost or options.force:
        return
    codings = sum(1 for item in lost if item.kind == "coding")
    memos = len(lost) - codings
    what = " and ".join(
        part
        for part in (f"{codings} coding(s)" if codings else "", f"{memos} memo(s)" if memos else "")
        if part
    )
    raise ImportFailed(
        f"{path.name}: the words of {what} of {plan.transcript.name!r} are not in the new "
        "text, so they cannot be carried over; correct the file, or pass --force to drop "
        "them (they go to the audit trail and to a file beside the store).",
        carry.unplaced_lines(lost, viewer),
    )


def _transcript_name(tx: Tx, transcript_id: int) -> str:
    table = schema.transcripts
    return str(tx.execute(select(table.c.name).where(table.c.id == transcript_id)).scalar_one())


def _update_metadata(tx: Tx, transcript_id: int, meta: TranscriptMeta) -> bool:
    """Apply the metadata given to an unchanged transcript; whether anything changed."""
    table = schema.transcripts
    before = _metadata(tx, transcript_id)
    stored = tx.execute(select(table).where(table.c.id == transcript_id)).one()
    case_id, informant_id = stored.case_id, stored.informant_id
    if meta.case:
        case_id = get_or_create_case(tx, meta.case).id
    if meta.informant:
        informant_id = get_or_create_informant(tx, meta, case_named(tx, case_id)).id
    changes = {
        "case_id": case_id,
        "informant_id": informant_id,
        "wave": meta.wave or stored.wave,
        "interview_date": meta.date or stored.interview_date,
    }
    tx.execute(update(table).where(table.c.id == transcript_id).values(changes))
    case = case_named(tx, case_id)
    informant = informant_named(tx, informant_id)
    store_attributes(tx, meta, transcript_id, case, informant)
    after = _metadata(tx, transcript_id)
    if after == before:
        return False
    tx.record(
        "update",
        "transcript",
        f"Updated the metadata of {stored.name}",
        subject_id=transcript_id,
        transcript_id=transcript_id,
        before=before,
        after=after,
    )
    return True


def _stored_meta(tx: Tx, transcript_id: int) -> TranscriptMeta:
    """The case, informant, role, wave and date stored for a transcript."""
    found = _described(tx, transcript_id)
    return TranscriptMeta(
        case=found.case,
        informant=found.informant,
        role=found.role,
        wave=found.wave,
        date=found.interview_date,
    )


def _described(tx: Tx, transcript_id: int) -> Row[Any]:
    """A transcript's wave, date, case and informant names, informant role and ids."""
    return tx.execute(_described_query(), {"id": transcript_id}).one()


# The statements every imported file runs are built once (see ``gioia.ops.base``).


@cache
def _stored_query() -> Select[Any]:
    table = schema.transcripts.c
    return select(table.id, table.content_hash).where(table.name_key == bindparam("key"))


@cache
def _insert_transcript() -> Insert:
    return insert(schema.transcripts).returning(schema.transcripts.c.id)


@cache
def _described_query() -> Select[Any]:
    transcripts, cases, informants = schema.transcripts, schema.cases, schema.informants
    return (
        select(
            transcripts.c.wave,
            transcripts.c.interview_date,
            transcripts.c.case_id,
            transcripts.c.informant_id,
            cases.c.name.label("case"),
            informants.c.name.label("informant"),
            informants.c.role,
        )
        .outerjoin(cases, cases.c.id == transcripts.c.case_id)
        .outerjoin(informants, informants.c.id == transcripts.c.informant_id)
        .where(transcripts.c.id == bindparam("id"))
    )


@cache
def _attributes_of(owner: str) -> Select[Any]:
    attributes = schema.attributes.c
    return (
        select(attributes.key, attributes.value)
        .where(attributes[owner] == bindparam("owner"))
        .order_by(attributes.key)
    )


def _metadata(tx: Tx, transcript_id: int) -> dict[str, object]:
    """A transcript's case, informant, role, wave, date and the attributes of the three
    (``case.KEY``, ``informant.KEY``, ``KEY``); only its own, never another's."""
    found = _described(tx, transcript_id)
    owners = [("", "transcript_id", transcript_id)]
    if found.case_id is not None:
        owners.append(("case.", "case_id", found.case_id))
    if found.informant_id is not None:
        owners.append(("informant.", "informant_id", found.informant_id))
    pairs = {
        f"{prefix}{row.key}": row.value
        for prefix, column, owner in owners
        for row in tx.execute(_attributes_of(column), {"owner": owner})
    }
    return {
        "case": found.case,
        "informant": found.informant,
        "role": found.role,
        "wave": found.wave,
        "date": found.interview_date.isoformat() if found.interview_date else None,
        "attributes": pairs,
    }
