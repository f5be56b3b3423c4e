"""Rows in and out through the driver, past SQLAlchemy's work per row: integer query
results straight into numpy arrays, and bulk inserts with one ``executemany`` whose
statement is compiled once per dialect. ``Tx.fetch_array`` and ``Tx.insert_many`` use
these in the open transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, Dialect, Select, Table, insert


def fetch_array(connection: Connection, query: Select[Any], columns: int) -> Any:
    """The rows of a query of ``columns`` integer columns (none NULL) as a numpy array
    (rows × columns), read with the driver's cursor (binary on PostgreSQL): SQLAlchemy
    makes no row object, so hundreds of thousands of rows come in a fraction of a
    second."""
    import itertools

    import numpy as np

    compiled = query.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    parameters: Any = compiled.params
    if compiled.positiontup is not None:
        parameters = tuple(compiled.params[key] for key in compiled.positiontup)
    raw = connection.connection
    # psycopg reads integers faster in binary (no text to parse).
    binary = connection.dialect.name == "postgresql"
    cursor = raw.cursor(binary=True) if binary else raw.cursor()
    try:
        cursor.execute(str(compiled), parameters)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    flat = np.fromiter(
        itertools.chain.from_iterable(rows), dtype=np.int64, count=len(rows) * columns
    )
    return flat.reshape(len(rows), columns)


def insert_many(
    connection: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert ``rows`` (values in the order of ``columns``) with one executemany of the
    driver: the rows Core's executemany writes, without its work per row. Only the
    columns whose type converts values (datetimes on SQLite, JSON) run a converter."""
    statement, order, processors = _bulk_insert(connection.dialect, table, tuple(columns))
    convert = [(index, _repeating(processor)) for index, processor in processors]
    if convert:
        rows = (_converted(row, convert) for row in rows)
    keys = list(columns)
    if order is None:  # a driver with named parameters (psycopg)
        params: list[Any] = [dict(zip(keys, row, strict=True)) for row in rows]
    elif order == tuple(range(len(keys))):
        params = list(rows)
    else:
        params = [tuple(row[i] for i in order) for row in rows]
    if params:
        connection.exec_driver_sql(statement, params)


@cache
def _bulk_insert(
    dialect: Dialect, table: Table, columns: tuple[str, ...]
) -> tuple[str, tuple[int, ...] | None, list[tuple[int, Callable[[Any], Any]]]]:
    """An INSERT of ``columns`` into ``table`` compiled once per dialect: its SQL, where
    each positional parameter comes from in a row (None: named parameters), and the
    columns whose type converts values, with their converter."""
    compiled = insert(table).compile(
        dialect=dialect, column_keys=list(columns), for_executemany=True
    )
    order = (
        None
        if compiled.positiontup is None
        else tuple(columns.index(key) for key in compiled.positiontup)
    )
    processors: list[tuple[int, Callable[[Any], Any]]] = [
        (index, processor)
        for index, processor in enumerate(
            table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns
        )
        if processor is not None
    ]
    return str(compiled), order, processors


def _repeating(processor: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``processor`` that converts a value given again (the same object, as a bulk insert's
    one timestamp) once."""
    last: list[Any] = [object(), None]

    def convert(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, processor(value)
        return last[1]

    return convert


def _converted(
    row: Sequence[Any], convert: Sequence[tuple[int, Callable[[Any], Any]]]
) -> tuple[Any, ...]:
    values = list(row)
    for index, processor in convert:
        values[index] = processor(values[index])
    return tuple(values)
