"""Hardening (issue 10): a huge transcript listed, and PostgreSQL readers beside writers.

(a) ``huge``: one synthetic transcript of ``--mb`` megabytes (turns of 20 to 150 words)
is imported (set-up; time and peak memory shown for context), then ``gioia segments -t
big`` runs as a whole process ``--rounds`` times: the seconds to its first line of
output and to its 20th (``--to-end``: to its end). Target: the first lines in under 1 s.

(b) ``readers``: a study on PostgreSQL (``--postgres URL``: a server where the script
creates, then drops, a database): ``--transcripts`` transcripts of 100 turns, two
coders' codings and reviews, a structure. ``gioia structure`` and ``gioia agreement``
run as whole processes ``--rounds`` times alone, then while ``--writers`` processes tag
and review segments in a loop (each tag one transaction). For each run: wall seconds and
the reader's own CPU seconds (``getrusage`` of the child). On ``nproc`` processors shared
by 1 + W busy processes, a reader can expect about nproc / (1 + W) of a processor, so
the wall time the CPU explains is CPU seconds × (1 + W) / nproc; "unexplained" is the
rest. The machine's 1-minute load while the readers run is taken instead of 1 + W when it
is higher (other processes, the server's backends). Writers use the server's CPU too, and
a reader's own server-side work is not in its CPU seconds, so "unexplained" is an upper
bound of what waiting (not the CPU) costs. To separate the two, a sampler watches the
reader's server backends (``pg_stat_activity``, every 10 ms): their CPU seconds (from
``/proc``; the server runs on this machine) are added to the reader's, and the samples
are counted by what the backend was doing: working, waiting for the client, waiting on a
lock (a writer holding up the reader) or on another wait event.

``--source DIR`` runs another checkout's ``gioia`` package (``PYTHONPATH``) for a
before/after on the same data (``git archive COMMIT | tar -x -C DIR``).

    .venv/bin/python bench/bench_hardening.py huge --mb 50
    .venv/bin/python bench/bench_hardening.py readers --postgres URL --writers 8
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchlib import (
    PYTHON,
    Run,
    add_work_arguments,
    bench_env,
    close_work,
    concept_names,
    draw_codings,
    machine,
    median,
    open_work,
    run_process,
    segment_texts,
    show,
    spread,
    transcript_text,
    verdict,
    write_csv,
    write_transcripts,
)

WRITER = """
import random, sys, time
from gioia import Project
url, name, seconds, seed = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
with Project.open(url, coder=name) as project:
    refs = [s.ref for s in project.segments()]
    concepts = [c.name for c in project.items("concept")]
    done, stop = 0, time.monotonic() + seconds
    while time.monotonic() < stop:
        ref = rng.choice(refs)
        project.tag([ref], rng.choice(concepts))
        done += 1
print(done)
"""


GIOIA = [PYTHON, "-m", "gioia"]  # the package on PYTHONPATH (``--source``), else this one


def _env(work: Path, source: Path | None) -> dict[str, str]:
    env = bench_env(work)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    return env


# --- (a) a huge transcript -------------------------------------------------------------


def _first_line(command: list[str], env: dict[str, str], to_end: bool) -> tuple[float, float, int]:
    """Seconds to the first line of output and to the end (or to the 20th line, when
    not ``to_end``: the process is then stopped), and the number of lines read."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env=env)
    assert process.stdout is not None
    process.stdout.readline()
    first = time.perf_counter() - start
    lines = 1
    for _ in process.stdout:
        lines += 1
        if not to_end and lines == 20:
            process.kill()
            break
    process.wait()
    if to_end and process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited with {process.returncode}")
    return first, time.perf_counter() - start, lines


