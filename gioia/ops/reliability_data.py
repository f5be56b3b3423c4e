"""Reliability data from the store: who read and coded which units, as coders × units.

A coder has *read* a segment when they reviewed it or coded it; where a coder has not
read a unit their value is missing, where they read it and applied nothing it is
"absent". The units in scope are the informant turns of the transcripts in scope and
every interviewer turn a compared coder read or coded: evidence on an interviewer turn
counts like any other, and an interviewer turn nobody read is not a unit.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import ColumnElement, Select, null, select

from gioia import schema
from gioia.arrays import codes_at_level, distinct, distinct_rows, index_in
from gioia.errors import InvalidInput, NotFound
from gioia.ops.base import Tx, existing_coder
from gioia.ops.levels import check_level, level_codes, parent_map
from gioia.ops.segment_refs import transcript_id
from gioia.schema import SHARED_SCOPE
from gioia.text import name_key
from gioia.views_agreement import CoderCodes, PrivateLeftOut

UNITS = ("segment", "transcript", "character")
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class Codings:
    """The codings in scope as parallel arrays, one entry per span: who, which segment,
    which code (at the level compared), and where."""

    coder: IntArray
    segment: IntArray
    code: IntArray
    start: IntArray | None = None  # None when the spans were not read
    end: IntArray | None = None

    def only(self, keep: BoolArray) -> Codings:
        """The entries where ``keep`` is true."""
        if self.start is None or self.end is None:
            return Codings(self.coder[keep], self.segment[keep], self.code[keep])
        return Codings(
            self.coder[keep], self.segment[keep], self.code[keep], self.start[keep], self.end[keep]
        )


@dataclass
class Scope:
    """Who read and coded what, for the coders and transcripts compared."""

    level: str
    coders: list[tuple[int, str]]
    segments: dict[int, tuple[int, int, int, str]]  # id -> transcript, start, end, ref
    transcripts: dict[int, tuple[str, str | None]]  # id -> name, text (None: not read)
    reviewed: dict[int, set[int]]  # coder -> segments read (reviewed or coded)
    codings: Codings
    names: dict[int, str] = field(default_factory=dict)  # code -> name
    groups: dict[int, tuple[int, ...]] = field(default_factory=dict)  # code -> its parents
    private: PrivateLeftOut | None = None  # codings on concepts private to their coder

    @cached_property
    def applied(self) -> dict[tuple[int, int], set[int]]:
        """(coder, segment) -> the codes the coder applied to it."""
        found: dict[tuple[int, int], set[int]] = defaultdict(set)
        c = self.codings
        for coder, segment, code in zip(
            c.coder.tolist(), c.segment.tolist(), c.code.tolist(), strict=True
        ):
            found[(coder, segment)].add(code)
        return dict(found)

    @cached_property
    def spans(self) -> dict[tuple[int, int, int], list[tuple[int, int]]]:
        """(coder, segment, code) -> the spans that mark it."""
        found: dict[tuple[int, int, int], list[tuple[int, int]]] = defaultdict(list)
        c = self.codings
        if c.start is None or c.end is None:
            raise ValueError("This scope was loaded without the codings' spans.")
        for coder, segment, code, start, end in zip(
            c.coder.tolist(),
            c.segment.tolist(),
            c.code.tolist(),
            c.start.tolist(),
            c.end.tolist(),
            strict=True,
        ):
            found[(coder, segment, code)].append((start, end))
        return dict(found)

    def restricted(self, coders: list[tuple[int, str]]) -> Scope:
        """The same data for some of the coders (a pair of a breakdown)."""
        ids = np.array([c for c, _ in coders], dtype=np.intp)
        return Scope(
            self.level,
            coders,
            self.segments,
            self.transcripts,
            {c: self.reviewed[c] for c, _ in coders},
            self.codings.only(np.isin(self.codings.coder, ids)),
            self.names,
            self.groups,
            self.private,
        )


def _transcripts(
    tx: Tx, transcript: str | None, case: str | None, wave: str | None, texts: bool
) -> tuple[dict[int, tuple[str, str | None]], list[ColumnElement[bool]]]:
    """The transcripts in scope (id -> name, text; the text None unless ``texts``) and
    the conditions that select them."""
    transcripts = schema.transcripts.c
    where: list[ColumnElement[bool]] = []
    if transcript is not None:
        where.append(transcripts.id == transcript_id(tx, transcript))
    if case is not None:
        cases = schema.cases.c
        found = tx.execute(select(cases.id).where(cases.name_key == name_key(case))).scalar()
        if found is None:
            raise NotFound(f"No case {case!r}.")
        where.append(transcripts.case_id == found)
    if wave is not None:
        where.append(transcripts.wave == wave)
    text = transcripts.text if texts else null()
    query = select(transcripts.id, transcripts.name, text.label("text")).where(*where)
    found = {row.id: (row.name, row.text) for row in tx.execute(query)}
    if wave is not None and not found:
        waves = sorted({w for w in tx.execute(select(transcripts.wave)).scalars() if w})
        raise NotFound(f"No transcript in wave {wave!r} (waves: {', '.join(waves) or 'none'}).")
    return found, where


def _in_scope(query: Select[Any], segment_id: Any, where: list[ColumnElement[bool]]) -> Select[Any]:
    """``query`` restricted to the segments of the transcripts in scope."""
    segments = schema.segments.c
    query = query.join(schema.segments, segments.id == segment_id)
    if where:
        query = query.join(schema.transcripts, schema.transcripts.c.id == segments.transcript_id)
    return query.where(*where)


@dataclass(frozen=True)
class Reading:
    """What agreement reads at every level alike: the transcripts and units in scope,
    the coders compared and what each read, and their codings by concept."""

    transcripts: dict[int, tuple[str, str | None]]
    coders: list[tuple[int, str]]
    segments: dict[int, tuple[int, int, int, str]]
    reviewed: dict[int, set[int]]
    codings: IntArray  # coder, segment, concept[, start, end] per row (shared concepts)
    spans: bool
    private: PrivateLeftOut | None  # codings on concepts private to their coder, left out


def load(
    tx: Tx,
    *,
    level: str = "concept",
    coders: list[str] | None = None,
    transcript: str | None = None,
    case: str | None = None,
    wave: str | None = None,
    spans: bool = True,
    texts: bool = True,
) -> Scope:
    """The reliability data in scope; an error unless two or more coders are compared,
    or when the acting coder is blind to the others' work.

    The reads and the codings come in one query each, as arrays; without ``spans`` (what
    agreement over segments and transcripts needs) the codings' spans are not read,
    without ``texts`` (what no coefficient needs) the transcripts' texts.
    """
    if tx.viewer.blind:
        raise tx.viewer.comparing()
    check_level(level)
    reading = read(
        tx, coders=coders, transcript=transcript, case=case, wave=wave, spans=spans, texts=texts
    )
    return at_level(tx, reading, level)


def read(
    tx: Tx,
    *,
    coders: list[str] | None = None,
    transcript: str | None = None,
    case: str | None = None,
    wave: str | None = None,
    spans: bool = True,
    texts: bool = True,
) -> Reading:
    """What every level's scope shares (see ``load``), read once."""
    if tx.viewer.blind:
        raise tx.viewer.comparing()
    names, where = _transcripts(tx, transcript, case, wave, texts)
    reviews, codings = schema.reviews.c, schema.codings.c
    marks = tx.fetch_array(
        _in_scope(select(reviews.coder_id, reviews.segment_id), reviews.segment_id, where), 2
    )
    columns = [codings.coder_id, codings.segment_id, codings.concept_id]
    if spans:
        columns += [codings.char_start, codings.char_end]
    found = tx.fetch_array(_in_scope(select(*columns), codings.segment_id, where), len(columns))
    marks = distinct_rows(np.concatenate([marks, found[:, :2]]))  # reviewed or coded
    compared = _compared(tx, coders, set(marks[:, 0].tolist()))
    ids = np.array([c for c, _ in compared], dtype=np.int64)
    marks = marks[np.isin(marks[:, 0], ids)]
    segments = _segments(tx, names, where, set(marks[:, 1].tolist()))
    units = np.fromiter(segments, dtype=np.int64, count=len(segments))
    marks = marks[np.isin(marks[:, 1], units)]
    reviewed = {c: set(marks[marks[:, 0] == c, 1].tolist()) for c, _ in compared}
    found = found[np.isin(found[:, 0], ids) & np.isin(found[:, 1], units)]
    found, private = _shared_only(tx, found, compared)
    return Reading(names, compared, segments, reviewed, found, spans, private)


