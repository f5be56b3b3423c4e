"""The sources of a REFI-QDA export, one transcript at a time (see :mod:`refi_export`).

Each transcript becomes a source whose text has the speaker labels written before their
segments; its codings become selections (with positions in code points or UTF-16
units), and memos on its segments selections that reference them. Sources are made one
by one as the project is written, so an export of 100,000 codings never holds them all.
What REFI-QDA has no place for is gathered as it goes for ``gioia.json``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import select

from gioia import schema
from gioia.models import (
    Attribute,
    Case,
    Concept,
    Dimension,
    Informant,
    Memo,
    Review,
    Theme,
    Transcript,
)
from gioia.ops.base import Tx
from gioia.refi import model as m
from gioia.refi.model import iso
from gioia.refi.positions import Positions
from gioia.text import format_time

#: The variables gioia writes for a transcript's own metadata: key in gioia.json → name.
BUILTIN_VARIABLES = {
    "informant": "Informant",
    "role": "Role",
    "wave": "Wave",
    "date": "Interview date",
}
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


class Guids:
    """GUIDs derived from the store's identity: the same item always gets the same.

    ``guid(kind, key)`` is the name-based UUID (version 5, RFC 4122) of ``KIND:KEY`` in
    the namespace of the store's identity; ``pair`` gives two GUIDs from one SHA-256 of
    the name (a coding's selection and its ``Coding``), marked version 5 too.
    """

    def __init__(self, identity: str) -> None:
        self._namespace = uuid.UUID(identity).bytes

    @staticmethod
    def _format(digest: str) -> str:
        return (
            f"{digest[:8]}-{digest[8:12]}-5{digest[13:16]}-{_VARIANT[digest[16]]}"
            f"{digest[17:20]}-{digest[20:32]}"
        )

    def __call__(self, kind: str, key: object) -> str:
        return self._format(hashlib.sha1(self._namespace + f"{kind}:{key}".encode()).hexdigest())

    def pair(self, kind: str, key: object) -> tuple[str, str]:
        digest = hashlib.sha256(self._namespace + f"{kind}:{key}".encode()).hexdigest()
        return self._format(digest[:32]), self._format(digest[32:])


def speaker_label(segment: Any, previous: Any, gap: str) -> str:
    """The label written before a segment: ``[h:mm:ss] Speaker: `` at the start of a turn
    (a new speaker or a new paragraph), nothing inside a paragraph."""
    if segment.speaker is None and segment.time_start is None:
        return ""
    if previous is not None and previous.speaker == segment.speaker and "\n" not in gap:
        return ""
    time = f"[{format_time(segment.time_start)}] " if segment.time_start is not None else ""
    return f"{time}{segment.speaker}: " if segment.speaker is not None else time


def written_text(text: str, segments: Sequence[Any]) -> tuple[str, list[list[int]], list[int]]:
    """A transcript's text as a source file: speaker labels written before their
    segments; where each label is (offset in the written text, length); and how far the
    labels move each segment."""
    parts: list[str] = []
    labels: list[list[int]] = []
    shifts: list[int] = []
    done = shift = 0
    previous: Any = None
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


class Variables:
    """The variables an export declares, and what each means to gioia (scope, key)."""

    def __init__(self, guid: Guids) -> None:
        self.guid = guid
        self.declared: list[m.Variable] = []
        self.meaning: dict[str, list[str]] = {}

    def declare(self, scope: str, key: str, name: str) -> None:
        found = self.guid("variable", f"{scope}:{key}")
        if found not in self.meaning:
            self.meaning[found] = [scope, key]
            self.declared.append(m.Variable(found, name))

    def value(self, scope: str, key: str, value: str) -> m.VariableValue:
        return m.VariableValue(self.guid("variable", f"{scope}:{key}"), value)


def _attributes(tx: Tx, column: Any) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for owner, key, value in tx.session.execute(
        select(column, Attribute.key, Attribute.value)
        .where(column.is_not(None))
        .order_by(Attribute.id)
    ):
        found[owner].append((key, value))
    return found


class Sources:
    """The sources of an export: cases and variables known first, the sources made one
    at a time by ``each``, then the notes, reviews and picks."""

    def __init__(
        self,
        tx: Tx,
        guid: Guids,
        users: dict[int, str],
        concepts: dict[int, str],
        memos: list[Memo],
        positions: str,
    ) -> None:
        self.tx, self.guid, self.users, self.concepts = tx, guid, users, concepts
        self.memos, self.positions = memos, positions
        session = tx.session
        self.informant_names: dict[int | None, str] = dict(
            session.execute(select(Informant.id, Informant.name)).all()
        )
        self.case_attributes = _attributes(tx, Attribute.case_id)
        self.transcript_attributes = _attributes(tx, Attribute.transcript_id)
        informant_attributes = _attributes(tx, Attribute.informant_id)
        case_names: dict[int | None, str] = dict(session.execute(select(Case.id, Case.name)).all())
        self.informants: dict[str, list[Any]] = {
            informant.name: [
                informant.role,
                case_names.get(informant.case_id),
                iso(informant.created_at),
                dict(informant_attributes.get(informant.id, [])),
            ]
            for informant in session.scalars(select(Informant).order_by(Informant.id))
        }
        self.transcripts = list(session.scalars(select(Transcript).order_by(Transcript.id)))
        self.variables = self._declare()
        self.cases = {
            case.id: m.Case(
                guid("case", case.id),
                case.name,
                values=[
                    self.variables.value("case", k, v)
                    for k, v in self.case_attributes.get(case.id, [])
                ],
            )
            for case in session.scalars(select(Case).order_by(Case.id))
        }
        self.case_times = {
            guid("case", case_id): iso(created)
            for case_id, created in session.execute(select(Case.id, Case.created_at))
        }
        for transcript in self.transcripts:
            if transcript.case_id is not None:
                self.cases[transcript.case_id].sources.append(guid("transcript", transcript.id))
        self.files: list[tuple[str, bytes]] = []
        self.recorded: dict[str, dict[str, Any]] = {}
        self.placed: dict[int, tuple[str, int, str]] = {}  # segment → source, position, ref
        self.picks: dict[str, int] = {}
        self.codings = 0
        self.wide = 0  # transcripts with characters outside the BMP
        self.times: dict[Any, str | None] = {}  # each coding time written once

    def _declare(self) -> Variables:
        """Every variable the sources and cases will use, in a fixed order."""
        variables = Variables(self.guid)
        reserved = {name.casefold() for name in BUILTIN_VARIABLES.values()}
        used = {
            "informant": any(t.informant_id for t in self.transcripts),
            "role": any(
                self.informants[self.informant_names[t.informant_id]][0]
                for t in self.transcripts
                if t.informant_id
            ),
            "wave": any(t.wave for t in self.transcripts),
            "date": any(t.interview_date for t in self.transcripts),
        }
        for key, name in BUILTIN_VARIABLES.items():
            if used[key]:
                variables.declare("builtin", key, name)
        for record in self.informants.values():
            for key in record[3]:
                variables.declare("informant", key, f"Informant {key}")
        for values in self.transcript_attributes.values():
            for key, _ in values:
                shown = f"{key} (attribute)" if key.casefold() in reserved else key
                variables.declare("transcript", key, shown)
        for values in self.case_attributes.values():
            for key, _ in values:
                variables.declare("case", key, key)
        return variables

    def _values(self, transcript: Transcript) -> list[m.VariableValue]:
        """A transcript's values: informant, role, wave, date, the informant's and its
        own attributes."""
        value = self.variables.value
        values = []
        informant = self.informant_names.get(transcript.informant_id)
        if informant is not None:
            role, _case, _created, attributes = self.informants[informant]
            values.append(value("builtin", "informant", informant))
            if role:
                values.append(value("builtin", "role", role))
            values.extend(value("informant", k, v) for k, v in attributes.items())
        if transcript.wave:
            values.append(value("builtin", "wave", transcript.wave))
        if transcript.interview_date:
            values.append(value("builtin", "date", transcript.interview_date.isoformat()))
        values.extend(
            value("transcript", k, v) for k, v in self.transcript_attributes.get(transcript.id, [])
        )
        return values

    def each(self) -> Iterator[m.Source]:
        """Every transcript as a source, made when it is wanted."""
        by_segment: dict[int, list[Memo]] = defaultdict(list)
        for memo in self.memos:
            if memo.segment_id is not None:
                by_segment[memo.segment_id].append(memo)
        for transcript in self.transcripts:
            yield self._source(transcript, by_segment)

    def _source(self, transcript: Transcript, memos: dict[int, list[Memo]]) -> m.Source:
        guid = self.guid
        key = guid("transcript", transcript.id)
        seg, cod = schema.segments.c, schema.codings.c
        segments = self.tx.execute(
            select(schema.segments).where(seg.transcript_id == transcript.id).order_by(seg.position)
        ).all()
        text, labels, shifts = written_text(transcript.text, segments)
        written = Positions(text)
        self.wide += not written.agree
        utf16 = self.positions == "utf16"
        shift_of = {}
        for segment, shift in zip(segments, shifts, strict=True):
            shift_of[segment.id] = shift
            self.placed[segment.id] = (
                key,
                segment.position,
                f"{transcript.name}:{segment.position}",
            )
        source = m.Source(
            key,
            name=transcript.name,
            plain_path=f"internal://{key}.txt",
            created=iso(transcript.imported_at),
            values=self._values(transcript),
        )
        rows = self.tx.execute(
            select(
                cod.id,
                cod.segment_id,
                cod.concept_id,
                cod.coder_id,
                cod.char_start,
                cod.char_end,
                cod.pick_rank,
                cod.created_at,
            )
            .join(schema.segments, seg.id == cod.segment_id)
            .where(seg.transcript_id == transcript.id, cod.coder_id.in_(self.users))
            .order_by(
                seg.position, cod.char_start, cod.char_end, cod.coder_id, cod.concept_id, cod.id
            )
        )
        times = self.times
        for row in rows:
            number, segment_id, concept_id, coder_id, start, end, rank, created = tuple(row)
            start, end = start + shift_of[segment_id], end + shift_of[segment_id]
            if utf16:
                start, end = written.to_utf16(start), written.to_utf16(end)
            user, when = self.users[coder_id], times.get(created)
            if when is None:
                when = times[created] = iso(created)
            selection_guid, coding_guid = guid.pair("coding", number)
            coding = m.Coding(coding_guid, self.concepts[concept_id], user, when)
            source.selections.append(
                m.Selection(
                    selection_guid, start, end, creating_user=user, created=when, codings=[coding]
                )
            )
            if rank is not None:
                self.picks[selection_guid] = rank
        self.codings += len(source.selections)
        for segment in segments:
            for memo in memos.get(segment.id, []):
                start = segment.char_start + shift_of[segment.id]
                end = segment.char_end + shift_of[segment.id]
                if utf16:
                    start, end = written.to_utf16(start), written.to_utf16(end)
                source.selections.append(
                    m.Selection(
                        guid("memo-selection", memo.id),
                        start,
                        end,
                        creating_user=self.users.get(memo.coder_id or -1),
                        created=iso(memo.created_at),
                        notes=[guid("memo", memo.id)],
                    )
                )
        self.files.append((f"{key}.txt", text.encode()))
        self.recorded[key] = {
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
            "labels": labels,
            "segments": [
                [
                    s.char_start,
                    s.char_end,
                    s.speaker,
                    s.is_interviewer,
                    self.informant_names.get(s.informant_id),
                    s.time_start,
                    s.time_end,
                ]
                for s in segments
            ],
            "source": transcript.source,
            "format": transcript.format,
            "segment_by": transcript.segment_by,
        }
        return source

    def notes(self) -> tuple[list[m.Note], list[str]]:
        """Each memo as a note, and those of the project as a whole (after ``each``)."""
        session = self.tx.session
        names = {
            level: dict(session.execute(select(model.id, model.name)).all())
            for level, model in (("concept", Concept), ("theme", Theme), ("dimension", Dimension))
        }
        notes, on_project = [], []
        for memo in self.memos:
            key = self.guid("memo", memo.id)
            label = "the project"
            if memo.segment_id is not None:
                label = self.placed[memo.segment_id][2]
            for level, item in (
                ("concept", memo.concept_id),
                ("theme", memo.theme_id),
                ("dimension", memo.dimension_id),
            ):
                if item is not None:
                    label = f"the {level} {names[level][item]}"
            if label == "the project":
                on_project.append(key)
            user = self.users.get(memo.coder_id or -1)
            notes.append(
                m.Note(
                    key,
                    f"Memo on {label}",
                    memo.text,
                    creating_user=user,
                    created=iso(memo.created_at),
                )
            )
        return notes, on_project

    def reviews(self) -> dict[str, dict[str, list[list[Any]]]]:
        """Which segments each coder has read: user → source → [[position, time], …]."""
        found: dict[str, dict[str, list[list[Any]]]] = defaultdict(lambda: defaultdict(list))
        for segment_id, coder_id, reviewed in self.tx.session.execute(
            select(Review.segment_id, Review.coder_id, Review.reviewed_at)
            .where(Review.coder_id.in_(self.users))
            .order_by(Review.coder_id, Review.segment_id)
        ):
            source, position, _ = self.placed[segment_id]
            found[self.users[coder_id]][source].append([position, iso(reviewed)])
        return {user: dict(by_source) for user, by_source in found.items()}

    def case_list(self) -> list[m.Case]:
        return list(self.cases.values())