def huge(args: argparse.Namespace, work: Path) -> None:
    env = _env(work, args.source)
    rng = random.Random(args.seed)
    words = int(args.mb * 1024 * 1024 / 6.6)  # about 6.6 characters a word, labels included
    text = transcript_text(rng, "Anna Rossi", words=words)
    source = work / "big.txt"
    source.write_text(text, encoding="utf-8")
    store = work / "huge.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    gioia = GIOIA
    run_process([*gioia, "--store", str(store), "init"], log=work / "log.txt", env=env)
    imported: Run = run_process(
        [*gioia, "--store", str(store), "import", str(source)], log=work / "log.txt", env=env
    )
    print(f"Set-up: {source.stat().st_size / 2**20:.1f} MB, {len(text.split()):,} words")
    show("import (context)", f"{imported.seconds:.2f} s, peak {imported.max_rss_mb:.0f} MB")
    command = [*gioia, "--store", str(store), "segments", "-t", "big"]
    _first_line(command, env, False)  # warm-up: bytecode, page cache
    firsts, totals = [], []
    lines = 0
    for _ in range(args.rounds):
        first, total, lines = _first_line(command, env, args.to_end)
        firsts.append(first)
        totals.append(total)
    show("segments -t big: first line", spread(firsts))
    last = "to the end" if args.to_end else "20th line"
    show(f"segments -t big: {last}", spread(totals) + f", {lines:,} lines")
    print(f"  {verdict(median(firsts) < 1.0, f'first line in {median(firsts):.2f} s < 1 s')}")


# --- (b) PostgreSQL readers beside writers ----------------------------------------------


def _database(url: str, name: str, *, drop: bool) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if not drop:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _study(url: str, work: Path, transcripts: int, codings: int, seed: int) -> None:
    """Transcripts, two coders' codings (every segment reviewed by both), a structure."""
    from gioia.project import Project

    rng = random.Random(seed)
    folder = work / "transcripts"
    write_transcripts(folder, transcripts, seed=seed, turns=100)
    concepts = concept_names(rng, 60)
    table = work / "structure.csv"
    write_csv(
        table,
        ["concept", "theme", "dimension"],
        [(c, f"Theme {i % 12 + 1}", f"Dimension {i % 3 + 1}") for i, c in enumerate(concepts)],
    )
    local = work / "segments.db"
    with Project.init(str(local)) as project:
        project.import_files([folder])
    segments = [s for s in segment_texts(local) if not s.interviewer]
    rows = draw_codings(rng, segments, count=codings, concepts=concepts, coders=("Maria", "Tom"))
    codings_file = work / "codings.csv"
    write_csv(codings_file, ["coder", "segment", "concept", "quote"], rows)
    with Project.init(url) as project:
        project.import_files([folder])
        project.import_structure(table)
        project.import_codings(codings_file)
        for coder in ("Maria", "Tom"):
            project.coder = coder
            for number in range(1, transcripts + 1):
                project.review(transcript=f"interview_{number:04d}")


@dataclass
class BackendWatch:
    """What the server backends opened after ``since`` did, sampled until stopped."""

    url: str
    interval: float = 0.01
    states: Counter[str] = field(default_factory=Counter)
    ticks: dict[int, int] = field(default_factory=dict)  # backend pid -> CPU clock ticks
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join()

    @property
    def cpu(self) -> float:
        return sum(self.ticks.values()) / os.sysconf("SC_CLK_TCK")

    def _sample(self) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        query = text(
            "SELECT pid, state, wait_event_type FROM pg_stat_activity "
            "WHERE application_name = 'gioia' AND backend_start >= :since "
            "AND pid <> pg_backend_pid()"
        )
        with engine.connect() as connection:
            since = connection.execute(text("SELECT clock_timestamp()")).scalar_one()
            while not self._stop.is_set():
                for pid, state, wait in connection.execute(query, {"since": since}):
                    self.states[_activity(state, wait)] += 1
                    stat = Path(f"/proc/{pid}/stat")
                    try:
                        fields = stat.read_text().rsplit(")", 1)[1].split()
                    except OSError:
                        continue  # the backend has just ended: its last sample stands
                    self.ticks[pid] = int(fields[11]) + int(fields[12])  # utime + stime
                time.sleep(self.interval)
        engine.dispose()


def _activity(state: str | None, wait: str | None) -> str:
    if state == "active":
        return "working" if wait is None else ("lock" if wait == "Lock" else "other wait")
    return "client"


def _watched(
    command: list[str], log: Path, env: dict[str, str], url: str
) -> tuple[Run, BackendWatch]:
    watch = BackendWatch(url)
    watch.start()
    try:
        return run_process(command, log=log, env=env), watch
    finally:
        watch.stop()


