"""Inter-coder agreement: pure statistics over numpy arrays.

Reliability data are a ``coders × units`` array of numbers (codes already mapped to
numbers), ``np.nan`` where a coder gave no value: a coder who looked and found nothing
must be coded as a value (say 0 for "code absent"), not as missing. ``categories`` lists
the possible values when some do not occur; Brennan–Prediger and Gwet's AC1 depend on
their number q.

Every coefficient is a :class:`Coefficient`: a value, or ``None`` with the reason it is
undefined for these data (no pairable unit, or zero expected disagreement). Invalid
input (wrong shape, a value outside ``categories``) raises ``ValueError``.

Sources: Cohen (1960); Fleiss, Cohen & Everitt (1969) for κ's standard error; Scott
(1955); Fleiss (1971); Brennan & Prediger (1981); Gwet, *Handbook of Inter-Rater
Reliability* (4th ed., 2014) for AC1 and the multi-rater forms with missing values;
Krippendorff, *Computing Krippendorff's Alpha-Reliability* (2011); de Vries et al.,
*Field Methods* 20 (2008) for pooled κ; Landis & Koch (1977); Krippendorff, *Content
Analysis* (2004) for the .800/.667 thresholds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

Level = Literal["nominal", "ordinal", "interval", "ratio"]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")
# Below this, 1 − pe counts as zero: chance agreement sums proportions that add up
# to 1 only up to rounding when every rating is in one category.
_TINY = 1e-12
# Float noise allowed when comparing a coefficient with a published threshold.
_EPS = 1e-9
# Up to this many values, counting them one by one is faster than a binary search.
_FEW_VALUES = 16
# Up to this many possible columns, distinct units are counted, not sorted.
_COUNTED_KEYS = 1 << 20
# From this many values on, coincidences are summed over each unit's pairs of values
# rather than as one dense product.
_MANY_VALUES = 64
# Bootstrap resamples are processed in blocks of about this many array cells.
_BLOCK_CELLS = 4_000_000

_NO_PAIRS = "No unit was coded by two or more coders."
_ONE_CATEGORY = "Only one category is possible: pass every possible value as `categories`."
_ALL_SAME = "Every rating falls in the same category, so chance agreement is 1."
_NO_DISAGREEMENT = "Every pairable value is the same, so the expected disagreement is 0."
_NOT_BOTH = "No unit was coded by both coders."
_ONE_SHARED = "Both coders used one and the same category only, so chance agreement is 1."


@dataclass(frozen=True)
class Coefficient:
    """A coefficient's value, or ``value=None`` with the ``reason`` it is undefined."""

    value: float | None
    reason: str | None = None

    def __post_init__(self) -> None:
        if (self.value is None) == (self.reason is None):
            raise ValueError("A Coefficient has either a value or a reason, not both.")
        if self.value is not None:
            if not math.isfinite(self.value):
                raise ValueError("A Coefficient value must be finite: give a reason instead.")
            object.__setattr__(self, "value", float(self.value))

    @classmethod
    def undefined(cls, reason: str) -> Coefficient:
        return cls(None, reason)

    @property
    def defined(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class TwoCoderResult:
    """Agreement of two coders; ``units`` counts those both coded. ``cohen_terms`` are
    Cohen's observed and chance agreement (po, pe), ``None`` when no unit was coded by
    both, for pooling κ over codes."""

    units: int
    percent: Coefficient
    cohen_kappa: Coefficient
    cohen_kappa_se: Coefficient
    scott_pi: Coefficient
    brennan_prediger: Coefficient
    gwet_ac1: Coefficient
    krippendorff_alpha: Coefficient
    cohen_terms: tuple[float, float] | None = None


@dataclass(frozen=True)
class ManyCoderResult:
    """Agreement of any number of coders; ``units`` counts those coded by two or more."""

    units: int
    level: Level
    percent: Coefficient
    fleiss_kappa: Coefficient
    gwet_ac1: Coefficient
    brennan_prediger: Coefficient
    krippendorff_alpha: Coefficient


@dataclass(frozen=True)
class Pooled:
    """Pooled κ over codes (de Vries et al. 2008) beside the mean of the per-code κ."""

    pooled: Coefficient
    mean: Coefficient
    per_code: tuple[Coefficient, ...]


@dataclass(frozen=True)
class Bootstrap:
    """Bootstrap distribution of α: 95% percentile interval and P(α < minimum).

    ``undefined`` resamples (every value the same) are left out of the interval and the
    probabilities. ``low``, ``high`` are ``None`` (and ``p_below`` empty) with a
    ``reason`` when there is no interval.
    """

    alpha: Coefficient
    low: float | None
    high: float | None
    p_below: Mapping[float, float]
    resamples: int
    undefined: int
    reason: str | None = None


# --- building blocks ----------------------------------------------------------------


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


def _chance_corrected(pa: float, pe: float, reason: str) -> Coefficient:
    """(pa − pe) / (1 − pe), undefined when pe = 1."""
    if 1.0 - pe <= _TINY:
        return Coefficient.undefined(reason)
    return Coefficient((pa - pe) / (1.0 - pe))


def _multi_rater(
    counts: FloatArray, q: int, weights: FloatArray
) -> tuple[int, Coefficient, Coefficient, Coefficient, Coefficient]:
    """Percent agreement, Fleiss' κ, AC1 and Brennan–Prediger from per-unit counts.

    Gwet (2014, ch. 2 and 4) with missing values: r_u = Σ_k n_uk; pa is the mean over
    units with r_u ≥ 2 of Σ_k n_uk(n_uk − 1) / (r_u(r_u − 1)); π_k the mean over units
    with r_u ≥ 1 of n_uk / r_u. Fleiss pe = Σ π_k²; AC1 pe = Σ π_k(1 − π_k) / (q − 1);
    Brennan–Prediger pe = 1/q. With two coders these are Scott's π, Gwet's two-rater AC1
    and κ_n. A unit counts ``weights[u]`` times.
    """
    r = counts.sum(axis=1)
    units = int(weights[r >= 2].sum())
    if not units:
        none = Coefficient.undefined(_NO_PAIRS)
        return 0, none, none, none, none
    pairs = r * (r - 1)
    agreeing = (counts * (counts - 1)).sum(axis=1)
    share = np.divide(agreeing, pairs, out=np.zeros_like(r), where=pairs > 0)
    pa = float(share @ weights) / units
    inverse = np.divide(weights, r, out=np.zeros_like(r), where=r > 0)
    pi = (counts.T @ inverse) / float(weights[r > 0].sum())
    fleiss = _chance_corrected(pa, float(pi @ pi), _ALL_SAME)
    if q < 2:
        ac1 = bp = Coefficient.undefined(_ONE_CATEGORY)
    else:
        ac1 = _chance_corrected(pa, float(pi @ (1 - pi)) / (q - 1), _ONE_CATEGORY)
        bp = _chance_corrected(pa, 1.0 / q, _ONE_CATEGORY)
    return units, Coefficient(pa), fleiss, ac1, bp


def _coincidences(counts: FloatArray, weights: FloatArray) -> FloatArray:
    """Krippendorff's coincidence matrix o_ck = Σ_u (n_uc n_uk − [c = k] n_uc) / (m_u − 1),
    a unit counting ``weights[u]`` times.

    Units with fewer than two values add nothing.
    """
    w = weights / np.maximum(counts.sum(axis=1) - 1, 1)
    q = counts.shape[1]
    diagonal = np.arange(q)
    if q < _MANY_VALUES:
        o: FloatArray = (counts.T * w) @ counts
    else:  # a unit holds few of the values: add up the pairs of values each unit holds
        unit, value = np.nonzero(counts)  # the nonzero cells, unit after unit
        size = np.bincount(unit, minlength=len(counts))[unit]  # the cells of each one's unit
        left = np.repeat(np.arange(len(unit)), size)  # each cell, once per cell of its unit
        within = np.arange(len(left)) - np.searchsorted(left, left)  # 0, 1, … in each block
        right = np.searchsorted(unit, unit[left]) + within  # the unit's cells, in turn
        n = counts[unit, value]
        pairs = np.bincount(
            value[left] * q + value[right],
            weights=n[left] * n[right] * w[unit[left]],
            minlength=q * q,
        )
        o = np.asarray(pairs, dtype=np.float64).reshape(q, q)
    o[diagonal, diagonal] -= w @ counts
    return o


def cluster_coincidences(counts: FloatArray, clusters: npt.ArrayLike) -> FloatArray:
    """One coincidence matrix per cluster of units (``clusters`` labels each unit), for
    the clusters with a pairable unit: ``clusters × q × q``, summing to the whole data's.

    Runs of consecutive units of one cluster with the same values are added at once, so a
    segment of a few thousand characters costs a few runs, not its characters.
    """
    labels = np.asarray(clusters)
    m = counts.sum(axis=1)
    pairable = m >= 2
    counts, labels, m = counts[pairable], labels[pairable], m[pairable]
    q = counts.shape[1]
    if not len(counts):
        return np.zeros((0, q, q))
    starts = np.ones(len(counts), dtype=bool)
    starts[1:] = (labels[1:] != labels[:-1]) | (counts[1:] != counts[:-1]).any(axis=1)
    first = np.flatnonzero(starts)
    lengths = np.diff(np.append(first, len(counts)))
    runs = counts[first]
    weight = lengths / (m[first] - 1)
    per_run = runs[:, :, None] * runs[:, None, :]
    diagonal = np.arange(q)
    per_run[:, diagonal, diagonal] -= runs
    which = np.unique(labels[first], return_inverse=True)[1].ravel()
    order = np.argsort(which, kind="stable")
    grouped = which[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    out: FloatArray = np.add.reduceat((per_run * weight[:, None, None])[order], starts, axis=0)
    return out


def _disagreement(o: FloatArray, values: FloatArray, level: Level) -> tuple[FloatArray, FloatArray]:
    """(n − 1) Σ o_ck δ_ck and Σ n_c n_k δ_ck, so that α = 1 − first / second.

    δ²: nominal [c ≠ k]; interval (c − k)²; ratio ((c − k)/(c + k))² (0 when c + k = 0);
    ordinal (M_k − M_c)² with M_g = Σ_{h ≤ g} n_h − n_g/2, which is Krippendorff's
    (Σ_{g=c..k} n_g − (n_c + n_k)/2)².
    """
    n_c = o.sum(axis=-1)
    n = n_c.sum(axis=-1)
    if level == "nominal":
        delta = 1.0 - np.eye(len(values))
    elif level == "ratio":
        total = values[:, None] + values[None, :]
        diff = values[:, None] - values[None, :]
        delta = np.divide(diff, total, out=np.zeros_like(total), where=total != 0) ** 2
    else:
        at = values if level == "interval" else np.cumsum(n_c, axis=-1) - n_c / 2
        delta = (at[..., :, None] - at[..., None, :]) ** 2
    observed = (n - 1) * (o * delta).sum(axis=(-2, -1))
    expected = np.einsum("...c,...ck,...k->...", n_c, delta, n_c)
    return observed, expected


def _alpha(
    counts: FloatArray, values: FloatArray, level: Level, weights: FloatArray
) -> Coefficient:
    """Krippendorff's α = 1 − (n − 1) Σ o_ck δ_ck / Σ n_c n_k δ_ck (Krippendorff 2011).

    The expected disagreement is exactly 0 when one value is all there is: absent values
    have n_c = 0.
    """
    if level not in LEVELS:
        raise ValueError(f"Unknown level {level!r}: use one of {', '.join(LEVELS)}.")
    o = _coincidences(counts, weights)
    if o.sum() < 2:
        return Coefficient.undefined(_NO_PAIRS)
    observed, expected = _disagreement(o, values, level)
    if expected <= 0:
        return Coefficient.undefined(_NO_DISAGREEMENT)
    return Coefficient(1.0 - float(observed) / float(expected))


def _cohen(table: FloatArray) -> tuple[Coefficient, Coefficient, float, float]:
    """Cohen's κ, its standard error, po = Σ p_kk and pe = Σ p_k+ p_+k from a q × q table.

    κ = (po − pe)/(1 − pe) (Cohen 1960); the large-sample standard error of Fleiss, Cohen
    & Everitt (1969), SAS PROC FREQ's ASE: var = [Σ_k p_kk(1 − (p_k+ + p_+k)(1 − κ))²
    + (1 − κ)² Σ_{j≠k} p_jk(p_+j + p_k+)² − (κ − pe(1 − κ))²] / (N(1 − pe)²).
    """
    n = float(table.sum())
    if n == 0:
        none = Coefficient.undefined(_NOT_BOTH)
        return none, none, 0.0, 0.0
    p = table / n
    row, col = p.sum(axis=1), p.sum(axis=0)
    po, pe = float(np.trace(p)), float(row @ col)
    kappa = _chance_corrected(po, pe, _ONE_SHARED)
    if kappa.value is None:
        return kappa, kappa, po, pe
    k = kappa.value
    diagonal = np.diag(p) @ (1 - (row + col) * (1 - k)) ** 2
    off = p * (col[:, None] + row[None, :]) ** 2
    off_diagonal = (1 - k) ** 2 * (off.sum() - np.trace(off))
    var = (diagonal + off_diagonal - (k - pe * (1 - k)) ** 2) / (n * (1 - pe) ** 2)
    return kappa, Coefficient(math.sqrt(max(float(var), 0.0))), po, pe


def _cohen_missing(
    table: FloatArray, first: FloatArray, second: FloatArray, single: int
) -> tuple[Coefficient, Coefficient, float, float]:
    """Cohen's κ when some units were coded by one coder only (Gwet 2014, Conger's κ for
    two raters): po over the units both coded, pe = Σ_k p_Ak p_Bk with each coder's
    shares p_k taken over every unit that coder coded. The standard error is undefined:
    the large-sample formula assumes complete data."""
    n = float(table.sum())
    if n == 0:
        none = Coefficient.undefined(_NOT_BOTH)
        return none, none, 0.0, 0.0
    po = float(np.trace(table)) / n
    pe = float((first / first.sum()) @ (second / second.sum()))
    kappa = _chance_corrected(po, pe, _ONE_SHARED)
    se = Coefficient.undefined(
        f"The large-sample standard error assumes complete data, but {single} unit(s) were"
        " coded by one coder only."
    )
    return kappa, (se if kappa.defined else kappa), po, pe


# --- public API -----------------------------------------------------------------------


def alpha(
    data: npt.ArrayLike,
    level: Level = "nominal",
    categories: npt.ArrayLike | None = None,
    weights: npt.ArrayLike | None = None,
) -> Coefficient:
    """Krippendorff's α of ``coders × units`` data (NaN = missing) at ``level``; a unit
    (column) counts ``weights[u]`` times (see :func:`distinct_units`)."""
    counts, values = unit_counts(data, categories)
    return _alpha(counts, values, level, _weights(weights, counts))


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


def many_coders(
    data: npt.ArrayLike,
    categories: npt.ArrayLike | None = None,
    level: Level = "nominal",
    q: int | None = None,
    weights: npt.ArrayLike | None = None,
) -> ManyCoderResult:
    """Percent agreement, Fleiss' κ, AC1, Brennan–Prediger (Gwet's forms with missing
    values; ``q`` possible categories, by default the number of ``categories``, else of
    values present) and α at ``level`` (which unused categories do not change); a unit
    counts ``weights[u]`` times.

    For agreement per code, call it per code on a ``coders × units`` presence array with
    ``categories=(0, 1)``: a few milliseconds for 10 coders × 20,000 segments.
    """
    counts, values = unit_counts(data, categories)
    w = _weights(weights, counts)
    units, percent, fleiss, ac1, bp = _multi_rater(counts, _possible(q, values), w)
    return ManyCoderResult(units, level, percent, fleiss, ac1, bp, _alpha(counts, values, level, w))


def _possible(q: int | None, values: FloatArray) -> int:
    """The number of possible categories: ``q`` when given (at least those present)."""
    if q is None:
        return len(values)
    if q < len(values):
        raise ValueError(f"{len(values)} categories occur, more than the {q} possible.")
    return q


def two_coders(
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    categories: npt.ArrayLike | None = None,
    q: int | None = None,
    weights: npt.ArrayLike | None = None,
) -> TwoCoderResult:
    """Two coders' agreement in Gwet's (2014) forms with missing values: Cohen's κ with
    po over the units both coded and each coder's category shares over every unit they
    coded (plain Cohen's κ, with its standard error, when no value is missing; see
    :func:`_cohen`), and Scott's π, κ_n, AC1 and α (nominal) as :func:`many_coders`
    computes them for two coders. A unit counts ``weights[u]`` times.
    """
    x = _array([np.ravel(a), np.ravel(b)], "Two coders' values")
    values = _values(x, categories)
    first, second = _one_hot(x, values)
    w = _weights(weights, first)
    coded_a, coded_b = first.sum(axis=1) > 0, second.sum(axis=1) > 0
    both = coded_a & coded_b
    single = int(w[coded_a ^ coded_b].sum())
    table = first[both].T @ (second[both] * w[both, None])
    if single:
        kappa, se, po, pe = _cohen_missing(table, w @ first, w @ second, single)
    else:
        kappa, se, po, pe = _cohen(table)
    counts = first + second
    _, percent, scott, ac1, bp = _multi_rater(counts, _possible(q, values), w)
    return TwoCoderResult(
        int(w[both].sum()),
        percent,
        kappa,
        se,
        scott,
        bp,
        ac1,
        _alpha(counts, values, "nominal", w),
        (po, pe) if table.sum() > 0 else None,
    )


def pooled_kappa(tables: Sequence[npt.ArrayLike]) -> Pooled:
    """Pooled κ over codes from one two-coder contingency table per code (complete
    data); see :func:`pool_kappa`."""
    kappas: list[Coefficient] = []
    terms: list[tuple[float, float] | None] = []
    for table in tables:
        t = _square(table)
        kappa, _, po, pe = _cohen(t)
        kappas.append(kappa)
        terms.append((po, pe) if t.sum() > 0 else None)
    return pool_kappa(kappas, terms)


def pool_kappa(
    kappas: Sequence[Coefficient], terms: Sequence[tuple[float, float] | None]
) -> Pooled:
    """Pooled κ over codes (de Vries et al. 2008): κ_pooled = (p̄o − p̄e)/(1 − p̄e), with
    each code's Cohen po and pe (``terms``, ``None`` for a code with no unit coded by
    both) averaged over the codes that have them; ``mean`` averages the defined κ."""
    used = [t for t in terms if t is not None]
    if not used:
        pooled = Coefficient.undefined("No code has a unit coded by both coders.")
    else:
        pooled = _chance_corrected(
            sum(po for po, _ in used) / len(used),
            sum(pe for _, pe in used) / len(used),
            "In every code both coders used one category only.",
        )
    defined = [c.value for c in kappas if c.value is not None]
    mean = (
        Coefficient(float(np.mean(defined)))
        if defined
        else Coefficient.undefined("No code has a defined κ.")
    )
    return Pooled(pooled, mean, tuple(kappas))


def bootstrap_alpha(
    data: npt.ArrayLike,
    n: int = 1000,
    seed: int | None = 0,
    level: Level = "nominal",
    minimums: Sequence[float] = (0.800, 0.667),
    categories: npt.ArrayLike | None = None,
    clusters: npt.ArrayLike | None = None,
) -> Bootstrap:
    """Bootstrap of Krippendorff's α over independent units, not Krippendorff's KALPHA
    algorithm (which resamples pairs of values and holds the expected disagreement fixed).

    ``clusters`` labels each unit (column) with the independent unit it belongs to (the
    segment of a character); by default each unit is its own. Each of the ``n``
    resamples draws the clusters that hold a pairable unit with replacement, as
    multinomial counts of the distinct cluster coincidence matrices (the same
    distribution, drawn cheaply), and recomputes α, expected disagreement and ordinal
    metric included, from their sum: so the resampled statistic is the estimate's own.
    Gives the 95% percentile interval and, per minimum, the share of resamples with
    α < minimum (Hayes & Krippendorff's q). An interval that does not contain the
    estimate (too few clusters or resamples for the percentiles to mean anything) is not
    given: its ``reason`` says so. Reproducible for a given ``seed``: 1,000 resamples of 5,000
    units take a few tens of milliseconds.
    """
    if n < 1:
        raise ValueError("The bootstrap needs at least one resample.")
    counts, values = unit_counts(data, categories)
    estimate = _alpha(counts, values, level, np.ones(len(counts)))
    if not estimate.defined:
        return Bootstrap(estimate, None, None, {}, 0, 0, estimate.reason)
    q = len(values)
    if clusters is None:  # each unit its own: units with the same values are one profile
        pairable = counts[counts.sum(axis=1) >= 2]
        distinct, frequency = np.unique(pairable, axis=0, return_counts=True)
        per_profile = cluster_coincidences(distinct, np.arange(len(distinct)))
        profiles, drawn = per_profile.reshape(len(distinct), q * q), len(pairable)
    else:
        labels = np.asarray(clusters)
        if labels.shape != (len(counts),):
            raise ValueError("Give one cluster label per unit.")
        per_cluster = cluster_coincidences(counts, labels)
        profiles, frequency = np.unique(
            per_cluster.reshape(len(per_cluster), q * q), axis=0, return_counts=True
        )
        drawn = len(per_cluster)
    draws = np.random.default_rng(seed).multinomial(drawn, frequency / drawn, size=n)
    block = max(1, _BLOCK_CELLS // (len(profiles) + q * q))
    parts = [
        _disagreement(
            (draws[i : i + block].astype(np.float64) @ profiles).reshape(-1, q, q), values, level
        )
        for i in range(0, n, block)
    ]
    observed = np.concatenate([p[0] for p in parts])
    expected = np.concatenate([p[1] for p in parts])
    ok = expected > 0
    alphas = 1.0 - observed[ok] / expected[ok]
    undefined = n - int(ok.sum())
    if not alphas.size:
        return Bootstrap(estimate, None, None, {}, n, undefined, "No resample has a defined α.")
    low, high = (float(v) for v in np.quantile(alphas, [0.025, 0.975]))
    p_below = {float(m): float(np.mean(alphas < m)) for m in minimums}
    assert estimate.value is not None
    if not low - _EPS <= estimate.value <= high + _EPS:
        reason = (
            f"The resamples' 95% range [{low:.3f}, {high:.3f}] does not contain the estimate"
            f" {estimate.value:.3f}: {drawn} independent unit(s) and {n} resample(s) are too"
            " few for a percentile interval."
        )
        return Bootstrap(estimate, None, None, {}, n, undefined, reason)
    return Bootstrap(estimate, low, high, p_below, n, undefined)


# --- interpretation -------------------------------------------------------------------

_LANDIS_KOCH = ((0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial"))


def _number(value: float | Coefficient) -> float | None:
    if isinstance(value, Coefficient):
        return value.value
    if not math.isfinite(value):
        raise ValueError(f"{value} is not a coefficient: pass the Coefficient when undefined.")
    return float(value)


def interpret_kappa(value: float | Coefficient) -> str:
    """Landis & Koch (1977) band of a κ-type value: poor (< 0), slight (≤ .20), fair
    (≤ .40), moderate (≤ .60), substantial (≤ .80), almost perfect; or "undefined".
    """
    v = _number(value)
    if v is None:
        return "undefined"
    if v < -_EPS:
        return "poor"
    return next((label for bound, label in _LANDIS_KOCH if v <= bound + _EPS), "almost perfect")


def interpret_alpha(value: float | Coefficient) -> str:
    """Krippendorff (2004): α ≥ .800 reliable; ≥ .667 tentative conclusions only; below,
    unreliable; or "undefined".
    """
    v = _number(value)
    if v is None:
        return "undefined"
    if v >= 0.800 - _EPS:
        return "reliable"
    if v >= 0.667 - _EPS:
        return "tentative conclusions only"
    return "unreliable"


def kappa_paradox(
    percent: float | Coefficient,
    kappa: float | Coefficient,
    high: float = 0.85,
    low: float = 0.40,
) -> bool:
    """Whether agreement is high (≥ ``high``) but κ low (< ``low``): the "kappa paradox"
    of extreme prevalence (Feinstein & Cicchetti 1990), where chance agreement is high
    and κ low despite agreement."""
    p, k = _number(percent), _number(kappa)
    return p is not None and k is not None and p >= high - _EPS and k < low
