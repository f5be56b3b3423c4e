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
    """Agreement of two coders over the ``units`` both of them coded."""

    units: int
    percent: Coefficient
    cohen_kappa: Coefficient
    cohen_kappa_se: Coefficient
    scott_pi: Coefficient
    brennan_prediger: Coefficient
    gwet_ac1: Coefficient
    krippendorff_alpha: Coefficient


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
    probabilities. ``low``, ``high`` are ``None`` with a ``reason`` when there is no
    interval.
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
    counts: FloatArray, q: int
) -> tuple[int, Coefficient, Coefficient, Coefficient, Coefficient]:
    """Percent agreement, Fleiss' κ, AC1 and Brennan–Prediger from per-unit counts.

    Gwet (2014, ch. 2 and 4) with missing values: r_u = Σ_k n_uk; pa is the mean over
    units with r_u ≥ 2 of Σ_k n_uk(n_uk − 1) / (r_u(r_u − 1)); π_k the mean over units
    with r_u ≥ 1 of n_uk / r_u. Fleiss pe = Σ π_k²; AC1 pe = Σ π_k(1 − π_k) / (q − 1);
    Brennan–Prediger pe = 1/q. With two coders these are Scott's π, Gwet's two-rater AC1
    and κ_n.
    """
    r = counts.sum(axis=1)
    units = int(np.count_nonzero(r >= 2))
    if not units:
        none = Coefficient.undefined(_NO_PAIRS)
        return 0, none, none, none, none
    pairs = r * (r - 1)
    agreeing = (counts * (counts - 1)).sum(axis=1)
    pa = float(np.divide(agreeing, pairs, out=np.zeros_like(r), where=pairs > 0).sum()) / units
    inverse = np.divide(1.0, r, out=np.zeros_like(r), where=r > 0)
    pi = (counts.T @ inverse) / np.count_nonzero(r)
    fleiss = _chance_corrected(pa, float(pi @ pi), _ALL_SAME)
    if q < 2:
        ac1 = bp = Coefficient.undefined(_ONE_CATEGORY)
    else:
        ac1 = _chance_corrected(pa, float(pi @ (1 - pi)) / (q - 1), _ONE_CATEGORY)
        bp = _chance_corrected(pa, 1.0 / q, _ONE_CATEGORY)
    return units, Coefficient(pa), fleiss, ac1, bp


def _coincidences(counts: FloatArray, multiplicity: FloatArray | None = None) -> FloatArray:
    """Krippendorff's coincidence matrix o_ck = Σ_u (n_uc n_uk − [c = k] n_uc) / (m_u − 1).

    Units with fewer than two values add nothing. ``multiplicity`` (``… × units``) weights
    each unit, giving a stack of matrices (one per bootstrap resample).
    """
    w = 1.0 / np.maximum(counts.sum(axis=1) - 1, 1)
    if multiplicity is not None:
        w = multiplicity * w
    o: FloatArray = (counts.T * w[..., None, :]) @ counts
    diagonal = np.arange(counts.shape[1])
    o[..., diagonal, diagonal] -= w @ counts
    return o


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


def _alpha(counts: FloatArray, values: FloatArray, level: Level) -> Coefficient:
    """Krippendorff's α = 1 − (n − 1) Σ o_ck δ_ck / Σ n_c n_k δ_ck (Krippendorff 2011).

    The expected disagreement is exactly 0 when one value is all there is: absent values
    have n_c = 0.
    """
    if level not in LEVELS:
        raise ValueError(f"Unknown level {level!r}: use one of {', '.join(LEVELS)}.")
    o = _coincidences(counts)
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


# --- public API -----------------------------------------------------------------------


def alpha(
    data: npt.ArrayLike, level: Level = "nominal", categories: npt.ArrayLike | None = None
) -> Coefficient:
    """Krippendorff's α of ``coders × units`` data (NaN = missing) at ``level``."""
    counts, values = unit_counts(data, categories)
    return _alpha(counts, values, level)


def many_coders(
    data: npt.ArrayLike, categories: npt.ArrayLike | None = None, level: Level = "nominal"
) -> ManyCoderResult:
    """Percent agreement, Fleiss' κ, AC1, Brennan–Prediger (Gwet's forms with missing
    values; q = number of ``categories``, else of values present) and α at ``level``.

    For agreement per code, call it per code on a ``coders × units`` presence array with
    ``categories=(0, 1)``: a few milliseconds for 10 coders × 20,000 segments.
    """
    counts, values = unit_counts(data, categories)
    units, percent, fleiss, ac1, bp = _multi_rater(counts, len(values))
    return ManyCoderResult(units, level, percent, fleiss, ac1, bp, _alpha(counts, values, level))


