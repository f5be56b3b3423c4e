"""Reliability data as counts and tables: per-unit counts, contingency tables and back,
distinct units with their weights."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from gioia.agreement.base import _COUNTED_KEYS, _FEW_VALUES, FloatArray, IntArray


def _values(x: FloatArray, categories: npt.ArrayLike | None) -> FloatArray:
    """Sorted possible values: ``categories``, or the values present in ``x``."""
    if categories is None:
        return np.unique(x[~np.isnan(x)])
    values = np.unique(np.asarray(categories, dtype=np.float64))
    if np.isnan(values).any():
        raise ValueError("Categories must be numbers, not missing values.")
    return values


def _array(data: npt.ArrayLike, what: str) -> FloatArray:
    x = np.asarray(data, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"{what} must be a 2-D array, not {x.ndim}-D.")
    if np.isinf(x).any():
        raise ValueError(f"{what} must be finite numbers, with NaN for a missing value.")
    return x


def unit_counts(
    data: npt.ArrayLike, categories: npt.ArrayLike | None = None
) -> tuple[FloatArray, FloatArray]:
    """Per-unit counts ``n[u, k]`` (how many coders gave unit u the k-th value) and the
    sorted values (``categories``, or those in the data). Every coefficient starts here.
    """
    x = _array(data, "Reliability data (coders × units)")
    values = _values(x, categories)
    q, units = len(values), x.shape[1]
    rated = ~np.isnan(x)
    if q <= _FEW_VALUES:  # one pass per value beats a binary search
        counts = np.zeros((units, q))
        for k, v in enumerate(values):
            counts[:, k] = np.count_nonzero(x == v, axis=0)
    else:
        cells = x[rated]
        unit = np.nonzero(rated)[1]
        idx = np.minimum(np.searchsorted(values, cells), q - 1)
        hit = values[idx] == cells
        flat = unit[hit] * q + idx[hit]
        counts = np.bincount(flat, minlength=units * q).reshape(units, q).astype(np.float64)
    if counts.sum() != np.count_nonzero(rated):
        stray = x[rated & ~np.isin(x, values)][0]
        raise ValueError(f"The value {stray:g} is not one of the categories given.")
    return counts, values


def _both_coded(a: npt.ArrayLike, b: npt.ArrayLike) -> FloatArray:
    x = _array([np.ravel(a), np.ravel(b)], "Two coders' values")
    return x[:, ~np.isnan(x).any(axis=0)]


def _one_hot(x: FloatArray, values: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Each of two coders' ``units × q`` indicator matrices."""
    return unit_counts(x[:1], values)[0], unit_counts(x[1:], values)[0]


def contingency(
    a: npt.ArrayLike, b: npt.ArrayLike, categories: npt.ArrayLike | None = None
) -> FloatArray:
    """``q × q`` table of two coders' values (rows ``a``) over the units both coded."""
    x = _both_coded(a, b)
    first, second = _one_hot(x, _values(x, categories))
    table: FloatArray = first.T @ second
    return table


def from_table(table: npt.ArrayLike) -> FloatArray:
    """``2 × N`` values (category indices 0..q−1) from a two-coder contingency table."""
    t = _square(table)
    rows, cols = np.indices(t.shape)
    reps = _whole(t.ravel(), "Table cells")
    return np.vstack([np.repeat(rows.ravel(), reps), np.repeat(cols.ravel(), reps)]).astype(
        np.float64
    )


def from_counts(counts: npt.ArrayLike) -> FloatArray:
    """``coders × units`` values (category indices 0..q−1, NaN-padded) from ``units × q``
    counts. Pass ``categories=range(q)`` with it so that unused categories count.
    """
    c = np.asarray(counts)
    if c.ndim != 2:
        raise ValueError("Counts must be a units × categories array.")
    units, q = c.shape
    reps = _whole(c.ravel(), "Counts")
    per_unit = reps.reshape(units, q).sum(axis=1)
    values = np.repeat(np.tile(np.arange(q), units), reps)
    unit = np.repeat(np.arange(units), per_unit)
    rank = np.arange(len(values)) - np.repeat(np.cumsum(per_unit) - per_unit, per_unit)
    out = np.full((int(per_unit.max(initial=0)), units), np.nan)
    out[rank, unit] = values
    return out


def _square(table: npt.ArrayLike) -> FloatArray:
    t = _array(table, "A contingency table")
    if t.shape[0] != t.shape[1]:
        raise ValueError("A contingency table must be square: the same categories for both.")
    return t


def _whole(cells: npt.NDArray[np.generic], what: str) -> IntArray:
    n = np.asarray(cells, dtype=np.float64)
    if (n < 0).any() or (n != np.round(n)).any():
        raise ValueError(f"{what} must be whole numbers of units, not negative or fractional.")
    return n.astype(np.intp)


def distinct_units(data: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """The distinct units (columns) of ``coders × units`` data and how many times each
    occurs: every coefficient gives the same on them with those ``weights``, and
    thousands of characters coded alike are computed once."""
    x = _array(data, "Reliability data (coders × units)")
    rated = ~np.isnan(x)
    values = np.unique(x[rated])
    base = len(values) + 1
    if base ** len(x) >= 2**62:  # too many coders to number the columns: sort them
        columns, times = np.unique(np.where(rated, x, np.inf), axis=1, return_counts=True)
        columns[np.isinf(columns)] = np.nan
        return columns, times.astype(np.float64)
    digits = np.where(rated, np.searchsorted(values, np.where(rated, x, 0.0)), len(values))
    place = base ** np.arange(len(x), dtype=np.int64)
    key = (digits * place[:, None]).sum(axis=0)
    if base ** len(x) <= _COUNTED_KEYS:  # count the keys rather than sort them
        counted = np.bincount(key, minlength=base ** len(x))
        present = np.flatnonzero(counted)
        found = present[None, :] // place[:, None] % base
        padded = np.append(values, np.nan)
        return padded[found], counted[present].astype(np.float64)
    _, first, times = np.unique(key, return_index=True, return_counts=True)
    return x[:, first], times.astype(np.float64)


def _weights(weights: npt.ArrayLike | None, counts: FloatArray) -> FloatArray:
    if weights is None:
        return np.ones(len(counts))
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (len(counts),) or (w < 0).any():
        raise ValueError("Give one weight per unit, none negative.")
    return w
