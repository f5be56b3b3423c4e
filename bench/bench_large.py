"""A large study: 5,000 transcripts x 5,000 words, 1,000,000 codings by 2 coders.

Targets (issue 14), on SQLite and on PostgreSQL (``--store URL``): ``gioia init`` +
``gioia import`` under 2 min, ``gioia structure`` under 2 s, ``gioia agreement`` under
10 s, and the report of the whole (``gioia report``) under 1 GB of memory.

Set-up: ``--transcripts`` synthetic transcripts of ``--words`` words of speech in turns of
20 to 150 words, half of them the interviewer's, written to files (not timed) and
imported by the timed commands; a structure of 300 concepts in 40 themes in 8
dimensions (``gioia structure import``); a truth of 3 or 4 of the concepts for each
informant segment, and two coders who each keep every concept of the truth with
probability 0.85 and otherwise put a random one in its place, imported with ``gioia
codings import`` (one file, one process per coder: timed, no target). Then ``gioia
structure``, ``gioia agreement`` and ``gioia report -o report.html``, ``--rounds`` times
each in turn. Every command is a whole process, timed from outside with its peak memory
(``benchlib.run_process``), after the same commands ran once on a small SQLite store
(not timed) so that Python's bytecode is cached as for an installed gioia.

    .venv/bin/python bench/bench_large.py                          # SQLite
    .venv/bin/python bench/bench_large.py --store postgresql+psycopg://…/postgres
    .venv/bin/python bench/bench_large.py --transcripts 500 --rounds 1   # a quick look
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from bench_structure import structure_rows
from benchlib import (
    GIOIA,
    Run,
    add_store_argument,
    add_work_arguments,
    bench_env,
    close_work,
    drop_store,
    fresh_store,
    machine,
    median,
    open_work,
    run_process,
    show,
    sql,
    verdict,
    write_csv,
    write_transcripts,
)

TARGET_IMPORT = 120.0
TARGET_STRUCTURE = 2.0
TARGET_AGREEMENT = 10.0
TARGET_REPORT_MB = 1024.0
CODERS = ("Maria", "Tom")


def warm_up(work: Path, env: dict[str, str], log: Path) -> None:
    """Every command once on a store of two short transcripts (not timed)."""
    folder = work / "warm"
    write_transcripts(folder, 2, seed=1, words=300)
    store = str(work / "warm.db")
    run_process([GIOIA, "--store", store, "init"], log=log, env=env)
    run_process([GIOIA, "--store", store, "import", str(folder)], log=log, env=env)
    table = work / "warm.csv"
    write_csv(
        table,
        ("coder", "segment", "concept", "quote"),
        [(CODERS[0], "interview_0001:2", "Trust", "")],
    )
    run_process([GIOIA, "--store", store, "codings", "import", str(table)], log=log, env=env)
    for command in (["structure"], ["agreement"], ["report", "-o", str(work / "warm.html")]):
        run_process([GIOIA, "--store", store, *command], log=log, env=env, check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=5000)
    parser.add_argument("--words", type=int, default=5000, help="words of speech per file")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=15)
    add_store_argument(parser)
    add_work_arguments(parser)
    args = parser.parse_args()

    server = args.store
    work = open_work(args.workdir, "large")
    print(f"# A large study — {machine(server)}")
    env = bench_env(work)
    log = work / "log.txt"
    warm_up(work, env, log)
    started = time.perf_counter()
    folder = work / "transcripts"
    write_transcripts(folder, args.transcripts, seed=args.seed, words=args.words)
    rng = random.Random(args.seed)
    concepts, rows = structure_rows(rng, 300, 40, 8)
    structure_csv = work / "structure.csv"
    write_csv(structure_csv, ("concept", "theme", "dimension", "concept_definition"), rows)
    print(f"files written (not timed): {time.perf_counter() - started:.0f} s")

    store = fresh_store(server, work, "large")
    runs: dict[str, Run] = {}
    runs["gioia init"] = run_process([GIOIA, "--store", store, "init"], log=log, env=env)
    runs["gioia import"] = run_process(
        [GIOIA, "--store", store, "import", str(folder)], log=log, env=env
    )
    segments = [
        f"{name}:{position}"
        for name, position in sql(
            store,
            "SELECT t.name, s.position FROM segments s JOIN transcripts t "
            "ON t.id = s.transcript_id WHERE NOT s.is_interviewer",
        )
    ]
    total = sql(store, "SELECT count(*) FROM segments")[0][0]
    runs["gioia structure import"] = run_process(
        [GIOIA, "--store", store, "structure", "import", str(structure_csv)], log=log, env=env
    )
    truth = [rng.sample(concepts, rng.choice((3, 4))) for _ in segments]
    codings = 0
    for coder in CODERS:
        table = work / f"codings-{coder}.csv"
        coded = []
        for ref, codes in zip(segments, truth, strict=True):
            chosen = {c if rng.random() < 0.85 else rng.choice(concepts) for c in codes}
            coded += [(coder, ref, concept, "") for concept in sorted(chosen)]
        write_csv(table, ("coder", "segment", "concept", "quote"), coded)
        codings += len(coded)
        runs[f"gioia codings import ({coder})"] = run_process(
            [GIOIA, "--store", store, "codings", "import", str(table)], log=log, env=env
        )
    stored = sql(store, "SELECT count(*) FROM codings")[0][0]
    print(
        f"store: {args.transcripts} transcripts, {total} segments ({len(segments)} "
        f"informant's), {stored} codings by {len(CODERS)} coders (files: {codings} rows)"
    )

    print("\nBuilding the store, each command once:")
    for name, run in runs.items():
        show(f"  {name}", f"{run.seconds:.2f} s; peak {run.max_rss_mb:.0f} MB")

    report = work / "report.html"
    commands = {
        "gioia structure": [GIOIA, "--store", store, "structure"],
        "gioia agreement": [GIOIA, "--store", store, "agreement"],
        "gioia report": [GIOIA, "--store", store, "report", "-o", str(report)],
    }
    timed: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(args.rounds):
        for name, command in commands.items():
            timed[name].append(run_process(command, log=log, env=env))
    print(f"\nThe study's commands, {args.rounds} round(s) in turn:")
    for name, done in timed.items():
        seconds = median([r.seconds for r in done])
        memory = max(r.max_rss_mb for r in done)
        show(f"  {name}", f"{seconds:.2f} s (median); peak {memory:.0f} MB")

    imported = runs["gioia init"].seconds + runs["gioia import"].seconds
    structure = median([r.seconds for r in timed["gioia structure"]])
    agreement = median([r.seconds for r in timed["gioia agreement"]])
    report_mb = max(r.max_rss_mb for r in timed["gioia report"])
    print("\nTargets:")
    show("  init + import under 2 min:", verdict(imported < TARGET_IMPORT, f"{imported:.1f} s"))
    show(
        "  gioia structure under 2 s:",
        verdict(structure < TARGET_STRUCTURE, f"{structure:.2f} s"),
    )
    show(
        "  gioia agreement under 10 s:",
        verdict(agreement < TARGET_AGREEMENT, f"{agreement:.2f} s"),
    )
    show(
        "  gioia report under 1 GB:",
        verdict(report_mb < TARGET_REPORT_MB, f"{report_mb:.0f} MB"),
    )
    drop_store(server, store)
    close_work(work, args.keep)


if __name__ == "__main__":
    main()
