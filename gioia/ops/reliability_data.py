"""Reliability data from the store: who read and coded which units, as coders × units.

A coder has *read* a segment when they reviewed it or coded it; where a coder has not
read a unit their value is missing, where they read it and applied nothing it is
"absent". The units in scope are the informant turns of the transcripts in scope and
every interviewer turn a compared coder read or coded: evidence on an interviewer turn
counts like any other, and an interviewer turn nobody read is not a unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt
from sqlalchemy import or_, select

from gioia.errors import InvalidInput, NotFound
from gioia.ops.base import Tx, find_coder, get_transcript
from gioia.ops.parents import parent_map
from gioia.ops.structure import LEVELS
from gioia.store import (
    SHARED_SCOPE,
    Case,
    Coder,
    Coding,
    Concept,
    Dimension,
    Review,
    Segment,
    Theme,
    Transcript,
)
from gioia.text import name_key
from gioia.views import CoderCodes, PrivateLeftOut

UNITS = ("segment", "transcript", "character")
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]


@dataclass
class Scope:
    """Who read and coded what, for the coders and transcripts compared."""

    level: str
    coders: list[tuple[int, str]]
    segments: dict[int, tuple[int, int, int, str]]  # id -> transcript, start, end, ref
    transcripts: dict[int, tuple[str, str]]  # id -> name, text
    reviewed: dict[int, set[int]]  # coder -> segments read (reviewed or coded)
    applied: dict[tuple[int, int], set[int]] = field(default_factory=dict)  # coder, seg -> codes
    spans: dict[tuple[int, int, int], list[tuple[int, int]]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)  # code -> name
    groups: dict[int, tuple[int, ...]] = field(default_factory=dict)  # code -> its parents
    private: PrivateLeftOut | None = None  # codings on concepts private to their coder

    def restricted(self, coders: list[tuple[int, str]]) -> Scope:
        """The same data for some of the coders (a pair of a breakdown)."""
        return Scope(
            self.level,
            coders,
            self.segments,
            self.transcripts,
            {c: self.reviewed[c] for c, _ in coders},
            self.applied,
            self.spans,
            self.names,
            self.groups,
            self.private,
        )


def _transcripts(
    tx: Tx, transcript: str | None, case: str | None, wave: str | None
) -> dict[int, tuple[str, str]]:
    session = tx.session
    query = select(Transcript.id, Transcript.name, Transcript.text)
    if transcript is not None:
        query = query.where(Transcript.id == get_transcript(session, transcript).id)
    if case is not None:
        found = session.scalar(select(Case.id).where(Case.name_key == name_key(case)))
        if found is None:
            raise NotFound(f"No case {case!r}.")
        query = query.where(Transcript.case_id == found)
    if wave is not None:
        query = query.where(Transcript.wave == wave)
    texts = {id_: (name, text) for id_, name, text in session.execute(query)}
    if wave is not None and not texts:
        waves = sorted({w for w in session.scalars(select(Transcript.wave)) if w})
        raise NotFound(f"No transcript in wave {wave!r} (waves: {', '.join(waves) or 'none'}).")
    return texts


def _read(tx: Tx, transcripts: list[int]) -> dict[int, set[int]]:
    """Coder -> the segments of these transcripts they reviewed or coded."""
    read: dict[int, set[int]] = defaultdict(set)
    for model in (Review, Coding):
        for coder_id, segment_id in tx.session.execute(
            select(model.coder_id, model.segment_id)
            .join(Segment, Segment.id == model.segment_id)
            .where(Segment.transcript_id.in_(transcripts))
        ):
            read[coder_id].add(segment_id)
    return read


def load(
    tx: Tx,
    *,
    level: str = "concept",
    coders: list[str] | None = None,
    transcript: str | None = None,
    case: str | None = None,
    wave: str | None = None,
) -> Scope:
    """The reliability data in scope; an error unless two or more coders are compared,
    or when the acting coder is blind to the others' work."""
    if tx.viewer.blind:
        raise tx.viewer.comparing()
    if level not in LEVELS:
        raise InvalidInput(f"{level!r} is not a level: choose concept, theme or dimension.")
    session = tx.session
    texts = _transcripts(tx, transcript, case, wave)
    read = _read(tx, list(texts))
    if coders:
        chosen = {c.id: c for c in (find_coder(session, name) for name in coders)}
        compared = [(c.id, c.name) for c in chosen.values()]
    else:
        compared = [
            (id_, name)
            for id_, name in session.execute(
                select(Coder.id, Coder.name)
                .where(Coder.is_consensus.is_(False))
                .order_by(Coder.name_key)
            )
            if read.get(id_)
        ]
    if len(compared) < 2:
        names = ", ".join(n for _, n in compared) or "none"
        raise InvalidInput(
            f"Agreement needs two or more coders who reviewed segments in scope (found: {names})."
        )
    seen = set().union(*(read.get(c, set()) for c, _ in compared))
    segments = {
        id_: (tid, start, end, f"{texts[tid][0]}:{position}")
        for id_, tid, start, end, position in session.execute(
            select(
                Segment.id,
                Segment.transcript_id,
                Segment.char_start,
                Segment.char_end,
                Segment.position,
            )
            .where(
                Segment.transcript_id.in_(list(texts)),
                or_(Segment.is_interviewer.is_(False), Segment.id.in_(seen)),
            )
            .order_by(Segment.transcript_id, Segment.position)
        )
    }
    scope = Scope(
        level,
        compared,
        segments,
        texts,
        {c: read.get(c, set()) & segments.keys() for c, _ in compared},
    )
    query = (
        select(Coding.coder_id, Coding.segment_id, Coding.concept_id)
        .add_columns(Coding.char_start, Coding.char_end)
        .join(Segment, Segment.id == Coding.segment_id)
        .where(
            Segment.transcript_id.in_(list(texts)), Coding.coder_id.in_([c for c, _ in compared])
        )
    )
    codes_of = _codes_of_concepts(tx, level)
    private = set(session.scalars(select(Concept.id).where(Concept.scope != SHARED_SCOPE)))
    left_out: dict[int, set[int]] = defaultdict(set)  # coder -> their private concepts
    left_codings = 0
    applied, spans = scope.applied, scope.spans
    for coder_id, segment_id, concept_id, start, end in session.connection().execute(query):
        if concept_id in private:
            left_out[coder_id].add(concept_id)
            left_codings += 1
            continue
        for code_id in codes_of.get(concept_id, ()):
            codes = applied.get((coder_id, segment_id))
            if codes is None:
                codes = applied[(coder_id, segment_id)] = set()
            codes.add(code_id)
            where = spans.get((coder_id, segment_id, code_id))
            if where is None:
                spans[(coder_id, segment_id, code_id)] = [(start, end)]
            else:
                where.append((start, end))
    scope.names, scope.groups = _code_names(tx, level)
    if left_out:
        scope.private = PrivateLeftOut(
            left_codings,
            sum(len(concepts) for concepts in left_out.values()),
            tuple(name for id_, name in compared if id_ in left_out),
        )
    return scope


