"""Writing codings through the API: 100,000 codings from a CSV with ``import_codings``.

Target (issue 2): 100,000 codings written through the API in under 10 s.

Set-up, not timed: 200 synthetic transcripts of 100 speaker turns each (so 200 x 100
segments; turns of 20 to 150 words, as in ``bench_import.py``) imported into a fresh
store with ``Project.import_files``; then a CSV (coder, segment, concept, quote) of
100,000 distinct codings: 3 coders, segments ``TRANSCRIPT:N`` drawn at random, ~300
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

``--what-if NAME[,NAME]`` (repeatable: one variant each) adds, in the same rounds, runs
in which the worker process first patches gioia as suggestions in RESULTS.md would (see
``benchlib.WHAT_IFS``; gioia's files are not changed): ``coders-once`` looks each coder
up once per import instead of once per row, ``core-inserts`` writes the bulk inserts
as Core ``insert(Table)`` executemany instead of ORM ``insert(Model)``.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import (
    PYTHON,
    WHAT_IFS,
    Phases,
    Run,
    apply_what_ifs,
    bench_env,
    label,
    machine,
    median,
    run_process,
    spread,
    what_if_list,
    write_transcripts,
)

TARGET_SECONDS = 10.0
CODERS = ("Maria", "Tom", "Aïcha")
# fmt: off
_CONCEPT_WORDS = (
    "trust", "distant", "buyers", "platform", "fee", "visibility", "export", "growth", "risk",
    "family", "firm", "price", "pressure", "quality", "signal", "network", "partners",
    "learning", "routines", "daily", "effort", "market", "entry", "legitimacy", "reputation",
    "reviews", "catalogue", "logistics", "costs", "time", "competition", "local", "identity",
    "succession", "generation", "digital", "skills", "fairs", "contacts", "samples",
    "città", "qualità", "fiducia", "réseau", "Märkte", "señal", "crescita", "savoir-faire",
)
# fmt: on


def concept_names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct concept labels of three to six words (case-insensitively)."""
    names: dict[str, str] = {}
    while len(names) < count:
        words = rng.sample(_CONCEPT_WORDS, rng.randint(3, 6))
        name = " ".join(words)
        names.setdefault(name.casefold(), name[0].upper() + name[1:])
    return list(names.values())


def segment_texts(db: Path) -> list[tuple[str, int, str]]:
    """(transcript name, position, text) of every segment of the store."""
    with sqlite3.connect(db) as connection:
        texts = dict(connection.execute("SELECT id, text FROM transcripts"))
        names = dict(connection.execute("SELECT id, name FROM transcripts"))
        rows = connection.execute(
            "SELECT transcript_id, position, char_start, char_end FROM segments "
            "ORDER BY transcript_id, position"
        ).fetchall()
    connection.close()
    return [(names[t], position, texts[t][start:end]) for t, position, start, end in rows]


def write_codings(
    path: Path, segments: list[tuple[str, int, str]], *, count: int, concepts: int, seed: int
) -> int:
    """Write ``count`` distinct codings; return how many carry a quote."""
    rng = random.Random(seed)
    names = concept_names(rng, concepts)
    seen: set[tuple[int, int, int]] = set()
    quoted = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["coder", "segment", "concept", "quote"])
        while len(seen) < count:
            key = (
                rng.randrange(len(segments)),
                rng.randrange(len(names)),
                rng.randrange(len(CODERS)),
            )
            if key in seen:
                continue
            seen.add(key)
            transcript, position, text = segments[key[0]]
            quote = ""
            if rng.random() < 0.5:
                words = text.split(" ")
                size = min(rng.randint(3, 8), len(words))
                first = rng.randrange(len(words) - size + 1)
                quote = " ".join(words[first : first + size])
                quoted += 1
            writer.writerow([CODERS[key[2]], f"{transcript}:{position}", names[key[1]], quote])
    return quoted


def api_worker(db: Path, table: Path, result: Path, what_ifs: list[str]) -> None:
    """``Project.open`` and ``Project.import_codings`` in this process, timed here."""
    started = time.perf_counter()
    from gioia.project import Project

    apply_what_ifs(what_ifs)
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
        "existing": outcome.existing,
        "duplicates": outcome.duplicates,
        "created_concepts": len(outcome.created_concepts),
    }
    result.write_text(json.dumps(figures))


def statement_label(_session: Any, statement: Any, *_args: Any, **_kwargs: Any) -> str:
    """A breakdown label for ``Session.execute(statement)``."""
    if getattr(statement, "is_insert", False):
        return f"bulk INSERT into {statement.table.name} (Session.execute)"
    return "existing codings read (Session.execute)"