def two_coders(
    a: npt.ArrayLike, b: npt.ArrayLike, categories: npt.ArrayLike | None = None
) -> TwoCoderResult:
    """Two coders' agreement over the units both coded (a unit either left blank drops):
    Cohen's κ with its standard error (see :func:`_cohen`), and Scott's π, κ_n, AC1 and
    α (nominal) as :func:`many_coders` computes them for two coders.
    """
    x = _both_coded(a, b)
    values = _values(x, categories)
    first, second = _one_hot(x, values)
    kappa, se, _, _ = _cohen(first.T @ second)
    counts = first + second
    units, percent, scott, ac1, bp = _multi_rater(counts, len(values))
    return TwoCoderResult(
        units, percent, kappa, se, scott, bp, ac1, _alpha(counts, values, "nominal")
    )


def pooled_kappa(tables: Sequence[npt.ArrayLike]) -> Pooled:
    """Pooled κ over codes, one two-coder contingency table per code (de Vries et al.
    2008): κ_pooled = (p̄o − p̄e)/(1 − p̄e), p̄o and p̄e Cohen's po and pe averaged over
    the codes with at least one unit. ``mean`` averages the defined per-code κ.
    """
    per_code: list[Coefficient] = []
    po_sum = pe_sum = 0.0
    used = 0
    for table in tables:
        t = _square(table)
        kappa, _, po, pe = _cohen(t)
        per_code.append(kappa)
        if t.sum() > 0:
            po_sum, pe_sum, used = po_sum + po, pe_sum + pe, used + 1
    if not used:
        pooled = Coefficient.undefined("No code has a unit coded by both coders.")
    else:
        pooled = _chance_corrected(
            po_sum / used, pe_sum / used, "In every code both coders used one category only."
        )
    defined = [c.value for c in per_code if c.value is not None]
    mean = (
        Coefficient(float(np.mean(defined)))
        if defined
        else Coefficient.undefined("No code has a defined κ.")
    )
    return Pooled(pooled, mean, tuple(per_code))


def bootstrap_alpha(
    data: npt.ArrayLike,
    n: int = 1000,
    seed: int | None = 0,
    level: Level = "nominal",
    minimums: Sequence[float] = (0.800, 0.667),
    categories: npt.ArrayLike | None = None,
) -> Bootstrap:
    """Unit-level bootstrap of Krippendorff's α, not Krippendorff's KALPHA algorithm
    (which resamples pairs of values and holds the expected disagreement fixed).

    Each of the ``n`` resamples draws the pairable units with replacement, as
    multinomial counts of the distinct unit profiles (the same distribution, drawn
    cheaply), and recomputes α, expected disagreement and ordinal metric included, from
    the weighted coincidence matrices, a block of resamples at a time. Gives the 95%
    percentile interval and, per minimum, the share of resamples with α < minimum
    (Hayes & Krippendorff's q). Reproducible for a given ``seed``: 1,000 resamples of
    5,000 units take a few tens of milliseconds.
    """
    if n < 1:
        raise ValueError("The bootstrap needs at least one resample.")
    counts, values = unit_counts(data, categories)
    estimate = _alpha(counts, values, level)
    if not estimate.defined:
        return Bootstrap(estimate, None, None, {}, 0, 0, estimate.reason)
    pairable = counts[counts.sum(axis=1) >= 2]
    profiles, frequency = np.unique(pairable, axis=0, return_counts=True)
    draws = np.random.default_rng(seed).multinomial(
        len(pairable), frequency / len(pairable), size=n
    )
    block = max(1, _BLOCK_CELLS // (profiles.size + len(values) ** 2))
    parts = [
        _disagreement(
            _coincidences(profiles, draws[i : i + block].astype(np.float64)), values, level
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
    low, high = np.quantile(alphas, [0.025, 0.975])
    p_below = {float(m): float(np.mean(alphas < m)) for m in minimums}
    return Bootstrap(estimate, float(low), float(high), p_below, n, undefined)


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
) -> str | None:
    """A one-sentence note when agreement is high (≥ ``high``) but κ low (< ``low``): the
    "kappa paradox" of extreme prevalence (Feinstein & Cicchetti 1990), else ``None``.
    """
    p, k = _number(percent), _number(kappa)
    if p is None or k is None or p < high - _EPS or k >= low:
        return None
    return (
        f"Coders agree on {p:.0%} of units yet κ is only {k:.2f}: when one category"
        " dominates, chance agreement is high and κ is low despite agreement (the kappa"
        " paradox), so report Gwet's AC1 beside it."
    )
