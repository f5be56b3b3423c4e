"""Exclusive groups: a theme's concepts (a dimension's themes) as the categories of one
nominal variable, and the units where a coder applied two of them (violations)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import numpy.typing as npt
from sqlalchemy import select

from gioia import agreement as ag
from gioia import schema
from gioia.ops.base import Tx
from gioia.ops.reliability_codes import _bootstrap, multi_rater
from gioia.ops.reliability_data import Matrix, Scope
from gioia.views_agreement import GroupAgreement, Violation


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
                multi_rater(many),
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


def _parent_names(tx: Tx, level: str) -> dict[int, str]:
    """The names of the groups: themes for concepts, dimensions for themes."""
    table = schema.themes if level == "concept" else schema.dimensions
    return {int(row.id): str(row.name) for row in tx.execute(select(table.c.id, table.c.name))}
