"""What every use case shares: the transaction context, names, and references."""

from __future__ import annotations

import difflib
import re
from typing import Any

from sqlalchemy import Subquery, and_, case, func, insert, select
from sqlalchemy.orm import Session

from gioia.errors import InvalidInput, NotFound
from gioia.limits import MAX_INTEGER, clean_name
from gioia.ops import scopes
from gioia.ops.visibility import Viewer
from gioia.store import Coder, Coding, Concept, Event, Review, Segment, Transcript, core_table
from gioia.text import name_key, one_line

#: How much of a segment's text an event names it by.
LABEL_LENGTH = 50

_REF = re.compile(r"^(?P<transcript>.+):(?P<position>[0-9]+)$")


class Tx:
    """One open transaction: the session, the acting coder, what they may see (the
    ``viewer``: blind unless ``show_others``), and the audit trail."""

    def __init__(
        self,
        session: Session,
        coder_name: str | None,
        *,
        writing: bool = True,
        show_others: bool = False,
    ) -> None:
        self.session = session
        self.coder_name = coder_name
        self.writing = writing
        self.show_others = show_others
        self._coder: Coder | None = None
        self._viewer: Viewer | None = None

    @property
    def viewer(self) -> Viewer:
        """What the acting coder may see (see :mod:`gioia.ops.visibility`)."""
        if self._viewer is None:
            acting = self.coder() if self.coder_name else None
            self._viewer = Viewer.of(self.session, acting, show_others=self.show_others)
        return self._viewer

    def coder(self) -> Coder:
        """The acting coder, created on first use; an error when none is set.

        A reading transaction never writes: there, a coder who does not exist yet is a
        stand-in with no id any row has (so they have reviewed and coded nothing).
        """
        if self._coder is None:
            if not self.coder_name:
                raise InvalidInput("No coder given: pass --coder NAME or set GIOIA_CODER.")
            if self.writing:
                self._coder = get_or_create_coder(self, self.coder_name)
            else:
                found = self.session.scalar(
                    select(Coder).where(Coder.name_key == name_key(self.coder_name))
                )
                self._coder = found or Coder(id=-1, name=clean_name(self.coder_name, "coder"))
        return self._coder

    def actor_id(self) -> int | None:
        """Who runs this transaction's command, as events record it: the acting coder's
        id, or None for the project lead (no coder named)."""
        return self.coder().id if self.coder_name else None

    def record(
        self,
        action: str,
        subject: str,
        summary: str,
        *,
        subject_id: int | None = None,
        concept_id: int | None = None,
        transcript_id: int | None = None,
        before: Any = None,
        after: Any = None,
        coder: Coder | None = None,
        reverses: int | None = None,
    ) -> int:
        """Append an event to the audit trail, in this transaction: ``coder``'s work
        (default: the acting coder's, if any), run by the acting coder (None: the project
        lead); ``reverses`` names the event an undo reverses. Returns its id."""
        actor = self.actor_id()
        if coder is None and self.coder_name:
            coder = self.coder()
        event = Event(
            coder_id=coder.id if coder else None,
            actor_id=actor,
            action=action,
            subject=subject,
            subject_id=subject_id,
            concept_id=concept_id,
            transcript_id=transcript_id,
            summary=summary,
            before=before,
            after=after,
            reverses_id=reverses,
        )
        self.session.add(event)
        self.session.flush()
        return event.id


def get_or_create_coder(tx: Tx, name: str) -> Coder:
    """The coder called ``name`` (case- and space-insensitively), created (and the
    creation recorded) if new."""
    cleaned = clean_name(name, "coder")
    key = name_key(cleaned)
    coder = tx.session.scalar(select(Coder).where(Coder.name_key == key))
    if coder is None:
        coder = Coder(name=cleaned, name_key=key)
        tx.session.add(coder)
        tx.session.flush()
        tx.record(
            "create",
            "coder",
            f"Created coder {cleaned!r}",
            subject_id=coder.id,
            after={"name": cleaned},
            coder=coder,
        )
    return coder


def find_coder(session: Session, name: str) -> Coder:
    """The existing coder called ``name``, or ``NotFound`` listing the coders there are."""
    coder = session.scalar(select(Coder).where(Coder.name_key == name_key(name)))
    if coder is None:
        names = session.scalars(select(Coder.name).order_by(Coder.name)).all()
        known = ", ".join(names) if names else "none yet"
        raise NotFound(f"No coder {name!r} (coders: {known}).")
    return coder


def suggestion(name: str, candidates: list[str]) -> str:
    """`` Did you mean 'X'?`` for the closest candidate (whole or its beginning), or ``""``."""
    key = name_key(name)

    def closeness(candidate: str) -> float:
        other = name_key(candidate)
        whole = difflib.SequenceMatcher(None, key, other).ratio()
        start = difflib.SequenceMatcher(None, key, other[: len(key)]).ratio()
        return max(whole, start)

    best = max(candidates, key=closeness, default=None)
    return f" Did you mean {best!r}?" if best is not None and closeness(best) >= 0.75 else ""


