"""Inter-coder agreement from the store: per code, overall, exclusive groups, breakdowns.

Every row follows one missing-data convention, Gwet's (2014) multi-rater forms: the
data are the units read by at least one coder; observed agreement is over the units
read by two or more; a unit read by one coder counts in chance agreement only;
Krippendorff's α treats missing values as Krippendorff (2011) defines (a unit with one
value adds nothing). docs/agreement.md gives every definition. The reliability data
come from :mod:`gioia.ops.reliability_data`, the statistics from :mod:`gioia.agreement`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import numpy.typing as npt
from sqlalchemy import select

from gioia import agreement as ag
from gioia import schema
from gioia.errors import GioiaError, InvalidInput, NotFound
from gioia.ops.base import Tx, no_such_concept, visible_concept_row
from gioia.ops.reliability_data import (
    Matrix,
    Scope,
    at_level,
    coder_codes,
    load,
    read,
    segment_text,
    unit_matrix,
    units_in_scope,
)
from gioia.text import name_key
from gioia.views_agreement import (
    AgreementReport,
    AlphaBootstrap,
    BootstrapPlan,
    BreakdownRow,
    CodeAgreement,
    Disagreement,
    GroupAgreement,
    MatrixAgreement,
    Violation,
)

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
    result = {
        "percent": many.percent,
        "fleiss_kappa": many.fleiss_kappa,
        "gwet_ac1": many.gwet_ac1,
        "brennan_prediger": many.brennan_prediger,
        "krippendorff_alpha": many.krippendorff_alpha,
    }
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


def _groups(
    tx: Tx, scope: Scope, matrix: Matrix, unit: str, bootstrap: int | None, seed: int
) -> tuple[list[GroupAgreement], list[Violation]]:
    """Each group's codes (a theme's concepts, a dimension's themes) as the categories of
    one nominal variable, "none" where a coder read the unit and applied none of them; a
    unit where a coder applied two of them is left out and named."""
    members: dict[int, list[int]] = defaultdict(list)
    for code, held in sorted(scope.groups.items()):
        for parent in held:
            members[parent].append(code)
    parent_names = _parent_names(tx, scope.level)
    names = [n for _, n in scope.coders]
    results, violations = [], []
    for parent, codes in members.items():
        if not any(c in matrix.applied for c in codes):
            continue
        shape = matrix.read.shape
        stacked = np.stack([matrix.applied.get(c, np.zeros(shape, dtype=bool)) for c in codes])
        count = stacked.sum(axis=0)
        bad = (count > 1) & matrix.read
        violations += _violations(
            parent_names[parent],
            [scope.names[c] for c in codes],
            stacked,
            bad,
            matrix,
            names,
            characters=unit == "character",
        )
        keep = ~bad.any(axis=0)
        category = np.argmax(stacked, axis=0).astype(np.float64)
        none = float(len(codes))
        category[count == 0] = none
        category[~matrix.read] = np.nan
        data = category[:, keep]
        q = len(codes) + (1 if (data == none).any() else 0)
        columns, weights = ag.distinct_units(data)
        many = ag.many_coders(columns, categories=range(q), weights=weights)
        labels = tuple(scope.names[c] for c in codes) + (("none",) if q > len(codes) else ())
        results.append(
            GroupAgreement(
                parent_names[parent],
                labels,
                many.units,
                int((bad.any(axis=0) & matrix.pairable).sum()),
                {
                    "percent": many.percent,
                    "fleiss_kappa": many.fleiss_kappa,
                    "gwet_ac1": many.gwet_ac1,
                    "brennan_prediger": many.brennan_prediger,
                    "krippendorff_alpha": many.krippendorff_alpha,
                },
                _bootstrap(
                    data,
                    bootstrap,
                    seed,
                    categories=range(q),
                    clusters=None if matrix.grouped is None else matrix.grouped[keep],
                ),
            )
        )
    return results, violations


def _violations(
    group: str,
    codes: list[str],
    stacked: npt.NDArray[np.bool_],
    bad: npt.NDArray[np.bool_],
    matrix: Matrix,
    names: list[str],
    *,
    characters: bool,
) -> list[Violation]:
    """One violation per coder and unit (per segment, with how many of its characters,
    when the units are characters)."""
    found: dict[tuple[int, str, tuple[str, ...]], int] = {}
    for i, j in zip(*np.nonzero(bad), strict=True):
        chosen = tuple(c for k, c in enumerate(codes) if stacked[k, i, j])
        key = (int(i), matrix.label(int(j)), chosen)
        found[key] = found.get(key, 0) + 1
    return [
        Violation(group, unit, names[i], chosen, n if characters else None)
        for (i, unit, chosen), n in found.items()
    ]


def _concept_id(tx: Tx, name: str) -> int:
    """The id of the concept called ``name``, or ``NotFound`` with the closest name."""
    found = visible_concept_row(tx, name)
    if found is None:
        raise no_such_concept(tx, name)
    return found.id


def _parent_names(tx: Tx, level: str) -> dict[int, str]:
    """The names of the groups: themes for concepts, dimensions for themes."""
    table = schema.themes if level == "concept" else schema.dimensions
    return {int(row.id): str(row.name) for row in tx.execute(select(table.c.id, table.c.name))}


def report(
    tx: Tx,
    *,
    level: str = "concept",
    unit: str = "segment",
    coders: list[str] | None = None,
    transcript: str | None = None,
    case: str | None = None,
    wave: str | None = None,
    exclusive: bool = False,
    by: str | None = None,
    concept: str | None = None,
    bootstrap: int | None = None,
    seed: int = 0,
) -> AgreementReport:
    """Agreement per code and overall, at a level and unit, for the coders in scope."""
    if by not in (None, "transcript", "coder-pair"):
        raise InvalidInput(f"Cannot break down by {by!r}: choose transcript or coder-pair.")
    scope = load(
        tx,
        level=level,
        coders=coders,
        transcript=transcript,
        case=case,
        wave=wave,
        spans=unit == "character",
        texts=False,
    )
    return _report(tx, scope, unit, exclusive, by, concept, bootstrap, seed)


def reports(tx: Tx, levels: Sequence[str]) -> dict[str, AgreementReport | str]:
    """Agreement per code and overall over segments at each of ``levels``, every coder
    compared: what ``report`` gives at each, from one read of the reviews and codings;
    where ``report`` would refuse a level, the reason instead (the same for every level
    when the read itself is refused)."""
    try:
        reading = read(tx, spans=False)
    except GioiaError as exc:
        return dict.fromkeys(levels, exc.message)
    found: dict[str, AgreementReport | str] = {}
    for level in levels:
        try:
            scope = at_level(tx, reading, level)
            found[level] = _report(tx, scope, "segment", False, None, None, None, 0)
        except GioiaError as exc:
            found[level] = exc.message
    return found


def _report(
    tx: Tx,
    scope: Scope,
    unit: str,
    exclusive: bool,
    by: str | None,
    concept: str | None,
    bootstrap: int | None,
    seed: int,
) -> AgreementReport:
    """The agreement report of a loaded scope."""
    level = scope.level
    names = [n for _, n in scope.coders]
    matrix = unit_matrix(scope, unit)
    codes = sorted(matrix.codes, key=lambda c: name_key(scope.names[c]))
    if not codes and scope.private is not None:
        raise InvalidInput(
            f"No shared concept is coded in scope: the {scope.private.codings} coding(s) by "
            f"{', '.join(scope.private.coders)} are on concepts still private to their "
            "coder (open coding), and agreement is over the shared concepts. Share them "
            "first: assign them to themes, merge same-name ones (gioia concept merge), or "
            "move to codebook coding (gioia coders phase codebook)."
        )
    if concept is not None:
        wanted = _concept_id(tx, concept) if level == "concept" else None
        codes = [c for c in codes if c == wanted or name_key(scope.names[c]) == name_key(concept)]
        if not codes:
            raise InvalidInput(f"Nobody in scope applied {concept!r}.")
    compared = int(matrix.pairable.sum())
    if not compared:
        raise InvalidInput(
            f"Every unit is unpairable: no {unit} in scope was reviewed by two or more of "
            f"{', '.join(names)}."
        )
    rows = _code_rows(scope, matrix, codes, unit, bootstrap, seed)
    groups, violations = (
        _groups(tx, scope, matrix, unit, bootstrap, seed) if exclusive else ([], [])
    )
    in_scope = units_in_scope(scope, unit)
    one = int((matrix.readers == 1).sum())
    paired = matrix.read[:, matrix.pairable]
    return AgreementReport(
        level,
        unit,
        tuple(names),
        CONVENTION,
        in_scope,
        compared,
        one,
        in_scope - compared - one,
        {name: int((~paired[i]).sum()) for i, name in enumerate(names)},
        tuple(r.view for r in rows),
        _overall(rows, names),
        tuple(groups),
        tuple(violations),
        tuple(_breakdown(scope, unit, by, codes)) if by else (),
        by,
        BootstrapPlan(bootstrap, seed, "transcript" if unit == "transcript" else "segment")
        if bootstrap
        else None,
        exclusive,
        scope.private,
    )


def _breakdown(scope: Scope, unit: str, by: str, codes: list[int]) -> list[BreakdownRow]:
    parts: list[tuple[str, Scope, list[int] | None]] = []
    if by == "transcript":
        for tid, (name, _) in sorted(scope.transcripts.items(), key=lambda t: t[1][0]):
            parts.append((name, scope, [s for s, v in scope.segments.items() if v[0] == tid]))
    else:
        for first, second in combinations(scope.coders, 2):
            parts.append((f"{first[1]} / {second[1]}", scope.restricted([first, second]), None))
    rows = []
    for label, part, members in parts:
        matrix = unit_matrix(part, unit, members)
        found = _code_rows(part, matrix, codes, unit, None, 0)
        applied = set(matrix.codes)
        present = [r for r, c in zip(found, codes, strict=True) if c in applied]
        names = [n for _, n in part.coders]
        rows.append(BreakdownRow(label, int(matrix.pairable.sum()), _overall(present, names)))
    return rows


def disagreements(
    tx: Tx,
    *,
    level: str = "concept",
    coders: list[str] | None = None,
    concept: str | None = None,
    transcript: str | None = None,
) -> list[Disagreement]:
    """Every segment where the coders who read it differ on a code, grouped by code."""
    scope = load(tx, level=level, coders=coders, transcript=transcript)
    matrix = unit_matrix(scope, "segment")
    refs = {ref: s for s, (_, _, _, ref) in scope.segments.items()}
    names = [n for _, n in scope.coders]
    found = []
    for code in sorted(matrix.applied, key=lambda c: name_key(scope.names[c])):
        if concept is not None and name_key(scope.names[code]) != name_key(concept):
            continue
        applied = matrix.applied[code]
        differ = applied.any(axis=0) & (applied.sum(axis=0) < matrix.readers)
        for j in np.nonzero(differ)[0]:
            segment = refs[matrix.label(int(j))]
            found.append(
                Disagreement(
                    scope.names[code],
                    matrix.label(int(j)),
                    segment_text(scope, segment),
                    tuple(names[i] for i in range(len(names)) if applied[i, j]),
                    tuple(
                        names[i]
                        for i in range(len(names))
                        if matrix.read[i, j] and not applied[i, j]
                    ),
                    tuple(
                        coder_codes(scope, coder_id, name, segment)
                        for coder_id, name in scope.coders
                    ),
                )
            )
    if (
        concept is not None
        and not found
        and all(name_key(n) != name_key(concept) for n in scope.names.values())
    ):
        raise NotFound(f"No {level} {concept!r}.")
    return found


def check_level(level: str) -> None:
    """Refuse a level of measurement that is not one of Krippendorff's four."""
    if level not in ag.LEVELS:
        raise InvalidInput(
            f"{level!r} is not a level of measurement: choose nominal, ordinal, interval or ratio."
        )


