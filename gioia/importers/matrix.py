"""Reliability data a researcher brings: a coders × units table, as KALPHA reads it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from gioia.errors import ImportFailed
from gioia.importers.tables import read_table


def read_matrix(
    path: Path, *, units_in_rows: bool = False, numeric: bool = False
) -> tuple[list[str], npt.NDArray[np.float64]]:
    """The coders and their values (coders × units, NaN where blank).

    By default a row per coder: its name, then one cell per unit (the header names the
    units). With ``units_in_rows``, a row per unit and a column per coder (the header
    names the coders). Values are numbers, or, unless ``numeric``, any labels (nominal
    categories, numbered in sorted order). Every bad row or cell is named at once.
    """
    table = read_table(path)
    width = len(table.titles)
    ragged = [
        f"row {number}: {len(cells)} cells, but the header has {width}."
        for number, cells in table.rows
        if len(cells) < width or any(c.strip() for c in cells[width:])
    ]
    if ragged:
        raise ImportFailed(f"{path.name} has {len(ragged)} ragged row(s).", ragged)
    # cells[i][u] with the place each value came from, coders first
    places = [
        [(n, table.titles[k], cells[k].strip()) for k in range(1, width)] for n, cells in table.rows
    ]
    if units_in_rows:
        coders = table.titles[1:]
        places = [list(column) for column in zip(*places, strict=True)] if places else []
    else:
        coders = [cells[0].strip() for _, cells in table.rows]
    if len(coders) < 2:
        raise ImportFailed(f"{path.name} holds {len(coders)} coder(s); agreement needs two.")
    values = {v for row in places for _, _, v in row if v}
    as_number = all(_is_number(v) for v in values)
    if numeric and not as_number:
        bad = [
            f"row {n}, column {column!r}: {v!r} is not a number."
            for row in places
            for n, column, v in row
            if v and not _is_number(v)
        ]
        raise ImportFailed(f"{path.name} has values that are not numbers.", bad)
    index = {label: float(k) for k, label in enumerate(sorted(values))}
    data = np.full((len(coders), len(places[0]) if places else 0), np.nan)
    for i, row in enumerate(places):
        for u, (_, _, value) in enumerate(row):
            if value:
                data[i, u] = float(value) if as_number else index[value]
    return coders, data


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True