def visible_concept(tx: Tx, name: str) -> Concept | None:
    """The concept ``name`` means to the acting coder, if there is one they may see (see
    :func:`gioia.ops.scopes.resolve`)."""
    return scopes.resolve(tx, name)


def get_concept(tx: Tx, name: str, *, hint: str = "") -> Concept:
    """The concept called ``name`` (one the acting coder may see), or ``NotFound`` with
    the closest name they may see."""
    concept = visible_concept(tx, name)
    if concept is None:
        raise no_such_concept(tx, name, hint)
    return concept


def no_such_concept(tx: Tx, name: str, hint: str = "") -> NotFound:
    """The error for a concept name that means nothing to the acting coder, with the
    closest name they may see."""
    names = list(scopes.labels(tx).values())
    return NotFound(f"No concept {name!r}.{suggestion(name, names)}{hint}")


def create_concept(tx: Tx, name: str, creator: Coder | None = None) -> tuple[Concept, int]:
    """A new concept and its event in the audit trail, created by ``creator`` (default:
    the acting coder): private to them in open coding, else shared (see
    :mod:`gioia.ops.scopes`); its name must be free in its scope."""
    cleaned = clean_name(name, "concept")
    if creator is None and tx.coder_name:
        creator = tx.coder()
    scope = scopes.scope_for(tx, creator)
    other = scopes.clash(tx, name_key(cleaned), scope)
    if other is not None:
        raise scopes.refuse_clash(tx, other, f"create the concept {cleaned!r}")
    concept = Concept(
        name=cleaned,
        name_key=name_key(cleaned),
        scope=scope,
        created_by_id=creator.id if creator else None,
    )
    tx.session.add(concept)
    tx.session.flush()
    event = tx.record(
        "create",
        "concept",
        f"Created concept {cleaned!r}",
        subject_id=concept.id,
        concept_id=concept.id,
        after={"name": cleaned, **({"private_to": creator.name} if creator and scope else {})},
        coder=creator,
    )
    return concept, event


def parse_ref(ref: str) -> tuple[str, int]:
    """Split ``TRANSCRIPT:N`` into the transcript name and the position N (from 1)."""
    match = _REF.match(ref.strip())
    digits = match["position"].lstrip("0") if match else ""
    if match is None or not digits:
        raise InvalidInput(
            f"{ref!r} is not a segment reference: write TRANSCRIPT:N, e.g. case_a_ceo_w1:3."
        )
    if len(digits) > len(str(MAX_INTEGER)) or int(digits) > MAX_INTEGER:
        raise InvalidInput(f"{ref!r}: segment numbers go up to {MAX_INTEGER:,}.")
    return match["transcript"], int(digits)


def get_transcript(session: Session, name: str) -> Transcript:
    """The transcript called ``name``, or ``NotFound`` with the closest name."""
    transcript = session.scalar(select(Transcript).where(Transcript.name_key == name_key(name)))
    if transcript is None:
        names = list(session.scalars(select(Transcript.name)).all())
        raise NotFound(f"No transcript {name!r}.{suggestion(name, names)}")
    return transcript


def resolve_refs(session: Session, refs: list[str]) -> list[tuple[Transcript, Segment]]:
    """The segments named by ``TRANSCRIPT:N`` references, in the order given."""
    found: list[tuple[Transcript, Segment]] = []
    transcripts: dict[str, Transcript] = {}
    for ref in refs:
        name, position = parse_ref(ref)
        transcript = transcripts.get(name_key(name)) or get_transcript(session, name)
        transcripts[name_key(name)] = transcript
        segment = session.scalar(
            select(Segment).where(
                Segment.transcript_id == transcript.id, Segment.position == position
            )
        )
        if segment is None:
            count = session.scalar(
                select(func.count()).where(Segment.transcript_id == transcript.id)
            )
            raise NotFound(
                f"No segment {transcript.name}:{position}: "
                f"{transcript.name} has segments 1 to {count}."
            )
        found.append((transcript, segment))
    return found


def segment_ref(transcript: Transcript, segment: Segment) -> str:
    """The ``TRANSCRIPT:N`` reference of a segment."""
    return f"{transcript.name}:{segment.position}"


def segment_labels(session: Session, segment_ids: list[int]) -> list[dict[str, object]]:
    """Segments as the trail names them: the id (never reused), the ``T:N`` reference and
    the start of the text, so that a reader of the log can follow them after
    renumbering; in the order given."""
    span = Segment.char_end - Segment.char_start
    length = case((span <= LABEL_LENGTH, span), else_=LABEL_LENGTH + 1)
    rows = session.execute(
        select(
            Segment.id,
            Segment.transcript_id,
            Segment.position,
            func.substr(Transcript.text, Segment.char_start + 1, length),
            Transcript.name,
        )
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .where(Segment.id.in_(segment_ids))
    )
    found = {
        id_: {"id": id_, "segment": f"{name}:{position}", "text": one_line(text, LABEL_LENGTH)}
        for id_, _, position, text, name in rows
    }
    return [found[i] for i in segment_ids if i in found]


