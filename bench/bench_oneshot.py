"""One-shot commands: ``gioia init`` and a ``gioia tag`` on the demo store, as processes.

Targets (issue 14), on SQLite and on PostgreSQL (``--store URL``): each within 1.5x
``python -c "import sqlalchemy"`` with the same interpreter, the floor of any command
that opens a store.

``gioia init`` runs on a new store each round (a new file, or a new database on the
server, made before the timed process): it creates the schema at head and stamps it.
``gioia tag`` runs on the demo study (the bundled transcripts, both coders' codings and
the structure, imported through the API, not timed), as the coder Ana, each round on
another informant segment with one of the study's concepts: one segment read, one coding,
its event and read mark written. The three commands run in turn (import sqlalchemy,
init, tag, …) after ``--warm`` rounds that are not counted, with Python's bytecode
cached as for an installed gioia (``benchlib.bench_env``).

On PostgreSQL two more floors run in turn with them, for context: a process that imports
SQLAlchemy and psycopg, connects to the server and runs ``SELECT 1`` (what any command
on a server store pays before its own work), and one that also creates gioia's schema on
a new database with the DDL SQLAlchemy emits for it, sent as one script (what ``init``
cannot do without).

    .venv/bin/python bench/bench_oneshot.py                      # SQLite
    .venv/bin/python bench/bench_oneshot.py --store postgresql+psycopg://…/postgres
"""

from __future__ import annotations

import argparse

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
)

TARGET = 1.5
CONNECT = (
    "import sys, sqlalchemy, psycopg\n"
    "with psycopg.connect(sys.argv[1]) as connection:\n"
    "    connection.execute('SELECT 1')\n"
)
SCHEMA = (
    "import sys, sqlalchemy, psycopg\n"
    "from pathlib import Path\n"
    "with psycopg.connect(sys.argv[1]) as connection:\n"
    "    connection.execute(Path(sys.argv[2]).read_text())\n"
)


def schema_ddl() -> str:
    """gioia's schema as the DDL SQLAlchemy emits for PostgreSQL, one script."""
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex, CreateTable

    from gioia.schema import metadata

    dialect = postgresql.dialect()
    statements = []
    for table in metadata.sorted_tables:
        statements.append(str(CreateTable(table).compile(dialect=dialect)))
        statements += [str(CreateIndex(index).compile(dialect=dialect)) for index in table.indexes]
    return ";\n".join(statements) + ";\n"


def demo_store(location: str) -> tuple[list[str], list[str]]:
    """The demo study in a new store at ``location``; its informant segments (``T:N``)
    and its concepts."""
    from gioia.demo import CODINGS_FILES
    from gioia.project import Project
    from gioia.resources import bundled_path

    sample = bundled_path("sample_transcripts")
    with Project.init(location) as project:
        results = project.import_files([], manifest=sample / "manifest.csv")
        if {r.status for r in results} != {"imported"}:
            raise SystemExit("the demo study did not import")
        project.import_structure(sample / "structure.csv")  # the team's concepts, shared
        for name in CODINGS_FILES:
            project.import_codings(sample / name)
    refs = [
        f"{name}:{position}"
        for name, position in sql(
            location,
            "SELECT t.name, s.position FROM segments s JOIN transcripts t "
            "ON t.id = s.transcript_id WHERE NOT s.is_interviewer ORDER BY t.name, s.position",
        )
    ]
    concepts = [name for (name,) in sql(location, "SELECT name FROM concepts ORDER BY name")]
    return refs, concepts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--warm", type=int, default=3, help="rounds not counted")
    add_store_argument(parser)
    add_work_arguments(parser)
    args = parser.parse_args()

    server = args.store
    work = open_work(args.workdir, "oneshot")
    print(f"# One-shot commands — {machine(server)}")
    demo = fresh_store(server, work, "oneshot_demo")
    refs, concepts = demo_store(demo)
    print(f"set-up: the demo study, {len(refs)} informant segments, {len(concepts)} concepts")
    env = bench_env(work)
    log = work / "log.txt"
    runs: dict[str, list[Run]] = {"import sqlalchemy": [], "gioia init": [], "gioia tag": []}
    floors = ("floor: connect, SELECT 1", "floor: connect, create the schema")
    if server is not None:
        runs.update({name: [] for name in floors})
        ddl = work / "schema.sql"
        ddl.write_text(schema_ddl())
    made: list[str] = []
    for round_ in range(args.warm + args.rounds):
        counted = round_ >= args.warm
        floor = run_process([PYTHON, "-c", "import sqlalchemy"], log=log, env=env)
        target = fresh_store(server, work, f"oneshot_init_{round_}")
        made.append(target)
        init = run_process([GIOIA, "--store", target, "init"], log=log, env=env)
        ref, concept = refs[round_ * 7 % len(refs)], concepts[round_ % len(concepts)]
        tag = run_process(
            [GIOIA, "--store", demo, "--coder", "Ana", "tag", ref, "-c", concept],
            log=log,
            env=env,
        )
        drop_store(server, target)
        if counted:
            runs["import sqlalchemy"].append(floor)
            runs["gioia init"].append(init)
            runs["gioia tag"].append(tag)
        if server is not None:
            connect = run_process([PYTHON, "-c", CONNECT, driver_url(demo)], log=log, env=env)
            target = fresh_store(server, work, f"oneshot_ddl_{round_}")
            command = [PYTHON, "-c", SCHEMA, driver_url(target), str(ddl)]
            created = run_process(command, log=log, env=env)
            drop_store(server, target)
            if counted:
                runs[floors[0]].append(connect)
                runs[floors[1]].append(created)
    tagged = sql(
        demo,
        "SELECT count(*) FROM codings c JOIN coders k ON k.id = c.coder_id WHERE k.name = 'Ana'",
    )[0][0]
    print(f"Ana's codings after the runs: {tagged} (one per distinct segment and concept)")

    print(f"\n{args.rounds} rounds in turn (after {args.warm} not counted):")
    for name, done in runs.items():
        seconds = [r.seconds for r in done]
        memory = max(r.max_rss_mb for r in done)
        show(f"  {name}", f"{spread(seconds)}; peak {memory:.0f} MB")
    floor = median([r.seconds for r in runs["import sqlalchemy"]])
    print("\nTargets:")
    for name in ("gioia init", "gioia tag"):
        seconds = [r.seconds for r in runs[name]]
        ratio = median(seconds) / floor
        paired = median(
            [
                a.seconds / b.seconds
                for a, b in zip(runs[name], runs["import sqlalchemy"], strict=True)
            ]
        )
        show(
            f"  {name} within {TARGET}x import sqlalchemy:",
            verdict(ratio <= TARGET, f"{ratio:.2f}x (paired {paired:.2f}x)"),
        )
    if server is not None:
        print("\nContext: the floors on the server (medians):")
        for floor_name, name in ((floors[1], "gioia init"), (floors[0], "gioia tag")):
            base = median([r.seconds for r in runs[floor_name]])
            show(
                f"  {name} ÷ {floor_name}",
                f"{median([r.seconds for r in runs[name]]) / base:.2f}x; "
                f"{floor_name} ÷ import sqlalchemy {base / floor:.2f}x",
            )
    drop_store(server, demo)
    close_work(work, args.keep)


if __name__ == "__main__":
    main()
