"""Inter-coder agreement: a 10-coder project, Krippendorff's α, the bootstrap.

Targets (issue 5): (a) ``gioia agreement`` at concept level for 10 coders x 20,000
segments x 300 concepts under 5 s, as a whole process and as ``Project.agreement()`` in
process; (b) ``gioia.agreement.alpha`` within 1.5x the time of the ``krippendorff``
package (``krippendorff.alpha(reliability_data=..., level_of_measurement="nominal")``) on
the same data: 10 coders x 20,000 binary units and 2 coders x 5,000 nominal units (5
values), with missing values; (c) ``gioia.agreement.bootstrap_alpha`` with 1,000
resamples of 2 coders x 5,000 units under 5 s.

Set-up of (a), not timed, through the API: 200 synthetic transcripts of 200 turns (100
informant segments each, 20,000 in all; ``Project.import_files``); a "truth" of 1 or 2 of
300 concepts per informant segment (1.5 on average); 10 coders, each of whom reviews
every transcript (``Project.review(transcript=...)``) and codes every segment with the
truth's concepts, each kept with probability 0.85 and otherwise swapped for a random
concept (``Project.import_codings``, one CSV per coder).

Measured: (a) ``gioia --store X agreement`` whole, ``--rounds`` times after a warm-up,
and ``Project.agreement()`` in process (the first call, and the median of the others);
(b) the two α functions in turn (gioia, package, gioia, ...), ``--alpha-rounds`` times
each after a warm-up, the values checked equal; (c) ``bootstrap_alpha`` ``--rounds``
times.

    .venv/bin/python bench/bench_agreement.py                 # the targets' sizes
    .venv/bin/python bench/bench_agreement.py --transcripts 20 --rounds 2   # a quick look
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt
from benchlib import (
    GIOIA,
    add_work_arguments,
    alternate,
    bench_env,
    close_work,
    concept_names,
    copy_store,
    machine,
    median,
    new_store,
    open_work,
    profile,
    profile_cli,
    run_process,
    segment_texts,
    show,
    spread,
    timed,
    verdict,
    write_csv,
)

TARGET_AGREEMENT = 5.0
TARGET_RATIO = 1.5
TARGET_BOOTSTRAP = 5.0
# fmt: off
CODERS = ("Maria", "Tom", "Aïcha", "Jonas", "Li Wei", "Sofia", "Kwame", "Ines", "Ravi", "Ana")
# fmt: on


def build(work: Path, transcripts: int, concepts: int, coders: int, seed: int) -> Path:
    """The 10-coder store (see the module's docstring); returns its path."""
    from gioia.project import Project

    db = work / "agreement.db"
    new_store(db, work / "transcripts", transcripts, 200, seed)
    segments = [s.ref for s in segment_texts(db) if not s.interviewer]
    rng = random.Random(seed)
    names = concept_names(rng, concepts)
    truth = [rng.sample(names, rng.choice((1, 2))) for _ in segments]
    transcript_names = sorted({ref.rsplit(":", 1)[0] for ref in segments})
    for coder in CODERS[:coders]:
        rows = []
        for ref, codes in zip(segments, truth, strict=True):
            chosen = {c if rng.random() < 0.85 else rng.choice(names) for c in codes}
            rows += [(coder, ref, concept, "") for concept in sorted(chosen)]
        table = work / f"codings-{coder}.csv"
        write_csv(table, ("coder", "segment", "concept", "quote"), rows)
        with Project.open(str(db), coder=coder) as project:
            for name in transcript_names:
                project.review(transcript=name)
            project.import_codings(table)
    return db


def reliability_data(
    rng: np.random.Generator, coders: int, units: int, values: int, missing: float
) -> npt.NDArray[np.float64]:
    """``coders x units`` codes 0..values-1 that agree with a truth 85% of the time,
    ``missing`` of them NaN."""
    truth = rng.integers(0, values, units)
    agree = rng.random((coders, units)) < 0.85
    data = np.where(agree, truth, rng.integers(0, values, (coders, units))).astype(np.float64)
    data[rng.random((coders, units)) < missing] = np.nan
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=200, help="of 100 informant turns")
    parser.add_argument("--concepts", type=int, default=300)
    parser.add_argument("--coders", type=int, default=10, choices=range(2, len(CODERS) + 1))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--alpha-rounds", type=int, default=30)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--profile",
        action="append",
        default=[],
        choices=["agreement", "agreement-cli"],
        help="then cProfile this (repeatable)",
    )
    add_work_arguments(parser, top=25)
    args = parser.parse_args()

    import krippendorff

    from gioia import agreement
    from gioia.project import Project

    work = open_work(args.workdir, "agreement")
    print(f"# Agreement — {machine()}")
    started = time.perf_counter()
    template = build(work, args.transcripts, args.concepts, args.coders, args.seed)
    db = work / "store.db"
    copy_store(template, db)
    with Project.open(str(db)) as project:
        first, report = timed(project.agreement)
        calls = [timed(project.agreement)[0] for _ in range(args.rounds)]
    with sqlite3.connect(db) as connection:
        codings = connection.execute("SELECT count(*) FROM codings").fetchone()[0]
    connection.close()
    print(
        f"set-up (not timed, {time.perf_counter() - started:.0f} s): {report.units_in_scope} "
        f"segments in scope, {report.units_compared} pairable, {len(report.coders)} coders, "
        f"{len(report.codes)} concepts applied, {codings} codings; mean α "
        f"{report.overall['mean_alpha'].value:.3f}, percent agreement "
        f"{report.overall['percent'].value:.3f}"
    )
    log, env = work / "log.txt", bench_env(work)
    command = [GIOIA, "--store", str(db), "agreement"]
    runs = [run_process(command, log=log, env=env) for _ in range(args.rounds + 1)][1:]

    rng = np.random.default_rng(args.seed)
    datasets = {
        "10 x 20,000 binary, 10% missing": reliability_data(rng, 10, 20_000, 2, 0.10),
        "2 x 5,000 nominal (5 values), 5% missing": reliability_data(rng, 2, 5_000, 5, 0.05),
    }
    alphas: dict[str, dict[str, list[float]]] = {}
    for name, data in datasets.items():
        ours = agreement.alpha(data, "nominal").value
        theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        if ours is None or abs(ours - theirs) > 1e-9:
            raise SystemExit(f"{name}: gioia's α {ours} differs from the package's {theirs}")
        print(f"α of {name}: {ours:.6f} (both)")
        alphas[name] = alternate(
            {
                "gioia": lambda d=data: agreement.alpha(d, "nominal"),
                "krippendorff": lambda d=data: krippendorff.alpha(
                    reliability_data=d, level_of_measurement="nominal"
                ),
            },
            args.alpha_rounds,
        )
    pair = datasets["2 x 5,000 nominal (5 values), 5% missing"]
    boot = [
        timed(lambda: agreement.bootstrap_alpha(pair, args.resamples, seed=args.seed))[0]
        for _ in range(args.rounds)
    ]

    print("\n(a) 10 coders x 20,000 segments x 300 concepts:")
    show("gioia agreement (process)", spread([r.seconds for r in runs]))
    show("  its peak memory", spread([r.max_rss_mb for r in runs], "MB", 0))
    show("Project.agreement() (in process)", f"{spread(calls)}; first call {first:.3f} s")
    print(f"(b) α, nominal, {args.alpha_rounds} calls each, in turn:")
    ratios = {}
    for name, times in alphas.items():
        ratios[name] = median(times["gioia"]) / median(times["krippendorff"])
        paired = median([a / b for a, b in zip(times["gioia"], times["krippendorff"], strict=True)])
        show(f"{name}: gioia", spread([t * 1000 for t in times["gioia"]], "ms", 2))
        show("  krippendorff package", spread([t * 1000 for t in times["krippendorff"]], "ms", 2))
        show("  gioia / package", f"{ratios[name]:.2f}x (ratio of medians), {paired:.2f}x (paired)")
    print(f"(c) bootstrap_alpha, {args.resamples} resamples, 2 x 5,000:")
    show("bootstrap_alpha", spread(boot))

    print("\nTargets:")
    cli, api = median([r.seconds for r in runs]), max(first, median(calls))
    show("(a) gioia agreement, process, under 5 s", verdict(cli < TARGET_AGREEMENT, f"{cli:.2f} s"))
    show(
        "(a) Project.agreement(), worst of first/median",
        verdict(api < TARGET_AGREEMENT, f"{api:.2f} s"),
    )
    for name, ratio in ratios.items():
        show(f"(b) {name}, within 1.5x", verdict(ratio <= TARGET_RATIO, f"{ratio:.2f}x"))
    value = median(boot)
    show("(c) bootstrap, under 5 s", verdict(value < TARGET_BOOTSTRAP, f"{value:.3f} s"))

    for what in args.profile:
        if what == "agreement-cli":
            profile_cli(["--store", str(db), "agreement"], args.top)
        else:
            with Project.open(str(db)) as project:
                profile(project.agreement, args.top, "Project.agreement() (in process)")

    close_work(work, args.keep)


if __name__ == "__main__":
    main()
