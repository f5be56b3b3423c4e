"""Importing transcripts: ``gioia init`` + ``gioia import`` of 1,000 x 5,000 words.

Targets (issue 14), on SQLite and on PostgreSQL (``--store URL``), ratios in one run:

* ``gioia init`` + ``gioia import FOLDER`` (two processes, their times added) within 4x
  the baseline process, with a peak memory under 300 MB;
* the first ``--qc`` files (200) at least 4x faster than ``qc`` (the
  qualitative-coding package, its verbatim importer) importing them.

The baseline (``--worker baseline``) is the floor of any command here: a process that
imports SQLAlchemy, reads the same files, splits them on blank lines and inserts the
segments (transcript, ordinal, speaker, text) with one ``executemany`` in one
transaction, with ``sqlite3`` (WAL, ``synchronous=NORMAL`` as gioia's store) or
``psycopg``. gioia does more than that per file (decoding, normalising, finding speaker
labels, offsets, each file's audit event, a transaction per hundred files): the ratio is
what that costs.

Rounds alternate A (gioia) and B (baseline) on fresh stores; each process is timed from
outside (``time.perf_counter``) with its peak memory (``getrusage`` of a wrapper). After
each gioia import the store is checked: every file imported, as many segments as the
baseline wrote. ``--qc`` runs gioia and ``qc`` in turn on the first files (``qc init`` +
``qc corpus import -r -i verbatim``), with qc installed once in its own venv
(``--qc-venv``). ``--profile N`` prints the cProfile of ``Project.import_files`` on N
files.

    .venv/bin/python bench/bench_import.py                         # SQLite, target size
    .venv/bin/python bench/bench_import.py --store postgresql+psycopg://…/postgres
    .venv/bin/python bench/bench_import.py --files 100 --rounds 1   # a quick look
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchlib import (
    GIOIA,
    PYTHON,
    Run,
    add_store_argument,
    add_work_arguments,
    bench_env,
    close_work,
    driver_url,
    drop_store,
    fresh_store,
    machine,
    median,
    open_work,
    run_process,
    show,
    spread,
    sql,
    verdict,
    write_transcripts,
)

TARGET_RATIO = 4.0
TARGET_MB = 300.0
TARGET_QC = 4.0
QC_VERSION = "1.7.8"


def baseline_worker(folder: Path, location: str) -> None:
    """SQLAlchemy imported; every file split on blank lines; the segments inserted with
    one executemany in one transaction."""
    import sqlalchemy  # noqa: F401  (the floor of any gioia command)

    rows = []
    for path in sorted(folder.glob("*.txt")):
        turns = [t for t in path.read_text(encoding="utf-8").split("\n\n") if t.strip()]
        for ordinal, turn in enumerate(turns, start=1):
            speaker, _, said = turn.partition(": ")
            rows.append((path.stem, ordinal, speaker, said.strip()))
    create = (
        "CREATE TABLE segments (id {key}, transcript TEXT NOT NULL, ordinal INTEGER NOT NULL,"
        " speaker TEXT, text TEXT NOT NULL, UNIQUE (transcript, ordinal))"
    )
    insert = "INSERT INTO segments (transcript, ordinal, speaker, text) VALUES ({0}, {0}, {0}, {0})"
    if "://" not in location:
        import sqlite3

        connection = sqlite3.connect(location, isolation_level=None)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute(create.format(key="INTEGER PRIMARY KEY"))
        connection.execute("BEGIN")
        connection.executemany(insert.format("?"), rows)
        connection.execute("COMMIT")
        connection.close()
        return
    import psycopg

    with psycopg.connect(driver_url(location)) as server:
        server.execute(create.format(key="SERIAL PRIMARY KEY"))
        with server.cursor() as cursor:
            cursor.executemany(insert.format("%s"), rows)


def profile_worker(folder: Path, location: str, files: int, top: int) -> None:
    """cProfile of ``Project.import_files`` on the first ``files`` files (printed)."""
    import cProfile
    import pstats

    from gioia.project import Project

    paths = sorted(folder.glob("*.txt"))[:files]
    project = Project.init(location)
    profiler = cProfile.Profile()
    profiler.enable()
    project.import_files(paths)
    profiler.disable()
    project.close()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def segments_in(location: str, table: str = "segments") -> int:
    return int(sql(location, f"SELECT count(*) FROM {table}")[0][0])


def gioia_import(location: str, folder: Path, log: Path, env: dict[str, str]) -> tuple[Run, Run]:
    """``gioia init`` then ``gioia import FOLDER``, each a process."""
    init = run_process([GIOIA, "--store", location, "init"], log=log, env=env)
    imported = run_process([GIOIA, "--store", location, "import", str(folder)], log=log, env=env)
    return init, imported


def qc_python(venv: Path) -> Path:
    """The qc venv's Python, the venv made (and qualitative-coding installed) if new."""
    python = venv / "bin" / "python"
    if not (venv / "bin" / "qc").exists():
        print(f"installing qualitative-coding {QC_VERSION} into {venv} …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", f"qualitative-coding=={QC_VERSION}"],
            check=True,
        )
    return python


