"""Eight coders tagging at once: 8 processes x 500 tags through the API, on one store.

Target (issue 14), on SQLite and on PostgreSQL (``--store URL``): 0 errors, 0 lost
writes, no "database is locked", and each tag answered in under 50 ms at the 95th
percentile.

Set-up, not timed: 40 synthetic transcripts of 100 turns (2,000 informant segments)
imported through the API, and 50 concepts made by the project lead (no coder, so that
the blind coders all see them). Then ``--writers`` processes start together
(each waits for a start time written by this script), each opening the store as its own
coder (``Project.open(store, coder=...)``) and calling ``Project.tag([ref], concept)``
``--tags`` times on informant segments drawn at random (a seed per writer; one concept
in ten a new one, created by the tag): the time of each call is its latency, from the
call to its return, the transaction committed. A failed call is an error (counted by
its message). Afterwards the store must hold, for each coder, exactly the codings their
successful tags added, and one "tag" event per coding: nothing lost, nothing doubled.

    .venv/bin/python bench/bench_concurrency.py                       # SQLite
    .venv/bin/python bench/bench_concurrency.py --store postgresql+psycopg://…/postgres
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchlib import (
    PYTHON,
    add_store_argument,
    add_work_arguments,
    bench_env,
    close_work,
    concept_names,
    drop_store,
    fresh_store,
    machine,
    median,
    new_store,
    open_work,
    segment_texts,
    show,
    sql,
    verdict,
)

TARGET_P95 = 0.050


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


def writer(location: str, coder: str, refs: list[str], concepts: list[str], args: Any) -> None:
    """One coder's tags, timed one by one; the figures written to ``args.result``."""
    from gioia.project import Project

    rng = random.Random(args.seed)
    with Project.open(location, coder=coder) as project:
        project.concept_choices()  # warm: the connection made, statements compiled
        start = float(Path(args.start).read_text())
        while time.time() < start:
            time.sleep(0.001)
        latencies, errors, tagged = [], Counter(), []
        began_all = time.time()
        for number in range(args.tags):
            ref = rng.choice(refs)
            new = rng.random() < 0.1
            concept = f"{coder} idea {number}" if new else rng.choice(concepts)
            began = time.perf_counter()
            try:
                result = project.tag([ref], concept, create=new)
            except Exception as exc:  # every failure is counted, whatever it is
                errors[f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"] += 1
            else:
                tagged.append([ref, result.concept, result.added])
            latencies.append(time.perf_counter() - began)
    Path(args.result).write_text(
        json.dumps(
            {
                "latencies": latencies,
                "errors": errors,
                "tagged": tagged,
                "began": began_all,
                "ended": time.time(),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--tags", type=int, default=500, help="per writer")
    parser.add_argument("--transcripts", type=int, default=40)
    parser.add_argument("--concepts", type=int, default=50)
    parser.add_argument("--seed", type=int, default=14)
    add_store_argument(parser)
    add_work_arguments(parser)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--location", help=argparse.SUPPRESS)
    parser.add_argument("--start", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--setup", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        setup = json.loads(Path(args.setup).read_text())
        writer(args.location, args.worker, setup["refs"], setup["concepts"], args)
        return

    work = open_work(args.workdir, "concurrency")
    server = args.store
    print(f"# Concurrency — {machine(server)}")
    store = fresh_store(server, work, "concurrency")
    new_store(store, work / "transcripts", args.transcripts, 100, args.seed)
    refs = [s.ref for s in segment_texts(store) if not s.interviewer]
    names = concept_names(random.Random(args.seed), args.concepts)
    from gioia.project import Project

    with Project.open(store) as project:  # the project lead's: every coder sees them
        for name in names:
            project.add_item("concept", name)
    setup = work / "setup.json"
    setup.write_text(json.dumps({"refs": refs, "concepts": names}))
    print(
        f"set-up: {len(refs)} informant segments, {len(names)} concepts; {args.writers} "
        f"writers x {args.tags} tags (one in ten with a new concept)"
    )

    start = work / "start.txt"
    start.write_text(str(time.time() + 3 + args.writers * 0.5))
    env = bench_env(work)
    coders = [f"Writer {n}" for n in range(1, args.writers + 1)]
    processes = []
    for number, coder in enumerate(coders, start=1):
        command = [PYTHON, __file__, "--worker", coder, "--location", store]
        command += ["--start", str(start), "--setup", str(setup), "--tags", str(args.tags)]
        command += ["--seed", str(args.seed + number), "--result", str(work / f"{number}.json")]
        processes.append(subprocess.Popen(command, env=env))
    codes = [p.wait() for p in processes]
    if any(codes):
        raise SystemExit(f"a writer failed: exit codes {codes}")
    results = [json.loads((work / f"{n}.json").read_text()) for n in range(1, len(coders) + 1)]

    latencies = [t for r in results for t in r["latencies"]]
    wall = max(r["ended"] for r in results) - min(r["began"] for r in results)
    errors: Counter[str] = Counter()
    for r in results:
        errors.update(r["errors"])
    added = {
        coder: sum(a for _, _, a in r["tagged"]) for coder, r in zip(coders, results, strict=True)
    }
    stored = dict(
        sql(
            store,
            "SELECT k.name, count(*) FROM codings g JOIN coders k ON k.id = g.coder_id "
            "GROUP BY k.name",
        )
    )
    events = dict(
        sql(
            store,
            "SELECT k.name, count(*) FROM events e JOIN coders k ON k.id = e.coder_id "
            "WHERE e.action = 'tag' GROUP BY k.name",
        )
    )
    lost = sum(added[c] - stored.get(c, 0) for c in coders)
    doubled = sum(max(0, stored.get(c, 0) - added[c]) for c in coders)
    trail = sum(abs(events.get(c, 0) - stored.get(c, 0)) for c in coders)
    locked = sum(n for message, n in errors.items() if "locked" in message)

    print(f"\n{len(latencies)} tags in {wall:.1f} s ({len(latencies) / wall:.0f} tags/s)")
    show("latency median", f"{median(latencies) * 1000:.1f} ms")
    show("latency p95", f"{percentile(latencies, 0.95) * 1000:.1f} ms")
    show("latency p99", f"{percentile(latencies, 0.99) * 1000:.1f} ms")
    show("latency max", f"{max(latencies) * 1000:.1f} ms")
    show("errors", f"{sum(errors.values())} {dict(errors) if errors else ''}")
    show("codings added / stored", f"{sum(added.values())} / {sum(stored.values())}")
    show("lost / doubled / codings without their event", f"{lost} / {doubled} / {trail}")
    p95 = percentile(latencies, 0.95)
    print("\nTargets:")
    show("0 errors", verdict(not errors, f"{sum(errors.values())}"))
    show('no "database is locked"', verdict(not locked, f"{locked}"))
    show("0 lost writes", verdict(lost == 0 and doubled == 0 and trail == 0, f"{lost}"))
    show(f"p95 under {TARGET_P95 * 1000:.0f} ms", verdict(p95 < TARGET_P95, f"{p95 * 1000:.1f} ms"))
    if not args.keep:
        drop_store(server, store)
    close_work(work, args.keep)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
