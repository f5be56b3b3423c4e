"""Inter-coder agreement: a 10-coder project; α at 300 categories; the bootstrap.

Targets (issue 14), on SQLite and on PostgreSQL (``--store URL``):

(a) ``gioia agreement`` at concept level for 10 coders x 20,000 segments x 300
    concepts under 3 s as a whole process, with a peak memory under 300 MB;
(b) α at 300 categories (nominal) compared on the same data with the ``krippendorff``
    package where it can run (10 coders x 2,000 units) and with an independent numpy
    implementation written here (``reference_alpha``: Krippendorff's computational form
    from each unit's value counts) at 10 x 20,000: the values equal, the times side by
    side; (c) ``bootstrap_alpha`` with 1,000 resamples of 2 coders x 5,000 units.

Set-up of (a), not timed, through the API: 200 synthetic transcripts of 200 turns (100
informant segments each, 20,000 in all); a "truth" of 1 or 2 of 300 concepts per
informant segment (1.5 on average), the 300 concepts made by the project lead (shared:
agreement is over the team's concepts); 10 coders, each of whom reviews every transcript and
codes every segment with the truth's concepts, each kept with probability 0.85 and
otherwise swapped for a random concept (``Project.import_codings``, a CSV per coder).

Measured: (a) ``gioia --store X agreement`` whole, ``--rounds`` times after a warm-up,
and ``Project.agreement()`` in process (the first call, and the median of the others);
(b) the α functions in turn, ``--alpha-rounds`` times each after a warm-up; (c)
``bootstrap_alpha`` ``--rounds`` times. ``--profile`` prints the cProfile of
``Project.agreement()``.

    .venv/bin/python bench/bench_agreement.py                 # the targets' sizes
    .venv/bin/python bench/bench_agreement.py --store postgresql+psycopg://…/postgres
    .venv/bin/python bench/bench_agreement.py --transcripts 20 --rounds 2   # a quick look
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt
from benchlib import (
    GIOIA,
    add_store_argument,
    add_work_arguments,
    alternate,
    bench_env,
    close_work,
    concept_names,
    drop_store,
    fresh_store,
    machine,
    median,
    new_store,
    open_work,
    profile,
    run_process,
    segment_texts,
    show,
    spread,
    sql,
    timed,
    verdict,
    write_csv,
)

TARGET_SECONDS = 3.0
TARGET_MB = 300.0
# fmt: off
CODERS = ("Maria", "Tom", "Aïcha", "Jonas", "Li Wei", "Sofia", "Kwame", "Ines", "Ravi", "Ana")
# fmt: on


def build(
    location: str, work: Path, transcripts: int, concepts: int, coders: int, seed: int
) -> None:
    """The 10-coder store (see the module's docstring) at ``location``."""
    from gioia.project import Project

    new_store(location, work / "transcripts", transcripts, 200, seed)
    segments = [s.ref for s in segment_texts(location) if not s.interviewer]
    rng = random.Random(seed)
    names = concept_names(rng, concepts)
    truth = [rng.sample(names, rng.choice((1, 2))) for _ in segments]
    transcript_names = sorted({ref.rsplit(":", 1)[0] for ref in segments})
    with Project.open(location) as lead:  # the team's concepts: agreement is over shared ones
        for name in names:
            lead.add_item("concept", name)
    for coder in CODERS[:coders]:
        rows = []
        for ref, codes in zip(segments, truth, strict=True):
            chosen = {c if rng.random() < 0.85 else rng.choice(names) for c in codes}
            rows += [(coder, ref, concept, "") for concept in sorted(chosen)]
        table = work / f"codings-{coder}.csv"
        write_csv(table, ("coder", "segment", "concept", "quote"), rows)
        with Project.open(location, coder=coder) as project:
            for name in transcript_names:
                project.review(transcript=name)
            project.import_codings(table)


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


def reference_alpha(data: npt.NDArray[np.float64]) -> float:
    """Krippendorff's nominal α, written apart from gioia: from each unit's value counts
    n_uc (m_u values), over the units with m_u >= 2, D_o = Σ_u (m_u² − Σ_c n_uc²) /
    (m_u − 1) and α = 1 − (n − 1) D_o / (n² − Σ_c n_c²), n_c = Σ_u n_uc, n = Σ_c n_c."""
    rated = ~np.isnan(data)
    values, codes = np.unique(data[rated], return_inverse=True)
    unit = np.nonzero(rated)[1]
    counts = np.zeros((data.shape[1], len(values)))
    np.add.at(counts, (unit, codes.ravel()), 1)
    m = counts.sum(axis=1)
    counts, m = counts[m >= 2], m[m >= 2]
    disagreeing = ((m**2 - (counts**2).sum(axis=1)) / (m - 1)).sum()
    n_c = counts.sum(axis=0)
    n = n_c.sum()
    return float(1 - (n - 1) * disagreeing / (n**2 - (n_c**2).sum()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=200, help="of 100 informant turns")
    parser.add_argument("--concepts", type=int, default=300)
    parser.add_argument("--coders", type=int, default=10, choices=range(2, len(CODERS) + 1))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--alpha-rounds", type=int, default=10)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--reuse", help="a store built before (with --keep): skip the set-up")
    parser.add_argument("--profile", action="store_true", help="then cProfile the agreement")
    add_store_argument(parser)
    add_work_arguments(parser, top=25)
    args = parser.parse_args()

    import krippendorff

    from gioia import agreement
    from gioia.project import Project

    work = open_work(args.workdir, "agreement")
    server = args.store
    print(f"# Agreement — {machine(server)}")
    started = time.perf_counter()
    if args.reuse:
        store = args.reuse
    else:
        store = fresh_store(server, work, "agreement")
        build(store, work, args.transcripts, args.concepts, args.coders, args.seed)
    with Project.open(store) as project:
        first, report = timed(project.agreement)
        calls = [timed(project.agreement)[0] for _ in range(args.rounds)]
    codings = sql(store, "SELECT count(*) FROM codings")[0][0]
    print(
        f"set-up (not timed, {time.perf_counter() - started:.0f} s): {report.units_in_scope} "
        f"segments in scope, {report.units_compared} pairable, {len(report.coders)} coders, "
        f"{len(report.codes)} concepts applied, {codings} codings; mean α "
        f"{report.overall['mean_alpha'].value:.3f}, percent agreement "
        f"{report.overall['percent'].value:.3f}"
    )
    log, env = work / "log.txt", bench_env(work)
    command = [GIOIA, "--store", store, "agreement"]
    runs = [run_process(command, log=log, env=env) for _ in range(args.rounds + 1)][1:]

    rng = np.random.default_rng(args.seed)
    small = reliability_data(rng, 10, 2_000, 300, 0.10)
    large = reliability_data(rng, 10, 20_000, 300, 0.10)
    ours = agreement.alpha(small, "nominal").value
    theirs = krippendorff.alpha(reliability_data=small, level_of_measurement="nominal")
    if ours is None or abs(ours - theirs) > 1e-9 or abs(ours - reference_alpha(small)) > 1e-9:
        raise SystemExit(f"α at 2,000 units: gioia {ours}, package {theirs}")
    big = agreement.alpha(large, "nominal").value
    if big is None or abs(big - reference_alpha(large)) > 1e-9:
        raise SystemExit(f"α at 20,000 units: gioia {big}, reference {reference_alpha(large)}")
    print(f"α, 300 categories: {ours:.6f} at 2,000 units (all three), {big:.6f} at 20,000")
    at_2000 = alternate(
        {
            "gioia": lambda: agreement.alpha(small, "nominal"),
            "package": lambda: krippendorff.alpha(
                reliability_data=small, level_of_measurement="nominal"
            ),
        },
        args.alpha_rounds,
    )
    at_20000 = alternate(
        {
            "gioia": lambda: agreement.alpha(large, "nominal"),
            "reference": lambda: reference_alpha(large),
        },
        args.alpha_rounds,
    )
    pair = reliability_data(rng, 2, 5_000, 5, 0.05)
    boot = [
        timed(lambda: agreement.bootstrap_alpha(pair, args.resamples, seed=args.seed))[0]
        for _ in range(args.rounds)
    ]

    print("\n(a) 10 coders x 20,000 segments x 300 concepts:")
    show("gioia agreement (process)", spread([r.seconds for r in runs]))
    show("  its peak memory", spread([r.max_rss_mb for r in runs], "MB", 0))
    show("Project.agreement() (in process)", f"{spread(calls)}; first call {first:.3f} s")
    print(f"(b) α, nominal, 300 categories, 10 coders, {args.alpha_rounds} calls each, in turn:")
    for title, times, other in (
        ("2,000 units", at_2000, "package"),
        ("20,000 units", at_20000, "reference"),
    ):
        show(f"{title}: gioia", spread([t * 1000 for t in times["gioia"]], "ms", 2))
        show(f"  {other}", spread([t * 1000 for t in times[other]], "ms", 2))
        ratio = median(times["gioia"]) / median(times[other])
        show(f"  gioia / {other}", f"{ratio:.2f}x")
    print(f"(c) bootstrap_alpha, {args.resamples} resamples, 2 x 5,000:")
    show("bootstrap_alpha", spread(boot))

    print("\nTargets:")
    cli = median([r.seconds for r in runs])
    peak = max(r.max_rss_mb for r in runs)
    show(
        f"(a) gioia agreement under {TARGET_SECONDS:.0f} s",
        verdict(cli < TARGET_SECONDS, f"{cli:.2f} s"),
    )
    show(f"(a) its peak under {TARGET_MB:.0f} MB", verdict(peak < TARGET_MB, f"{peak:.0f} MB"))
    show("(b) α equal to the package's and the reference's", "MET (checked above)")

    if args.profile:
        with Project.open(store) as project:
            profile(project.agreement, args.top, "Project.agreement() (in process)")
    if not args.reuse and not args.keep:
        drop_store(server, store)
    elif not args.reuse:
        print(f"\nStore kept: {store}")
    close_work(work, args.keep)


if __name__ == "__main__":
    main()
