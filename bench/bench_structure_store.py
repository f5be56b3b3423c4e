"""`gioia structure` on a store that exists, old code against new in one run.

For issue 14's structure rows: 300 concepts / 100,000 codings (the store
``bench_structure.py --keep`` leaves) and the large study (``bench_large.py --keep``),
on SQLite or PostgreSQL (a store URL). Each round runs, in turn for the old and the new
code, the command as a whole process (wall and CPU seconds, ``benchlib.run_process``)
and a process that times ``Project.structure()`` in process (``--calls`` calls after
the first; the median wall and CPU seconds). ``--also CMD`` times another command the
same way (e.g. ``--also agreement``). The old code is another checkout with its own
venv (``git archive`` into a folder, ``python -m venv .venv``, ``pip install -e .``),
named by ``--old``.

    .venv/bin/python bench/bench_structure_store.py --old /tmp/old \\
        --store /tmp/structure/structure_template.db --rounds 5
    .venv/bin/python bench/bench_structure_store.py --old /tmp/old \\
        --store postgresql+psycopg://postgres@127.0.0.1:PORT/gioia_bench_large --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path

from benchlib import VENV_BIN, bench_env, machine, median, run_process, show

INSIDE = """
import json, statistics, sys, time
from gioia.project import Project
wall, cpu = [], []
with Project.open(sys.argv[1]) as project:
    for _ in range(int(sys.argv[2]) + 1):
        w, c = time.perf_counter(), time.process_time()
        project.structure()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
print(json.dumps({"first": wall[0], "wall": statistics.median(wall[1:]),
                  "cpu": statistics.median(cpu[1:])}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, help="a SQLite file or a PostgreSQL URL")
    parser.add_argument("--old", type=Path, required=True, help="the old checkout (with .venv)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=5, help="in-process calls a round")
    parser.add_argument("--also", action="append", default=[], help="another command to time")
    args = parser.parse_args()

    server = args.store if "://" in args.store else None
    print(f"# gioia structure on a store, old and new — {machine(server)}")
    old_commit = subprocess.run(
        ["git", "-C", str(args.old), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(f"old: {args.old} {old_commit or '(git archive)'}; store: {args.store}")
    work = Path(tempfile.mkdtemp(prefix="gioia-bench-structure-store-"))
    env = bench_env(work)
    log = work / "log.txt"
    codes = {"new": VENV_BIN, "old": args.old / ".venv" / "bin"}
    commands = [["structure"], *([word] for word in args.also)]
    wall: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    for round_ in range(args.rounds + 1):  # the first round warms up, not counted
        for command in commands:
            for code, bin_ in codes.items():
                name = f"{code}: gioia {' '.join(command)}"
                run = run_process(
                    [str(bin_ / "gioia"), "--store", args.store, *command], log=log, env=env
                )
                if round_:
                    wall.setdefault(name, []).append(run.seconds)
                    cpu.setdefault(name, []).append(run.cpu)
        for code, bin_ in codes.items():
            done = subprocess.run(
                # -P and a neutral folder: the checkout's own gioia, not the one here
                [str(bin_ / "python"), "-P", "-c", INSIDE, args.store, str(args.calls)],
                capture_output=True,
                text=True,
                check=True,
                env=env,
                cwd=work,
            )
            found = json.loads(done.stdout)
            if round_:
                name = f"{code}: Project.structure() in process"
                wall.setdefault(name, []).append(found["wall"])
                cpu.setdefault(name, []).append(found["cpu"])
    load = os.getloadavg()
    print(f"\nMedians of {args.rounds} rounds (after one warm-up); load average {load[0]:.1f}:")
    for name in wall:
        show(f"  {name}", f"wall {median(wall[name]):.3f} s, CPU {median(cpu[name]):.3f} s")


if __name__ == "__main__":
    main()
