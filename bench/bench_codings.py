"""Writing codings through the API: 100,000 codings from a CSV with ``import_codings``.

Target (issue 2): 100,000 codings written through the API in under 10 s.

Set-up, not timed: 200 synthetic transcripts of 100 speaker turns each (so 200 x 100
segments; turns of 20 to 150 words, as in ``bench_import.py``) imported into a fresh
store with ``Project.import_files``; then a CSV (coder, segment, concept, quote) of
100,000 distinct codings: 3 coders, segments ``TRANSCRIPT:N`` drawn at random, 300
concept names (new to the store, so the import creates them, as a first import of a
codebook does), and for about half of the rows a quote of 3 to 8 consecutive words of
the segment, exactly as they stand in it.

Measured, in rounds, each on a fresh copy of the set-up store, in its own process:
``Project.open(store)`` and then ``Project.import_codings(csv)`` (one transaction, all
or nothing), timed with ``time.perf_counter`` inside the process; the process's peak
memory (max RSS). The result is checked (every row added). Figures: median seconds,
codings per second, and the target met or not.

    .venv/bin/python bench/bench_codings.py                      # the target's size
    .venv/bin/python bench/bench_codings.py --codings 10000 --transcripts 40 --rounds 1
    .venv/bin/python bench/bench_codings.py --breakdown --profile   # where the time goes
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import time
from pathlib import Path
from typing import Any

from benchlib import (
    CODERS,
    PYTHON,
    Phases,
    Run,
    add_work_arguments,
    bench_env,
    close_work,
    concept_names,
    copy_store,
    draw_codings,
    machine,
    median,
    new_store,
    open_work,
    profile,
    remove_store,
    run_process,
    segment_texts,
    show,
    spread,
    verdict,
    write_csv,
)

TARGET_SECONDS = 10.0


def api_worker(db: Path, table: Path, result: Path) -> None:
    """``Project.open`` and ``Project.import_codings`` in this process, timed here."""
    started = time.perf_counter()
    from gioia.project import Project

    imported = time.perf_counter()
    project = Project.open(str(db))
    opened = time.perf_counter()
    outcome = project.import_codings(table)
    done = time.perf_counter()
    project.close()
    figures = {
        "import_gioia": imported - started,
        "open": opened - imported,
        "import_codings": done - opened,
        "added": outcome.added,
    }
    result.write_text(json.dumps(figures))


def statement_label(_session: Any, statement: Any, *_args: Any, **_kwargs: Any) -> str:
    """A breakdown label for ``Session.execute(statement)``."""
    if getattr(statement, "is_insert", False):
        return f"bulk INSERT into {statement.table.name} (Session.execute)"
    return "existing codings read (Session.execute)"


def breakdown_worker(db: Path, table: Path) -> None:
    """Where ``Project.import_codings`` spends its time, phase by phase (printed)."""
    from sqlalchemy.orm import Session

    from gioia.importers import tables
    from gioia.ops import coding
    from gioia.project import Project

    project = Project.open(str(db))
    phases = Phases()
    phases.wrap(coding, "read_table", "read_table (CSV)")
    phases.wrap(tables.Table, "records", "  of the rows: Table.records (a dict per row)")
    phases.wrap(coding, "_span", "  of the rows: quotes located (_span)")
    phases.wrap(Session, "scalars", "segments loaded, per transcript (Session.scalars)")
    phases.wrap(coding, "get_or_create_coder", "coders found or created")
    phases.wrap(coding, "find_concept", "concepts looked up (find_concept)")
    phases.wrap(coding, "create_concept", "concepts created (create_concept)")
    phases.wrap(Session, "execute", label_of=statement_label)
    phases.watch_engine(project._store.engine, prefix="  inside the above: ")
    start = time.perf_counter()
    outcome = project.import_codings(table)
    total = time.perf_counter() - start
    project.close()
    outside = sum(v for k, v in phases.seconds.items() if not k.startswith(" "))
    rest = "the rest: the rows' loop (names, refs), commit"
    phases.seconds[rest], phases.calls[rest] = total - outside, 0
    print(f"\nProject.import_codings of {outcome.added} codings: {total:.3f} s, by phase")
    for line in phases.report(total, outcome.added // 1000, "1,000 codings"):
        print(f"  {line}")


def profile_worker(db: Path, table: Path, top: int) -> None:
    from gioia.project import Project

    with Project.open(str(db)) as project:
        profile(lambda: project.import_codings(table), top, "Project.import_codings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=200)
    parser.add_argument("--segments", type=int, default=100, help="turns per transcript")
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--concepts", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--breakdown", action="store_true", help="then time the phases")
    parser.add_argument("--profile", action="store_true", help="then cProfile the import")
    add_work_arguments(parser, top=30)
    parser.add_argument("--worker", choices=["api", "breakdown", "profile"], help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--table", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker == "api":
        api_worker(args.db, args.table, args.result)
        return
    if args.worker == "breakdown":
        breakdown_worker(args.db, args.table)
        return
    if args.worker == "profile":
        profile_worker(args.db, args.table, args.top)
        return

    work = open_work(args.workdir, "codings")
    print(f"# Codings — {machine()}")
    started = time.perf_counter()
    template = work / "template.db"
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
    runs: list[Run] = []
    inside: list[dict[str, float]] = []
    db, result = work / "store.db", work / "result.json"
    worker = [PYTHON, __file__, "--db", str(db), "--table", str(table)]
    for round_ in range(0, args.rounds + 1):
        copy_store(template, db)
        run = run_process([*worker, "--worker", "api", "--result", str(result)], log=log, env=env)
        figures = json.loads(result.read_text())
        if figures["added"] != args.codings:
            raise SystemExit(f"expected {args.codings} codings added: {figures}")
        title = "warm-up (not counted)" if round_ == 0 else f"round {round_}"
        print(
            f"{title}: import_codings {figures['import_codings']:.2f} s (open "
            f"{figures['open']:.2f} s; process {run.seconds:.2f} s, {run.max_rss_mb:.0f} MB)",
            flush=True,
        )
        if round_ > 0:
            runs.append(run)
            inside.append(figures)
    remove_store(db)

    seconds = [f["import_codings"] for f in inside]
    print(f"\nMedians of {args.rounds} round(s):")
    show("Project.import_codings (in process)", spread(seconds))
    show("Project.open (in process)", spread([f["open"] for f in inside]))
    show("the process, whole", spread([r.seconds for r in runs]))
    show("its peak memory (max RSS)", spread([r.max_rss_mb for r in runs], "MB", 0))
    show("codings per second", f"{args.codings / median(seconds):,.0f}")
    best = median(seconds)
    print(
        f"\nTarget: {args.codings:,} codings in under {TARGET_SECONDS:.0f} s: "
        + verdict(best < TARGET_SECONDS, f"{best:.2f} s, {best / TARGET_SECONDS:.2f}x the limit")
    )

    for mode, wanted in (("breakdown", args.breakdown), ("profile", args.profile)):
        if wanted:
            copy_store(template, db)
            command = [*worker, "--worker", mode, "--top", str(args.top)]
            subprocess.run(command, env=env, check=True)
            remove_store(db)

    close_work(work, args.keep)


if __name__ == "__main__":
    main()
