"""Agreement per code and overall, counted for every code at once: each code's units as
distinct columns with their weights (``_profiles``), every coefficient on them
(:func:`coefficients`), the overall figures (pooled κ, means) and the bootstrap of α.
No store access: the reliability data come from :mod:`gioia.ops.reliability_data`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from gioia import agreement as ag
from gioia.ops.reliability_data import Matrix, Scope
from gioia.views_agreement import AlphaBootstrap, CodeAgreement

CONVENTION = "gwet-2014"
TWO_ONLY = "Defined for two coders; see Fleiss' κ."
NOT_INDEPENDENT = (
    "Characters are not independent units: see the bootstrap of α, which resamples segments."
)
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class _Row:
    """A code's agreement with Cohen's terms (po, pe) for pooling κ over codes."""

    view: CodeAgreement
    terms: tuple[float, float] | None


def multi_rater(many: ag.ManyCoderResult) -> dict[str, ag.Coefficient]:
    """The coefficients of any number of coders, by the names a report gives them."""
    return {
        "percent": many.percent,
        "fleiss_kappa": many.fleiss_kappa,
        "gwet_ac1": many.gwet_ac1,
        "brennan_prediger": many.brennan_prediger,
        "krippendorff_alpha": many.krippendorff_alpha,
    }


def coefficients(
    values: FloatArray,
    *,
    two: bool,
    independent: bool = True,
    weights: FloatArray | None = None,
) -> tuple[dict[str, ag.Coefficient], tuple[float, float] | None]:
    """Every coefficient for ``coders × units`` presence data (NaN = not read), and
    Cohen's (po, pe) for two coders; units coded alike are computed once (or are given
    once, with their ``weights``)."""
    if weights is None:
        values, weights = ag.distinct_units(values)
    many = ag.many_coders(values, categories=(0, 1), weights=weights)
    result = multi_rater(many)
    terms = None
    if two:
        pair = ag.two_coders(values[0], values[1], categories=(0, 1), weights=weights)
        se = pair.cohen_kappa_se
        if not independent and se.defined:
            se = ag.Coefficient.undefined(NOT_INDEPENDENT)
        result.update(cohen_kappa=pair.cohen_kappa, cohen_kappa_se=se, scott_pi=pair.scott_pi)
        terms = pair.cohen_terms
    else:
        undefined = ag.Coefficient.undefined(TWO_ONLY)
        result.update(cohen_kappa=undefined, cohen_kappa_se=undefined, scott_pi=undefined)
    return result, terms


def _bootstrap(
    data: FloatArray,
    resamples: int | None,
    seed: int,
    *,
    categories: npt.ArrayLike,
    clusters: npt.ArrayLike | None = None,
    level: ag.Level = "nominal",
) -> AlphaBootstrap | None:
    """The bootstrap of α over the independent units (``clusters``), when asked for."""
    if not resamples:
        return None
    found = ag.bootstrap_alpha(
        data, resamples, seed=seed, level=level, categories=categories, clusters=clusters
    )
    return AlphaBootstrap(
        found.low,
        found.high,
        {f"{m:.3f}": p for m, p in found.p_below.items()},
        found.undefined,
        found.reason,
    )


@dataclass(frozen=True)
class _Cells:
    """The applications of the codes asked for, for every code at once: each (code, unit)
    pair where one coder or more applied the code (``code`` indexes the codes asked for;
    ``appliers``: how many coders), and each application (code index, coder row, unit,
    and which pair it belongs to)."""

    code: IntArray
    unit: IntArray
    appliers: IntArray
    entries: tuple[IntArray, IntArray, IntArray]
    pair: IntArray


def _cells(matrix: Matrix, codes: list[int]) -> _Cells:
    code, row, column = matrix.entries
    wanted = np.array(codes, dtype=np.intp)
    order = np.argsort(wanted)
    at = np.minimum(np.searchsorted(wanted[order], code), max(len(wanted) - 1, 0))
    keep = wanted[order][at] == code if len(wanted) else np.zeros(len(code), dtype=bool)
    index, row, column = order[at[keep]], row[keep], column[keep]
    units = matrix.read.shape[1]
    pairs, pair, appliers = np.unique(
        index * units + column, return_inverse=True, return_counts=True
    )
    return _Cells(pairs // units, pairs % units, appliers, (index, row, column), pair.ravel())


def _profiles(matrix: Matrix, cells: _Cells, count: int) -> list[tuple[FloatArray, FloatArray]]:
    """For each code, its units' distinct columns and how many units have each: what every
    coefficient needs, found for all codes at once. Two coders: the pair of values (1
    applied, 0 read and not applied, NaN not read); more: how many read the unit and
    how many applied the code (the multi-rater coefficients depend on nothing else)."""
    read, readers = matrix.read, matrix.readers
    coders = read.shape[0]
    two = coders == 2
    if two:  # each value 0 (read, not applied), 1 (applied) or 2 (not read): 3 × first + second
        size = 9
        unread = np.where(read, 0, 2)
        keys = 3 * unread[0] + unread[1]
        _, row, _ = cells.entries
        by = [np.bincount(cells.pair[row == i], minlength=len(cells.unit)) > 0 for i in (0, 1)]
        value = [np.where(by[i], 1, unread[i, cells.unit]) for i in (0, 1)]
        applied_keys = 3 * value[0] + value[1]
    else:  # readers × (coders + 1) + appliers
        size = (coders + 1) * (coders + 1)
        keys = readers * (coders + 1)
        applied_keys = readers[cells.unit] * (coders + 1) + cells.appliers
    base = np.bincount(keys, minlength=size)
    removed = np.bincount(cells.code * size + keys[cells.unit], minlength=count * size)
    added = np.bincount(cells.code * size + applied_keys, minlength=count * size)
    histogram = base[None, :] + (added - removed).reshape(count, size)
    profiles = []
    for counts in histogram:
        present = np.flatnonzero(counts)
        profiles.append((_columns(present, coders, two), counts[present].astype(np.float64)))
    return profiles


def _columns(keys: IntArray, coders: int, two: bool) -> FloatArray:
    """The columns (coders × keys) that the profile keys of ``_profiles`` stand for."""
    if two:
        values = np.array([0.0, 1.0, np.nan])
        return np.vstack([values[keys // 3], values[keys % 3]])
    read, applied = keys // (coders + 1), keys % (coders + 1)
    rank = np.arange(coders)[:, None]
    return np.where(rank < applied, 1.0, np.where(rank < read, 0.0, np.nan))


def _code_rows(
    scope: Scope,
    matrix: Matrix,
    codes: list[int],
    unit: str,
    bootstrap: int | None,
    seed: int,
) -> list[_Row]:
    """Each code's agreement, its counts found for every code at once."""
    names = [n for _, n in scope.coders]
    cells = _cells(matrix, codes)
    paired, readers = matrix.pairable, matrix.readers
    compared = int(paired.sum())
    on_pairs = paired[cells.unit]
    everyone = on_pairs & (cells.appliers == readers[cells.unit])
    agreed = np.bincount(cells.code, weights=everyone, minlength=len(codes))
    touched = np.bincount(cells.code, weights=on_pairs, minlength=len(codes))
    index, row, column = cells.entries
    slot = index * len(names) + row
    alone = paired[column] & (cells.appliers[cells.pair] < readers[column])
    cells_per_coder = len(codes) * len(names)
    counts = np.bincount(slot, minlength=cells_per_coder).reshape(len(codes), len(names))
    only = np.bincount(slot, weights=alone, minlength=cells_per_coder)
    only_counts = only.reshape(len(codes), len(names))
    rows = []
    for k, (code, (columns, weights)) in enumerate(
        zip(codes, _profiles(matrix, cells, len(codes)), strict=True)
    ):
        found, terms = coefficients(
            columns, two=len(names) == 2, independent=unit != "character", weights=weights
        )
        used = tuple(n for n, c in zip(names, counts[k].tolist(), strict=True) if c)
        kappa = found["cohen_kappa" if len(names) == 2 else "fleiss_kappa"]
        view = CodeAgreement(
            scope.names[code],
            compared,
            int(agreed[k]),
            {n: int(c) for n, c in zip(names, only_counts[k].tolist(), strict=True)},
            compared - int(touched[k]),
            used,
            {n: int(c) for n, c in zip(names, counts[k].tolist(), strict=True)},
            found,
            _bootstrap(
                matrix.values(code), bootstrap, seed, categories=range(2), clusters=matrix.grouped
            )
            if bootstrap
            else None,
            len(used) >= 2 and ag.kappa_paradox(found["percent"], kappa),
        )
        rows.append(_Row(view, terms))
    return rows