def at_level(tx: Tx, reading: Reading, level: str) -> Scope:
    """The scope at ``level``: the codings' concepts as that level's codes (a concept
    under no theme, a theme under no dimension, drops out)."""
    check_level(level)
    found = reading.codings
    rows, codes = codes_at_level(found[:, 2], *level_codes(tx, level))
    found = found[rows]
    scope = Scope(
        level,
        reading.coders,
        reading.segments,
        reading.transcripts,
        reading.reviewed,
        Codings(
            found[:, 0],
            found[:, 1],
            codes,
            *((found[:, 3], found[:, 4]) if reading.spans else ()),
        ),
    )
    scope.names, scope.groups = _code_names(tx, level)
    scope.private = reading.private
    return scope


def _shared_only(
    tx: Tx, found: Any, compared: list[tuple[int, str]]
) -> tuple[Any, PrivateLeftOut | None]:
    """The codings (rows of coder, segment, concept, …) on shared concepts, and what was
    left out: codings on concepts still private to their coder (open coding, see
    :mod:`gioia.ops.scopes`) are no coder's shared code, so nothing to compare."""
    concepts = schema.concepts.c
    query = select(concepts.id).where(concepts.scope != SHARED_SCOPE)
    private = np.fromiter(tx.execute(query).scalars(), dtype=np.int64)
    left = np.isin(found[:, 2], private)
    if not left.any():
        return found, None
    out = found[left]
    by = set(out[:, 0].tolist())
    return found[~left], PrivateLeftOut(
        int(left.sum()),
        len({(int(c), int(k)) for c, k in out[:, [0, 2]].tolist()}),
        tuple(name for id_, name in compared if id_ in by),
    )