def _codes_of_concepts(tx: Tx, level: str) -> dict[int, tuple[int, ...]]:
    """The codes a coding of each concept applies at ``level``: the concept itself, its
    themes, or their dimensions (several where the project shares concepts)."""
    concepts: dict[int, tuple[int, ...]] = {
        id_: (id_,) for id_ in tx.session.scalars(select(Concept.id))
    }
    if level == "concept":
        return concepts
    themes = {c: tuple(ts) for c, ts in parent_map(tx, "concept").items()}
    if level == "theme":
        return themes
    dimensions = parent_map(tx, "theme")
    return {
        c: tuple(dict.fromkeys(d for t in ts for d in dimensions.get(t, ())))
        for c, ts in themes.items()
    }


def _code_names(tx: Tx, level: str) -> tuple[dict[int, str], dict[int, tuple[int, ...]]]:
    """Each code's name, and the groups it belongs to (its themes, or dimensions)."""
    if level == "concept":
        rows = select(Concept.id, Concept.name)
    elif level == "theme":
        rows = select(Theme.id, Theme.name)
    else:
        rows = select(Dimension.id, Dimension.name)
    names = {id_: name for id_, name in tx.session.execute(rows)}
    if level == "dimension":
        return names, {}
    held = parent_map(tx, level)
    return names, {code: tuple(held.get(code, ())) for code in names}


@dataclass
class Matrix:
    """The units read by at least one coder, as columns: who read each (``read``) and who
    applied which code (``applied``, only where the coder read the unit). ``clusters``
    gives each unit its independent unit, named in ``cluster_names``: the unit itself
    for segments and transcripts, the segment of a character."""

    read: BoolArray  # coders × units
    applied: dict[int, BoolArray]  # code -> coders × units
    clusters: IntArray  # unit -> index into cluster_names
    cluster_names: list[str]

    @cached_property
    def grouped(self) -> IntArray | None:
        """The clusters when units share them (characters of a segment), else None."""
        shared = len(np.unique(self.clusters)) < self.read.shape[1]
        return self.clusters if shared else None

    @cached_property
    def readers(self) -> IntArray:
        """How many coders read each unit."""
        count: IntArray = self.read.sum(axis=0)
        return count

    @cached_property
    def pairable(self) -> BoolArray:
        """The units read by two or more coders: the units compared."""
        paired: BoolArray = self.readers >= 2
        return paired

    def label(self, unit: int) -> str:
        """The name of a unit (a character is named by its segment)."""
        return self.cluster_names[int(self.clusters[unit])]

    def values(self, code: int) -> FloatArray:
        """1 where applied, 0 where read but not applied, NaN where not read."""
        out = (
            self.applied[code].astype(np.float64)
            if code in self.applied
            else np.zeros(self.read.shape)
        )
        out[~self.read] = np.nan
        return out


