"""Analyses and the report on a large study (issue 13).

Targets, at 200 transcripts × 5,000 words with 20 concepts per transcript coded by 2
coders (about 100,000 codings): search under 1 s, co-occurrence and the matrix under
2 s, saturation under 1 s, the report under 5 s and under 20 MB. Search also at 1,000
transcripts × 5,000 words (issue 13, point 1) with ``--search-transcripts``.

Set-up, not timed, all through the API: synthetic transcripts (``benchlib``) in 50 cases
of 4 interviews (two waves, dated), imported with a manifest; a structure of 300
concepts in 40 themes in 8 dimensions; each transcript draws 20 of the concepts and
each coder applies each of them to about 40% of its informant segments, whole or on a
quote, imported as one codings file.

Measured, ``--rounds`` times after a warm-up: in process (``Project.search`` for a
common and a rare word, ``cooccurrence`` at the concept and theme level, ``matrix`` case ×
theme and transcript × concept, ``saturation``, ``write_report``), and as whole processes
the commands a researcher types (peak memory too). The report's size is its file's.

    .venv/bin/python bench/bench_analysis.py                         # the targets' sizes
    .venv/bin/python bench/bench_analysis.py --transcripts 40 --rounds 2 --search-transcripts 0
"""

from __future__ import annotations

import argparse
import random
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchlib import (
    GIOIA,
    add_work_arguments,
    bench_env,
    close_work,
    concept_names,
    machine,
    median,
    open_work,
    profile,
    quote_of,
    remove_store,
    run_process,
    segment_texts,
    show,
    spread,
    timed,
    verdict,
    write_csv,
    write_transcripts,
)

WORDS = 5_000
PER_TRANSCRIPT = 20
SHARE = 0.4


def build(work: Path, transcripts: int, seed: int) -> tuple[Path, int]:
    """The study's store; returns it and its number of codings."""
    from gioia.project import Project

    rng = random.Random(seed)
    folder = work / "transcripts"
    shutil.rmtree(folder, ignore_errors=True)
    paths = write_transcripts(folder, transcripts, seed=seed, words=WORDS)
    manifest = [
        (
            p.name,
            f"Case {i // 4 + 1:03d}",
            f"Informant {i // 2 + 1:03d}",
            "Owner",
            f"{2022 + i % 2}-{1 + i // 20 % 12:02d}-{1 + i % 28:02d}",
            str(1 + i % 2),
        )
        for i, p in enumerate(paths)
    ]
    write_csv(
        folder / "manifest.csv", ("file", "case", "informant", "role", "date", "wave"), manifest
    )
    names = concept_names(rng, 300 + 40 + 8)
    concepts, themes, dimensions = names[:300], names[300:340], names[340:]
    structure = [(c, themes[i % 40], dimensions[i % 40 % 8]) for i, c in enumerate(concepts)]
    write_csv(work / "structure.csv", ("concept", "theme", "dimension"), structure)
    db = work / "gioia.db"
    remove_store(db)
    with Project.init(str(db)) as project:
        project.import_files([], manifest=folder / "manifest.csv")
        project.import_structure(work / "structure.csv")
    by_transcript: dict[str, list[Any]] = {}
    for segment in segment_texts(str(db)):
        if not segment.interviewer:
            by_transcript.setdefault(segment.ref.rsplit(":", 1)[0], []).append(segment)
    rows = []
    for segments in by_transcript.values():
        chosen = rng.sample(concepts, PER_TRANSCRIPT)
        for coder in ("Maria", "Tom"):
            for concept in chosen:
                for segment in segments:
                    if rng.random() < SHARE:
                        quote = quote_of(rng, segment.text) if rng.random() < 0.5 else ""
                        rows.append((coder, segment.ref, concept, quote))
    write_csv(work / "codings.csv", ("coder", "segment", "concept", "quote"), rows)
    with Project.open(str(db)) as project:
        project.import_codings(work / "codings.csv")
    return db, len(rows)


def cpu_timed(call: Callable[[], Any]) -> tuple[float, float]:
    """Wall and CPU seconds of one call (the machine is shared: CPU time is what the
    call itself costs)."""
    start = time.process_time()
    seconds, _ = timed(call)
    return seconds, time.process_time() - start


def in_process(
    db: Path, work: Path, rounds: int, top: int, profiled: str | None
) -> dict[str, tuple[list[float], list[float]]]:
    from gioia.project import Project

    calls: dict[str, Callable[[Project], Any]] = {
        "search 'buyers' (common)": lambda p: p.search("buyers"),
        "search 'Zürich' (rare)": lambda p: p.search("Zürich"),
        "cooccurrence concepts × segments": lambda p: p.cooccurrence(level="concept"),
        "cooccurrence themes × segments": lambda p: p.cooccurrence(level="theme"),
        "matrix case × theme": lambda p: p.matrix(rows="case", level="theme"),
        "matrix transcript × concept": lambda p: p.matrix(rows="transcript", level="concept"),
        "saturation concepts by date": lambda p: p.saturation(),
        "write_report": lambda p: p.write_report(work / "report.html"),
    }
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in calls}
    with Project.open(str(db)) as project:
        for name, call in calls.items():
            call(project)
            for _ in range(rounds):
                wall, cpu = cpu_timed(lambda call=call: call(project))  # type: ignore[misc]
                times[name][0].append(wall)
                times[name][1].append(cpu)
            show(name, f"{spread(times[name][0])}; CPU {median(times[name][1]):.3f} s")
            if profiled and profiled in name:
                profile(lambda call=call: call(project), top, name)  # type: ignore[misc]
    return times


