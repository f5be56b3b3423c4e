"""Importing transcripts: 1,000 plain-text transcripts of 5,000 words each.

Targets (issue 2): the import takes under 20 s and under 300 MB of peak memory, and
within 3x the time of inserting the same rows with plain ``sqlite3`` ``executemany``.

Measured, in rounds (A, B, C, A, B, C, ...; a fresh store each time, same files):

A. ``gioia --store X init`` then ``gioia --store X import FOLDER``, each a whole
   process: wall time (``time.perf_counter`` around it) and peak memory (max RSS from
   ``getrusage(RUSAGE_CHILDREN)`` of a wrapper whose only child it is). The import is
   the figure for the targets; ``init`` is reported beside it.
B. The baseline, a whole process too: this script's ``--worker baseline`` reads the same
   files, splits the speaker turns (``Label: text`` paragraphs) and writes, one
   transaction per file as gioia does, a ``transcripts`` row with the text and one
   ``segments`` row per turn (transcript id, position, start, end, speaker) with
   ``executemany``, in WAL mode with ``synchronous=NORMAL`` as gioia's store is.
C. The same import in one process through the API (``--worker api``):
   ``Project.init`` then ``Project.import_files([FOLDER])``, timed inside the process
   (so without the interpreter's start-up), and the process's peak memory.

The transcripts are synthetic and seeded: ``Interviewer: ...`` and ``Anna Rossi: ...``
turns of 20 to 150 words, a blank line between turns, sentences over a vocabulary with
accented words, contractions and punctuation, exactly ``--words`` words of speech
(speaker labels not counted, as gioia counts words) per file. After each gioia import
the store is checked: every file imported, as many segments as the baseline wrote.

``--what-if NAME[,NAME]`` (repeatable: D1, D2, ...) adds D to each round: the same CLI
import with gioia patched in its process as suggestions of RESULTS.md would change it (see
``benchlib.WHAT_IFS``; gioia's files are not changed): ``core-import`` (the transcript
row and its event also written with Core inserts, not the ORM's unit of work),
``fast-normalize`` (no regular-expression pass where its characters do not occur). Each
is first checked to write the same rows as gioia on the first five files.

    .venv/bin/python bench/bench_import.py                        # the target's size
    .venv/bin/python bench/bench_import.py --files 100 --rounds 1  # a quick look
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from benchlib import (
    GIOIA,
    PYTHON,
    WHAT_IFS,
    Phases,
    Run,
    add_work_arguments,
    apply_what_ifs,
    bench_env,
    check_fast_normalize,
    check_what_ifs,
    close_work,
    label,
    launch_cli,
    machine,
    median,
    open_work,
    remove_store,
    run_process,
    show,
    spread,
    verdict,
    what_if_list,
    write_transcripts,
)

TARGET_SECONDS = 20.0
TARGET_MB = 300.0
TARGET_RATIO = 3.0

BASELINE_SCHEMA = """
CREATE TABLE transcripts (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, source TEXT NOT NULL, text TEXT NOT NULL
);
CREATE TABLE segments (
    id INTEGER PRIMARY KEY,
    transcript_id INTEGER NOT NULL REFERENCES transcripts(id),
    position INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    speaker TEXT,
    UNIQUE (transcript_id, position)
);
"""


def baseline_worker(folder: Path, db: Path) -> None:
    """Plain sqlite3: the same transcripts and segments rows, one transaction per file."""
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.executescript(BASELINE_SCHEMA)
    for path in sorted(folder.glob("*.txt")):
        pieces: list[str] = []
        rows: list[tuple[int, int, str]] = []
        offset = 0
        for turn in path.read_text(encoding="utf-8").split("\n\n"):
            if not turn.strip():
                continue
            speaker, _, said = turn.partition(": ")
            said = said.strip()
            pieces.append(said)
            rows.append((offset, offset + len(said), speaker))
            offset += len(said) + 2
        connection.execute("BEGIN")
        transcript_id = connection.execute(
            "INSERT INTO transcripts (name, source, text) VALUES (?, ?, ?)",
            (path.stem, path.name, "\n\n".join(pieces)),
        ).lastrowid
        connection.executemany(
            "INSERT INTO segments (transcript_id, position, char_start, char_end, speaker) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (transcript_id, position, start, end, speaker)
                for position, (start, end, speaker) in enumerate(rows, start=1)
            ],
        )
        connection.execute("COMMIT")
    connection.close()


def api_worker(folder: Path, db: Path, result: Path) -> None:
    """``Project.init`` and ``Project.import_files`` in this process, timed here."""
    started = time.perf_counter()
    from gioia.project import Project

    imported = time.perf_counter()
    project = Project.init(str(db))
    initialised = time.perf_counter()
    results = project.import_files([folder])
    done = time.perf_counter()
    project.close()
    statuses = sorted({r.status for r in results})
    figures = {
        "import_gioia": imported - started,
        "init": initialised - imported,
        "import_files": done - initialised,
        "files": len(results),
        "statuses": statuses,
    }
    result.write_text(json.dumps(figures))


def breakdown_worker(folder: Path, db: Path, what_ifs: list[str]) -> None:
    """Where ``Project.import_files`` spends its time, phase by phase (printed)."""
    from sqlalchemy.orm import Session, SessionTransaction

    from gioia.importers import decode, plain
    from gioia.ops import importing
    from gioia.project import Project

    apply_what_ifs(what_ifs)
    project = Project.init(str(db))
    phases = Phases()
    phases.wrap(importing, "read_transcript", "read_transcript (read, decode, parse)")
    phases.wrap(decode, "normalize_text", "  of which normalize_text")
    phases.wrap(plain, "parse_blocks", "  of which parse_blocks (speaker labels)")
    phases.wrap(importing, "build_document", "build_document (segments)")
    phases.wrap(Session, "scalar", "transcript looked up (Session.scalar)")
    phases.wrap(Session, "flush", "transcript row written (Session.flush)")
    phases.wrap(importing, "link_speakers", "speakers linked (link_speakers)")
    phases.wrap(Session, "execute", "segments bulk INSERT (Session.execute)")
    phases.wrap(SessionTransaction, "commit", "commit (flushes the event; COMMIT)")
    phases.watch_engine(project._store.engine, prefix="  inside the above: ")
    start = time.perf_counter()
    results = project.import_files([folder])
    total = time.perf_counter() - start
    project.close()
    outside = sum(v for k, v in phases.seconds.items() if not k.startswith(" "))
    rest = "the rest: sessions, rows as dicts, glue"
    phases.seconds[rest] = total - outside
    phases.calls[rest] = 0
    what = f" (what if: {' + '.join(what_ifs)})" if what_ifs else ""
    print(f"Project.import_files{what} of {len(results)} files: {total:.3f} s, by phase:")
    for line in phases.report(total, len(results), "file"):
        print(f"  {line}")


def profile_worker(folder: Path, db: Path, files: int, top: int) -> None:
    """cProfile of ``Project.import_files`` on the first ``files`` files (printed)."""
    import cProfile
    import pstats

    from gioia.project import Project

    paths = sorted(folder.glob("*.txt"))[:files]
    project = Project.init(str(db))
    profiler = cProfile.Profile()
    profiler.enable()
    project.import_files(paths)
    profiler.disable()
    project.close()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def counts(db: Path) -> tuple[int, int]:
    """Transcripts and segments in a store (gioia's or the baseline's)."""
    with sqlite3.connect(db) as connection:
        transcripts = connection.execute("SELECT count(*) FROM transcripts").fetchone()[0]
        segments = connection.execute("SELECT count(*) FROM segments").fetchone()[0]
    connection.close()
    return transcripts, segments


def word_counts(db: Path) -> set[int]:
    with sqlite3.connect(db) as connection:
        found = {len(t.split()) for (t,) in connection.execute("SELECT text FROM transcripts")}
    connection.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000, help="transcripts to import")
    parser.add_argument("--words", type=int, default=5000, help="words of speech per file")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of A, B and C")
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--no-api", action="store_true", help="skip C, the in-process import")
    parser.add_argument(
        "--breakdown", action="store_true", help="then time the import's phases in process"
    )
    parser.add_argument(
        "--profile", type=int, metavar="FILES", help="then cProfile the import of FILES files"
    )
    add_work_arguments(parser, top=30)
    parser.add_argument(
        "--what-if",
        action="append",
        default=[],
        type=what_if_list,
        metavar="NAME[,NAME]",
        help=f"also run D: the CLI import with these changes to gioia patched into its "
        f"process; repeat for more variants (D1, D2, ...); --breakdown then breaks each "
        f"down too ({', '.join(WHAT_IFS)})",
    )
    parser.add_argument(
        "--worker", choices=["baseline", "api", "breakdown", "profile"], help=argparse.SUPPRESS
    )
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker == "baseline":
        baseline_worker(args.folder, args.db)
        return
    if args.worker == "api":
        api_worker(args.folder, args.db, args.result)
        return
    if args.worker == "breakdown":
        breakdown_worker(args.folder, args.db, args.what_if[0] if args.what_if else [])
        return
    if args.worker == "profile":
        profile_worker(args.folder, args.db, args.profile, args.top)
        return

    work = open_work(args.workdir, "import")
    folder = work / "transcripts"
    log = work / "log.txt"
    print(f"# Import — {machine()}")
    started = time.perf_counter()
    shutil.rmtree(folder, ignore_errors=True)
    paths = write_transcripts(folder, args.files, seed=args.seed, words=args.words)
    size = sum(p.stat().st_size for p in paths)
    print(
        f"{args.files} transcripts x {args.words} words ({size / 1e6:.1f} MB of UTF-8) "
        f"written to {folder} in {time.perf_counter() - started:.1f} s"
    )

    if any("fast-normalize" in what_ifs for what_ifs in args.what_if):
        check_fast_normalize([p.read_text(encoding="utf-8") for p in paths])
        print("fast-normalize: equal to gioia's normalize_text on every file and 100,000 strings")
    if args.what_if:
        sample = work / "sample"
        shutil.rmtree(sample, ignore_errors=True)
        sample.mkdir()
        for path in paths[:5]:
            shutil.copy(path, sample / path.name)
        for what_ifs in args.what_if:
            check_what_ifs(what_ifs, sample, work)
        print("what-ifs: each writes the same rows as gioia on the first 5 files")

    env = bench_env(work)
    warm = work / "warm-up.db"
    run_process([GIOIA, "--store", str(warm), "init"], log=log, env=env)
    run_process([GIOIA, "--store", str(warm), "import", str(paths[0])], log=log, env=env)
    remove_store(warm)

    init: list[Run] = []
    cli: list[Run] = []
    base: list[Run] = []
    api: list[Run] = []
    api_inside: list[dict[str, float]] = []
    patched: list[list[Run]] = [[] for _ in args.what_if]
    for round_ in range(1, args.rounds + 1):
        store = work / f"gioia-{round_}.db"
        remove_store(store)
        init.append(run_process([GIOIA, "--store", str(store), "init"], log=log, env=env))
        command = [GIOIA, "--store", str(store), "import", str(folder)]
        cli.append(run_process(command, log=log, env=env))
        transcripts, segments = counts(store)
        if round_ == 1:
            words = word_counts(store)
            if words != {args.words}:
                raise SystemExit(f"gioia counts {sorted(words)} words, not {args.words}")
        remove_store(store)

        plain = work / f"baseline-{round_}.db"
        remove_store(plain)
        worker = [PYTHON, __file__, "--worker", "baseline", "--folder", str(folder)]
        base.append(run_process([*worker, "--db", str(plain)], log=log, env=env))
        if counts(plain) != (transcripts, segments) or transcripts != args.files:
            raise SystemExit(
                f"gioia stored {(transcripts, segments)} transcripts and segments, "
                f"the baseline {counts(plain)}"
            )
        remove_store(plain)

        line = (
            f"round {round_}: A init {init[-1].seconds:.2f} s, import {cli[-1].seconds:.2f} s "
            f"({cli[-1].max_rss_mb:.0f} MB); B baseline {base[-1].seconds:.2f} s "
            f"({base[-1].max_rss_mb:.0f} MB)"
        )
        if not args.no_api:
            db, result = work / f"api-{round_}.db", work / "api.json"
            remove_store(db)
            worker = [PYTHON, __file__, "--worker", "api", "--folder", str(folder)]
            command = [*worker, "--db", str(db), "--result", str(result)]
            api.append(run_process(command, log=log, env=env))
            api_inside.append(json.loads(result.read_text()))
            if api_inside[-1]["statuses"] != ["imported"] or counts(db) != (transcripts, segments):
                raise SystemExit(f"the API import went wrong: {api_inside[-1]}, {counts(db)}")
            remove_store(db)
            line += (
                f"; C import_files {api_inside[-1]['import_files']:.2f} s "
                f"(process {api[-1].seconds:.2f} s, {api[-1].max_rss_mb:.0f} MB)"
            )
        for number, what_ifs in enumerate(args.what_if, start=1):
            db = work / f"what-if-{round_}.db"
            remove_store(db)
            run_process(launch_cli([], ["--store", str(db), "init"]), log=log, env=env)
            command = launch_cli(what_ifs, ["--store", str(db), "import", str(folder)])
            run = run_process(command, log=log, env=env)
            patched[number - 1].append(run)
            if counts(db) != (transcripts, segments):
                raise SystemExit(f"the what-if import went wrong: {counts(db)}")
            remove_store(db)
            line += f"; D{number} {run.seconds:.2f} s ({run.max_rss_mb:.0f} MB)"
        print(line, flush=True)

    print(f"\n{transcripts} transcripts, {segments} segments in each store.")
    print(f"Medians of {args.rounds} round(s):")
    show("A  gioia init (process)", spread([r.seconds for r in init]))
    show("A  gioia import (process)", spread([r.seconds for r in cli]))
    show("   its CPU time (user + system)", spread([r.cpu for r in cli]))
    show("   its peak memory (max RSS)", spread([r.max_rss_mb for r in cli], "MB", 0))
    show("B  sqlite3 executemany (process)", spread([r.seconds for r in base]))
    show("   its peak memory (max RSS)", spread([r.max_rss_mb for r in base], "MB", 0))
    if api:
        show(
            "C  Project.import_files (in process)", spread([r["import_files"] for r in api_inside])
        )
        show("   Project.init (in process)", spread([r["init"] for r in api_inside]))
        show(
            "   import gioia.project (in process)", spread([r["import_gioia"] for r in api_inside])
        )
        show("   the API process, whole", spread([r.seconds for r in api]))
        show("   its peak memory (max RSS)", spread([r.max_rss_mb for r in api], "MB", 0))
    for number, (what_ifs, runs) in enumerate(zip(args.what_if, patched, strict=True), start=1):
        show(f"D{number} {label(what_ifs)}", "")
        show("   gioia import (process)", spread([r.seconds for r in runs]))
        show("   its peak memory (max RSS)", spread([r.max_rss_mb for r in runs], "MB", 0))
    seconds = median([r.seconds for r in cli])
    peak = max(r.max_rss_mb for r in cli)
    ratio = seconds / median([r.seconds for r in base])
    paired = median([a.seconds / b.seconds for a, b in zip(cli, base, strict=True)])
    print(f"\n  import / baseline: {ratio:.2f}x (ratio of medians), {paired:.2f}x (paired median)")
    for number, runs in enumerate(patched, start=1):
        what_if = median([r.seconds for r in runs]) / median([r.seconds for r in base])
        paired = median([a.seconds / b.seconds for a, b in zip(runs, base, strict=True)])
        print(
            f"  D{number} / baseline: {what_if:.2f}x (ratio of medians), "
            f"{paired:.2f}x (paired median)"
        )
    print(f"  segments per second (gioia import process): {segments / seconds:,.0f}")
    print("\nTargets:")
    limit = f"{seconds:.1f} s, {seconds / TARGET_SECONDS:.2f}x the limit"
    show(f"under {TARGET_SECONDS:.0f} s:", verdict(seconds < TARGET_SECONDS, limit))
    show(f"under {TARGET_MB:.0f} MB (largest peak):", verdict(peak < TARGET_MB, f"{peak:.0f} MB"))
    limit = f"{ratio:.2f}x, {ratio / TARGET_RATIO:.2f}x the limit"
    show(f"within {TARGET_RATIO:.0f}x the sqlite3 baseline:", verdict(ratio <= TARGET_RATIO, limit))

    extra: list[tuple[str, list[str]]] = []
    if args.breakdown:
        extra += [("breakdown", what_ifs) for what_ifs in [[], *args.what_if]]
    if args.profile:
        extra.append(("profile", []))
    for mode, what_ifs in extra:
        db = work / f"{mode}.db"
        remove_store(db)
        command = [PYTHON, __file__, "--worker", mode, "--folder", str(folder), "--db", str(db)]
        command += ["--profile", str(args.profile or 0), "--top", str(args.top)]
        command += ["--what-if", ",".join(what_ifs)] if what_ifs else []
        print(flush=True)
        subprocess.run(command, env=env, check=True)
        remove_store(db)

    close_work(work, args.keep)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