def _compared(tx: Tx, coders: list[str] | None, readers: set[int]) -> list[tuple[int, str]]:
    """The coders compared: those named, else every coder (not a consensus) who read a
    segment in scope, by name."""
    if coders:
        chosen = dict(existing_coder(tx, name) for name in coders)
        compared = list(chosen.items())
    else:
        table = schema.coders.c
        query = (
            select(table.id, table.name)
            .where(table.is_consensus.is_(False))
            .order_by(table.name_key)
        )
        compared = [(row.id, row.name) for row in tx.execute(query) if row.id in readers]
    if len(compared) < 2:
        names = ", ".join(n for _, n in compared) or "none"
        raise InvalidInput(
            f"Agreement needs two or more coders who reviewed segments in scope (found: {names})."
        )
    return compared


def _segments(
    tx: Tx,
    texts: dict[int, tuple[str, str | None]],
    where: list[ColumnElement[bool]],
    seen: set[int],
) -> dict[int, tuple[int, int, int, str]]:
    """The units in scope: the informant segments, and the interviewer's that a compared
    coder read; id -> transcript, start, end, reference, in reading order."""
    segments = schema.segments.c
    query = select(
        segments.id,
        segments.transcript_id,
        segments.char_start,
        segments.char_end,
        segments.position,
        segments.is_interviewer,
    )
    if where:
        query = query.join(schema.transcripts, schema.transcripts.c.id == segments.transcript_id)
    found = tx.fetch_array(query.where(*where), 6)
    rows = found[np.lexsort((found[:, 4], found[:, 1]))].tolist()  # by transcript, position
    return {
        segment: (transcript, start, end, f"{texts[transcript][0]}:{position}")
        for segment, transcript, start, end, position, asking in rows
        if not asking or segment in seen
    }


def _code_names(tx: Tx, level: str) -> tuple[dict[int, str], dict[int, tuple[int, ...]]]:
    """Each code's name, and the groups it belongs to (its themes, or dimensions)."""
    table = {"concept": schema.concepts, "theme": schema.themes, "dimension": schema.dimensions}
    c = table[level].c
    names = {row.id: row.name for row in tx.execute(select(c.id, c.name))}
    if level == "dimension":
        return names, {}
    parents = parent_map(tx, level)
    return names, {code: tuple(parents.get(code, ())) for code in names}


