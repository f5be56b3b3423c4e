"""What the benchmarks share: synthetic data, stores, measurement, what-ifs, context.

Not a benchmark itself. ``bench_*.py`` import it (it sits beside them, and Python puts
the script's folder first on ``sys.path``).

Whole processes are measured by a small wrapper process that starts the command, reads
``time.perf_counter()`` around it and then ``resource.getrusage(RUSAGE_CHILDREN)``: the
wrapper has no other child, so ``ru_maxrss`` is the command's own peak resident memory
(kilobytes on Linux) and ``ru_utime + ru_stime`` its CPU time.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = REPO / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python")
GIOIA = str(VENV_BIN / "gioia")

# --- synthetic transcripts -----------------------------------------------------------

# Plain interview English, with the contractions, typographic apostrophes, numbers and
# accented words (place names, borrowed words, names) that real transcripts hold. Every
# entry is one word as ``str.split`` counts words; none ends with a colon, so no line of
# speech can be taken for a speaker label.
# fmt: off
_COMMON_WORDS = (
    "the a an and or but so because when then that this these those we I you they he she it "
    "our your their my is are was were be been have has had do does did will would could "
    "should can may might must not no yes very really quite just also still already only "
    "about with from into over after before between through during without within for of "
    "to in on at by up out down more most less much many some any every each other another "
    "company firm market customer customers buyer buyers supplier price prices cost costs "
    "platform online order orders export exports product products quality team people family "
    "year years month months week day time work business sales manager owner director "
    "think know say said see saw mean means want wanted need needed try tried start started "
    "make made take took give gave find found look looked sell sold buy bought pay paid "
    "new old big small good bad different important difficult easy first last next same own "
    "trade fair fairs contract contracts network trust relationship partners partner local "
    "abroad country countries region province harvest bottle bottles line lines fee fees "
    "because honestly maybe probably actually basically obviously certainly perhaps "
    "don't can't won't it's we're they're I'm that's there's didn't wasn't isn't "
    "don’t it’s we’re I’m that’s "
    "one two three four five ten twenty hundred thousand 2019 2020 2021 2022 40% 15%"
)
_ACCENTED_WORDS = (
    "città perché già così più può café déjà façade naïve rôle über Müller Köln Zürich "
    "señor año España Bogotá São Paulo coöperation résumé entrepôt crème brûlée Łódź "
    "Kraków Göteborg Ærø frantoio cantina Baden-Württemberg Curaçao"
)
_RESPONDENTS = (
    "Anna Rossi", "Lorenzo Bellandi", "Marta Iglesias", "Chiara Zanardi", "Jürgen Weiß",
    "Chloé Dubois", "Søren Østergaard", "María José Núñez", "Zoë O'Brien", "Łukasz Nowak",
    "Ana Conceição", "Kenji Sato", "Fatma Yılmaz", "Émile Côté", "Ingrid Håkansson",
)
# fmt: on
_COMMON = _COMMON_WORDS.split()
_ACCENTED = _ACCENTED_WORDS.split()
_ENDINGS = (".", ".", ".", ".", "?", "!", "…")


def _words(rng: random.Random, count: int) -> list[str]:
    """``count`` words of speech: sentences of 3 to 18 words with commas and stops."""
    words: list[str] = []
    while len(words) < count:
        length = min(rng.randint(3, 18), count - len(words))
        sentence = [
            rng.choice(_ACCENTED) if rng.random() < 0.06 else rng.choice(_COMMON)
            for _ in range(length)
        ]
        sentence[0] = sentence[0][0].upper() + sentence[0][1:]
        for i in range(length - 1):
            if rng.random() < 0.07:
                sentence[i] += ","
        sentence[-1] += rng.choice(_ENDINGS)
        words.extend(sentence)
    return words


def speech(rng: random.Random, count: int) -> str:
    """``count`` words of synthetic speech (sentences with punctuation), one string."""
    return " ".join(_words(rng, count))


def transcript_text(
    rng: random.Random,
    respondent: str,
    *,
    words: int | None = None,
    turns: int | None = None,
    turn_words: tuple[int, int] = (20, 150),
) -> str:
    """A speaker-labelled transcript: ``Interviewer: …`` and ``respondent: …`` in turns.

    Either exactly ``words`` words of speech (labels not counted, as gioia counts a
    transcript's words) in turns of ``turn_words`` words, or exactly ``turns`` turns.
    One blank line between turns; every turn is one line, so one segment by turn.
    """
    low, high = turn_words
    sizes: list[int] = []
    if words is not None:
        remaining = words
        while remaining > 0:
            # Never leave a last turn shorter than ``low`` words.
            size = remaining if remaining <= high else rng.randint(low, min(high, remaining - low))
            sizes.append(size)
            remaining -= size
    else:
        assert turns is not None
        sizes = [rng.randint(low, high) for _ in range(turns)]
    speakers = ("Interviewer", respondent)
    return "".join(
        f"{speakers[i % 2]}: {' '.join(_words(rng, size))}\n\n" for i, size in enumerate(sizes)
    )


def write_transcripts(
    folder: Path,
    count: int,
    *,
    seed: int,
    words: int | None = None,
    turns: int | None = None,
    turn_words: tuple[int, int] = (20, 150),
) -> list[Path]:
    """Write ``count`` transcripts ``interview_0001.txt``… to ``folder`` (UTF-8)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for number in range(1, count + 1):
        respondent = _RESPONDENTS[number % len(_RESPONDENTS)]
        text = transcript_text(rng, respondent, words=words, turns=turns, turn_words=turn_words)
        path = folder / f"interview_{number:04d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


# --- stores with codings ---------------------------------------------------------------

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


def concept_names(rng: random.Random, count: int, words: tuple[int, int] = (3, 6)) -> list[str]:
    """``count`` distinct labels (case-insensitively) of ``words`` words, capitalised."""
    names: dict[str, str] = {}
    while len(names) < count:
        name = " ".join(rng.sample(_CONCEPT_WORDS, rng.randint(*words)))
        names.setdefault(name.casefold(), name[0].upper() + name[1:])
    return list(names.values())


def add_work_arguments(parser: Any, top: int = 25) -> None:
    """The options every benchmark shares: its work folder, keeping it, profile length."""
    parser.add_argument("--workdir", type=Path, help="where files and stores go (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--top", type=int, default=top, help="functions listed by --profile")


def open_work(workdir: Path | None, name: str) -> Path:
    """The work folder: the one given, or a new temporary one."""
    import tempfile

    work = workdir or Path(tempfile.mkdtemp(prefix=f"gioia-bench-{name}-"))
    work.mkdir(parents=True, exist_ok=True)
    return work


def close_work(work: Path, keep: bool) -> None:
    """Keep the work folder (and say where), or delete it."""
    if keep:
        print(f"\nWork folder kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


def remove_store(db: Path) -> None:
    """Delete a SQLite store with its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm", "-lock"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)


def copy_store(source: Path, target: Path) -> None:
    """A fresh copy of a closed store (no WAL left), replacing ``target``."""
    remove_store(target)
    shutil.copyfile(source, target)


def new_store(location: str, folder: Path, transcripts: int, turns: int, seed: int) -> None:
    """A store (made at ``location``, which must be new) with ``transcripts`` synthetic
    transcripts of ``turns`` turns each (half of them the interviewer's), written to
    ``folder`` and imported with ``import_files``."""
    from gioia.project import Project

    shutil.rmtree(folder, ignore_errors=True)
    write_transcripts(folder, transcripts, seed=seed, turns=turns)
    with Project.init(location) as project:
        results = project.import_files([folder])
    if {r.status for r in results} != {"imported"}:
        raise SystemExit(f"set-up import failed: {[r.error for r in results if r.error]}")


@dataclass(frozen=True)
class StoredSegment:
    ref: str
    text: str
    interviewer: bool


def segment_texts(location: str) -> list[StoredSegment]:
    """Every segment of a store in reading order: ``T:N``, its text, interviewer or not."""
    texts = dict(sql(location, "SELECT id, text FROM transcripts"))
    names = dict(sql(location, "SELECT id, name FROM transcripts"))
    rows = sql(
        location,
        "SELECT transcript_id, position, char_start, char_end, is_interviewer FROM segments "
        "ORDER BY transcript_id, position",
    )
    return [
        StoredSegment(f"{names[t]}:{position}", texts[t][start:end], bool(interviewer))
        for t, position, start, end, interviewer in rows
    ]


def quote_of(rng: random.Random, text: str) -> str:
    """3 to 8 consecutive words of ``text``, exactly as they stand in it."""
    words = text.split(" ")
    size = min(rng.randint(3, 8), len(words))
    first = rng.randrange(len(words) - size + 1)
    return " ".join(words[first : first + size])


def draw_codings(
    rng: random.Random,
    segments: Sequence[StoredSegment],
    *,
    count: int,
    concepts: Sequence[str],
    coders: Sequence[str] = CODERS,
    quoted: float = 0.5,
) -> list[tuple[str, str, str, str]]:
    """``count`` distinct (coder, segment, concept) drawn at random, a ``quoted`` share of
    them on a quote of the segment: rows (coder, ``T:N``, concept, quote or "")."""
    seen: set[tuple[int, int, int]] = set()
    rows = []
    while len(rows) < count:
        key = (
            rng.randrange(len(segments)),
            rng.randrange(len(concepts)),
            rng.randrange(len(coders)),
        )
        if key in seen:
            continue
        seen.add(key)
        segment = segments[key[0]]
        quote = quote_of(rng, segment.text) if rng.random() < quoted else ""
        rows.append((coders[key[2]], segment.ref, concepts[key[1]], quote))
    return rows


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


# --- measuring whole processes -------------------------------------------------------


def bench_env(work: Path) -> dict[str, str]:
    """The environment for measured processes: Python's bytecode cached, in ``work``.

    A shell that sets ``PYTHONDONTWRITEBYTECODE`` (this machine's does) makes every
    start of gioia compile gioia's own modules again, as an installed gioia never does.
    The measured processes get ``PYTHONPYCACHEPREFIX`` in the work folder instead, so
    the warm-up runs write the bytecode there (not into the repository) and the
    measured runs read it.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


_WRAPPER = """
import json, resource, subprocess, sys, time
out = open(sys.argv[1], "ab")
start = time.perf_counter()
code = subprocess.call(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=out, stderr=out)
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "max_rss_kb": usage.ru_maxrss,
                  "cpu": usage.ru_utime + usage.ru_stime, "code": code}))
"""


@dataclass(frozen=True)
class Run:
    """One whole-process run: wall seconds, peak resident memory, CPU seconds, exit code."""

    seconds: float
    max_rss_mb: float
    cpu: float
    code: int


def run_process(
    command: Sequence[str], *, log: Path, env: dict[str, str] | None = None, check: bool = True
) -> Run:
    """Run ``command`` as its own process (output appended to ``log``) and measure it."""
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, str(log), *command],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    data = json.loads(done.stdout)
    run = Run(data["seconds"], data["max_rss_kb"] / 1024, data["cpu"], data["code"])
    if check and run.code != 0:
        tail = log.read_text(errors="replace")[-2000:]
        raise SystemExit(f"{' '.join(command)} exited with {run.code}:\n{tail}")
    return run


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def spread(values: Sequence[float], unit: str = "s", digits: int = 3) -> str:
    """``median (min–max, n=N)`` for a list of figures."""
    return (
        f"{median(values):.{digits}f} {unit} "
        f"(min {min(values):.{digits}f}, max {max(values):.{digits}f}, n={len(values)})"
    )


def p90(values: Sequence[float]) -> float:
    """The 90th percentile (``statistics.quantiles``, exclusive method)."""
    return statistics.quantiles(values, n=10)[-1]


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    """Wall seconds of one call, and what it returned."""
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def alternate(calls: dict[str, Callable[[], Any]], rounds: int) -> dict[str, list[float]]:
    """Each call timed ``rounds`` times, in turn (a, b, a, b, ...), after one warm-up each."""
    for call in calls.values():
        call()
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            times[name].append(timed(call)[0])
    return times


def show(label: str, figure: str, width: int = 44) -> None:
    print(f"  {label:<{width}} {figure}")


def verdict(met: bool, detail: str) -> str:
    return f"MET ({detail})" if met else f"NOT MET ({detail})"


def profile(call: Callable[[], Any], top: int, title: str) -> None:
    """cProfile of one call: the ``top`` functions by cumulative, then by own time."""
    import cProfile
    import pstats

    print(f"\ncProfile of {title}:", flush=True)
    profiler = cProfile.Profile()
    profiler.runcall(call)
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def profile_cli(arguments: Sequence[str], top: int) -> None:
    """cProfile of ``gioia ARGUMENTS`` run in this process, its output thrown away."""
    import contextlib

    from gioia.cli import cli

    def run() -> None:
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
            cli.main(list(arguments), prog_name="gioia", standalone_mode=False)

    profile(run, top, f"gioia {' '.join(arguments)} (in process)")


# --- where the time goes, inside one process -----------------------------------------


@dataclass
class Phases:
    """Wall time spent in wrapped functions and in the database driver, by name.

    ``wrap(module, "name")`` replaces a module attribute with a timing wrapper (only in
    this process: the bench's workers use it, gioia's files are untouched). Phases
    whose name starts with a space are details ("of which ..."), counted wherever they
    run; the others are disjoint: a phase called while another runs (an autoflush
    inside a query, say) counts in the outer one. ``watch_engine`` adds, as details,
    the time the SQLite driver spends executing statements and committing.
    """

    seconds: dict[str, float] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    active: bool = False

    def add(self, name: str, elapsed: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + elapsed
        self.calls[name] = self.calls.get(name, 0) + 1

    def wrap(
        self,
        module: Any,
        attribute: str,
        name: str | None = None,
        label_of: Callable[..., str] | None = None,
    ) -> None:
        """Time calls of ``module.attribute`` under ``name`` (or ``label_of(*args)``)."""
        original: Callable[..., Any] = getattr(module, attribute)
        label = name or attribute

        def timed(*args: Any, **kwargs: Any) -> Any:
            name = label_of(*args, **kwargs) if label_of else label
            top = not name.startswith(" ")
            if top and self.active:
                return original(*args, **kwargs)  # counted in the phase that called it
            self.active = self.active or top
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.add(name, time.perf_counter() - start)
                if top:
                    self.active = False

        setattr(module, attribute, timed)

    def watch_engine(self, engine: Any, prefix: str = "") -> None:
        """Time statements (cursor execute) and commits in the DBAPI driver."""
        from sqlalchemy import event

        starts: list[float] = []

        @event.listens_for(engine, "before_cursor_execute")
        def _before(*_args: Any) -> None:
            starts.append(time.perf_counter())

        @event.listens_for(engine, "after_cursor_execute")
        def _after(*_args: Any) -> None:
            self.add(f"{prefix}driver: SQL statements", time.perf_counter() - starts.pop())

        dialect = engine.dialect
        commit = dialect.do_commit

        def do_commit(connection: Any) -> None:
            start = time.perf_counter()
            commit(connection)
            self.add(f"{prefix}driver: COMMIT", time.perf_counter() - start)

        dialect.do_commit = do_commit

    def report(self, total: float, per: int, unit: str) -> list[str]:
        """Lines: each phase's seconds, share of ``total``, and time per ``unit``;
        the disjoint phases first, then the details."""
        lines = []
        ranked = sorted(self.seconds.items(), key=lambda item: -item[1])
        phases = [item for item in ranked if not item[0].startswith(" ")]
        details = [item for item in ranked if item[0].startswith(" ")]
        for name, seconds in [*phases, ("details:", -1.0), *details]:
            if seconds < 0:
                lines.append(name)
                continue
            lines.append(
                f"{name:<52} {seconds:7.3f} s {seconds / total:6.1%}  "
                f"{seconds / per * 1000:7.3f} ms/{unit}  ({self.calls[name]} calls)"
            )
        return lines


# --- stores on either engine ---------------------------------------------------------


def add_store_argument(parser: Any) -> None:
    """``--store URL``: run on PostgreSQL (a fresh database per store on that server)."""
    parser.add_argument(
        "--store",
        metavar="URL",
        help="a PostgreSQL URL (postgresql+psycopg://…): stores are new databases on that "
        "server; default: SQLite files in the work folder",
    )


def engine_of(server: str | None) -> str:
    """``SQLite x.y.z`` or ``PostgreSQL x.y``: the engine the stores are on."""
    if server is None:
        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(driver_url(server)) as connection:
        version = connection.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {version[0] if version else '?'}"


def driver_url(url: str) -> str:
    """A SQLAlchemy URL as psycopg takes it (no ``+psycopg``)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def fresh_store(server: str | None, work: Path, name: str) -> str:
    """Where a new store goes: ``work/NAME.db`` (removed first), or on the server a new,
    empty database ``gioia_bench_NAME`` (dropped first)."""
    if server is None:
        db = work / f"{name}.db"
        remove_store(db)
        return str(db)
    _admin(server, f'DROP DATABASE IF EXISTS "gioia_bench_{name}" WITH (FORCE)')
    _admin(server, f'CREATE DATABASE "gioia_bench_{name}"')
    return _database_url(server, f"gioia_bench_{name}")


def copy_of(server: str | None, source: str, work: Path, name: str) -> str:
    """A fresh copy of the closed store ``source`` (a SQLite file, or a database used as
    a template on the server), named after ``name``."""
    if server is None:
        target = work / f"{name}.db"
        copy_store(Path(source), target)
        return str(target)
    template = source.rsplit("/", 1)[1]
    _admin(server, f'DROP DATABASE IF EXISTS "gioia_bench_{name}" WITH (FORCE)')
    _admin(server, f'CREATE DATABASE "gioia_bench_{name}" TEMPLATE "{template}"')
    return _database_url(server, f"gioia_bench_{name}")


def drop_store(server: str | None, location: str) -> None:
    """Remove a store made by ``fresh_store`` or ``copy_of``."""
    if server is None:
        remove_store(Path(location))
    else:
        _admin(server, f'DROP DATABASE IF EXISTS "{location.rsplit("/", 1)[1]}" WITH (FORCE)')


def _admin(server: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(driver_url(server), autocommit=True) as connection:
        connection.execute(statement)


def _database_url(server: str, database: str) -> str:
    return server.rsplit("/", 1)[0] + "/" + database


def sql(location: str, query: str) -> list[tuple[Any, ...]]:
    """The rows of one query on a store (SQLite file or PostgreSQL URL)."""
    if "://" not in location:
        with sqlite3.connect(location) as connection:
            rows = connection.execute(query).fetchall()
        connection.close()
        return rows
    import psycopg

    with psycopg.connect(driver_url(location)) as connection:
        return [tuple(row) for row in connection.execute(query).fetchall()]


# --- context -------------------------------------------------------------------------


def machine(server: str | None = None) -> str:
    """Date, processors, Python, gioia's commit and the engine, for the head of a report."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "gioia"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if dirty:
            commit += " (gioia/ has uncommitted changes)"
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    version = subprocess.run(
        [PYTHON, "-c", "import sys; print(sys.version.split()[0])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{now}; {os.cpu_count()} processors ({platform.machine()}); "
        f"venv Python {version}; gioia commit {commit}; {engine_of(server)}"
    )
