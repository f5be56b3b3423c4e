"""Importing codings: ``gioia codings import`` of a CSV of 100,000 rows.

Target (issue 14), on SQLite and on PostgreSQL (``--store URL``): the command within 3x
a baseline process inserting the same rows.

Set-up, not timed: 200 synthetic transcripts of 100 speaker turns each imported into a
store through the API; a CSV (coder, segment, concept, quote) of 100,000 distinct
codings by 3 coders over 300 concepts new to the store, about half of them on a quote
of 3 to 8 words of the segment.

A. ``gioia --store S codings import codings.csv``, one process: every row checked, the
   concepts created with their events, the codings with one audit event each (naming
   the file and row), the segments marked read by their coder, in one transaction.
B. The baseline (``--worker baseline``): a process that imports SQLAlchemy, reads the
   CSV, reads the segments (reference -> id, span, text), inserts the 300 concepts and
   then the same codings rows (each quote found in its segment with ``str.find``) with
   one ``executemany`` each, in one transaction (``sqlite3`` or ``psycopg``).

Rounds alternate A and B, each on a fresh copy of the set-up store; afterwards the two
stores must hold the same codings (segment, concept, coder, span). ``--profile`` prints
the cProfile of ``Project.import_codings``.

    .venv/bin/python bench/bench_codings.py                                # SQLite
    .venv/bin/python bench/bench_codings.py --store postgresql+psycopg://…/postgres
    .venv/bin/python bench/bench_codings.py --codings 10000 --transcripts 40 --rounds 1
"""

from __future__ import annotations

import argparse
import random
import subprocess
import time
from pathlib import Path

from benchlib import (
    CODERS,
    GIOIA,
    PYTHON,
    Run,
    add_store_argument,
    add_work_arguments,
    bench_env,
    close_work,
    concept_names,
    copy_of,
    draw_codings,
    driver_url,
    drop_store,
    fresh_store,
    machine,
    median,
    new_store,
    open_work,
    profile,
    run_process,
    segment_texts,
    show,
    spread,
    sql,
    verdict,
    write_csv,
)

TARGET_RATIO = 3.0

CODINGS = (
    "SELECT t.name, s.position, c.name, k.name, g.char_start, g.char_end FROM codings g "
    "JOIN segments s ON s.id = g.segment_id JOIN transcripts t ON t.id = s.transcript_id "
    "JOIN concepts c ON c.id = g.concept_id JOIN coders k ON k.id = g.coder_id"
)


def baseline_worker(location: str, table: Path) -> None:
    """SQLAlchemy imported; the CSV read; concepts and codings inserted with one
    executemany each, in one transaction."""
    import csv
    import datetime as dt

    import sqlalchemy  # noqa: F401  (the floor of any gioia command)

    with table.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    server = "://" in location
    if server:
        import psycopg

        connection = psycopg.connect(driver_url(location))
        mark = "%s"
    else:
        import sqlite3

        connection = sqlite3.connect(location, isolation_level=None)  # type: ignore[assignment]
        connection.execute("BEGIN")
        mark = "?"
    segments = {
        f"{name}:{position}": (segment_id, start, text[start:end])
        for segment_id, name, position, start, end, text in connection.execute(
            "SELECT s.id, t.name, s.position, s.char_start, s.char_end, t.text "
            "FROM segments s JOIN transcripts t ON t.id = s.transcript_id"
        )
    }
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    coders = {}
    for coder in sorted({row[0] for row in rows}):
        cursor = connection.execute(
            f"INSERT INTO coders (name, name_key, is_consensus, created_at) "
            f"VALUES ({mark}, {mark}, false, {mark}) RETURNING id",
            (coder, coder.casefold(), now),
        )
        coders[coder] = cursor.fetchone()[0]  # type: ignore[index]
    concepts = sorted({row[2] for row in rows})
    cursor = connection.cursor()
    cursor.executemany(
        f"INSERT INTO concepts (name, name_key, position, created_at) "
        f"VALUES ({mark}, {mark}, 0, {mark})",
        [(name, name.casefold(), now) for name in concepts],
    )
    ids = dict(connection.execute("SELECT name, id FROM concepts"))
    inserts = []
    for coder, ref, concept, quote in rows:
        segment_id, start, text = segments[ref]
        first, last = start, start + len(text)
        if quote:
            first = start + text.find(quote)
            last = first + len(quote)
        inserts.append((segment_id, ids[concept], coders[coder], first, last, now))
    cursor.executemany(
        "INSERT INTO codings (segment_id, concept_id, coder_id, char_start, char_end, "
        f"created_at) VALUES ({mark}, {mark}, {mark}, {mark}, {mark}, {mark})",
        inserts,
    )
    if server:
        connection.commit()
    else:
        connection.execute("COMMIT")
    connection.close()