@dataclass
class Matrix:
    """The units read by at least one coder, as columns: who read each (``read``) and who
    applied which code, as the cells ``entries`` (code, coder row, unit column; only where
    the coder read the unit) or one array per code (``applied``). ``clusters`` gives
    each unit its independent unit, named in ``cluster_names``: the unit itself for
    segments and transcripts, the segment of a character."""

    read: BoolArray  # coders × units
    entries: tuple[IntArray, IntArray, IntArray]  # code, row, column of each applied cell
    clusters: IntArray  # unit -> index into cluster_names
    cluster_names: list[str]

    @cached_property
    def applied(self) -> dict[int, BoolArray]:
        """code -> coders × units, true where the coder applied the code."""
        code, row, column = self.entries
        order = np.argsort(code, kind="stable")
        code, row, column = code[order], row[order], column[order]
        grids = {}
        if len(code):
            bounds = np.flatnonzero(np.r_[True, code[1:] != code[:-1], True]).tolist()
            for first, last in itertools.pairwise(bounds):
                grid = np.zeros(self.read.shape, dtype=bool)
                grid[row[first:last], column[first:last]] = True
                grids[int(code[first])] = grid
        return grids

    @cached_property
    def codes(self) -> list[int]:
        """The codes applied to some unit."""
        return [int(c) for c in distinct(self.entries[0])]

    @cached_property
    def grouped(self) -> IntArray | None:
        """The clusters when units share them (characters of a segment), else None."""
        shared = len(distinct(self.clusters)) < self.read.shape[1]
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
        return _matrix(scope, ids, list(range(len(ids))), [scope.segments[s][3] for s in ids])
    if unit == "character":
        return _characters(scope, ids, coders)
    names: dict[int, int] = {}
    for s in ids:
        names.setdefault(scope.segments[s][0], len(names))
    columns = [names[scope.segments[s][0]] for s in ids]
    return _matrix(scope, ids, columns, [scope.transcripts[t][0] for t in names])


def _matrix(scope: Scope, members: list[int], columns: list[int], labels: list[str]) -> Matrix:
    """Units made of segments (segment ``members[k]`` is in unit ``columns[k]``, named
    ``labels``): a coder read a unit when they read one of its segments, and applied a
    code to it when they applied it to one of the segments they read."""
    segment_ids = np.array(members, dtype=np.int64)
    column_of = np.array(columns, dtype=np.intp)
    read = np.zeros((len(scope.coders), len(labels)), dtype=bool)
    for row, (coder, _) in enumerate(scope.coders):
        own = np.fromiter(scope.reviewed[coder], dtype=np.int64, count=len(scope.reviewed[coder]))
        inside, at = index_in(segment_ids, own)
        read[row, column_of[at[inside]]] = True
    codings = scope.codings
    inside, at = index_in(segment_ids, codings.segment)
    known, rows = index_in(np.array([c for c, _ in scope.coders], dtype=np.int64), codings.coder)
    keep = np.flatnonzero(inside & known)
    where = column_of[at[keep]]
    keep, where = keep[read[rows[keep], where]], where[read[rows[keep], where]]
    cells = distinct_rows(np.stack([codings.code[keep], rows[keep], where], axis=1)).T
    kept = read.any(axis=0)
    renumber = np.cumsum(kept) - 1
    return Matrix(
        read[:, kept],
        (cells[0], cells[1], renumber[cells[2]]),
        np.arange(int(kept.sum())),
        [labels[j] for j in np.flatnonzero(kept).tolist()],
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
    codes, rows, columns = [np.zeros(0, dtype=np.intp)], [np.zeros(0, dtype=np.intp)], []
    columns.append(np.zeros(0, dtype=np.intp))
    for code, grid in applied.items():
        cell_rows, cell_columns = np.nonzero(grid[:, kept])
        codes.append(np.full(len(cell_rows), code, dtype=np.intp))
        rows.append(cell_rows)
        columns.append(cell_columns)
    return Matrix(
        read[:, kept],
        (np.concatenate(codes), np.concatenate(rows), np.concatenate(columns)),
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
    """The text of a segment in scope (loaded with the transcripts' texts)."""
    transcript, start, end, _ = scope.segments[segment]
    text = scope.transcripts[transcript][1]
    if text is None:
        raise ValueError("This scope was loaded without the transcripts' texts.")
    return text[start:end]


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
