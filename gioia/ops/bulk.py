"""Rows in and out through the driver, past SQLAlchemy's work per row: integer query
results straight into numpy arrays, and bulk inserts with one ``executemany`` whose
statement is compiled once per dialect. ``Tx.fetch_array`` and ``Tx.insert_many`` use
these in the open transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Boolean, Connection, Dialect, Float, Select, Table, insert


def fetch_array(connection: Connection, query: Select[Any], columns: int) -> Any:
    """The rows of a query of ``columns`` integer columns (none NULL) as a numpy array
    (rows × columns), without a Python object per row where the engine allows: SQLAlchemy
    makes no row object, so hundreds of thousands of rows come in a fraction of a second.

    A query without ORDER BY comes as one text per column (``group_concat`` on SQLite,
    ``string_agg`` on PostgreSQL, in one aggregate, so the columns stay aligned row by
    row) parsed by numpy: on SQLite about twice as fast as a million row tuples, on
    PostgreSQL twice as fast and a quarter of the client's CPU time. Otherwise the
    driver's rows (binary on PostgreSQL, which reads integers faster so).
    """
    import numpy as np

    if not query._order_by_clauses:
        found = _concatenated(connection, query, columns)
        if found is not None:
            return found
    import itertools

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


def _concatenated(connection: Connection, query: Select[Any], columns: int) -> Any:
    """``fetch_array`` through one text per column; None when the texts would be too
    long for SQLite (it refuses strings over a limit)."""
    import numpy as np
    from sqlalchemy import Integer, Text, cast, func, select
    from sqlalchemy.exc import DBAPIError

    inner = query.subquery()
    if connection.dialect.name == "sqlite":
        texts = [func.group_concat(column) for column in inner.c]
    else:  # PostgreSQL writes a boolean as "true": as 1 instead
        texts = [
            func.string_agg(cast(cast(c, Integer) if isinstance(c.type, Boolean) else c, Text), ",")
            for c in inner.c
        ]
    try:
        *found, count = connection.execute(select(*texts, func.count())).one()
    except DBAPIError as exc:  # "string or blob too big": the rows one by one instead
        if "too big" in str(exc):
            return None
        raise
    if len(found) != columns:
        raise ValueError(f"The query has {len(found)} columns, not {columns}.")
    if not count:
        return np.zeros((0, columns), dtype=np.int64)
    arrays = [np.fromstring(text or "", dtype=np.int64, sep=",") for text in found]
    if any(len(array) != count for array in arrays):
        raise ValueError("An integer column read as an array holds NULL or a non-integer.")
    return np.stack(arrays, axis=1)


COPY_ROWS = 1000
"""From this many rows, an insert on PostgreSQL is a ``COPY … FROM STDIN``."""


def insert_many(
    connection: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert ``rows`` (values in the order of ``columns``) with one executemany of the
    driver (on PostgreSQL, from ``COPY_ROWS`` rows, one ``COPY``): the rows Core's
    executemany writes, without its work per row. Only the columns whose type converts
    values (datetimes on SQLite, JSON) run a converter, a column at a time."""
    statement, order, processors = _bulk_insert(connection.dialect, table, tuple(columns))
    statement_named = order is None  # a driver with named parameters (psycopg)
    rows = list(rows)
    if not rows:
        return
    copying = connection.dialect.name == "postgresql" and len(rows) >= COPY_ROWS
    if copying or order is None:
        order = tuple(range(len(columns)))  # COPY and named parameters: as given
    if processors or order != tuple(range(len(columns))):
        # a column at a time: each converter over its column, the columns in the
        # statement's order, then rows again
        by_column: list[Iterable[Any]] = list(zip(*rows, strict=True))
        for index, processor in processors:
            by_column[index] = map(_repeating(processor), by_column[index])
        rows = list(zip(*(by_column[i] for i in order), strict=True))
    if copying:
        _copy(connection, table, columns, rows)
    elif statement_named:
        keys = list(columns)
        connection.exec_driver_sql(statement, [dict(zip(keys, row, strict=True)) for row in rows])
    else:
        connection.exec_driver_sql(statement, rows)


def _copy(
    connection: Connection, table: Table, columns: Sequence[str], rows: list[Sequence[Any]]
) -> None:
    """Rows into a PostgreSQL table by ``COPY … FROM STDIN`` (psycopg 3)."""
    quote = connection.dialect.identifier_preparer.quote
    names = ", ".join(quote(column) for column in columns)
    raw: Any = connection.connection.driver_connection
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


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
            None
            if _native(dialect, table.c[c].type)
            else table.c[c].type.dialect_impl(dialect).bind_processor(dialect)
            for c in columns
        )
        if processor is not None
    ]
    return str(compiled), order, processors


def _native(dialect: Dialect, column_type: Any) -> bool:
    """Whether the driver stores the column's Python values as they are, as its type's
    converter would: Python's sqlite3 writes a bool as 0 or 1 and a float as REAL (the
    converters of Boolean and Float on SQLite give the same), at no cost per row."""
    return dialect.name == "sqlite" and isinstance(column_type, (Boolean, Float))


def _repeating(processor: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``processor`` that converts a value given again (the same object, as a bulk insert's
    one timestamp) once."""
    last: list[Any] = [object(), None]

    def convert(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, processor(value)
        return last[1]

    return convert