def qc_import(venv: Path, folder: Path, project: Path, log: Path, env: dict[str, str]) -> Run:
    """``qc init`` + ``qc corpus import -r -i verbatim FOLDER`` in a new project folder,
    timed as one process (a shell running both)."""
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    qc = venv / "bin" / "qc"
    script = f"cd {project} && {qc} init && {qc} corpus import -r -i verbatim {folder}"
    return run_process(["sh", "-c", script], log=log, env=env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000, help="transcripts to import")
    parser.add_argument("--words", type=int, default=5000, help="words of speech per file")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of A and B")
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--qc", type=int, default=200, metavar="FILES", help="0: skip qc")
    parser.add_argument("--qc-rounds", type=int, default=3)
    parser.add_argument(
        "--qc-venv",
        type=Path,
        default=Path.home() / ".cache" / "gioia-bench" / "qc-venv",
        help="where qualitative-coding is installed (made on first use)",
    )
    parser.add_argument(
        "--profile", type=int, metavar="FILES", help="then cProfile the import of FILES files"
    )
    add_store_argument(parser)
    add_work_arguments(parser, top=30)
    parser.add_argument("--worker", choices=["baseline", "profile"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--location", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker == "baseline":
        baseline_worker(args.folder, args.location)
        return
    if args.worker == "profile":
        profile_worker(args.folder, args.location, args.profile, args.top)
        return

    work = open_work(args.workdir, "import")
    folder = work / "transcripts"
    log = work / "log.txt"
    server = args.store
    print(f"# Import — {machine(server)}")
    started = time.perf_counter()
    shutil.rmtree(folder, ignore_errors=True)
    paths = write_transcripts(folder, args.files, seed=args.seed, words=args.words)
    size = sum(p.stat().st_size for p in paths)
    print(
        f"{args.files} transcripts x {args.words} words ({size / 1e6:.1f} MB of UTF-8) "
        f"written to {folder} in {time.perf_counter() - started:.1f} s"
    )
    env = bench_env(work)
    warm = fresh_store(server, work, "warm")
    gioia_import(warm, paths[0], log, env)
    drop_store(server, warm)

    a_init: list[Run] = []
    a_import: list[Run] = []
    base: list[Run] = []
    for round_ in range(1, args.rounds + 1):
        store = fresh_store(server, work, "gioia")
        init, imported = gioia_import(store, folder, log, env)
        a_init.append(init)
        a_import.append(imported)
        segments = segments_in(store)
        transcripts = segments_in(store, "transcripts")
        drop_store(server, store)

        plain = fresh_store(server, work, "baseline")
        worker = [PYTHON, __file__, "--worker", "baseline", "--folder", str(folder)]
        base.append(run_process([*worker, "--location", plain], log=log, env=env))
        if segments_in(plain) != segments or transcripts != args.files:
            raise SystemExit(
                f"gioia stored {transcripts} transcripts and {segments} segments, "
                f"the baseline {segments_in(plain)} segments"
            )
        drop_store(server, plain)
        print(
            f"round {round_}: A init {init.seconds:.2f} s + import {imported.seconds:.2f} s "
            f"({imported.max_rss_mb:.0f} MB); B baseline {base[-1].seconds:.2f} s "
            f"({base[-1].max_rss_mb:.0f} MB)",
            flush=True,
        )

    both = [i.seconds + m.seconds for i, m in zip(a_init, a_import, strict=True)]
    print(f"\n{args.files} transcripts, {segments} segments in each store.")
    print(f"Medians of {args.rounds} round(s):")
    show("A  gioia init (process)", spread([r.seconds for r in a_init]))
    show("A  gioia import (process)", spread([r.seconds for r in a_import]))
    show("A  init + import", spread(both))
    show("   import's CPU time (user + system)", spread([r.cpu for r in a_import]))
    show("   import's peak memory (max RSS)", spread([r.max_rss_mb for r in a_import], "MB", 0))
    show("B  baseline (process)", spread([r.seconds for r in base]))
    show("   its peak memory (max RSS)", spread([r.max_rss_mb for r in base], "MB", 0))
    ratio = median(both) / median([r.seconds for r in base])
    paired = median([a / b.seconds for a, b in zip(both, base, strict=True)])
    peak = max(max(r.max_rss_mb for r in a_import), max(r.max_rss_mb for r in a_init))
    print(f"\n  (init + import) / baseline: {ratio:.2f}x (ratio of medians), {paired:.2f}x paired")
    print(f"  segments per second (init + import): {segments / median(both):,.0f}")

    qc_ratio = None
    if args.qc:
        sample = work / "qc-sample"
        shutil.rmtree(sample, ignore_errors=True)
        sample.mkdir()
        for path in paths[: args.qc]:
            shutil.copy(path, sample / path.name)
        qc_python(args.qc_venv)
        gioia_runs: list[float] = []
        qc_runs: list[Run] = []
        qc_import(args.qc_venv, sample, work / "qc-warm", log, env)
        for _ in range(args.qc_rounds):
            store = fresh_store(server, work, "gioia-qc")
            init, imported = gioia_import(store, sample, log, env)
            gioia_runs.append(init.seconds + imported.seconds)
            drop_store(server, store)
            project = work / "qc-project"
            qc_runs.append(qc_import(args.qc_venv, sample, project, log, env))
            imported_files = len(list((project / "corpus").rglob("*.txt")))
            if imported_files != len(list(sample.glob("*.txt"))):
                raise SystemExit(f"qc imported {imported_files} files: see {log}")
        print(f"\nThe first {args.qc} files, gioia and qc {QC_VERSION} in turn:")
        show("gioia init + import", spread(gioia_runs))
        show("qc init + corpus import -i verbatim", spread([r.seconds for r in qc_runs]))
        qc_ratio = median([r.seconds for r in qc_runs]) / median(gioia_runs)
        print(f"  qc / gioia: {qc_ratio:.2f}x")

    print("\nTargets:")
    show(
        f"init + import within {TARGET_RATIO:.0f}x the baseline:",
        verdict(ratio <= TARGET_RATIO, f"{ratio:.2f}x"),
    )
    show(f"peak memory under {TARGET_MB:.0f} MB:", verdict(peak < TARGET_MB, f"{peak:.0f} MB"))
    if qc_ratio is not None:
        show(
            f"{TARGET_QC:.0f}x faster than qc on {args.qc} files:",
            verdict(qc_ratio >= TARGET_QC, f"{qc_ratio:.2f}x"),
        )

    if args.profile:
        store = fresh_store(server, work, "profile")
        command = [PYTHON, __file__, "--worker", "profile", "--folder", str(folder)]
        command += ["--location", store, "--profile", str(args.profile), "--top", str(args.top)]
        print(flush=True)
        subprocess.run(command, env=env, check=True)
        drop_store(server, store)
    close_work(work, args.keep)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