def breakdown_worker(db: Path, table: Path, what_ifs: list[str]) -> None:
    """Where ``Project.import_codings`` spends its time, phase by phase (printed)."""
    from sqlalchemy.orm import Session

    from gioia.ops import coding
    from gioia.project import Project

    apply_what_ifs(what_ifs)
    project = Project.open(str(db))
    phases = Phases()
    phases.wrap(coding, "read_table", "read_table (CSV)")
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
    phases.seconds["the rest: the rows' loop (names, refs), commit"] = total - outside
    phases.calls["the rest: the rows' loop (names, refs), commit"] = 0
    what = f" (what if: {' + '.join(what_ifs)})" if what_ifs else ""
    print(f"Project.import_codings{what} of {outcome.added} codings: {total:.3f} s, by phase")
    for line in phases.report(total, outcome.added // 1000, "1,000 codings"):
        print(f"  {line}")


def profile_worker(db: Path, table: Path, top: int, what_ifs: list[str]) -> None:
    """cProfile of ``Project.import_codings`` (printed)."""
    import cProfile
    import pstats

    from gioia.project import Project

    apply_what_ifs(what_ifs)
    if what_ifs:
        print(f"What if: {' + '.join(what_ifs)}.")
    project = Project.open(str(db))
    profiler = cProfile.Profile()
    profiler.enable()
    project.import_codings(table)
    profiler.disable()
    project.close()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def show(label: str, figure: str) -> None:
    print(f"  {label:<38} {figure}")


def copy_store(source: Path, target: Path) -> None:
    remove_store(target)
    shutil.copyfile(source, target)


def remove_store(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=200)
    parser.add_argument("--segments", type=int, default=100, help="turns per transcript")
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--concepts", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--workdir", type=Path, help="where files and stores go (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--breakdown", action="store_true", help="then time the phases")
    parser.add_argument("--profile", action="store_true", help="then cProfile the import")
    parser.add_argument("--top", type=int, default=30, help="functions listed by --profile")
    parser.add_argument(
        "--what-if",
        action="append",
        default=[],
        type=what_if_list,
        metavar="NAME[,NAME]",
        help=f"also measure, in the same rounds (and in --breakdown/--profile), the import "
        f"with these changes to gioia patched into the worker process; repeat for more "
        f"variants ({', '.join(WHAT_IFS)})",
    )
    parser.add_argument("--worker", choices=["api", "breakdown", "profile"], help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--table", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    patches: list[str] = args.what_if[0] if args.what_if else []
    if args.worker == "api":
        api_worker(args.db, args.table, args.result, patches)
        return
    if args.worker == "breakdown":
        breakdown_worker(args.db, args.table, patches)
        return
    if args.worker == "profile":
        profile_worker(args.db, args.table, args.top, patches)
        return

    work = args.workdir or Path(tempfile.mkdtemp(prefix="gioia-bench-codings-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"# Codings — {machine()}")

    from gioia.project import Project

    started = time.perf_counter()
    folder = work / "transcripts"
    shutil.rmtree(folder, ignore_errors=True)
    write_transcripts(folder, args.transcripts, seed=args.seed, turns=args.segments)
    template = work / "template.db"
    remove_store(template)
    with Project.init(str(template)) as project:
        results = project.import_files([folder])
    if {r.status for r in results} != {"imported"}:
        raise SystemExit(f"set-up import failed: {[r.error for r in results if r.error]}")
    segments = segment_texts(template)
    table = work / "codings.csv"
    quoted = write_codings(
        table, segments, count=args.codings, concepts=args.concepts, seed=args.seed
    )
    print(
        f"set-up (not timed, {time.perf_counter() - started:.1f} s): {args.transcripts} "
        f"transcripts, {len(segments)} segments; {table.name}: {args.codings} codings by "
        f"{len(CODERS)} coders, {args.concepts} concepts, {quoted} with a quote "
        f"({table.stat().st_size / 1e6:.1f} MB)"
    )

    env = bench_env(work)
    log = work / "log.txt"
    variants: list[list[str]] = [[], *args.what_if]
    runs: dict[str, list[Run]] = {label(v): [] for v in variants}
    inside: dict[str, list[dict[str, float]]] = {label(v): [] for v in variants}
    db, result = work / "store.db", work / "result.json"
    worker = [PYTHON, __file__, "--db", str(db), "--table", str(table)]
    for round_ in range(0, args.rounds + 1):
        for variant in variants:
            copy_store(template, db)
            command = [*worker, "--worker", "api", "--result", str(result)]
            if variant:
                command += ["--what-if", ",".join(variant)]
            run = run_process(command, log=log, env=env)
            figures = json.loads(result.read_text())
            if figures["added"] != args.codings:
                raise SystemExit(f"expected {args.codings} codings added: {figures}")
            title = "warm-up (not counted)" if round_ == 0 else f"round {round_}"
            print(
                f"{title}, {label(variant)}: import_codings {figures['import_codings']:.2f} s "
                f"(open {figures['open']:.2f} s; process {run.seconds:.2f} s, "
                f"{run.max_rss_mb:.0f} MB)",
                flush=True,
            )
            if round_ > 0:
                runs[label(variant)].append(run)
                inside[label(variant)].append(figures)
    remove_store(db)

    medians = {
        name: median([f["import_codings"] for f in figures]) for name, figures in inside.items()
    }
    for name, figures in inside.items():
        seconds = [f["import_codings"] for f in figures]
        print(f"\nMedians of {args.rounds} round(s), {name}:")
        show("Project.import_codings (in process)", spread(seconds))
        show("Project.open (in process)", spread([f["open"] for f in figures]))
        show("the process, whole", spread([r.seconds for r in runs[name]]))
        show("its peak memory (max RSS)", spread([r.max_rss_mb for r in runs[name]], "MB", 0))
        show("codings per second", f"{args.codings / median(seconds):,.0f}")
        if name != "as is":
            show("this / as is (ratio of medians)", f"{medians[name] / medians['as is']:.2f}x")

    best = medians["as is"]
    print(f"\nTarget: {args.codings:,} codings in under {TARGET_SECONDS:.0f} s: ", end="")
    if best < TARGET_SECONDS:
        print(f"MET ({best:.2f} s, {best / TARGET_SECONDS:.2f}x the limit)")
    else:
        print(f"NOT MET ({best:.2f} s, {best / TARGET_SECONDS:.2f}x the limit)")

    for mode, wanted in (("breakdown", args.breakdown), ("profile", args.profile)):
        if not wanted:
            continue
        for variant in variants:
            copy_store(template, db)
            print(flush=True)
            command = [*worker, "--worker", mode, "--top", str(args.top)]
            if variant:
                command += ["--what-if", ",".join(variant)]
            subprocess.run(command, env=env, check=True)
            remove_store(db)

    if args.keep:
        print(f"\nWork folder kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
