"""Importing transcripts: read a file, segment it, and store it with its metadata."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from sqlalchemy import insert, select, update

from gioia.errors import ImportFailed, InvalidInput
from gioia.importers import read_transcript
from gioia.importers.manifest import TranscriptMeta, checked_meta
from gioia.limits import FILE_NAME_LENGTH, clean_label, clean_name
from gioia.ops import carry
from gioia.ops.base import Tx
from gioia.store import Attribute, Case, Informant, Segment, Transcript, core_table
from gioia.text import SEGMENTATIONS, SegmentSpan, build_document, name_key
from gioia.views import CarryReport

DEFAULT_INTERVIEWER_LABELS = ("Interviewer", "Q", "I")
#: A speaker holding this share of a file's text (or more) is probably hiding others;
#: so is the interviewer holding this much of it (informants usually talk most).
NEARLY_ALL = 0.97
INTERVIEWER_MOST = 0.5


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


def import_file(tx: Tx, path: Path, meta: TranscriptMeta, options: ImportOptions) -> Outcome:
    """Read, segment and store one file; ``ImportFailed``/``InvalidInput`` leave nothing."""
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
    _check_speakers(path, [span.speaker for span in spans])
    digest = content_hash(text, options.segment_by)
    session = tx.session

    transcript = session.scalar(select(Transcript).where(Transcript.name_key == name_key(name)))
    warnings = [*parsed.warnings, *speaker_warnings(text, spans, options)]
    status = "imported"
    plan: carry.CarryPlan | None = None
    before: dict[str, object] | None = None
    if transcript is not None:
        if transcript.content_hash == digest:
            updated = _update_metadata(tx, transcript, meta)
            status = "updated" if updated else "unchanged"
            return Outcome(transcript.name, status, 0, tuple(warnings))
        if not options.replace:
            raise ImportFailed(
                f"{path.name}: a transcript named {transcript.name!r} already exists with "
                "different content (or segmentation); pass --replace to replace it."
            )
        plan = carry.plan(tx, transcript, text, spans)
        _refuse_losing_work(path, plan, options, tx.coder_name)
        before = {
            "source": transcript.source,
            "segments": len(plan.segments),
            "segment_by": transcript.segment_by,
            "content_hash": transcript.content_hash,
            **_metadata(tx, transcript),
            # The wording replaced, and where its segments were: the trail can give the
            # original back (codings' old spans point into it).
            "text": transcript.text,
            "segment_spans": [
                [old.start, old.end]
                for old in sorted(plan.segments.values(), key=lambda o: o.position)
            ],
        }
        # Out of the way of the new segments' positions until the work has moved over.
        session.execute(
            update(Segment)
            .where(Segment.transcript_id == transcript.id)
            .values(position=-Segment.position)
        )
        # What the import does not say about the transcript stays as it was.
        meta = _stored_meta(tx, transcript).overlaid(meta)
        status = "replaced"
    else:
        transcript = Transcript(name=name, name_key=name_key(name))
    case = get_or_create_case(tx, meta.case) if meta.case else None
    informant = get_or_create_informant(tx, meta, case) if meta.informant else None
    transcript.source = source
    transcript.format = parsed.format
    transcript.text = text
    transcript.content_hash = digest
    transcript.segment_by = options.segment_by
    transcript.case_id = case.id if case else None
    transcript.informant_id = informant.id if informant else None
    transcript.wave = meta.wave
    transcript.interview_date = meta.date
    session.add(transcript)
    session.flush()

    speakers = link_speakers(
        tx, spans_speakers={s.speaker for s in spans}, informant=informant, options=options
    )
    session.execute(
        insert(core_table(Segment)),
        [
            {
                "transcript_id": transcript.id,
                "position": position,
                "char_start": span.start,
                "char_end": span.end,
                "speaker": span.speaker,
                "is_interviewer": options.is_interviewer(span.speaker),
                "informant_id": speakers.get(span.speaker),
                "time_start": span.time_start,
                "time_end": span.time_end,
            }
            for position, span in enumerate(spans, start=1)
        ],
    )
    store_attributes(tx, meta, transcript, case, informant)
    session.flush()
    after: dict[str, object] = {
        "source": path.name,
        "segments": len(spans),
        "segment_by": options.segment_by,
        "content_hash": digest,
        **_metadata(tx, transcript),
    }
    report: CarryReport | None = None
    rows: list[dict[str, str]] = []
    if plan is not None:
        new_ids = dict(
            session.execute(
                select(Segment.position, Segment.id).where(
                    Segment.transcript_id == transcript.id, Segment.position > 0
                )
            ).all()
        )
        report, rows = carry.apply(tx, plan, new_ids)
        work_before, work_after = carry.trail(plan, report, new_ids)
        before = {**(before or {}), **work_before}
        after.update(work_after)
        if not report.items and not report.reviews_kept and not report.reviews_dropped:
            report = None
    tx.record(
        "import" if status == "imported" else "replace",
        "transcript",
        f"{status.capitalize()} {name} from {path.name} ({len(spans)} segments)"
        + (f"; {_carried_summary(report)}" if report else ""),
        subject_id=transcript.id,
        transcript_id=transcript.id,
        before=before,
        after=after,
    )
    return Outcome(name, status, len(spans), tuple(warnings), report, tuple(rows))


def _check_speakers(path: Path, speakers: list[str | None]) -> None:
    """Refuse the file when a speaker label is beyond the limits (too long, controls)."""
    seen: set[str] = set()
    for position, speaker in enumerate(speakers, start=1):
        if speaker is not None and speaker not in seen:
            seen.add(speaker)
            try:
                clean_label(speaker, "A speaker name")
            except InvalidInput as exc:
                raise ImportFailed(f"{path.name}, segment {position}: {exc.message}") from None


def speaker_warnings(text: str, spans: list[SegmentSpan], options: ImportOptions) -> list[str]:
    """Warnings about speakers that were probably missed (their turns then run on inside
    another speaker's): no turn but the interviewer's, and, in a file of three turns or
    more, one speaker holding nearly all the text or the interviewer holding most of it."""
    if not spans:
        return []
    if all(options.is_interviewer(span.speaker) for span in spans):
        labels = ", ".join(sorted({repr(span.speaker) for span in spans}))
        return [
            f"no informant turn: every segment is the interviewer's ({labels}), so nothing "
            "here is offered for coding; check the speaker labels, or name the "
            "interviewer's with --interviewer."
        ]
    if len({span.turn for span in spans}) < 3:
        return []
    held: dict[str, int] = {}
    for span in spans:
        if span.speaker is not None:
            held[span.speaker] = held.get(span.speaker, 0) + span.end - span.start
    total = sum(span.end - span.start for span in spans)
    asking = sum(n for speaker, n in held.items() if options.is_interviewer(speaker))
    speaker, most = max(held.items(), key=lambda item: item[1], default=("", 0))
    check = (
        "check that every speaker's label was found (a label not taken as a speaker's "
        "is read as part of the turn before it)."
    )
    if most >= NEARLY_ALL * total:
        return [f"{speaker!r} holds {most / total:.0%} of the text: {check}"]
    if asking >= INTERVIEWER_MOST * total:
        return [f"the interviewer's turns hold {asking / total:.0%} of the text: {check}"]
    return []


def _carried_summary(report: CarryReport) -> str:
    """The codings carried over, in a few words."""
    parts = [
        f"{report.count(status)} {status}"
        for status in ("kept", "moved", "changed", "merged", "dropped")
        if report.count(status)
    ]
    return f"codings {', '.join(parts) or 'none'}"


def _refuse_losing_work(
    path: Path, plan: carry.CarryPlan, options: ImportOptions, viewer: str | None
) -> None:
    """Refuse a replacement that would lose codings or memos, unless ``force``."""
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


def _update_metadata(tx: Tx, transcript: Transcript, meta: TranscriptMeta) -> bool:
    """Apply the metadata given to an unchanged transcript; whether anything changed."""
    before = _metadata(tx, transcript)
    if meta.case:
        transcript.case_id = get_or_create_case(tx, meta.case).id
    if meta.informant:
        case = tx.session.get(Case, transcript.case_id or -1)
        transcript.informant_id = get_or_create_informant(tx, meta, case).id
    transcript.wave = meta.wave or transcript.wave
    transcript.interview_date = meta.date or transcript.interview_date
    case = tx.session.get(Case, transcript.case_id or -1)
    informant = tx.session.get(Informant, transcript.informant_id or -1)
    store_attributes(tx, meta, transcript, case, informant)
    tx.session.flush()
    after = _metadata(tx, transcript)
    if after == before:
        return False
    tx.record(
        "update",
        "transcript",
        f"Updated the metadata of {transcript.name}",
        subject_id=transcript.id,
        transcript_id=transcript.id,
        before=before,
        after=after,
    )
    return True


def _stored_meta(tx: Tx, transcript: Transcript) -> TranscriptMeta:
    """The case, informant, role, wave and date stored for a transcript."""
    informant = tx.session.get(Informant, transcript.informant_id or -1)
    case = tx.session.get(Case, transcript.case_id or -1)
    return TranscriptMeta(
        case=case.name if case else None,
        informant=informant.name if informant else None,
        role=informant.role if informant else None,
        wave=transcript.wave,
        date=transcript.interview_date,
    )


def _metadata(tx: Tx, transcript: Transcript) -> dict[str, object]:
    """A transcript's case, informant, role, wave, date and the attributes of the three
    (``case.KEY``, ``informant.KEY``, ``KEY``); only its own, never another's."""
    owners = [("", Attribute.transcript_id, transcript.id)]
    if transcript.case_id is not None:
        owners.append(("case.", Attribute.case_id, transcript.case_id))
    if transcript.informant_id is not None:
        owners.append(("informant.", Attribute.informant_id, transcript.informant_id))
    attributes = {
        f"{prefix}{key}": value
        for prefix, column, owner in owners
        for key, value in tx.session.execute(
            select(Attribute.key, Attribute.value).where(column == owner).order_by(Attribute.key)
        )
    }
    informant = tx.session.get(Informant, transcript.informant_id or -1)
    case = tx.session.get(Case, transcript.case_id or -1)
    return {
        "case": case.name if case else None,
        "informant": informant.name if informant else None,
        "role": informant.role if informant else None,
        "wave": transcript.wave,
        "date": transcript.interview_date.isoformat() if transcript.interview_date else None,
        "attributes": attributes,
    }


def get_or_create_case(tx: Tx, name: str) -> Case:
    """The case called ``name``, created (and recorded) if new."""
    cleaned = clean_name(name, "case")
    case = tx.session.scalar(select(Case).where(Case.name_key == name_key(cleaned)))
    if case is None:
        case = Case(name=cleaned, name_key=name_key(cleaned))
        tx.session.add(case)
        tx.session.flush()
        tx.record(
            "create",
            "case",
            f"Created case {cleaned!r}",
            subject_id=case.id,
            after={"name": cleaned},
        )
    return case


def get_or_create_informant(tx: Tx, meta: TranscriptMeta, case: Case | None) -> Informant:
    """The informant ``meta`` names (with its role), created if new, in ``case``."""
    assert meta.informant
    cleaned = clean_name(meta.informant, "informant")
    informant = tx.session.scalar(select(Informant).where(Informant.name_key == name_key(cleaned)))
    if informant is None:
        informant = Informant(
            name=cleaned,
            name_key=name_key(cleaned),
            role=meta.role,
            case_id=case.id if case else None,
        )
        tx.session.add(informant)
        tx.session.flush()
        tx.record(
            "create",
            "informant",
            f"Created informant {cleaned!r}",
            subject_id=informant.id,
            after={"role": meta.role, "case": case.name if case else None},
        )
        return informant
    if case is not None and informant.case_id not in (None, case.id):
        raise ImportFailed(
            f"Informant {informant.name!r} belongs to another case; "
            "give this informant another name or fix the case."
        )
    was = (informant.role, informant.case_id)
    if informant.case_id is None and case is not None:
        informant.case_id = case.id
    if meta.role and not informant.role:
        informant.role = meta.role
    if (informant.role, informant.case_id) != was:
        tx.record(
            "update",
            "informant",
            f"Completed informant {informant.name!r}",
            subject_id=informant.id,
            before={"role": was[0], "case": _case_name(tx, was[1])},
            after={"role": informant.role, "case": _case_name(tx, informant.case_id)},
        )
    return informant


def _case_name(tx: Tx, case_id: int | None) -> str | None:
    return tx.session.scalar(select(Case.name).where(Case.id == case_id)) if case_id else None


def link_speakers(
    tx: Tx, *, spans_speakers: set[str | None], informant: Informant | None, options: ImportOptions
) -> dict[str | None, int]:
    """Which informant each speaker label names: a known informant's name, or else the
    transcript's informant when the transcript has a single non-interviewer speaker."""
    labels = {s for s in spans_speakers if s is not None and not options.is_interviewer(s)}
    keys = {name_key(s): s for s in labels}
    linked: dict[str | None, int] = {}
    if keys:
        for found in tx.session.scalars(select(Informant).where(Informant.name_key.in_(keys))):
            linked[keys[found.name_key]] = found.id
    unlinked = labels - set(linked)
    if informant is not None and len(labels) == 1 and unlinked:
        linked[unlinked.pop()] = informant.id
    return linked


def store_attributes(
    tx: Tx,
    meta: TranscriptMeta,
    transcript: Transcript | None,
    case: Case | None,
    informant: Informant | None,
) -> None:
    """Store ``meta``'s attributes: ``case.KEY`` on the case, ``informant.KEY`` on the
    informant, any other on the transcript (a new value replaces the old)."""
    for key, value in meta.attributes.items():
        owner: dict[str, int]
        if key.startswith("case."):
            if case is None:
                raise ImportFailed(f"Attribute {key!r} needs a case: give the transcript a case.")
            owner, key = {"case_id": case.id}, key.removeprefix("case.")
        elif key.startswith("informant."):
            if informant is None:
                raise ImportFailed(f"Attribute {key!r} needs an informant.")
            owner, key = {"informant_id": informant.id}, key.removeprefix("informant.")
        else:
            if transcript is None:
                raise ImportFailed(f"Attribute {key!r} needs a transcript.")
            owner = {"transcript_id": transcript.id}
        column = next(iter(owner))
        existing = tx.session.scalar(
            select(Attribute).where(
                getattr(Attribute, column) == owner[column], Attribute.key == key
            )
        )
        if existing is None:
            tx.session.add(Attribute(key=key, value=value, **owner))
        elif existing.value != value:
            existing.value = value
