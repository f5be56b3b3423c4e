"""The evidence behind the structure's items, counted in numpy (no store): the codings
as they count (a coder's concept on a segment once, quoted when any of its spans is a
quote), and per item how many of them, of quotes, and of distinct segments, transcripts,
cases and informants they reach. ``gioia.ops.tree`` reads the arrays from the store."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gioia.arrays import IntArray, codes_at_level, distinct, positions

#: Distinct values per item are marked in a table of booleans (items × values) up to
#: this many cells, else found by a sort.
TABLE_CELLS = 1 << 25


@dataclass(frozen=True)
class Codings:
    """The codings, one array per column, row by row."""

    coder: IntArray
    concept: IntArray
    segment: IntArray
    start: IntArray
    end: IntArray


@dataclass(frozen=True)
class Segments:
    """The segments, one array per column: the span, the transcript, and the informant
    (-1 for the transcript's)."""

    id: IntArray
    transcript: IntArray
    start: IntArray
    end: IntArray
    informant: IntArray


@dataclass(frozen=True)
class Transcripts:
    """The transcripts, one array per column: the case and informant (-1 for none)."""

    id: IntArray
    case: IntArray
    informant: IntArray


@dataclass(frozen=True)
class Applications:
    """The codings as they count, sorted by segment, then concept: each coder's concept
    on a segment once, with where it is and whether any of its spans is a quote (1) or
    not (0). Segments and transcripts are numbered by their place in what was read,
    cases and informants by id (-1 for none)."""

    concept: IntArray
    segment: IntArray
    transcript: IntArray
    case: IntArray
    informant: IntArray
    quoted: IntArray


def applications(codings: Codings, segments: Segments, transcripts: Transcripts) -> Applications:
    """The codings as they count (every coding's segment is among ``segments``, every
    segment's transcript among ``transcripts``)."""
    at = positions(segments.id, codings.segment)
    quoted = (codings.start != segments.start[at]) | (codings.end != segments.end[at])
    found, concept, kept = _once(
        codings.segment, codings.concept, codings.coder, quoted.astype(np.intp)
    )
    segment = positions(segments.id, found)
    transcript = positions(transcripts.id, segments.transcript)[segment]
    informant = segments.informant[segment]
    informant = np.where(informant >= 0, informant, transcripts.informant[transcript])
    return Applications(concept, segment, transcript, transcripts.case[transcript], informant, kept)


def _once(
    segment: IntArray, concept: IntArray, coder: IntArray, quoted: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """(segment, concept, quoted) once per segment, concept and coder (non-negative ids),
    quoted if any is, sorted by segment and concept: the three read as one number where
    that fits in 63 bits (no sort when the codings come in that order, as SQLite reads
    them from their unique index), else a sort of rows."""
    if not len(coder):
        return segment, concept, quoted
    sizes = [int(values.max()) + 1 for values in (segment, concept, coder)]
    if sizes[0] * sizes[1] * sizes[2] * 2 >= 2**63:
        order = np.lexsort((quoted, coder, concept, segment))
        rows = np.stack([segment, concept, coder, quoted], axis=1)[order]
        last = np.ones(len(rows), dtype=bool)  # the last of each: quoted, if any is
        last[:-1] = (rows[1:, :3] != rows[:-1, :3]).any(axis=1)
        kept = rows[last]
        return kept[:, 0], kept[:, 1], kept[:, 3]
    application = (segment * sizes[1] + concept) * sizes[2] + coder
    if (application[1:] >= application[:-1]).all():
        first = np.ones(len(application), dtype=bool)
        first[1:] = application[1:] != application[:-1]
        starts = np.flatnonzero(first)
        quoted = np.maximum.reduceat(quoted, starts)
        application = application[starts]
    else:
        keys = np.sort(application * 2 + quoted)
        last = np.ones(len(keys), dtype=bool)  # the last of each: quoted, if any is
        last[:-1] = keys[1:] >> 1 != keys[:-1] >> 1
        keys = keys[last]
        application, quoted = keys >> 1, keys & 1
    place = application // sizes[2]
    return place // sizes[1], place % sizes[1], quoted


def distinct_per_group(group: IntArray, values: IntArray, groups: int) -> IntArray:
    """For each group (0 to ``groups`` - 1), how many distinct ``values`` its rows hold
    (-1, none, not counted): marked in a table of booleans where it is small enough, else
    counted after a sort (none when the rows come sorted by value, then group)."""
    size = int(values.max(initial=-1)) + 2
    if groups * size <= TABLE_CELLS:
        table = np.zeros(groups * size, dtype=bool)
        table[group * size + (values + 1)] = True
        found: IntArray = np.count_nonzero(table.reshape(groups, size)[:, 1:], axis=1)
        return found
    keys = (values + 1) * groups + group
    if not (keys[1:] >= keys[:-1]).all():
        keys = np.sort(keys)
    new = np.ones(len(keys), dtype=bool)
    new[1:] = keys[1:] != keys[:-1]
    new &= keys >= groups
    found = np.bincount(keys[new] % groups, minlength=groups)
    return found


def level_counts(
    applied: Applications, concepts: IntArray, codes: IntArray
) -> dict[int, tuple[int, ...]]:
    """Each code's counts (codings, segments, transcripts, cases, informants, quotes: the
    fields of ``gioia.views_structure.Counts``) at a level where a coding of each
    concept applies the codes paired with it (``concepts`` sorted, as ``level_codes``
    gives them): each application once in every code it reaches. Codes nothing applies
    are left out."""
    rows, reached = codes_at_level(applied.concept, concepts, codes)
    items = distinct(codes)
    group = positions(items, reached)
    groups = len(items)
    n = np.bincount(group, minlength=groups)
    columns = [
        n,
        *(
            distinct_per_group(group, values[rows], groups)
            for values in (applied.segment, applied.transcript, applied.case, applied.informant)
        ),
        np.bincount(group, weights=applied.quoted[rows], minlength=groups).astype(np.intp),
    ]
    table = np.stack(columns, axis=1).tolist()
    return {int(item): tuple(table[i]) for i, item in enumerate(items.tolist()) if table[i][0]}
