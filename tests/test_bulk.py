"""Rows in and out in bulk: integer query results as numpy arrays (on SQLite through one
text per column), checked against the plain ways of doing the same."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sqlalchemy import BigInteger, literal, select, union_all

from gioia import Project
from gioia.ops import bulk


def _rows(data: list[tuple[int, int, int]]) -> Any:
    """The rows as a subquery with columns a, b, c (a UNION ALL of one-row SELECTs)."""
    return union_all(
        *(
            select(*(literal(v, BigInteger).label(n) for v, n in zip(row, "abc", strict=True)))
            for row in data
        )
    ).subquery()


@pytest.mark.parametrize(
    "data",
    [
        [(1, 2, 3)],
        [(0, -1, 2**40), (7, 7, 7), (0, -1, 2**40), (123456789012, 5, -9)],
    ],
)
def test_an_integer_query_reads_as_the_rows_it_returns(
    project: Project, data: list[tuple[int, int, int]]
) -> None:
    """Every row, in every column, as the driver returns them (duplicates, negatives and
    large numbers included), on SQLite through ``group_concat`` and on PostgreSQL as rows."""
    rows = _rows(data)
    query = select(rows.c.a, rows.c.b, rows.c.c)
    with project._read() as tx:
        found = bulk.fetch_array(tx.connection, query, 3)
        plain = [tuple(r) for r in tx.connection.execute(query)]
    assert found.dtype == np.int64
    assert sorted(map(tuple, found.tolist())) == sorted(plain) == sorted(data)


def test_no_rows_read_as_an_empty_array(project: Project) -> None:
    rows = _rows([(1, 2, 3)])
    with project._read() as tx:
        found = bulk.fetch_array(tx.connection, select(rows.c.a, rows.c.b).where(rows.c.a > 5), 2)
    assert found.shape == (0, 2)


def test_an_ordered_query_keeps_its_order(project: Project) -> None:
    rows = _rows([(3, 0, 0), (1, 0, 0), (2, 0, 0), (5, 0, 0), (4, 0, 0)])
    with project._read() as tx:
        found = bulk.fetch_array(tx.connection, select(rows.c.a).order_by(rows.c.a.desc()), 1)
    assert found[:, 0].tolist() == [5, 4, 3, 2, 1]


def test_a_null_is_refused_not_misaligned(project: Project) -> None:
    """A NULL would shift a column's values against the others: refused instead."""
    rows = _rows([(1, 2, 3), (4, 5, 6)])
    query = select(rows.c.a, (rows.c.b + None).label("gap"))
    with project._read() as tx, pytest.raises(ValueError, match="NULL"):
        bulk.fetch_array(tx.connection, query, 2)


def test_a_boolean_reads_as_0_or_1(project: Project) -> None:
    rows = _rows([(1, 2, 3), (4, 5, 6)])
    query = select(rows.c.a, (rows.c.a > 2).label("big"))
    with project._read() as tx:
        found = bulk.fetch_array(tx.connection, query, 2)
    assert sorted(found.tolist()) == [[1, 0], [4, 1]]


@pytest.mark.parametrize("count", [3, bulk.COPY_ROWS + 1])
def test_bulk_inserted_rows_read_as_core_inserted_ones(project: Project, count: int) -> None:
    """Rows written by ``insert_many`` (an executemany, or on PostgreSQL from
    ``COPY_ROWS`` rows a COPY) read back as the same rows written by Core's insert:
    datetimes, JSON (a Python None as JSON null), NULLs, text with tabs, quotes and
    backslashes, in the order given."""
    import datetime as dt

    from sqlalchemy import insert

    from gioia import schema

    events = schema.events
    when = dt.datetime(2026, 1, 2, 3, 4, 5, 678901)
    # not in the table's order: the statement's parameters come in another
    columns = ("summary", "at", "after", "action", "subject_id", "subject", "before")
    rows = [
        (
            f"row {n}\t'q' \\ \"d\" é😀\n",
            when + dt.timedelta(seconds=n),
            {"n": n, "list": [1, None, "x\\y"]},
            "tag",
            n if n % 3 else None,
            "coding",
            None,
        )
        for n in range(count)
    ]
    with project._write() as tx:
        bulk.insert_many(tx.connection, events, columns, rows)
        tx.connection.execute(insert(events), [dict(zip(columns, r, strict=True)) for r in rows])
    read = [*columns, "id"]
    with project._read() as tx:
        found = [
            tuple(r)
            for r in tx.connection.execute(
                select(*(events.c[c] for c in read))
                .where(events.c.action == "tag")
                .order_by(events.c.id)
            )
        ]
    assert [r[:-1] for r in found[:count]] == [r[:-1] for r in found[count:]] == rows
    assert [r[-1] for r in found] == sorted(r[-1] for r in found)


def test_record_many_writes_what_record_writes(project: Project) -> None:
    """``Tx.record_many`` (the REFI import's events, in one insert) stores each event as
    ``Tx.record`` does: every column but the id and the time, another coder's work and the
    acting coder's, before/after as JSON (None as SQL NULL), the event an undo reverses."""
    from gioia import schema
    from gioia.ops.base import ensure_coder

    events = schema.events
    with project._write() as tx:
        ana = ensure_coder(tx, "Ana")
        reversed_id = tx.record("tag", "coding", "undone")
        given: list[dict[str, Any]] = [
            {"action": "import", "subject": "transcript", "summary": "rm-1", "transcript_id": None},
            {
                "action": "tag",
                "subject": "coding",
                "summary": "rm-2 é😀",
                "subject_id": 7,
                "before": None,
                "after": {"segments": [{"id": 3, "segment": "t:1", "text": "a\tb"}]},
                "coder": ana,
            },
            {"action": "undo", "subject": "coding", "summary": "rm-3", "reverses": reversed_id},
        ]
        for event in given:
            tx.record(**event)
        tx.record_many(given)
    shown = [c for c in events.c if c.name not in ("id", "at")]
    with project._read() as tx:
        found = [
            tuple(r)
            for r in tx.connection.execute(
                select(*shown).where(events.c.summary.like("rm-_%")).order_by(events.c.id)
            )
        ]
    by_name = [dict(zip([c.name for c in shown], row, strict=True)) for row in found]
    assert len(found) == 6
    assert found[:3] == found[3:]
    assert [e["summary"] for e in by_name[:3]] == ["rm-1", "rm-2 é😀", "rm-3"]
    acting = by_name[0]["actor_id"]  # the fixture's acting coder, whose work by default
    assert acting is not None and acting != ana.id
    assert [e["coder_id"] for e in by_name[:3]] == [acting, ana.id, acting]
    assert [e["actor_id"] for e in by_name[:3]] == [acting] * 3
    assert by_name[1]["after"] == {"segments": [{"id": 3, "segment": "t:1", "text": "a\tb"}]}
    assert by_name[1]["before"] is None and by_name[2]["reverses_id"] == reversed_id