def unit_matrix(scope: Scope, unit: str, segments: Iterable[int] | None = None) -> Matrix:
    """The reliability data at ``unit`` over ``segments`` (default: all in scope); for
    characters, one matrix over the characters of every transcript in scope."""
    if unit not in UNITS:
        raise InvalidInput(f"{unit!r} is not a unit: choose segment, transcript or character.")
    ids = list(scope.segments if segments is None else segments)
    coders = [c for c, _ in scope.coders]
    if unit == "segment":
        return _matrix(scope, [(scope.segments[s][3], [s]) for s in ids], coders)
    if unit == "character":
        return _characters(scope, ids, coders)
    by_transcript: dict[int, list[int]] = defaultdict(list)
    for s in ids:
        by_transcript[scope.segments[s][0]].append(s)
    return _matrix(
        scope, [(scope.transcripts[t][0], members) for t, members in by_transcript.items()], coders
    )


def _matrix(scope: Scope, units: list[tuple[str, list[int]]], coders: list[int]) -> Matrix:
    """Units made of segments: a coder read a unit when they read one of its segments,
    and applied a code to it when they applied it to one of the segments they read."""
    unit_of = {s: j for j, (_, members) in enumerate(units) for s in members}
    row_of = {coder: i for i, coder in enumerate(coders)}
    read = np.zeros((len(coders), len(units)), dtype=bool)
    for i, coder in enumerate(coders):
        read[i, [unit_of[s] for s in scope.reviewed[coder] if s in unit_of]] = True
    cells: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for (coder, s), codes in scope.applied.items():
        column, row = unit_of.get(s), row_of.get(coder)
        if column is not None and row is not None:
            for code in codes:
                rows, columns = cells[code]
                rows.append(row)
                columns.append(column)
    kept = np.flatnonzero(read.any(axis=0))
    applied: dict[int, BoolArray] = {}
    for code, (rows, columns) in cells.items():
        grid = np.zeros(read.shape, dtype=bool)
        grid[rows, columns] = True
        grid = (grid & read)[:, kept]
        if grid.any():
            applied[code] = grid
    return Matrix(
        read[:, kept], applied, np.arange(len(kept)), [units[j][0] for j in kept.tolist()]
    )


def _characters(scope: Scope, members: list[int], coders: list[int]) -> Matrix:
    """Each character of the segments a unit, in one matrix for every transcript; a coder
    read it when they read its segment; a coding covers its span."""
    ordered = sorted(members, key=lambda s: scope.segments[s][:2])
    starts = {s: scope.segments[s][1] for s in ordered}
    offsets, position = {}, 0
    for s in ordered:
        offsets[s] = position
        position += scope.segments[s][2] - scope.segments[s][1]
    read = np.zeros((len(coders), position), dtype=bool)
    clusters = np.zeros(position, dtype=np.intp)
    applied: dict[int, BoolArray] = {}
    for k, s in enumerate(ordered):
        clusters[offsets[s] : offsets[s] + scope.segments[s][2] - starts[s]] = k
    for i, coder in enumerate(coders):
        for s in ordered:
            if s not in scope.reviewed[coder]:
                continue
            first, length = offsets[s], scope.segments[s][2] - starts[s]
            read[i, first : first + length] = True
            for code in scope.applied.get((coder, s), ()):
                if code not in applied:
                    applied[code] = np.zeros(read.shape, dtype=bool)
                row = applied[code]
                for start, end in scope.spans[(coder, s, code)]:
                    row[i, first + start - starts[s] : first + end - starts[s]] = True
    kept = read.any(axis=0)
    return Matrix(
        read[:, kept],
        {code: rows[:, kept] for code, rows in applied.items()},
        clusters[kept],
        [scope.segments[s][3] for s in ordered],
    )


def units_in_scope(scope: Scope, unit: str) -> int:
    """How many units the scope holds, read or not."""
    if unit == "segment":
        return len(scope.segments)
    if unit == "transcript":
        return len({t for t, _, _, _ in scope.segments.values()})
    return sum(end - start for _, start, end, _ in scope.segments.values())


def segment_text(scope: Scope, segment: int) -> str:
    """The text of a segment in scope."""
    transcript, start, end, _ = scope.segments[segment]
    return scope.transcripts[transcript][1][start:end]


def coder_codes(scope: Scope, coder_id: int, name: str, segment: int) -> CoderCodes:
    """A coder's codes on a segment, with quote spans relative to the segment's text."""
    _, start, end, _ = scope.segments[segment]
    codes = sorted(
        scope.applied.get((coder_id, segment), ()), key=lambda c: name_key(scope.names[c])
    )
    spans = {
        scope.names[c]: tuple(
            (s - start, e - start)
            for s, e in sorted(scope.spans[(coder_id, segment, c)])
            if (s, e) != (start, end)
        )
        for c in codes
    }
    read = segment in scope.reviewed.get(coder_id, set())
    return CoderCodes(name, tuple(scope.names[c] for c in codes), spans, read)
