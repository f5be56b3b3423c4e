"""Gathering what the study report shows, in one read transaction."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from gioia.analysis.cooccurrence import cooccurrence
from gioia.analysis.matrix import code_matrix
from gioia.analysis.saturation import saturation
from gioia.models import Coder, Event, Segment, Transcript
from gioia.ops import listing, quotes, reviews, tree
from gioia.ops.base import Tx, evidence_coder
from gioia.ops.evidence import evidence_levels
from gioia.ops.segment_refs import parse_ref
from gioia.report.data import Consensus, ReportData, ReportOptions, Turn
from gioia.schema import utcnow
from gioia.text import name_key


def gather(tx: Tx, options: ReportOptions) -> ReportData:
    """The study's cases, interviews, structure, quotes with their context, coders, the
    consensus, and the matrix, co-occurrence and saturation (agreement and the figure
    come from ``Project.agreement`` and ``gioia.figure``)."""
    coder = options.evidence
    view = tree.structure(tx, coder=coder)
    rows = quotes.quotes_table(
        tx, view, per_concept=options.per_concept, max_words=options.max_words, coder=coder
    )
    refs = [q.ref for row in rows for q in row.quotes]
    levels = {options.matrix_level, options.cooccurrence_level, options.saturation_level}
    evidence = evidence_levels(tx, levels, coder)  # the codings read once
    transcripts = listing.transcripts(tx)
    return ReportData(
        options=options,
        generated=utcnow().replace(microsecond=0),
        store="",
        transcripts=tuple(transcripts),
        cases=tuple(listing.cases(tx, transcripts)),
        segment_by=tuple(sorted(set(tx.session.scalars(select(Transcript.segment_by).distinct())))),
        structure=view,
        quotes=tuple(rows),
        contexts=contexts(tx, refs, options.context_turns),
        coders=tuple(reviews.coders(tx)),
        consensus=consensus(tx, coder),
        matrix=code_matrix(evidence[options.matrix_level], "case", "segments"),
        cooccurrence=cooccurrence(evidence[options.cooccurrence_level], "segment"),
        saturation=saturation(evidence[options.saturation_level], options.saturation_order),
    )


def contexts(tx: Tx, refs: list[str], turns: int) -> dict[str, tuple[Turn, ...]]:
    """Each segment named in ``refs`` with ``turns`` segments before and after it (the
    interviewer's included), in reading order."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for ref in refs:
        name, position = parse_ref(ref)
        wanted[name_key(name)].add(position)
    if not wanted:
        return {}
    texts = {
        key: (id_, name, text)
        for id_, name, key, text in tx.session.execute(
            select(Transcript.id, Transcript.name, Transcript.name_key, Transcript.text).where(
                Transcript.name_key.in_(wanted)
            )
        )
    }
    found: dict[str, tuple[Turn, ...]] = {}
    for key, positions in wanted.items():
        transcript_id, name, text = texts[key]
        near = {p + d for p in positions for d in range(-turns, turns + 1)}
        segments = {
            s.position: s
            for s in tx.session.scalars(
                select(Segment).where(
                    Segment.transcript_id == transcript_id, Segment.position.in_(near)
                )
            )
        }
        for position in sorted(positions):
            found[f"{name}:{position}"] = tuple(
                Turn(
                    f"{name}:{p}",
                    segments[p].speaker,
                    segments[p].is_interviewer,
                    text[segments[p].char_start : segments[p].char_end],
                    p == position,
                )
                for p in range(position - turns, position + turns + 1)
                if p in segments
            )
    return found


def consensus(tx: Tx, coder: str | None) -> Consensus | None:
    """How the evidence coder's coding was reconciled, when it is a consensus coder."""
    coder_id = evidence_coder(tx, coder)
    found = tx.session.get(Coder, coder_id) if coder_id is not None else None
    if found is None or not found.is_consensus:
        return None
    decided = 0
    automatic: dict[str, int] = defaultdict(int)
    pair: tuple[str, ...] = ()
    for subject, before, after in tx.session.execute(
        select(Event.subject, Event.before, Event.after).where(
            Event.coder_id == found.id, Event.action == "reconcile"
        )
    ):
        note = str((after or {}).get("note") or "")
        # the coders are a list in a copy's event, by name in a decision's "before"
        pair = tuple((after or {}).get("coders") or (before or {}).get("coders") or pair)
        if subject != "segment":
            continue
        if note.startswith("--auto "):
            automatic[note.removeprefix("--auto ")] += 1
        else:
            decided += 1
    return Consensus(found.name, pair, decided, dict(automatic))