def label_ids(labels: list[Any]) -> list[int]:
    """The segment ids of an event's ``segments`` (labels, or bare ids in older events)."""
    return [item["id"] if isinstance(item, dict) else int(item) for item in labels]


def coding_keys(session: Session, condition: Any) -> set[tuple[int, int, int, int, int]]:
    """The codings matching ``condition`` as (segment, concept, coder, start, end): what
    makes a coding the same coding."""
    return {
        (segment, concept, coder, start, end)
        for segment, concept, coder, start, end in session.execute(
            select(
                Coding.segment_id,
                Coding.concept_id,
                Coding.coder_id,
                Coding.char_start,
                Coding.char_end,
            ).where(condition)
        )
    }


def bulk_insert(
    session: Session, model: type[Any], columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Insert many rows of ``columns`` straight through the driver's ``executemany``,
    values converted by the columns' own types as SQLAlchemy would (a Core insert spends
    most of its time per row building parameters: a project's 100,000 codings)."""
    if not rows:
        return
    table = core_table(model)
    connection = session.connection()
    dialect = connection.dialect
    markers = {"qmark": "?", "format": "%s", "pyformat": "%s"}
    if dialect.paramstyle not in markers:  # a driver gioia does not know: Core's way
        session.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    processors = [
        (index, processor)
        for index, column in enumerate(columns)
        if (processor := table.c[column].type.dialect_impl(dialect).bind_processor(dialect))
    ]
    if processors:
        converted = []
        for row in rows:
            values = list(row)
            for index, processor in processors:
                if values[index] is not None:
                    values[index] = processor(values[index])
            converted.append(tuple(values))
        rows = converted
    marker = markers[dialect.paramstyle]
    statement = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join([marker] * len(columns))})"
    )
    connection.exec_driver_sql(statement, rows)


def mark_reviewed(session: Session, coder_id: int, segment_ids: set[int]) -> list[int]:
    """Record that a coder has read these segments; returns those that were new."""
    if not segment_ids:
        return []
    already = set(
        session.scalars(
            select(Review.segment_id).where(
                Review.coder_id == coder_id, Review.segment_id.in_(segment_ids)
            )
        )
    )
    new = sorted(segment_ids - already)
    if new:
        rows = [{"segment_id": s, "coder_id": coder_id} for s in new]
        session.execute(insert(core_table(Review)), rows)
    return new


def record_reviews(tx: Tx, coder: Coder, targets: dict[int, str]) -> tuple[list[int], int | None]:
    """Mark segments (id → reference) read by ``coder``; returns those newly read and the
    event that lists them (None when there were none)."""
    new = mark_reviewed(tx.session, coder.id, set(targets))
    if not new:
        return [], None
    refs = [targets[i] for i in new]
    summary = f"Reviewed {', '.join(refs[:3])}" + (" …" if len(refs) > 3 else "")
    after = {"segments": segment_labels(tx.session, new)}
    return new, tx.record("review", "segment", summary, after=after, coder=coder)


def evidence_coder(tx: Tx, coder: str | None) -> int | None:
    """Whose codings count as the evidence (structure counts, figure, quotes): the coder
    named, else, for a blind coder, their own, else the consensus coder when there is
    one (the newest, if several), else everyone's (None)."""
    viewer = tx.viewer
    if coder is not None:
        viewer.check_coder(coder, f"{coder}'s codings are")
        return find_coder(tx.session, coder).id if viewer.unblinded else viewer.me
    if viewer.blind:
        return viewer.me
    return tx.session.scalar(
        select(Coder.id).where(Coder.is_consensus.is_(True)).order_by(Coder.id.desc()).limit(1)
    )


def coding_applications(coder_id: int | None = None) -> Subquery:
    """Codings as they count: a coder's concept on a segment once, however many spans
    (quotes) mark it. One row per coder, concept and segment (of ``coder_id`` only, if
    given), with the segment's transcript and whether any of its spans is a quote."""
    quoted = case(
        (and_(Coding.char_start == Segment.char_start, Coding.char_end == Segment.char_end), 0),
        else_=1,
    )
    query = (
        select(
            Coding.coder_id,
            Coding.concept_id,
            Coding.segment_id,
            Segment.transcript_id,
            func.max(quoted).label("quoted"),
        )
        .join(Segment, Segment.id == Coding.segment_id)
        .group_by(Coding.coder_id, Coding.concept_id, Coding.segment_id, Segment.transcript_id)
    )
    if coder_id is not None:
        query = query.where(Coding.coder_id == coder_id)
    return query.subquery()
