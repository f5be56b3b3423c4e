"""The evidence behind the structure's items, counted in numpy (no store): the codings
as they count (a coder's concept on a segment once, quoted when any of its spans is a
quote), and per item how many of them, of quotes, and of distinct segments, transcripts,
cases and informants they reach. ``gioia.ops.tree`` reads the arrays from the store."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gioia.arrays import IntArray, codes_at_level

#: The counts per item, in this order (``gioia.views_structure.Counts``'s fields).
COLUMNS = ("codings", "segments", "transcripts", "cases", "informants", "quotes")

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
    """The codings as they count, sorted by concept, then segment: each coder's concept
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
    concept, segment, kept = _once(codings.coder, codings.concept, at, quoted.astype(np.intp))
    transcript = positions(transcripts.id, segments.transcript)
    informant = np.where(
        segments.informant >= 0, segments.informant, transcripts.informant[transcript]
    )
    return Applications(
        concept,
        segment,
        transcript[segment],
        transcripts.case[transcript[segment]],
        informant[segment],
        kept,
    )


def _once(
    coder: IntArray, concept: IntArray, segment: IntArray, quoted: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """(concept, segment, quoted) once per coder, concept and segment (non-negative),
    quoted if any is, sorted by concept and segment: one sort of the four read as one
    number where that fits in 63 bits, else a sort of rows."""
    if not len(coder):
        return concept, segment, quoted
    sizes = [int(values.max()) + 1 for values in (concept, segment, coder)]
    if sizes[0] * sizes[1] * sizes[2] * 2 >= 2**63:
        order = np.lexsort((quoted, coder, segment, concept))
        rows = np.stack([concept, segment, coder, quoted], axis=1)[order]
        last = np.ones(len(rows), dtype=bool)  # the last of each: quoted, if any is
        last[:-1] = (rows[1:, :3] != rows[:-1, :3]).any(axis=1)
        kept = rows[last]
        return kept[:, 0], kept[:, 1], kept[:, 3]
    keys = np.sort(((concept * sizes[1] + segment) * sizes[2] + coder) * 2 + quoted)
    application = keys >> 1
    last = np.ones(len(keys), dtype=bool)
    last[:-1] = application[1:] != application[:-1]
    keys = keys[last]
    place = keys >> 1
    place //= sizes[2]
    return place // sizes[1], place % sizes[1], keys & 1


def positions(ids: IntArray, wanted: IntArray) -> IntArray:
    """Where each of ``wanted`` is in ``ids`` (every one is there): a table indexed by id
    where the ids are dense enough, else a binary search."""
    top = int(ids.max(initial=0))
    if top < 4 * len(ids) + 1024:
        at = np.zeros(top + 1, dtype=np.intp)
        at[ids] = np.arange(len(ids))
        found: IntArray = at[wanted]
        return found
    order = np.argsort(ids)
    found = order[np.searchsorted(ids[order], wanted)]
    return found


def distinct_per_group(group: IntArray, values: IntArray, groups: int) -> IntArray:
    """For each group (0 to ``groups`` - 1), how many distinct ``values`` its rows hold
    (-1, none, not counted): marked in a table of booleans where it is small enough, else
    counted after a sort (skipped when the pairs come sorted)."""
    size = int(values.max(initial=-1)) + 2
    keys = group * size + (values + 1)
    if groups * size <= TABLE_CELLS:
        table = np.zeros(groups * size, dtype=bool)
        table[keys] = True
        found: IntArray = np.count_nonzero(table.reshape(groups, size)[:, 1:], axis=1)
        return found
    if len(keys) and not (keys[1:] >= keys[:-1]).all():
        keys = np.sort(keys)
    new = np.ones(len(keys), dtype=bool)
    new[1:] = keys[1:] != keys[:-1]
    new &= keys % size != 0
    found = np.bincount(keys[new] // size, minlength=groups)
    return found


def level_counts(
    applied: Applications, concepts: IntArray, codes: IntArray
) -> dict[int, tuple[int, ...]]:
    """Each code's counts (``COLUMNS``) at a level where a coding of each concept applies
    the codes paired with it (``concepts`` sorted, as ``level_codes`` gives them): each
    application once in every code it reaches. Codes nothing applies are left out."""
    rows, reached = codes_at_level(applied.concept, concepts, codes)
    items = np.unique(codes)
    index = np.zeros(int(items.max(initial=0)) + 1, dtype=np.intp)
    index[items] = np.arange(len(items))
    group = index[reached]
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
