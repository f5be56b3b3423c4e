"""The structure on a coded project: print it, draw it, merge two concepts.

Targets, with 300 concepts in 40 themes in 8 dimensions and 100,000 codings, on SQLite
and on PostgreSQL (``--store URL``): (a) ``gioia structure`` under 1 s as a whole process
and ``Project.structure()`` under 0.2 s in process (issue 14); (b) ``gioia figure -o
x.svg`` under 3 s, with the layout engine's share: the figure is drawn by the system's
Graphviz ``dot`` (if on PATH) and by the bundled ``graphviz-pure`` (``GIOIA_DOT``), and
gioia's layout (``lay_out``) and the engine's drawing (``render.draw_page``) are timed on
their own in process; (c) ``Project.merge_items("concept", [a], b)`` of two concepts with
10,000 codings each under 1 s.

Set-up, not timed, all through the API: 200 synthetic transcripts of 100 turns
(20,000 segments, ``Project.import_files``); a structure CSV (concept, theme, dimension,
concept_definition; ``Project.import_structure``); 100,000 distinct codings by 3 coders
(``Project.import_codings``), half of them on a quote: 10,000 on each of the first two
concepts (the pair merged in c), 80,000 spread over the other 298.

Measured: whole processes in turn (structure, figure with dot, figure with graphviz-pure,
...) with the wrapper of ``benchlib.run_process``, ``--rounds`` times after one warm-up
each, with two for context: ``structure --json`` (no table drawn) and the imports
``gioia structure`` needs; in process, ``Project.structure()`` (the first call, then the
median of the others), ``Project.figure_dot()``, ``lay_out`` and ``draw_page`` per engine;
the merge
``--rounds`` times, each on a fresh copy of the store. ``--profile`` profiles what is
named.

    .venv/bin/python bench/bench_structure.py                  # the targets' sizes
    .venv/bin/python bench/bench_structure.py --store postgresql+psycopg://…/postgres
    .venv/bin/python bench/bench_structure.py --codings 20000 --rounds 2   # a quick look
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path

from benchlib import (
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
    drop_store,
    fresh_store,
    machine,
    median,
    new_store,
    open_work,
    profile,
    profile_cli,
    run_process,
    segment_texts,
    show,
    speech,
    spread,
    timed,
    verdict,
    write_csv,
)

TARGET_STRUCTURE = 1.0
TARGET_API = 0.2
TARGET_FIGURE = 3.0
TARGET_MERGE = 1.0
PURE = str(Path(sysconfig.get_path("scripts")) / "graphviz-pure")


def structure_rows(
    rng: random.Random, concepts: int, themes: int, dimensions: int
) -> tuple[list[str], list[tuple[str, str, str, str]]]:
    """Concept names, and structure rows (concept, theme, dimension, definition) that
    spread the concepts evenly over the themes and the themes over the dimensions."""
    names = concept_names(rng, concepts + themes + dimensions)
    concept, theme, dimension = names[:concepts], names[concepts:-dimensions], names[-dimensions:]
    rows = []
    for i, name in enumerate(concept):
        t = i * themes // concepts
        rows.append((name, theme[t], dimension[t * dimensions // themes], speech(rng, 15)))
    return concept, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=200)
    parser.add_argument("--segments", type=int, default=100, help="turns per transcript")
    parser.add_argument("--concepts", type=int, default=300)
    parser.add_argument("--themes", type=int, default=40)
    parser.add_argument("--dimensions", type=int, default=8)
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--merged", type=int, default=10_000, help="codings of each merged one")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument(
        "--profile",
        action="append",
        default=[],
        choices=["structure", "structure-cli", "figure", "merge"],
        help="then cProfile this (repeatable)",
    )
    add_store_argument(parser)
    add_work_arguments(parser, top=25)
    args = parser.parse_args()

    from gioia.figure import find_engine, lay_out
    from gioia.figure.render import draw_page
    from gioia.project import Project

    work = open_work(args.workdir, "structure")
    server = args.store
    print(f"# Structure, figure, merge — {machine(server)}")
    started = time.perf_counter()
    template = fresh_store(server, work, "structure_template")
    new_store(template, work / "transcripts", args.transcripts, args.segments, args.seed)
    rng = random.Random(args.seed)
    concepts, rows = structure_rows(rng, args.concepts, args.themes, args.dimensions)
    structure_csv, codings_csv = work / "structure.csv", work / "codings.csv"
    write_csv(structure_csv, ("concept", "theme", "dimension", "concept_definition"), rows)
    segments = segment_texts(template)
    codings = [
        *draw_codings(rng, segments, count=args.merged, concepts=concepts[:1]),
        *draw_codings(rng, segments, count=args.merged, concepts=concepts[1:2]),
        *draw_codings(rng, segments, count=args.codings - 2 * args.merged, concepts=concepts[2:]),
    ]
    write_csv(codings_csv, ("coder", "segment", "concept", "quote"), codings)
    with Project.open(template) as project:
        project.import_structure(structure_csv)
        added = project.import_codings(codings_csv).added
        view = project.structure()
    themes = sum(len(d.themes) for d in view.dimensions)
    in_tree = sum(len(t.concepts) for d in view.dimensions for t in d.themes)
    if (len(view.dimensions), themes, in_tree, added) != (
        args.dimensions,
        args.themes,
        args.concepts,
        args.codings,
    ):
        raise SystemExit(f"set-up: {len(view.dimensions)}, {themes}, {in_tree}, {added} codings")
    print(
        f"set-up (not timed, {time.perf_counter() - started:.1f} s): {len(segments)} segments; "
        f"{args.concepts} concepts / {args.themes} themes / {args.dimensions} dimensions; "
        f"{added} codings by 3 coders ({args.merged} on each of the two merged concepts)"
    )

    # (a) and (b): whole processes, in turn.
    env = bench_env(work)
    log = work / "log.txt"
    db = copy_of(server, template, work, "structure")
    engines: dict[str, str] = {}
    if shutil.which("dot"):
        engines["dot"] = ""
    engines["graphviz-pure"] = PURE
    imports = "import gioia.project, gioia.cli.structure, gioia.ops.tree"
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "gioia structure": ([GIOIA, "--store", db, "structure"], env),
        "  context: gioia structure --json": (
            [GIOIA, "--store", db, "structure", "--json"],
            env,
        ),
        f'  context: python -c "{imports}"': ([PYTHON, "-c", imports], env),
    }
    for name, path in engines.items():
        svg = work / f"figure-{name}.svg"
        command = [GIOIA, "--store", db, "figure", "-o", str(svg)]
        commands[f"gioia figure -o x.svg ({name})"] = (command, {**env, "GIOIA_DOT": path})
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for round_ in range(args.rounds + 1):
        for name, (command, environment) in commands.items():
            run = run_process(command, log=log, env=environment)
            if round_:
                runs[name].append(run)
    for name in engines:
        size = (work / f"figure-{name}.svg").stat().st_size
        print(f"figure drawn by {name}: {size / 1000:.0f} kB of SVG")

    # In process: structure, figure_dot, the layout and the drawing per engine.
    inside: dict[str, list[float]] = {}
    first: dict[str, float] = {}

    def measure(name: str, call: Callable[[], object]) -> None:
        seconds = [timed(call)[0] for _ in range(args.rounds + 1)]
        first[name], inside[name] = seconds[0], seconds[1:]

    with Project.open(db) as project:
        measure("Project.structure()", project.structure)
        measure("Project.figure_dot()", project.figure_dot)
        view = project.structure()
    measure("lay_out (gioia's layout)", lambda: lay_out(view))
    page = lay_out(view).pages[0]
    for name, path in engines.items():
        os.environ["GIOIA_DOT"] = path or "dot"
        engine = find_engine()
        measure(f"draw_page(svg) ({name})", lambda e=engine: draw_page(page, "svg", e, "Arial"))
    os.environ.pop("GIOIA_DOT")

    # (c) the merge, each on a fresh copy.
    merges: list[float] = []
    for _ in range(args.rounds):
        drop_store(server, db)
        db = copy_of(server, template, work, "structure")
        with Project.open(db) as project:
            seconds, result = timed(
                lambda: project.merge_items("concept", concepts[:1], concepts[1])
            )
        merges.append(seconds)
    print(f"merge: {result.moved} codings moved, {result.duplicates} duplicates dropped")

    print(f"\nWhole processes, {args.rounds} rounds in turn (after one warm-up):")
    for name, values in runs.items():
        show(name, spread([r.seconds for r in values]))
    print(f"In process ({args.rounds} calls after the first):")
    for name, values in inside.items():
        show(name, f"{spread(values)}; first call {first[name]:.3f} s")
    show("Project.merge_items (fresh store each)", spread(merges))

    print("\nTargets:")
    cli = median([r.seconds for r in runs["gioia structure"]])
    api = median(inside["Project.structure()"])
    show(
        "(a) gioia structure, process, under 1 s:", verdict(cli < TARGET_STRUCTURE, f"{cli:.3f} s")
    )
    show(
        "(a) Project.structure(), median, under 0.2 s:",
        verdict(api < TARGET_API, f"{api:.3f} s; first call {first['Project.structure()']:.3f} s"),
    )
    for name in engines:
        figure = median([r.seconds for r in runs[f"gioia figure -o x.svg ({name})"]])
        drawing = median(inside[f"draw_page(svg) ({name})"])
        show(
            f"(b) gioia figure ({name}), under 3 s:",
            verdict(
                figure < TARGET_FIGURE, f"{figure:.3f} s; the engine {drawing / figure:.0%} of it"
            ),
        )
    merge = median(merges)
    show(
        f"(c) merge 2 x {args.merged:,} codings, under 1 s:",
        verdict(merge < TARGET_MERGE, f"{merge:.3f} s"),
    )

    for what in args.profile:
        drop_store(server, db)
        db = copy_of(server, template, work, "structure")
        if what == "structure-cli":
            profile_cli(["--store", db, "structure"], args.top)
            continue
        with Project.open(db) as project:
            calls = {
                "structure": project.structure,
                "figure": lambda: project.draw_figure(work / "profiled.svg"),
                "merge": lambda: project.merge_items("concept", concepts[:1], concepts[1]),
            }
            profile(calls[what], args.top, f"{what} (in process)")

    drop_store(server, db)
    if args.keep:
        print(f"Store kept: {template}")
    else:
        drop_store(server, template)
    close_work(work, args.keep)


if __name__ == "__main__":
    main()
