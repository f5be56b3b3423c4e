"""Inter-coder agreement from the store: per code, overall, exclusive groups, breakdowns.

Every row follows one missing-data convention, Gwet's (2014) multi-rater forms: the
data are the units read by at least one coder; observed agreement is over the units
read by two or more; a unit read by one coder counts in chance agreement only;
Krippendorff's α treats missing values as Krippendorff (2011) defines (a unit with one
value adds nothing). docs/agreement.md gives every definition. The reliability data
come from :mod:`gioia.ops.reliability_data`, the statistics from :mod:`gioia.agreement`;
each code's coefficients are counted in :mod:`gioia.ops.reliability_codes`, exclusive
groups in :mod:`gioia.ops.reliability_groups`.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np

from gioia import agreement as ag
from gioia.errors import GioiaError, InvalidInput, NotFound
from gioia.ops.base import Tx, no_such_concept, visible_concept_row
from gioia.ops.reliability_codes import (
    CONVENTION,
    FloatArray,
    _bootstrap,
    _code_rows,
    _overall,
    multi_rater,
)
from gioia.ops.reliability_data import (
    Scope,
    at_level,
    coder_codes,
    load,
    read,
    segment_text,
    unit_matrix,
    units_in_scope,
)
from gioia.ops.reliability_groups import _groups
from gioia.text import name_key
from gioia.views_agreement import (
    AgreementReport,
    BootstrapPlan,
    BreakdownRow,
    Disagreement,
    MatrixAgreement,
)


def _concept_id(tx: Tx, name: str) -> int:
    """The id of the concept called ``name``, or ``NotFound`` with the closest name."""
    found = visible_concept_row(tx, name)
    if found is None:
        raise no_such_concept(tx, name)
    return found.id


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
    result = multi_rater(many)
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