def _mean(values: list[ag.Coefficient], what: str) -> ag.Coefficient:
    defined = [c.value for c in values if c.value is not None]
    if not defined:
        return ag.Coefficient.undefined(f"No code has a defined {what}.")
    return ag.Coefficient(float(np.mean(defined)))


def _overall(rows: list[_Row], names: list[str]) -> dict[str, ag.Coefficient]:
    """Overall: percent agreement over every (unit, code) decision (the mean of the
    codes', which share their units), pooled κ (two coders) and the mean κ and α."""
    if not rows:
        empty = ag.Coefficient.undefined("No code was applied in scope.")
        return {k: empty for k in ("percent", "pooled_kappa", "mean_kappa", "mean_alpha")}
    codes = [r.view.coefficients for r in rows]
    two = len(names) == 2
    kappas = [c["cohen_kappa" if two else "fleiss_kappa"] for c in codes]
    if two:
        pooled = ag.pool_kappa(kappas, [r.terms for r in rows]).pooled
    else:
        pooled = ag.Coefficient.undefined(
            "Pooled κ is defined for two coders (de Vries et al. 2008); see the mean κ."
        )
    return {
        "percent": _mean([c["percent"] for c in codes], "percent agreement"),
        "pooled_kappa": pooled,
        "mean_kappa": _mean(kappas, "κ"),
        "mean_alpha": _mean([c["krippendorff_alpha"] for c in codes], "α"),
    }
