"""The κ family: percent agreement, Fleiss' κ, AC1 and Brennan–Prediger from per-unit
counts; Cohen's κ with its standard error, with missing values, and pooled over codes."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from gioia.agreement.base import (
    _ALL_SAME,
    _NO_PAIRS,
    _NOT_BOTH,
    _ONE_CATEGORY,
    _ONE_SHARED,
    Coefficient,
    FloatArray,
    Pooled,
    _chance_corrected,
)
from gioia.agreement.tables import _square


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
