"""Coding with mapped objects: untag segments, and codings files out (tagging and codings
files in are in ``gioia.ops.tagging``, memos in ``gioia.ops.memos``)."""

from __future__ import annotations

from sqlalchemy import func, select

from gioia.errors import NotFound
from gioia.models import (
    Case,
    Coder,
    Coding,
    Concept,
    Informant,
    Segment,
    Transcript,
)
from gioia.ops.base import Tx
from gioia.ops.handles import handles
from gioia.ops.objects import (
    find_coder,
    get_concept,
    resolve_refs,
    segment_ref,
)
from gioia.ops.tagging import coded_span
from gioia.views import CodingRow, UntagResult


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
    for transcript, segment in resolve_refs(tx, refs):
        ref = segment_ref(transcript, segment)
        query = select(Coding).filter_by(
            segment_id=segment.id, concept_id=concept.id, coder_id=coder.id
        )
        if quote is not None or span is not None:
            text = transcript.text[segment.char_start : segment.char_end]
            start, end = coded_span((segment.char_start, segment.char_end), text, quote, span, ref)
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
    return UntagResult(len(events), handles(tx, events))


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
        query = query.where(Coder.id.in_([find_coder(tx, c).id for c in coders]))
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