def readers(args: argparse.Namespace, work: Path) -> None:
    if not args.postgres:
        raise SystemExit("readers needs --postgres URL (a server to create a database in)")
    env = _env(work, args.source)
    url = _database(args.postgres, "gioia_bench_readers", drop=False)
    try:
        started = time.perf_counter()
        _study(url, work, args.transcripts, args.codings, args.seed)
        print(
            f"Set-up: {args.transcripts} transcripts of 100 turns, {args.codings:,} codings "
            f"by 2 coders, every segment reviewed ({time.perf_counter() - started:.0f} s)"
        )
        gioia = GIOIA
        commands = {
            "structure": [*gioia, "--store", url, "structure"],
            "agreement": [*gioia, "--store", url, "agreement"],
        }
        log = work / "log.txt"
        alone: dict[str, list[Run]] = {name: [] for name in commands}
        for command in commands.values():
            run_process(command, log=log, env=env)  # warm-up
        alone_server: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.rounds):
            for name, command in commands.items():
                run, watch = _watched(command, log, env, url)
                alone[name].append(run)
                alone_server[name].append(watch.cpu)
        seconds = args.rounds * 2 * max(median([r.seconds for r in alone[n]]) for n in alone)
        seconds = max(seconds * 4, 30.0)
        writers = [
            subprocess.Popen(
                [PYTHON, "-c", WRITER, url, f"Writer {i}", str(seconds), str(i)],
                stdout=subprocess.PIPE,
                text=True,
                env=env,
            )
            for i in range(args.writers)
        ]
        time.sleep(3)  # the writers have loaded their segments and are tagging
        busy: dict[str, list[Run]] = {name: [] for name in commands}
        watches: dict[str, list[BackendWatch]] = {name: [] for name in commands}
        loads: list[float] = []  # runnable processes (1-minute load) while the readers ran
        for _ in range(args.rounds):
            for name, command in commands.items():
                run, watch = _watched(command, log, env, url)
                busy[name].append(run)
                watches[name].append(watch)
                loads.append(os.getloadavg()[0])
        tags = sum(int((w.communicate()[0] or "0").strip() or 0) for w in writers)
        cpus = os.cpu_count() or 1
        share = max(median(loads), 1 + args.writers) / cpus
        print(
            f"Writers: {args.writers}, {tags:,} tags in {seconds:.0f} s; {cpus} processors; "
            f"load while the readers ran {median(loads):.1f} (median)"
        )
        for name in commands:
            wall_alone = median([r.seconds for r in alone[name]])
            wall_busy = median([r.seconds for r in busy[name]])
            cpu_client = median([r.cpu for r in busy[name]])
            cpu_server = median([w.cpu for w in watches[name]])
            cpu_busy = cpu_client + cpu_server
            explained = max(wall_alone, cpu_busy * share)
            states: Counter[str] = sum((w.states for w in watches[name]), Counter())
            samples = sum(states.values()) or 1
            show(f"{name} alone", spread([r.seconds for r in alone[name]]))
            show(
                f"{name} alone: CPU client + server",
                f"{median([r.cpu for r in alone[name]]):.2f} s + "
                f"{median(alone_server[name]):.2f} s",
            )
            show(f"{name} with {args.writers} writers", spread([r.seconds for r in busy[name]]))
            show(
                f"{name}: slowdown, what the CPU explains",
                f"{wall_busy / wall_alone:.1f}×; CPU {cpu_client:.2f} s client + "
                f"{cpu_server:.2f} s server, × {share:.1f} = {cpu_busy * share:.2f} s; "
                f"unexplained {max(wall_busy - explained, 0):.2f} s",
            )
            show(
                f"{name}: its backends, {samples:,} samples",
                ", ".join(
                    f"{kind} {100 * states[kind] / samples:.1f}%"
                    for kind in ("working", "client", "lock", "other wait")
                ),
            )
    finally:
        _database(args.postgres, "gioia_bench_readers", drop=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["huge", "readers"])
    parser.add_argument("--mb", type=float, default=50.0, help="size of the huge transcript")
    parser.add_argument("--postgres", help="a PostgreSQL URL to create a database on")
    parser.add_argument("--transcripts", type=int, default=200)
    parser.add_argument("--codings", type=int, default=20_000)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--to-end", action="store_true", help="huge: read all of segments")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--source", type=Path, help="the checkout whose gioia to run")
    add_work_arguments(parser)
    args = parser.parse_args()
    print(machine() + (f"; gioia from {args.source}" if args.source else ""))
    work = open_work(args.workdir, args.what)
    try:
        (huge if args.what == "huge" else readers)(args, work)
    finally:
        close_work(work, args.keep)


if __name__ == "__main__":
    sys.exit(main())