def processes(
    db: Path, work: Path, rounds: int
) -> dict[str, tuple[list[float], list[float], list[float]]]:
    env = bench_env(work)
    log = work / "commands.log"
    commands = {
        "gioia search buyers": ["search", "buyers"],
        "gioia cooccurrence -o pairs.csv": ["cooccurrence", "-o", str(work / "pairs.csv")],
        "gioia matrix -o matrix.xlsx": ["matrix", "-o", str(work / "matrix.xlsx")],
        "gioia saturation": ["saturation"],
        "gioia report -o study.html": ["report", "-o", str(work / "study.html")],
    }
    results = {}
    for name, arguments in commands.items():
        command = [GIOIA, "--store", str(db), *arguments]
        run_process(command, log=log, env=env)
        runs = [run_process(command, log=log, env=env) for _ in range(rounds)]
        results[name] = (
            [r.seconds for r in runs],
            [r.max_rss_mb for r in runs],
            [r.cpu for r in runs],
        )
        show(
            name,
            f"{spread(results[name][0])}; CPU {median(results[name][2]):.2f} s; "
            f"peak {median(results[name][1]):.0f} MB",
        )
    return results


def search_only(work: Path, transcripts: int, seed: int, rounds: int) -> list[float]:
    from gioia.project import Project

    folder = work / "many"
    shutil.rmtree(folder, ignore_errors=True)
    write_transcripts(folder, transcripts, seed=seed + 1, words=WORDS)
    db = work / "many.db"
    remove_store(db)
    with Project.init(str(db)) as project:
        project.import_files([folder])
        project.search("buyers")
        common = [cpu_timed(lambda: project.search("buyers")) for _ in range(rounds)]
        hits = len(project.search("buyers"))
        rare = [cpu_timed(lambda: project.search("Zürich")) for _ in range(rounds)]
    for label_, runs in ((f"search 'buyers' ({hits:,} hits)", common), ("search 'Zürich'", rare)):
        show(label_, f"{spread([w for w, _ in runs])}; CPU {median([c for _, c in runs]):.3f} s")
    return [max(a[1], b[1]) for a, b in zip(common, rare, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=200)
    parser.add_argument("--search-transcripts", type=int, default=1000, help="0: skip")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--profile", metavar="NAME", help="profile the in-process call named")
    add_work_arguments(parser)
    args = parser.parse_args()
    work = open_work(args.workdir, "analysis")
    print(machine())
    db, codings = build(work, args.transcripts, args.seed)
    print(f"\n{args.transcripts} transcripts × {WORDS:,} words, {codings:,} codings by 2 coders")
    print("\nIn process:")
    times = in_process(db, work, args.rounds, args.top, args.profile)
    print("\nWhole processes:")
    runs = processes(db, work, args.rounds)
    size = (work / "study.html").stat().st_size / 1e6
    print("\nTargets:")
    print("(wall time on this shared machine, and CPU time: what the command itself costs)")
    wall = median(runs["gioia search buyers"][0])
    cpu = median(runs["gioia search buyers"][2])
    inside = median(times["search 'buyers' (common)"][1])
    show(
        "search < 1 s",
        verdict(
            cpu < 1,
            f"{wall:.2f} s wall, {cpu:.2f} s CPU as a process; {inside:.2f} s CPU in process",
        ),
    )
    for name, key, limit in (
        ("co-occurrence < 2 s", "gioia cooccurrence -o pairs.csv", 2),
        ("matrix < 2 s", "gioia matrix -o matrix.xlsx", 2),
        ("saturation < 1 s", "gioia saturation", 1),
        ("report < 5 s", "gioia report -o study.html", 5),
    ):
        wall, cpu = median(runs[key][0]), median(runs[key][2])
        show(name, verdict(cpu < limit, f"{wall:.2f} s wall, {cpu:.2f} s CPU as a process"))
    show("report < 20 MB", verdict(size < 20, f"{size:.2f} MB"))
    if args.search_transcripts:
        print(f"\nSearch at {args.search_transcripts} transcripts × {WORDS:,} words (in process):")
        worst = search_only(work, args.search_transcripts, args.seed, args.rounds)
        show("search < 1 s", verdict(median(worst) < 1, f"{median(worst):.2f} s CPU in process"))
    close_work(work, args.keep)


if __name__ == "__main__":
    main()
