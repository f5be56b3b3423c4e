"""Reconciliation: from two coders' codings to a consensus coder, decision by decision."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select

from gioia.errors import InvalidInput
from gioia.limits import DEFINITION_LENGTH, clean_name, clean_text
from gioia.models import Coder, Coding, Concept, Review
from gioia.ops import scopes, undo
from gioia.ops.base import Tx
from gioia.ops.handles import handles
from gioia.ops.objects import get_concept
from gioia.ops.reliability_data import Scope, coder_codes, load, segment_text
from gioia.ops.segment_refs import mark_reviewed, segment_labels
from gioia.schema import SHARED_SCOPE
from gioia.text import name_key
from gioia.views_agreement import Decision, OneReader, Pending, ReconcileState

CHOICES = ("a", "b", "both", "neither", "other")


@dataclass
class _Work:
    """A reconciliation under way: the consensus coder, the pair, and their codings."""

    consensus: Coder
    pair: tuple[tuple[int, str], tuple[int, str]]
    scope: Scope

    def codes(self, index: int, segment: int) -> set[int]:
        return self.scope.applied.get((self.pair[index][0], segment), set())


def _start(tx: Tx, into: str, coders: list[str] | None) -> _Work:
    cleaned = clean_name(into, "coder")
    consensus = tx.session.scalar(select(Coder).where(Coder.name_key == name_key(cleaned)))
    if consensus is not None and not consensus.is_consensus:
        raise InvalidInput(f"{consensus.name!r} is a coder, not a consensus: choose another name.")
    if consensus is None:
        consensus = Coder(name=cleaned, name_key=name_key(cleaned), is_consensus=True)
        tx.session.add(consensus)
        tx.session.flush()
        tx.record(
            "create",
            "coder",
            f"Created the consensus coder {cleaned!r}",
            subject_id=consensus.id,
            after={"name": cleaned, "consensus": True},
        )
    named = [c for c in coders or [] if name_key(c) != consensus.name_key]
    scope = load(tx, coders=named or None)
    pair = [(i, n) for i, n in scope.coders if i != consensus.id]
    if len(pair) != 2:
        raise InvalidInput(
            "Reconcile two coders at a time: name them with --coders A,B "
            f"(in scope: {', '.join(n for _, n in pair)})."
        )
    if len(scope.coders) != 2:  # the consensus itself was in scope: leave it out
        scope = load(tx, coders=[n for _, n in pair])
    return _Work(consensus, (pair[0], pair[1]), scope)


def reconcile(
    tx: Tx, into: str, coders: list[str] | None = None, *, copy_one_reader: bool = False
) -> ReconcileState:
    """Copy what two coders agree on (segments both read and coded alike) into the
    consensus coder and list what is left to decide: segments both read where their
    concepts differ, and segments only one of them read and coded (unless
    ``copy_one_reader`` copies those as they are, reported apart). Not yet decided, so
    it resumes."""
    work = _start(tx, into, coders)
    return _state(tx, work, copy_one_reader)


def _state(tx: Tx, work: _Work, copy_one_reader: bool) -> ReconcileState:
    scope, consensus = work.scope, work.consensus
    (a_id, a), (b_id, b) = work.pair
    decided = set(
        tx.session.scalars(select(Review.segment_id).where(Review.coder_id == consensus.id))
    )
    copied = 0  # codes newly applied by the consensus where the coders agree
    made: list[int] = []  # the codings that hold them
    alone: dict[int, list[int]] = {a_id: [], b_id: []}  # coder -> segments only they read
    alone_codes = {a_id: 0, b_id: 0}
    settled: list[int] = []
    done = 0
    pending: list[Pending] = []
    for segment, (_, _, _, ref) in scope.segments.items():
        read = [c for c in (a_id, b_id) if segment in scope.reviewed[c]]
        if not read:
            continue
        if segment in decided:
            done += 1
            continue
        first, second = work.codes(0, segment), work.codes(1, segment)
        if len(read) == 1:  # not agreed: one coder's reading is all there is
            applied = scope.applied.get((read[0], segment), set())
            if copy_one_reader:
                _, ids = _copy(tx, work, segment, applied, (read[0],))
                made += ids
                settled.append(segment)
            if not applied:
                continue  # nothing coded: nothing to decide, nothing to copy
            alone[read[0]].append(segment)
            alone_codes[read[0]] += len(applied)
            if copy_one_reader:
                continue
        else:
            added, ids = _copy(tx, work, segment, first & second, (a_id, b_id))
            copied, made = copied + added, made + ids
            if first == second:
                settled.append(segment)
                continue
        pending.append(
            Pending(
                ref,
                segment_text(scope, segment),
                tuple(sorted(scope.names[c] for c in first & second)),
                coder_codes(scope, a_id, a, segment),
                coder_codes(scope, b_id, b, segment),
            )
        )
    mark_reviewed(tx, consensus.id, set(settled))
    one_reader = tuple(
        OneReader(name, len(alone[coder]), alone_codes[coder], copy_one_reader)
        for coder, name in work.pair
        if alone[coder]
    )
    if made or settled:
        single = {r.coder: r.codings for r in one_reader if r.copied}
        tx.record(
            "reconcile",
            "coder",
            f"Copied {copied} agreed coding(s) of {a} and {b} into {consensus.name}"
            + "".join(f"; {n} coding(s) on segments only {c} read" for c, n in single.items())
            + f"; {len(settled)} segment(s) settled",
            subject_id=consensus.id,
            before={"coders": [a, b], "settled": done},
            after={
                "coders": [a, b],
                "copied": copied,
                "copied from one reader": single,
                "codings": _made_state(tx, work, made),
                "segments": segment_labels(tx, settled),
            },
            coder=consensus,
        )
    private = replace(scope.private, over="the consensus") if scope.private else None
    return ReconcileState(
        consensus.name, (a, b), copied, done, tuple(pending), len(settled), one_reader, private
    )


def _made_state(tx: Tx, work: _Work, made: list[int]) -> list[dict[str, object]]:
    rows = tx.session.scalars(select(Coding).where(Coding.id.in_(made)).order_by(Coding.id))
    return [
        {**_coding_state(work, c), "segment": work.scope.segments[c.segment_id][3]} for c in rows
    ]


def _share(tx: Tx, work: _Work, segment: int, concept: Concept) -> None:
    """A coder's private concept chosen for the consensus becomes the team's (see
    :mod:`gioia.ops.scopes`); its coder's quotes on the segment are kept."""
    scopes.share(tx, concept, "use {!r} in the consensus")
    rows = tx.session.execute(
        select(Coding.coder_id, Coding.char_start, Coding.char_end).where(
            Coding.segment_id == segment,
            Coding.concept_id == concept.id,
            Coding.coder_id.in_([coder for coder, _ in work.pair]),
        )
    )
    for coder, start, end in rows:
        work.scope.spans.setdefault((coder, segment, concept.id), []).append((start, end))


