"""CLI start-up: ``gioia --help`` against ``python -c pass``, as whole processes.

Target (issue 2): ``gioia --help`` takes at most 2.5x the time of ``python -c pass``
with the same interpreter (the venv's). ``gioia --help`` is also given against
``python -c "import click"``, the floor of any click CLI.

Measured: the wall time of each command as a whole process (``time.perf_counter``
around ``subprocess.run``, output thrown away), the commands run in turn (pass,
gioia --help, import click, import gioia.cli, pass, ...) so that a drift of the
machine's speed hits them alike; medians, min and max, and the ratio of the medians plus the median
of the per-round ratios. ``python -c "import click"`` is there as context (click
alone may already cost more than the target allows), and so is
``python -c "import gioia.cli"`` (the imports without the help text). Then
``python -X importtime -c "import gioia.cli"`` is run a few times and the modules
with the largest median cumulative import time are listed.

    .venv/bin/python bench/bench_startup.py            # 30 rounds (the figures)
    .venv/bin/python bench/bench_startup.py --runs 5   # a quick look

Python's bytecode is cached for the measured commands (``PYTHONPYCACHEPREFIX`` in a
temporary folder, filled by the warm-up rounds), as it is for an installed gioia: a
shell with ``PYTHONDONTWRITEBYTECODE`` set, as this machine's is, would otherwise have
gioia's own modules compiled at every start. ``--as-is`` measures with the environment
unchanged.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from benchlib import GIOIA, PYTHON, bench_env, machine, median, spread

TARGET = 2.5

COMMANDS: dict[str, list[str]] = {
    "python -c pass": [PYTHON, "-c", "pass"],
    "gioia --help": [GIOIA, "--help"],
    'python -c "import click"': [PYTHON, "-c", "import click"],
    'python -c "import gioia.cli"': [PYTHON, "-c", "import gioia.cli"],
}


def time_once(command: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one run of ``command`` as a whole process."""
    start = time.perf_counter()
    subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True
    )
    return time.perf_counter() - start


_IMPORTTIME = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def import_times(
    runs: int, env: dict[str, str], module: str = "gioia.cli"
) -> dict[str, tuple[float, float, int]]:
    """Median (self, cumulative) microseconds and nesting depth of each module imported."""
    selfs: dict[str, list[int]] = defaultdict(list)
    cumulative: dict[str, list[int]] = defaultdict(list)
    depth: dict[str, int] = {}
    for _ in range(runs):
        err = subprocess.run(
            [PYTHON, "-X", "importtime", "-c", f"import {module}"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stderr
        for line in err.splitlines():
            match = _IMPORTTIME.match(line)
            if match:
                own, total, indent, name = match.groups()
                selfs[name].append(int(own))
                cumulative[name].append(int(total))
                depth[name] = (len(indent) - 1) // 2
    return {name: (median(selfs[name]), median(cumulative[name]), depth[name]) for name in selfs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="rounds of the four commands")
    parser.add_argument("--warmup", type=int, default=3, help="rounds not counted")
    parser.add_argument("--importtime-runs", type=int, default=7)
    parser.add_argument("--top", type=int, default=15, help="modules listed from importtime")
    parser.add_argument(
        "--as-is",
        action="store_true",
        help="run in this shell's environment, PYTHONDONTWRITEBYTECODE included, instead "
        "of with Python's bytecode cached in a temporary folder",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="gioia-bench-startup-"))
    env = dict(os.environ) if args.as_is else bench_env(work)
    print(f"# CLI start-up — {machine()}")
    if args.as_is:
        setting = os.environ.get("PYTHONDONTWRITEBYTECODE")
        print(f"Environment as is (PYTHONDONTWRITEBYTECODE={setting!r}).")
    else:
        print("Bytecode cached (PYTHONPYCACHEPREFIX in a temporary folder, warmed up).")
    for _ in range(args.warmup):
        for command in COMMANDS.values():
            time_once(command, env)
    times: dict[str, list[float]] = {label: [] for label in COMMANDS}
    for _ in range(args.runs):
        for label, command in COMMANDS.items():
            times[label].append(time_once(command, env))

    base = times["python -c pass"]
    print(f"\n{args.runs} alternating rounds (after {args.warmup} not counted), wall time:")
    for label, values in times.items():
        print(f"  {label:<30} {spread([v * 1000 for v in values], 'ms', 1)}")
    print()
    for label in list(COMMANDS)[1:]:
        values = times[label]
        ratio = median(values) / median(base)
        paired = median([a / b for a, b in zip(values, base, strict=True)])
        print(
            f"  {label} / python -c pass: {ratio:.2f}x (ratio of medians); "
            f"{paired:.2f}x (median of per-round ratios)"
        )
    click = times['python -c "import click"']
    ratio = median(times["gioia --help"]) / median(click)
    paired = median([a / b for a, b in zip(times["gioia --help"], click, strict=True)])
    print(
        f'  gioia --help / python -c "import click": {ratio:.2f}x (ratio of medians); '
        f"{paired:.2f}x (median of per-round ratios)"
    )
    ratio = median(times["gioia --help"]) / median(base)
    allowed = TARGET * median(base) * 1000
    if ratio <= TARGET:
        print(f"\nTarget <= {TARGET}x: MET ({ratio:.2f}x)")
    else:
        over = median(times["gioia --help"]) * 1000 - allowed
        print(
            f"\nTarget <= {TARGET}x: NOT MET ({ratio:.2f}x; {over:.0f} ms over the "
            f"{allowed:.0f} ms allowed)"
        )

    table = import_times(args.importtime_runs, env)
    total = table.get("gioia.cli", (0.0, 0.0, 0))[1]
    print(
        f'\npython -X importtime -c "import gioia.cli", median of {args.importtime_runs} runs: '
        f"gioia.cli cumulative {total / 1000:.1f} ms"
    )
    print(f"  top {args.top} by cumulative time (a module's time includes its children's):")
    ranked = sorted(table.items(), key=lambda item: item[1][1], reverse=True)
    for name, (own, cumulative, depth) in ranked[: args.top]:
        print(f"    {cumulative / 1000:7.1f} ms  self {own / 1000:5.1f} ms  {'  ' * depth}{name}")
    print(f"  top {args.top} by own time:")
    ranked = sorted(table.items(), key=lambda item: item[1][0], reverse=True)
    for name, (own, cumulative, _depth) in ranked[: args.top]:
        print(f"    {own / 1000:7.1f} ms  (cumulative {cumulative / 1000:5.1f} ms)  {name}")

    click = import_times(args.importtime_runs, env, "click")
    extra = {name: figures for name, figures in table.items() if name not in click}
    own = sum(figures[0] for figures in extra.values())
    print(
        f"  beyond what `import click` imports: {len(extra)} modules, {own / 1000:.1f} ms of "
        f"own time (`import click` alone: {click['click'][1] / 1000:.1f} ms cumulative); "
        f"the largest:"
    )
    ranked = sorted(extra.items(), key=lambda item: item[1][0], reverse=True)
    for name, (own, cumulative, _depth) in ranked[: args.top]:
        print(f"    {own / 1000:7.1f} ms  (cumulative {cumulative / 1000:5.1f} ms)  {name}")

    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