def profile_worker(location: str, table: Path, top: int) -> None:
    from gioia.project import Project

    with Project.open(location) as project:
        profile(lambda: project.import_codings(table), top, "Project.import_codings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=200)
    parser.add_argument("--segments", type=int, default=100, help="turns per transcript")
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--concepts", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="then cProfile the import")
    add_store_argument(parser)
    add_work_arguments(parser, top=30)
    parser.add_argument("--worker", choices=["baseline", "profile"], help=argparse.SUPPRESS)
    parser.add_argument("--location", help=argparse.SUPPRESS)
    parser.add_argument("--table", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker == "baseline":
        baseline_worker(args.location, args.table)
        return
    if args.worker == "profile":
        profile_worker(args.location, args.table, args.top)
        return

    work = open_work(args.workdir, "codings")
    server = args.store
    print(f"# Codings — {machine(server)}")
    started = time.perf_counter()
    template = fresh_store(server, work, "codings_template")
    new_store(template, work / "transcripts", args.transcripts, args.segments, args.seed)
    segments = segment_texts(template)
    rng = random.Random(args.seed)
    names = concept_names(rng, args.concepts)
    rows = draw_codings(rng, segments, count=args.codings, concepts=names)
    table = work / "codings.csv"
    write_csv(table, ("coder", "segment", "concept", "quote"), rows)
    print(
        f"set-up (not timed, {time.perf_counter() - started:.1f} s): {args.transcripts} "
        f"transcripts, {len(segments)} segments; {table.name}: {args.codings} codings by "
        f"{len(CODERS)} coders, {args.concepts} concepts, {sum(1 for r in rows if r[3])} with "
        f"a quote ({table.stat().st_size / 1e6:.1f} MB)"
    )

    env = bench_env(work)
    log = work / "log.txt"
    gioia_runs: list[Run] = []
    base_runs: list[Run] = []
    for round_ in range(0, args.rounds + 1):
        store = copy_of(server, template, work, "codings_gioia")
        command = [GIOIA, "--store", store, "codings", "import", str(table)]
        run = run_process(command, log=log, env=env)
        plain = copy_of(server, template, work, "codings_baseline")
        worker = [PYTHON, __file__, "--worker", "baseline", "--table", str(table)]
        base = run_process([*worker, "--location", plain], log=log, env=env)
        if round_ == 0:
            ours, theirs = sorted(sql(store, CODINGS)), sorted(sql(plain, CODINGS))
            if len(ours) != args.codings or ours != theirs:
                raise SystemExit(f"gioia stored {len(ours)} codings, the baseline {len(theirs)}")
        drop_store(server, store)
        drop_store(server, plain)
        title = "warm-up (not counted)" if round_ == 0 else f"round {round_}"
        print(
            f"{title}: A gioia codings import {run.seconds:.2f} s ({run.max_rss_mb:.0f} MB); "
            f"B baseline {base.seconds:.2f} s ({base.max_rss_mb:.0f} MB)",
            flush=True,
        )
        if round_ > 0:
            gioia_runs.append(run)
            base_runs.append(base)

    print("\nThe two stores held the same codings (checked in the warm-up round).")
    print(f"Medians of {args.rounds} round(s):")
    show("A  gioia codings import (process)", spread([r.seconds for r in gioia_runs]))
    show("   its CPU time (user + system)", spread([r.cpu for r in gioia_runs]))
    show("   its peak memory (max RSS)", spread([r.max_rss_mb for r in gioia_runs], "MB", 0))
    show("B  baseline (process)", spread([r.seconds for r in base_runs]))
    show("   its peak memory (max RSS)", spread([r.max_rss_mb for r in base_runs], "MB", 0))
    ratio = median([r.seconds for r in gioia_runs]) / median([r.seconds for r in base_runs])
    paired = median([a.seconds / b.seconds for a, b in zip(gioia_runs, base_runs, strict=True)])
    print(f"\n  A / B: {ratio:.2f}x (ratio of medians), {paired:.2f}x paired")
    show(f"\nTarget: within {TARGET_RATIO:.0f}x the baseline:", verdict(ratio <= TARGET_RATIO, ""))

    if args.profile:
        store = copy_of(server, template, work, "codings_profile")
        command = [PYTHON, __file__, "--worker", "profile", "--location", store]
        subprocess.run(
            [*command, "--table", str(table), "--top", str(args.top)], env=env, check=True
        )
        drop_store(server, store)
    drop_store(server, template)
    close_work(work, args.keep)


if __name__ == "__main__":
    main()