def _targets(
    work: _Work, segment: int, codes: set[int], sources: tuple[int, ...]
) -> set[tuple[int, int, int]]:
    """The codings (concept, start, end) the sources' codes give the consensus on a
    segment, each code once: on the distinct quotes the sources marked, or on the whole
    segment when they marked none."""
    _, segment_start, segment_end, _ = work.scope.segments[segment]
    target = set()
    for code in codes:
        spans = {
            span for source in sources for span in work.scope.spans.get((source, segment, code), ())
        }
        quotes = spans - {(segment_start, segment_end)}
        target |= {(code, start, end) for start, end in quotes or spans}
    return target


def _copy(
    tx: Tx, work: _Work, segment: int, codes: set[int], sources: tuple[int, ...]
) -> tuple[int, list[int]]:
    """Copy the sources' codings of these codes on a segment (see :func:`_targets`).
    Returns how many codes the consensus newly applies there, and the ids of the
    codings made."""
    present = {
        (c.concept_id, c.char_start, c.char_end) for c in _consensus_codings(tx, work, segment)
    }
    target = _targets(work, segment, codes, sources)
    made = _add(tx, work, segment, target - present)
    return len({code for code, _, _ in target} - {code for code, _, _ in present}), made


def _consensus_codings(tx: Tx, work: _Work, segment: int) -> list[Coding]:
    return list(
        tx.session.scalars(
            select(Coding)
            .where(Coding.segment_id == segment, Coding.coder_id == work.consensus.id)
            .order_by(Coding.id)
        )
    )


def _add(tx: Tx, work: _Work, segment: int, codings: set[tuple[int, int, int]]) -> list[int]:
    made = [
        Coding(
            segment_id=segment,
            concept_id=code,
            coder_id=work.consensus.id,
            char_start=start,
            char_end=end,
        )
        for code, start, end in sorted(codings)
    ]
    tx.session.add_all(made)
    tx.session.flush()
    return [coding.id for coding in made]


def resolve(
    tx: Tx,
    into: str,
    ref: str,
    choice: str,
    *,
    coders: list[str] | None = None,
    concepts: list[str] | None = None,
    note: str | None = None,
) -> Decision:
    """Decide one disagreement: keep A's concepts, B's, both, neither (only the agreed
    ones), or other concepts; recorded with the note."""
    note = clean_text(note, "A note", DEFINITION_LENGTH) if note else None
    work = _start(tx, into, coders)
    segment = next((s for s, v in work.scope.segments.items() if v[3] == ref), None)
    if segment is None:
        raise InvalidInput(f"No segment {ref} in scope.")
    return _decide(tx, work, segment, choice, concepts or [], note)


