"""Integer arrays as sets and keys: distinct values and rows, and where values sit among
keys (numpy only; the readers of the store join and group with these)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]


def distinct(values: IntArray) -> IntArray:
    """The distinct values, sorted (a sort: numpy 2's ``unique`` of many distinct integers
    is dozens of times slower)."""
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    found: IntArray = ordered[keep]
    return found


def distinct_rows(rows: IntArray) -> IntArray:
    """The distinct rows of a 2-D array of non-negative integers, sorted (each row read
    as one number: a 1-D sort, many times faster than ``np.unique(axis=0)``)."""
    if not len(rows):
        return rows
    span = rows.max(axis=0).astype(np.int64) + 1
    place = np.cumprod(np.r_[span[1:], 1][::-1])[::-1]
    keys = distinct(rows.astype(np.int64) @ place)
    found: IntArray = (keys[:, None] // place % span).astype(rows.dtype)
    return found


def index_in(keys: IntArray, values: IntArray) -> tuple[BoolArray, IntArray]:
    """For each of ``values``: whether it is one of ``keys``, and its position there."""
    if not len(keys):
        return np.zeros(len(values), dtype=bool), np.zeros(len(values), dtype=np.intp)
    order = np.argsort(keys, kind="stable")
    ranked = keys[order]
    at = np.minimum(np.searchsorted(ranked, values), len(ranked) - 1)
    return ranked[at] == values, order[at]


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


def codes_at_level(
    concept_of: IntArray, concepts: IntArray, codes: IntArray
) -> tuple[IntArray, IntArray]:
    """Each coding (its concept in ``concept_of``) once per code its concept has at a
    level (pairs ``concepts``, sorted, and ``codes``, as ``ops.levels.level_codes`` gives
    them): which coding (an index into ``concept_of``), and the code."""
    top = max(int(concepts.max(initial=-1)), int(concept_of.max(initial=-1))) + 1
    if top < 4 * len(concepts) + 1024:  # dense ids: a table indexed by concept
        times_of = np.bincount(concepts, minlength=top)
        first_of = np.cumsum(times_of) - times_of
        times, first = times_of[concept_of], first_of[concept_of]
    else:
        first = np.searchsorted(concepts, concept_of, side="left")
        times = np.searchsorted(concepts, concept_of, side="right") - first
    if (times == 1).all():  # one code each: every coding once, in order
        return np.arange(len(concept_of)), codes[first]
    rows = np.repeat(np.arange(len(concept_of)), times)
    within = np.arange(len(rows)) - np.repeat(np.cumsum(times) - times, times)
    return rows, codes[np.repeat(first, times) + within]
