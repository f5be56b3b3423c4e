"""REFI-QDA export and import: 200 transcripts x 5,000 words with 100,000 codings.

Targets (issue 11): ``gioia export qdpx`` and ``gioia import-project`` of that project
each take under 10 s and under 300 MB of peak memory.

Set-up, not timed: 200 synthetic transcripts of exactly 5,000 words of speech each
(``Interviewer: …`` and respondent turns of 20 to 150 words, as in ``bench_import.py``),
imported into a fresh store; 100,000 distinct codings by 3 coders on 300 concepts (about
half on a quote of 3 to 8 words) written with ``import_codings``; the concepts put in 30
themes of 5 dimensions with a structure file.

Measured, in rounds after one warm-up round, each a whole process (wall time and peak
memory, see ``benchlib.run_process``):

A. ``gioia --store STORE export qdpx -o study.qdpx`` (code-point positions).
B. ``gioia --store NEW.db import-project study.qdpx`` into a new store: gioia's own file,
   whose segments come back from ``gioia.json``.
C. The same import of ``foreign.qdpx``, the same package without ``gioia.json``, as
   another program would write it: every source segmented into turns by the text
   importer and every selection placed through the map of offsets.

After each import the new store is checked: 200 transcripts, 100,000 codings.

    .venv/bin/python bench/bench_refi.py                        # the target's size
    .venv/bin/python bench/bench_refi.py --transcripts 20 --codings 10000 --rounds 1
    .venv/bin/python bench/bench_refi.py --profile              # then cProfile A, B and C
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
import zipfile
from pathlib import Path

from benchlib import (
    CODERS,
    GIOIA,
    Run,
    add_work_arguments,
    bench_env,
    close_work,
    concept_names,
    draw_codings,
    machine,
    open_work,
    profile,
    remove_store,
    run_process,
    segment_texts,
    show,
    spread,
    verdict,
    write_csv,
    write_transcripts,
)

TARGET_SECONDS = 10.0
TARGET_MB = 300.0


def build_store(db: Path, work: Path, args: argparse.Namespace) -> None:
    """The project to export (see the module docstring)."""
    from gioia.project import Project

    folder = work / "transcripts"
    write_transcripts(folder, args.transcripts, seed=args.seed, words=args.words)
    remove_store(db)
    rng = random.Random(args.seed)
    with Project.init(str(db)) as project:
        results = project.import_files([folder])
        if {r.status for r in results} != {"imported"}:
            raise SystemExit(f"set-up import failed: {[r.error for r in results if r.error]}")
    names = concept_names(rng, args.concepts)
    rows = draw_codings(rng, segment_texts(str(db)), count=args.codings, concepts=names)
    write_csv(work / "codings.csv", ("coder", "segment", "concept", "quote"), rows)
    themes = [f"Theme {n}" for n in range(1, 31)]
    write_csv(
        work / "structure.csv",
        ("dimension", "theme", "concept"),
        [
            (f"Dimension {index % 5 + 1}", themes[index % 30], name)
            for index, name in enumerate(names)
        ],
    )
    with Project.open(str(db)) as project:
        # the structure first: its concepts are shared, so every coder codes with them
        # (a coder's codings with a concept nobody has made yet make it private)
        project.import_structure(work / "structure.csv")
        added = project.import_codings(work / "codings.csv").added
    if added != args.codings:
        raise SystemExit(f"set-up: {added} codings added, not {args.codings}")


def without_sidecar(source: Path, target: Path) -> None:
    """The same package as another program writes it: no ``gioia.json``."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            if info.filename != "gioia.json":
                dst.writestr(info, src.read(info))


def counts(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as connection:
        transcripts = connection.execute("SELECT count(*) FROM transcripts").fetchone()[0]
        codings = connection.execute("SELECT count(*) FROM codings").fetchone()[0]
    connection.close()
    return transcripts, codings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=200)
    parser.add_argument("--words", type=int, default=5000, help="words of speech per transcript")
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--concepts", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--profile", action="store_true", help="then cProfile A, B and C")
    add_work_arguments(parser, top=30)
    args = parser.parse_args()

    work = open_work(args.workdir, "refi")
    print(f"# REFI-QDA export and import — {machine()}")
    started = time.perf_counter()
    db = work / "store.db"
    build_store(db, work, args)
    print(
        f"set-up (not timed, {time.perf_counter() - started:.1f} s): {args.transcripts} "
        f"transcripts x {args.words} words, {args.codings} codings by {len(CODERS)} coders on "
        f"{args.concepts} concepts in 30 themes of 5 dimensions",
        flush=True,
    )
    env = bench_env(work)
    log = work / "log.txt"
    study, foreign, new = work / "study.qdpx", work / "foreign.qdpx", work / "new.db"
    runs: dict[str, list[Run]] = {"A": [], "B": [], "C": []}
    for round_ in range(args.rounds + 1):
        figures = {}
        study.unlink(missing_ok=True)
        figures["A"] = run_process(
            [GIOIA, "--store", str(db), "export", "qdpx", "-o", str(study)], log=log, env=env
        )
        without_sidecar(study, foreign)
        for key, package in (("B", study), ("C", foreign)):
            remove_store(new)
            figures[key] = run_process(
                [GIOIA, "--store", str(new), "import-project", str(package)], log=log, env=env
            )
            found = counts(new)
            if found != (args.transcripts, args.codings):
                raise SystemExit(f"{key}: the new store holds {found} transcripts and codings")
        title = "warm-up (not counted)" if round_ == 0 else f"round {round_}"
        print(
            f"{title}: "
            + "; ".join(
                f"{k} {r.seconds:.2f} s (CPU {r.cpu:.2f} s), {r.max_rss_mb:.0f} MB"
                for k, r in figures.items()
            ),
            flush=True,
        )
        if round_ > 0:
            for key, run in figures.items():
                runs[key].append(run)
    print(f"\nstudy.qdpx: {study.stat().st_size / 1e6:.1f} MB; medians of {args.rounds} round(s):")
    names = {
        "A": "A. gioia export qdpx",
        "B": "B. gioia import-project (gioia's file)",
        "C": "C. gioia import-project (no gioia.json)",
    }
    for key, label in names.items():
        seconds = [r.seconds for r in runs[key]]
        memory = [r.max_rss_mb for r in runs[key]]
        show(label, spread(seconds))
        show("   CPU time", spread([r.cpu for r in runs[key]]))
        show("   peak memory (max RSS)", spread(memory, "MB", 0))
        met = max(seconds) < TARGET_SECONDS and max(memory) < TARGET_MB
        show(
            "   target < 10 s and < 300 MB",
            verdict(met, f"worst {max(seconds):.2f} s, {max(memory):.0f} MB"),
        )
    if args.profile:
        from gioia.project import Project

        with Project.open(str(db)) as project:
            study.unlink(missing_ok=True)
            profile(lambda: project.export_qdpx(study), args.top, "Project.export_qdpx")
        for package in (study, foreign):
            remove_store(new)
            with Project.init(str(new)) as project:
                profile(
                    lambda p=project, f=package: p.import_project(f),
                    args.top,
                    f"Project.import_project({package.name})",
                )
    remove_store(new)
    close_work(work, args.keep)


if __name__ == "__main__":
    main()
