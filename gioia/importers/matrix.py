"""Reliability data a researcher brings: a table of coders and units (CSV or Excel).

Krippendorff's reliability data matrix, and the ``krippendorff`` package, put a row per
coder and a column per unit (``units_in="columns"``); Hayes's KALPHA macro and most
spreadsheets put a row per unit and a column per coder (``units_in="rows"``). A blank
cell is a missing value.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from gioia.errors import ImportFailed
from gioia.importers.tables import read_table

LAYOUTS = {
    "columns": "a row per coder, a column per unit",
    "rows": "a row per unit, a column per coder",
}


@dataclass(frozen=True)
class ReliabilityTable:
    """The coders and their values (coders × units, NaN where blank), the sorted
    ``values`` the cells hold with their ``labels``, the number ``q`` of possible
    categories and where it came from, and the layout read."""

    coders: list[str]
    data: npt.NDArray[np.float64]
    values: list[float]
    labels: list[str]
    q: int
    categories_from: str
    layout: str


def parse_categories(text: str | None) -> list[str] | int | None:
    """``--categories``: a whole number is a count; anything else a comma-separated list
    (numbers, or labels in their order)."""
    if text is None:
        return None
    stripped = text.strip()
    if stripped.isdigit():
        return int(stripped)
    return [c.strip() for c in stripped.split(",") if c.strip()]


def read_matrix(
    path: Path,
    *,
    units_in: str = "columns",
    level: str = "nominal",
    categories: list[str] | int | None = None,
) -> ReliabilityTable:
    """Read reliability data laid out with units in ``columns`` (a row per coder: its
    name, then a cell per unit, the header naming the units) or in ``rows`` (a row per
    unit, the header naming the coders).

    Values are finite numbers or, at the nominal level, any labels (numbered in sorted
    order). ``categories`` lists the possible values (numbers, or labels in their order,
    which the ordinal level reads as ranks) or gives their count; by default they are
    the values seen. Anything else is refused in one line naming the first bad cell.
    """
    if units_in not in LAYOUTS:
        raise ImportFailed(f"{units_in!r} is not a layout: units in rows or columns.")
    coders, places = _places(path, units_in)
    cells = [(n, column, v) for row in places for n, column, v in row if v]
    _refuse(path, cells, "is not a finite number", lambda v: _number(v) is None and _float(v))
    listed = categories if isinstance(categories, list) else None
    named = listed is not None and any(_number(c) is None for c in listed)
    if named and level in ("interval", "ratio"):
        raise ImportFailed(f"The {level} level needs numbers, not labels: list numbers.")
    if level != "nominal" and not named:
        _refuse(
            path,
            cells,
            "is not a number (list labels in their order with --categories)",
            lambda v: _number(v) is None,
        )
    if listed is not None:
        allowed = set(listed) if named else {_number(c) for c in listed}
        _refuse(
            path,
            cells,
            f"is not one of the categories given ({', '.join(listed)})",
            lambda v: (v if named else _number(v)) not in allowed,
        )
        if named:
            index = {label: float(k) for k, label in enumerate(dict.fromkeys(listed))}
            labels = list(index)
        else:
            index = {v: float(_number(v) or 0.0) for _, _, v in cells}
            labels = sorted(dict.fromkeys(listed), key=float)
        values = sorted(index.values()) if named else sorted(float(c) for c in labels)
        q, source = len(labels), "given"
    else:
        seen = {v for _, _, v in cells}
        as_number = all(_number(v) is not None for v in seen)
        labels = sorted(seen, key=float) if as_number else sorted(seen)
        index = {v: float(v) if as_number else float(k) for k, v in enumerate(labels)}
        values = sorted(set(index.values()))
        q, source = len(values), "values seen"
        if isinstance(categories, int):
            if categories < len(values):
                raise ImportFailed(
                    f"{path.name} holds {len(values)} different values, more than the "
                    f"{categories} categories given."
                )
            q, source = categories, "count given"
    data = np.full((len(coders), len(places[0]) if places else 0), np.nan)
    for i, row in enumerate(places):
        for u, (_, _, value) in enumerate(row):
            if value:
                data[i, u] = index[value]
    return ReliabilityTable(coders, data, values, labels, q, source, LAYOUTS[units_in])


def _places(path: Path, units_in: str) -> tuple[list[str], list[list[tuple[int, str, str]]]]:
    """The coders and, per coder, each unit's cell with the row and column it came from."""
    table = read_table(path)
    width = len(table.titles)
    ragged = [
        f"row {number}: {len(cells)} cells, but the header has {width}."
        for number, cells in table.rows
        if len(cells) < width or any(c.strip() for c in cells[width:])
    ]
    if ragged:
        raise ImportFailed(f"{path.name} has {len(ragged)} ragged row(s).", ragged)
    places = [
        [(n, table.titles[k], cells[k].strip()) for k in range(1, width)] for n, cells in table.rows
    ]
    if units_in == "rows":
        coders = table.titles[1:]
        places = [list(column) for column in zip(*places, strict=True)] if places else []
    else:
        coders = [cells[0].strip() for _, cells in table.rows]
    if len(coders) < 2:
        raise ImportFailed(
            f"{path.name} holds {len(coders)} coder(s) read as {LAYOUTS[units_in]}; "
            "agreement needs two (see --units-in)."
        )
    return coders, places


def _refuse(
    path: Path, cells: list[tuple[int, str, str]], what: str, bad: Callable[[str], bool]
) -> None:
    """Fail in one line naming the first cell for which ``bad(value)`` holds."""
    wrong = [(n, column, v) for n, column, v in cells if bad(v)]
    if wrong:
        n, column, value = wrong[0]
        more = f" ({len(wrong) - 1} more cell(s) like it)" if len(wrong) > 1 else ""
        raise ImportFailed(f"{path.name}, row {n}, column {column!r}: {value!r} {what}{more}.")


def _float(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _number(value: str) -> float | None:
    """The value as a finite number, or None."""
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
