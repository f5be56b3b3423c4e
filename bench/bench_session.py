"""A coding session's wait per action, and concept completion, on a coded project.

Targets (issue 4), on a store with 100,000 codings and 1,000 concepts: each action of a
session under 30 ms (median): moving on to the next segment (one Enter:
``Project.review([ref])``, the next unreviewed segment, ``Project.step(next)``) and saving
a tag (``Project.tag([ref], concept)`` + ``Project.step(id)``); completion candidates
under 50 ms: ``gioia.cli.session.rank_choices(fragment, choices)`` over
``Project.concept_choices()``, and prompt_toolkit's ``ConceptCompleter.get_completions``.

Set-up, not timed: 200 synthetic transcripts of 100 turns (20,000 segments, 10,000 of
them informants' turns) imported with ``Project.import_files``; 100,000 distinct codings
over 1,000 concepts (``Project.import_codings``, half on a quote): one third by Maria,
the session's coder, on the first 100 transcripts, two thirds by Tom and Aïcha on all.
Maria's queue is then the informants' turns of the other 100 transcripts.

Measured in process, Maria coding ``--actions`` segments of her queue in order: on every
other segment a tag (a random concept), then on every segment an Enter; each action is
timed, and so is each call inside it. Then the same through ``gioia.cli.session.Session``
itself (on a fresh copy of the store) with an input that returns the lines at once and
an output that drops them: the time from one prompt to the next is what the coder waits
(after a tag the session also reloads the concept choices and shows the codings again).
Completion: ``concept_choices`` itself, then ``rank_choices`` and ``get_completions`` for
every prefix (1 to 12 characters) of 40 concept names, as typed, and some fuzzy and
missing fragments. Figures: median, p90 and max.

    .venv/bin/python bench/bench_session.py                 # the targets' sizes
    .venv/bin/python bench/bench_session.py --codings 20000 --actions 100   # a quick look
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchlib import (
    add_work_arguments,
    close_work,
    concept_names,
    copy_store,
    draw_codings,
    machine,
    median,
    new_store,
    open_work,
    p90,
    profile,
    segment_texts,
    show,
    timed,
    verdict,
    write_csv,
)

TARGET_ACTION = 0.030
TARGET_COMPLETION = 0.050
CODER = "Maria"


def figures(values: Sequence[float]) -> str:
    return (
        f"median {median(values) * 1000:6.2f} ms, p90 {p90(values) * 1000:6.2f} ms, "
        f"max {max(values) * 1000:6.2f} ms (n={len(values)})"
    )


class Calls:
    """Seconds per call of the project's methods, by name (a wrapper on the instance)."""

    def __init__(self, project: Any, names: Sequence[str]) -> None:
        self.seconds: dict[str, list[float]] = defaultdict(list)
        for name in names:
            setattr(project, name, self._timed(name, getattr(project, name)))

    def _timed(self, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            seconds, result = timed(lambda: method(*args, **kwargs))
            self.seconds[name].append(seconds)
            return result

        return call


def api_actions(
    db: Path, actions: int, names: list[str], rng: random.Random
) -> dict[str, list[float]]:
    """The session's two actions through the API, as ``Session._command`` makes them."""
    from gioia.project import Project

    times: dict[str, list[float]] = defaultdict(list)
    with Project.open(str(db), coder=CODER) as project:
        queue = project.queue()
        calls = Calls(project, ["tag", "review", "first_unreviewed", "step"])
        current = project.first_unreviewed(queue)
        assert current is not None
        step = project.step(current)
        for index in range(actions):
            ref = step.segment.ref
            if index % 2 == 0:
                start = time.perf_counter()
                project.tag([ref], rng.choice(names), create=True)
                step = project.step(current)
                times["tag: tag + step"].append(time.perf_counter() - start)
            start = time.perf_counter()
            project.review([ref])
            following = project.first_unreviewed(queue[queue.index(current) + 1 :])
            assert following is not None
            step = project.step(following)
            times["next: review + first_unreviewed + step"].append(time.perf_counter() - start)
            current = following
        choices = [timed(project.concept_choices)[0] for _ in range(20)]
    return {**times, **{f"  {name}": v for name, v in calls.seconds.items()}, "choices": choices}


class TimedIO:
    """A session's input and output: lines handed over at once, output dropped, and the
    time of each prompt noted."""

    width = 100
    asks = False

    def __init__(self, lines: list[str]) -> None:
        self._lines = iter(lines)
        self.prompts: list[float] = []

    def read(self, prompt: str) -> str | None:
        self.prompts.append(time.perf_counter())
        return next(self._lines, None)

    def write(self, text: str, style: str = "") -> None:
        pass

    def set_choices(self, choices: list[Any]) -> None:
        pass


def session_actions(
    db: Path, actions: int, names: list[str], rng: random.Random
) -> dict[str, list[float]]:
    """Per action, the time from one prompt to the next in a real ``Session``."""
    from gioia.cli.session import Session
    from gioia.project import Project

    lines: list[str] = []
    for index in range(actions):
        lines += [rng.choice(names), ""] if index % 2 == 0 else [""]
    io = TimedIO(lines)
    with Project.open(str(db), coder=CODER) as project:
        Session(project, io, project.queue()).run()
    waits = [b - a for a, b in zip(io.prompts, io.prompts[1:], strict=False)]
    times: dict[str, list[float]] = defaultdict(list)
    for line, wait in zip(lines, waits, strict=False):
        times["Session: Enter" if line == "" else "Session: a tag"].append(wait)
    return times


def completion(db: Path, names: list[str], rng: random.Random) -> dict[str, list[float]]:
    """``rank_choices`` and ``get_completions`` for what a coder types."""
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from gioia.cli.completion import ConceptCompleter
    from gioia.cli.session import rank_choices
    from gioia.project import Project

    with Project.open(str(db), coder=CODER) as project:
        choices = project.concept_choices()
    completer = ConceptCompleter()
    completer.choices = choices
    typed = [name[:n] for name in rng.sample(names, 40) for n in range(1, 13)]
    fragments = [*typed, "tdb", "qfs", "trst dstnt", "zzz", "xyzzy", "r trus", "d fid"]
    times: dict[str, list[float]] = {"rank_choices": [], "get_completions": []}
    for text in fragments:
        times["rank_choices"].append(timed(lambda t=text: rank_choices(t, choices))[0])
        document, event = Document(text), CompleteEvent(text_inserted=True)
        found = timed(lambda d=document, e=event: list(completer.get_completions(d, e)))
        times["get_completions"].append(found[0])
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=200)
    parser.add_argument("--segments", type=int, default=100, help="turns per transcript")
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--concepts", type=int, default=1000)
    parser.add_argument("--actions", type=int, default=400, help="segments coded (tag: half)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--profile",
        action="append",
        default=[],
        choices=["api", "session"],
        help="then cProfile 100 segments of the API actions or of the Session (repeatable)",
    )
    add_work_arguments(parser, top=25)
    args = parser.parse_args()

    from gioia.project import Project

    work = open_work(args.workdir, "session")
    print(f"# Coding session — {machine()}")
    started = time.perf_counter()
    template = work / "template.db"
    new_store(str(template), work / "transcripts", args.transcripts, args.segments, args.seed)
    segments = segment_texts(str(template))
    rng = random.Random(args.seed)
    names = concept_names(rng, args.concepts)
    own = args.codings // 3
    first_half = segments[: len(segments) // 2]
    rows = [
        *draw_codings(rng, first_half, count=own, concepts=names, coders=[CODER]),
        *draw_codings(
            rng, segments, count=args.codings - own, concepts=names, coders=["Tom", "Aïcha"]
        ),
    ]
    write_csv(work / "codings.csv", ("coder", "segment", "concept", "quote"), rows)
    with Project.open(str(template), coder=CODER) as project:
        added = project.import_codings(work / "codings.csv").added
        queue = len(project.queue())
    print(
        f"set-up (not timed, {time.perf_counter() - started:.1f} s): {len(segments)} segments, "
        f"{added} codings over {args.concepts} concepts, {own} of them {CODER}'s; her queue: "
        f"{queue} segments"
    )

    db = work / "store.db"
    copy_store(template, db)
    times = api_actions(db, args.actions, names, random.Random(args.seed))
    copy_store(template, db)
    times |= session_actions(db, args.actions, names, random.Random(args.seed))
    times |= completion(template, names, random.Random(args.seed))

    print(f"\nIn process, {CODER} coding {args.actions} segments (a tag on every other one):")
    for name, values in times.items():
        if name != "choices":
            show(name, figures(values), 42)
    show("Project.concept_choices()", figures(times["choices"]), 42)

    print("\nTargets (medians):")
    for name, limit in (
        ("next: review + first_unreviewed + step", TARGET_ACTION),
        ("tag: tag + step", TARGET_ACTION),
        ("Session: Enter", TARGET_ACTION),
        ("Session: a tag", TARGET_ACTION),
        ("rank_choices", TARGET_COMPLETION),
        ("get_completions", TARGET_COMPLETION),
    ):
        value = median(times[name])
        detail = f"{value * 1000:.1f} ms, {value / limit:.2f}x the limit of {limit * 1000:.0f} ms"
        show(name, verdict(value < limit, detail), 42)

    for what in args.profile:
        copy_store(template, db)
        run = api_actions if what == "api" else session_actions
        profile(lambda r=run: r(db, 100, names, random.Random(args.seed)), args.top, what)

    close_work(work, args.keep)


if __name__ == "__main__":
    main()