def matrix_agreement(
    data: FloatArray,
    coders: list[str],
    level: str,
    *,
    layout: str,
    categories: list[str],
    values: list[float],
    q: int,
    categories_from: str,
    bootstrap: int | None = None,
    seed: int = 0,
) -> MatrixAgreement:
    """Every coefficient for a coders × units table (NaN = missing) at ``level``:
    ``values`` are the numbers the cells hold, ``categories`` their labels, ``q`` the
    number of possible categories (AC1 and Brennan–Prediger depend on it)."""
    check_level(level)
    many = ag.many_coders(data, categories=values, level=level, q=q)  # type: ignore[arg-type]
    if not many.units:
        raise InvalidInput("Every unit is unpairable: no unit has values from two coders.")
    result = {
        "percent": many.percent,
        "fleiss_kappa": many.fleiss_kappa,
        "gwet_ac1": many.gwet_ac1,
        "brennan_prediger": many.brennan_prediger,
        "krippendorff_alpha": many.krippendorff_alpha,
    }
    if len(coders) == 2:
        pair = ag.two_coders(data[0], data[1], categories=values, q=q)
        result.update(
            cohen_kappa=pair.cohen_kappa, cohen_kappa_se=pair.cohen_kappa_se, scott_pi=pair.scott_pi
        )
    rated = (~np.isnan(data)).sum(axis=0)
    return MatrixAgreement(
        tuple(coders),
        data.shape[1],
        many.units,
        int((rated == 1).sum()),
        int((rated == 0).sum()),
        level,
        layout,
        tuple(categories),
        q,
        categories_from,
        CONVENTION,
        result,
        _bootstrap(data, bootstrap, seed, categories=values, level=level),  # type: ignore[arg-type]
        bootstrap,
        seed if bootstrap else None,
    )
