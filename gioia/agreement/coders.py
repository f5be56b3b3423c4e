"""Every coefficient at once: of two coders (Cohen's κ among them) and of any number."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from gioia.agreement.alpha import _alpha
from gioia.agreement.base import FloatArray, Level, ManyCoderResult, TwoCoderResult
from gioia.agreement.kappa import _cohen, _cohen_missing, _multi_rater
from gioia.agreement.tables import _array, _one_hot, _values, _weights, unit_counts


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
