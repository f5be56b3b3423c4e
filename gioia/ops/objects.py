"""Mapped objects (ORM) by name and reference, for use cases that change them: thin
loaders over the Core lookups of ``gioia.ops.base``, with the same messages."""

from __future__ import annotations

from gioia.models import Coder, Concept, Segment, Transcript
from gioia.ops.base import Tx, ensure_coder, existing_coder, no_such_concept, visible_concept_row
from gioia.ops.segment_refs import resolve_segments, transcript_id


def get_or_create_coder(tx: Tx, name: str) -> Coder:
    """The coder called ``name`` (case- and space-insensitively), created if new."""
    coder = tx.session.get(Coder, ensure_coder(tx, name).id)
    assert coder is not None
    return coder


def find_coder(tx: Tx, name: str) -> Coder:
    """The existing coder called ``name``, or ``NotFound`` listing the coders there are."""
    coder = tx.session.get(Coder, existing_coder(tx, name).id)
    assert coder is not None
    return coder


def visible_concept(tx: Tx, name: str) -> Concept | None:
    """The concept ``name`` means to the acting coder, if there is one they may see (see
    :func:`gioia.ops.scopes.resolve`)."""
    row = visible_concept_row(tx, name)
    return tx.session.get(Concept, row.id) if row is not None else None


def get_concept(tx: Tx, name: str, *, hint: str = "") -> Concept:
    """The concept called ``name`` (one the acting coder may see), or ``NotFound`` with
    the closest name they may see."""
    concept = visible_concept(tx, name)
    if concept is None:
        raise no_such_concept(tx, name, hint)
    return concept


def get_transcript(tx: Tx, name: str) -> Transcript:
    """The transcript called ``name``, or ``NotFound`` with the closest name."""
    transcript = tx.session.get(Transcript, transcript_id(tx, name))
    assert transcript is not None
    return transcript


def resolve_refs(tx: Tx, refs: list[str]) -> list[tuple[Transcript, Segment]]:
    """The segments named by ``TRANSCRIPT:N`` references, in the order given."""
    found = []
    for row in resolve_segments(tx, refs):
        transcript = tx.session.get(Transcript, row.transcript_id)
        segment = tx.session.get(Segment, row.id)
        assert transcript is not None and segment is not None
        found.append((transcript, segment))
    return found


def segment_ref(transcript: Transcript, segment: Segment) -> str:
    """The ``TRANSCRIPT:N`` reference of a segment."""
    return f"{transcript.name}:{segment.position}"
