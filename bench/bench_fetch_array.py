"""`Tx.fetch_array`'s two transports on a store that exists: one text per column in one
aggregate (``group_concat`` on SQLite, ``string_agg`` on PostgreSQL) against the driver's
rows (binary on PostgreSQL), reading what the structure reads of the codings (segment,
concept and coder packed in one number, and the span) and of the segments.

In turn, ``--rounds`` times after one warm-up, in this process: wall and CPU seconds
(the client's; on PostgreSQL the server's work is in the wall time only), medians.

    .venv/bin/python bench/bench_fetch_array.py --store /tmp/large/large.db
    .venv/bin/python bench/bench_fetch_array.py --store postgresql+psycopg://…/gioia_bench_large
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from benchlib import machine, median, show


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, help="a SQLite file or a PostgreSQL URL")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from sqlalchemy import BigInteger, cast, func, select

    from gioia import schema
    from gioia.ops import bulk, tree
    from gioia.project import Project

    server = args.store if "://" in args.store else None
    print(f"# fetch_array: text per column against the driver's rows — {machine(server)}")
    c, s = schema.codings.c, schema.segments.c
    with Project.open(args.store) as project, project._read() as tx:
        sizes = tree._sizes(tx)
        key = (cast(c.segment_id, BigInteger) * sizes[1] + c.concept_id) * sizes[2] + c.coder_id
        queries = {
            "codings (3 columns)": (select(key, c.char_start, c.char_end), 3),
            "segments (5 columns)": (
                select(
                    s.id,
                    s.transcript_id,
                    s.char_start,
                    s.char_end,
                    func.coalesce(s.informant_id, -1),
                ),
                5,
            ),
        }
        text = bulk._concatenated

        def read(query: Any, columns: int, rows: bool) -> Callable[[], Any]:
            def call() -> Any:
                bulk._concatenated = (lambda *a: None) if rows else text  # type: ignore[assignment]
                try:
                    return bulk.fetch_array(tx.connection, query, columns)
                finally:
                    bulk._concatenated = text  # type: ignore[assignment]

            return call

        for name, (query, columns) in queries.items():
            calls = {"text": read(query, columns, False), "rows": read(query, columns, True)}
            count = len(calls["text"]())
            assert (calls["text"]() == calls["rows"]()).all()
            wall: dict[str, list[float]] = {k: [] for k in calls}
            cpu: dict[str, list[float]] = {k: [] for k in calls}
            for _ in range(args.rounds):
                for way, call in calls.items():
                    w, p = time.perf_counter(), time.process_time()
                    call()
                    wall[way].append(time.perf_counter() - w)
                    cpu[way].append(time.process_time() - p)
            print(f"{name}, {count:,} rows, medians of {args.rounds}:")
            for way in calls:
                show(f"  {way}", f"wall {median(wall[way]):.3f} s, CPU {median(cpu[way]):.3f} s")


if __name__ == "__main__":
    main()
