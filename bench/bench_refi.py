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

``--store URL`` runs on PostgreSQL (the stores are new databases on that server);
``--old PATH`` measures another checkout too (its ``.venv/bin/gioia``, e.g. ``git
archive main`` installed in its own venv), in the same rounds, each command old then new.

    .venv/bin/python bench/bench_refi.py                        # the target's size
    .venv/bin/python bench/bench_refi.py --old /tmp/old --store postgresql+psycopg://…
    .venv/bin/python bench/bench_refi.py --transcripts 20 --codings 10000 --rounds 1
    .venv/bin/python bench/bench_refi.py --profile              # then cProfile A, B and C
"""

from __future__ import annotations

import argparse
import random
import time
import zipfile
from pathlib import Path

from benchlib import (
    CODERS,
    GIOIA,
    Run,
    add_store_argument,
    add_work_arguments,
    bench_env,
    close_work,
    concept_names,
    draw_codings,
    drop_store,
    engine_of,
    fresh_store,
    machine,
    open_work,
    profile,
    run_process,
    segment_texts,
    show,
    spread,
    sql,
    verdict,
    write_csv,
    write_transcripts,
)

TARGET_SECONDS = 10.0
TARGET_MB = 300.0


def build_store(db: str, work: Path, args: argparse.Namespace) -> None:
    """The project to export (see the module docstring)."""
    from gioia.project import Project

    folder = work / "transcripts"
    write_transcripts(folder, args.transcripts, seed=args.seed, words=args.words)
    rng = random.Random(args.seed)
    with Project.init(db) as project:
        results = project.import_files([folder])
        if {r.status for r in results} != {"imported"}:
            raise SystemExit(f"set-up import failed: {[r.error for r in results if r.error]}")
    names = concept_names(rng, args.concepts)
    rows = draw_codings(rng, segment_texts(db), count=args.codings, concepts=names)
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
    with Project.open(db) as project:
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


def counts(db: str) -> tuple[int, int]:
    ((transcripts, codings),) = sql(
        db, "SELECT (SELECT count(*) FROM transcripts), (SELECT count(*) FROM codings)"
    )
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
    parser.add_argument("--old", type=Path, help="another checkout to measure too")
    add_store_argument(parser)
    add_work_arguments(parser, top=30)
    args = parser.parse_args()

    work = open_work(args.workdir, "refi")
    print(f"# REFI-QDA export and import — {machine(args.store)}")
    started = time.perf_counter()
    db = fresh_store(args.store, work, "refi")
    build_store(db, work, args)
    print(
        f"set-up (not timed, {time.perf_counter() - started:.1f} s): {args.transcripts} "
        f"transcripts x {args.words} words, {args.codings} codings by {len(CODERS)} coders on "
        f"{args.concepts} concepts in 30 themes of 5 dimensions; {engine_of(args.store)}",
        flush=True,
    )
    env = bench_env(work)
    log = work / "log.txt"
    study, foreign = work / "study.qdpx", work / "foreign.qdpx"
    versions = {"new": GIOIA}
    if args.old is not None:
        versions = {"old": str(args.old.resolve() / ".venv" / "bin" / "gioia"), **versions}
    runs: dict[tuple[str, str], list[Run]] = {}
    new = db
    for round_ in range(args.rounds + 1):
        figures = {}
        for version, gioia in versions.items():
            study.unlink(missing_ok=True)
            figures[("A", version)] = run_process(
                [gioia, "--store", db, "export", "qdpx", "-o", str(study)], log=log, env=env
            )
        without_sidecar(study, foreign)
        for key, package in (("B", study), ("C", foreign)):
            for version, gioia in versions.items():
                new = fresh_store(args.store, work, "new")
                figures[(key, version)] = run_process(
                    [gioia, "--store", new, "import-project", str(package)], log=log, env=env
                )
                found = counts(new)
                if found != (args.transcripts, args.codings):
                    raise SystemExit(f"{key}: the new store holds {found} transcripts, codings")
        title = "warm-up (not counted)" if round_ == 0 else f"round {round_}"
        print(
            f"{title}: "
            + "; ".join(
                f"{k} {v} {r.seconds:.2f} s (CPU {r.cpu:.2f} s), {r.max_rss_mb:.0f} MB"
                for (k, v), r in figures.items()
            ),
            flush=True,
        )
        if round_ > 0:
            for key, run in figures.items():
                runs.setdefault(key, []).append(run)
    print(f"\nstudy.qdpx: {study.stat().st_size / 1e6:.1f} MB; medians of {args.rounds} round(s):")
    names = {
        "A": "A. gioia export qdpx",
        "B": "B. gioia import-project (gioia's file)",
        "C": "C. gioia import-project (no gioia.json)",
    }
    for key, label in names.items():
        for version in versions:
            found = runs[(key, version)]
            seconds = [r.seconds for r in found]
            memory = [r.max_rss_mb for r in found]
            show(f"{label} [{version}]", spread(seconds))
            show("   CPU time", spread([r.cpu for r in found]))
            show("   peak memory (max RSS)", spread(memory, "MB", 0))
            met = max(seconds) < TARGET_SECONDS and max(memory) < TARGET_MB
            show(
                "   target < 10 s and < 300 MB",
                verdict(met, f"worst {max(seconds):.2f} s, {max(memory):.0f} MB"),
            )
    if args.profile:
        from gioia.project import Project

        with Project.open(db) as project:
            study.unlink(missing_ok=True)
            profile(lambda: project.export_qdpx(study), args.top, "Project.export_qdpx")
        for package in (study, foreign):
            new = fresh_store(args.store, work, "new")
            with Project.init(new) as project:
                profile(
                    lambda p=project, f=package: p.import_project(f),
                    args.top,
                    f"Project.import_project({package.name})",
                )
    for store in {new, db}:
        drop_store(args.store, store)
    close_work(work, args.keep)


if __name__ == "__main__":
    main()
