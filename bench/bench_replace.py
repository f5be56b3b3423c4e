"""Correcting a long coded transcript: ``import --replace`` with every coding carried over.

No target in the issue; what a researcher meets: one long interview (default 20,000
words in turns of 20 to 150 words), coded by three coders (default 1,500 codings, half of
them on a quote of 3 to 8 words), then corrected in a few places (default 30 edits: a word
changed, a sentence added, a turn's words swapped), and imported again with ``--replace``.

Set-up, not timed: the transcript imported and coded (``import_codings``) in a fresh store.
Measured, in rounds, each on a fresh copy of the set-up store: ``Project.import_file(path,
options=ImportOptions(replace=True, force=True))`` (the plan, the carry-over and the
writes, one transaction), timed with ``time.perf_counter``; how the codings were placed.

    .venv/bin/python bench/bench_replace.py
    .venv/bin/python bench/bench_replace.py --words 60000 --codings 5000 --rounds 1
    .venv/bin/python bench/bench_replace.py --profile     # where the time goes
"""

from __future__ import annotations

import argparse
import random
from collections import Counter

from benchlib import (
    add_work_arguments,
    close_work,
    concept_names,
    copy_store,
    draw_codings,
    machine,
    open_work,
    profile,
    segment_texts,
    show,
    spread,
    timed,
    transcript_text,
    write_csv,
)

from gioia import Project
from gioia.ops.importing import ImportOptions


def corrected(rng: random.Random, text: str, edits: int) -> str:
    """``text`` with ``edits`` corrections: a word changed, a sentence added, or two
    words swapped, at random turns (labels left alone)."""
    turns = text.split("\n\n")
    for _ in range(edits):
        index = rng.randrange(len(turns))
        label, _, words = turns[index].partition(": ")
        if not words:
            continue
        parts = words.split(" ")
        kind = rng.randrange(3)
        if kind == 0:
            at = rng.randrange(len(parts))
            parts[at] = parts[at] + "s"
        elif kind == 1:
            parts.insert(rng.randrange(len(parts)), "Which, to be clear, we did not expect.")
        elif len(parts) > 1:
            at = rng.randrange(len(parts) - 1)
            parts[at], parts[at + 1] = parts[at + 1], parts[at]
        turns[index] = f"{label}: {' '.join(parts)}"
    return "\n\n".join(turns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=20_000)
    parser.add_argument("--codings", type=int, default=1_500)
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    add_work_arguments(parser)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = open_work(args.workdir, "replace")
    try:
        print(f"bench_replace: {machine()}")
        source = work / "interview.txt"
        text = transcript_text(rng, "Anna Rossi", words=args.words)
        source.write_text(text, encoding="utf-8")
        base = work / "base.db"
        with Project.init(str(base)) as project:
            project.import_file(source)
        segments = segment_texts(str(base))
        rows = draw_codings(rng, segments, count=args.codings, concepts=concept_names(rng, 100))
        write_csv(work / "codings.csv", ("coder", "segment", "concept", "quote"), rows)
        with Project.open(str(base)) as project:
            project.import_codings(work / "codings.csv")
        source.write_text(corrected(rng, text, args.edits), encoding="utf-8")
        options = ImportOptions(replace=True, force=True)
        show("transcript", f"{args.words:,} words, {len(segments):,} segments")
        show("codings", f"{args.codings:,} ({args.edits} corrections in the text)")
        times = []
        statuses: Counter[str] = Counter()
        for _ in range(args.rounds):
            store = work / "round.db"
            copy_store(base, store)
            with Project.open(str(store)) as project:
                seconds, result = timed(lambda p=project: p.import_file(source, options=options))
            times.append(seconds)
            statuses = Counter(i.status for i in result.carried.items if i.kind == "coding")
        show("import --replace", spread(times))
        show("codings", ", ".join(f"{n:,} {status}" for status, n in statuses.most_common()))
        if args.profile:
            store = work / "round.db"
            copy_store(base, store)
            with Project.open(str(store)) as project:
                profile(lambda: project.import_file(source, options=options), args.top, "replace")
    finally:
        close_work(work, args.keep)


if __name__ == "__main__":
    main()