def _decide(
    tx: Tx, work: _Work, segment: int, choice: str, concepts: list[str], note: str | None
) -> Decision:
    if choice not in CHOICES:
        raise InvalidInput(
            f"{choice!r} is not a choice: choose a, b, both, neither, or other with the "
            "concepts to use instead."
        )
    (a_id, a), (b_id, b) = work.pair
    first, second = work.codes(0, segment), work.codes(1, segment)
    kept, sources = {
        "a": (first, (a_id,)),
        "b": (second, (b_id,)),
        "both": (first | second, (a_id, b_id)),
        "neither": (first & second, (a_id, b_id)),
        "other": (first & second, (a_id, b_id)),
    }[choice]
    agreed = first & second  # every choice keeps them, as both coders marked them
    target = _targets(work, segment, kept - agreed, sources) | _targets(
        work, segment, agreed, (a_id, b_id)
    )
    names = sorted(work.scope.names[c] for c in kept)
    if choice == "other":
        if not concepts:
            raise InvalidInput("Name the concepts to use instead.")
        _, start, end, _ = work.scope.segments[segment]
        named = set(kept)
        for name in concepts:
            concept = get_concept(tx, name)
            if concept.scope != SHARED_SCOPE:
                _share(tx, work, segment, concept)
            work.scope.names[concept.id] = concept.name
            found = _targets(work, segment, {concept.id}, (a_id, b_id))
            target |= found or {(concept.id, start, end)}  # a coder's quote, else the whole
            if concept.id not in named:  # an agreed concept named again is kept once
                named.add(concept.id)
                names.append(concept.name)
    # A decision replaces what the consensus held on the segment (an earlier decision,
    # before the segment was merged with another): it is in the event's before.
    held = _consensus_codings(tx, work, segment)
    removed = [c for c in held if (c.concept_id, c.char_start, c.char_end) not in target]
    for coding in removed:
        tx.session.delete(coding)
    tx.session.flush()
    added = _add(
        tx, work, segment, target - {(c.concept_id, c.char_start, c.char_end) for c in held}
    )
    mark_reviewed(tx, work.consensus.id, {segment})
    label = {"a": f"{a}'s", "b": f"{b}'s", "both": "both", "neither": "neither"}.get(
        choice, "other concepts"
    )
    ref = work.scope.segments[segment][3]
    summary = f"Reconciled {ref} into {work.consensus.name}: {label} ({'; '.join(names) or 'none'})"
    event = tx.record(
        "reconcile",
        "segment",
        summary + (f" ({note})" if note else ""),
        subject_id=segment,
        before={
            "segment": ref,
            "coders": {
                a: sorted(work.scope.names[c] for c in first),
                b: sorted(work.scope.names[c] for c in second),
            },
            "consensus": [_coding_state(work, c) for c in held],
        },
        after={
            "segment": ref,
            "choice": choice,
            "concepts": names,
            "note": note,
            "added": [
                _coding_state(work, c)
                for c in tx.session.scalars(
                    select(Coding).where(Coding.id.in_(added)).order_by(Coding.id)
                )
            ],
            "removed": [_coding_state(work, c) for c in removed],
        },
        coder=work.consensus,
    )
    return Decision(summary, handles(tx, [event])[0])


def _coding_state(work: _Work, coding: Coding) -> dict[str, object]:
    return {
        "id": coding.id,
        "concept": work.scope.names[coding.concept_id],
        "concept_id": coding.concept_id,
        "start": coding.char_start,
        "end": coding.char_end,
    }


def undo_decision(tx: Tx, into: str, event: int) -> list[str]:
    """Take back a decision of the consensus coder ``into`` (its event): the segment is
    to decide again."""
    if tx.viewer.blind:
        raise tx.viewer.comparing()
    consensus = tx.session.scalar(select(Coder).where(Coder.name_key == name_key(into)))
    if consensus is None or not consensus.is_consensus:
        raise InvalidInput(f"No consensus coder {into!r}.")
    return undo.undo(tx, [event], actor=consensus)


def reconcile_auto(
    tx: Tx,
    into: str,
    mode: str,
    coders: list[str] | None = None,
    *,
    copy_one_reader: bool = False,
) -> ReconcileState:
    """Settle every disagreement left at once: ``union`` keeps both coders' concepts,
    ``intersection`` neither; ``decided`` says how many this settled. Segments only one
    coder read are no disagreement: they stay to decide (``pending``) unless
    ``copy_one_reader`` copies them."""
    if mode not in ("union", "intersection"):
        raise InvalidInput(f"{mode!r} is not a mode: choose union or intersection.")
    work = _start(tx, into, coders)
    state = _state(tx, work, copy_one_reader)
    refs = {v[3]: s for s, v in work.scope.segments.items()}
    choice = "both" if mode == "union" else "neither"
    disagreements = [item for item in state.pending if item.only is None]
    for item in disagreements:
        _decide(tx, work, refs[item.ref], choice, [], f"--auto {mode}")
    return ReconcileState(
        state.into,
        state.coders,
        state.copied,
        len(disagreements),
        tuple(item for item in state.pending if item.only is not None),
        state.settled,
        state.one_reader,
        state.private,
    )
