"""Every file gioia writes: never over the store, suffix checked, Wrote/Replaced,
--no-clobber, and whole or not at all (a failed writer leaves the old file and no
temporary behind)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gioia import Project

from .conftest import SAMPLE, as_lead, run

ROOT = Path(__file__).resolve().parent.parent

# Every command that writes a file with -o, and a suffix it writes.
WRITERS = [
    (["quotes"], ".csv"),
    (["codebook"], ".xlsx"),
    (["cases"], ".md"),
    (["figure"], ".svg"),
    (["structure", "export"], ".yaml"),
    (["codings", "export"], ".csv"),
    (["agreement"], ".md"),
    (["matrix"], ".xlsx"),
    (["cooccurrence"], ".graphml"),
    (["saturation"], ".svg"),
    (["report"], ".html"),
    (["export", "qdpx"], ".qdpx"),
    (["export", "qdc"], ".qdc"),
]


@pytest.fixture(scope="module")
def _coded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("coded") / "gioia.db"
    with Project.init(str(store)) as project:
        as_lead(project).import_files([], manifest=SAMPLE / "manifest.csv")
        as_lead(project).set_phase("codebook")  # the two coders share one concept list
        for name in ("codings_maria.csv", "codings_tom.csv"):
            as_lead(project).import_codings(SAMPLE / name)
        as_lead(project).import_structure(SAMPLE / "structure.csv")
    return store


@pytest.fixture
def coded(tmp_path: Path, _coded_template: Path) -> Path:
    """A SQLite study with two coders' codings and the structure (the sample's)."""
    store = tmp_path / "gioia.db"
    shutil.copyfile(_coded_template, store)
    return store


def _files(folder: Path) -> list[str]:
    """The files in ``folder``, but a store's WAL, shared-memory and writers' lock
    companions."""
    companions = ("-wal", "-shm", "-lock")
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(companions))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(("command", "suffix"), WRITERS)
def test_no_writer_writes_over_the_store(
    runner: CliRunner, tmp_path: Path, coded: Path, command: list[str], suffix: str
) -> None:
    store = tmp_path / f"study{suffix}"  # a store whose name has the writer's own suffix
    coded.rename(store)
    before = _digest(store)
    result = run(runner, str(store), *command, "-o", str(store))
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {store} is a database (a gioia store?): gioia never writes over one; "
        "choose another file name.\n",
    )
    result = run(runner, str(store), *command, "-o", str(tmp_path / "gioia.db"))
    assert result.exit_code == 1
    assert result.output.startswith("Error: Cannot write gioia.db: give a file name ending in")
    assert _digest(store) == before
    assert _files(tmp_path) == [store.name]


def test_codings_export_over_the_open_store_is_refused(runner: CliRunner, coded: Path) -> None:
    before = _digest(coded)
    result = run(runner, str(coded), "codings", "export", "-o", str(coded))
    assert (result.exit_code, result.output) == (
        1,
        "Error: Cannot write gioia.db: give a file name ending in .csv or .xlsx.\n",
    )
    assert _digest(coded) == before
    assert run(runner, str(coded), "transcripts").exit_code == 0


@pytest.mark.parametrize(("command", "suffix"), WRITERS)
def test_wrote_replaced_and_no_clobber(
    runner: CliRunner, tmp_path: Path, coded: Path, command: list[str], suffix: str
) -> None:
    target = tmp_path / f"out{suffix}"
    first = run(runner, str(coded), *command, "-o", str(target))
    assert first.exit_code == 0, first.output
    assert first.output.startswith((f"Wrote {target} (", f"Wrote {target}: "))  # figure: size
    written = _digest(target)
    refused = run(runner, str(coded), *command, "-o", str(target), "--no-clobber")
    assert (refused.exit_code, refused.output) == (
        1,
        f"Error: {target} exists already (--no-clobber): choose another name.\n",
    )
    assert _digest(target) == written
    again = run(runner, str(coded), *command, "-o", str(target))
    assert again.output.startswith((f"Replaced {target} (", f"Replaced {target}: "))
    assert _files(tmp_path) == ["gioia.db", target.name]


def test_a_figure_that_fails_to_draw_leaves_no_file_and_keeps_the_old_one(
    runner: CliRunner, tmp_path: Path, coded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fig = tmp_path / "fig.svg"
    monkeypatch.setenv("GIOIA_DOT", "false")  # an executable that prints nothing and fails
    result = run(runner, str(coded), "figure", "-o", str(fig))
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {shutil.which('false')} could not draw the figure; its messages follow.\n",
    )
    assert not fig.exists()
    fig.write_text("<svg>the old figure</svg>", encoding="utf-8")
    run(runner, str(coded), "figure", "-o", str(fig))
    assert fig.read_text(encoding="utf-8") == "<svg>the old figure</svg>"
    assert _files(tmp_path) == ["fig.svg", "gioia.db"]


FSQCA_SPEC = """conditions:
  READY:
    theme: Organisational readiness
    measure: share
    direct: {exclusion: 0.05, crossover: 0.15, inclusion: 0.3}
"""


def test_fsqca_opens_its_csv_and_its_record_before_writing_either(
    runner: CliRunner, tmp_path: Path, coded: Path
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(FSQCA_SPEC, encoding="utf-8")
    out, record = tmp_path / "fs.csv", tmp_path / "fs.spec.yaml"
    record.write_text("# an old record\n", encoding="utf-8")
    command = ["fsqca", "calibrate", str(spec), "-o", str(out)]
    refused = run(runner, str(coded), *command, "--no-clobber")
    assert (refused.exit_code, refused.output) == (
        1,
        f"Error: {record} exists already (--no-clobber): choose another name.\n",
    )
    assert _files(tmp_path) == ["fs.spec.yaml", "gioia.db", "spec.yaml"]
    done = run(runner, str(coded), *command)
    assert done.stdout == (
        f"Wrote {out} (4 case(s) × 1 condition(s)).\nReplaced {record} (the calibration record).\n"
    )
    assert record.read_text(encoding="utf-8").startswith("# The calibration behind fs.csv,")
    store = tmp_path / "fs.csv"
    coded.rename(store)  # the store where the CSV would go
    refused = run(runner, str(store), *command)
    assert refused.output == (
        f"Error: {store} is a database (a gioia store?): gioia never writes over one; "
        "choose another file name.\n"
    )


SPLIT = ("--max-height", "4", "--split", "dimension")  # the sample's figure in three parts


def test_a_split_figure_checks_every_part_before_writing_any(
    runner: CliRunner, tmp_path: Path, coded: Path
) -> None:
    store = tmp_path / "fig-b.svg"  # a store named like the figure's second part
    coded.rename(store)
    before = _digest(store)
    result = run(runner, str(store), "figure", "-o", str(tmp_path / "fig.svg"), *SPLIT)
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {store} is a database (a gioia store?): gioia never writes over one; "
        "choose another file name.\n",
    )
    assert _digest(store) == before
    assert _files(tmp_path) == ["fig-b.svg"]


def test_a_split_figure_says_wrote_or_replaced_for_each_part(
    runner: CliRunner, tmp_path: Path, coded: Path
) -> None:
    parts = [tmp_path / f"fig-{letter}.svg" for letter in "abc"]
    parts[2].write_text("<svg>the old part c</svg>", encoding="utf-8")
    figure = ["figure", "-o", str(tmp_path / "fig.svg"), *SPLIT]
    refused = run(runner, str(coded), *figure, "--no-clobber")
    assert (refused.exit_code, refused.output) == (
        1,
        f"Error: {parts[2]} exists already (--no-clobber): choose another name.\n",
    )
    assert _files(tmp_path) == ["fig-c.svg", "gioia.db"]
    first = run(runner, str(coded), *figure)
    assert [line.split(" (part")[0] for line in first.stdout.splitlines()] == [
        f"Wrote {parts[0]}",
        f"Wrote {parts[1]}",
        f"Replaced {parts[2]}",
    ]
    assert parts[2].read_text(encoding="utf-8").startswith("<?xml")
    again = run(runner, str(coded), *figure)
    assert [line.split(" (part")[0] for line in again.stdout.splitlines()] == [
        f"Replaced {part}" for part in parts
    ]
    assert _files(tmp_path) == ["fig-a.svg", "fig-b.svg", "fig-c.svg", "gioia.db"]


FULL_DISK = """
import resource, sys
from pathlib import Path
from gioia import Project
from gioia.errors import OutputFailed
with Project.open(sys.argv[1]) as project:
    project.transcripts()  # the store's files exist before the limit
    resource.setrlimit(resource.RLIMIT_FSIZE, (8192, resource.RLIM_INFINITY))
    try:
        project.export_codings(Path(sys.argv[2]))
    except OutputFailed as error:
        print(error)
"""


def test_a_write_that_fills_the_disk_keeps_the_good_file(tmp_path: Path, coded: Path) -> None:
    target = tmp_path / "codings.csv"
    with Project.open(str(coded)) as project:
        project.export_codings(target)
    good = _digest(target)
    assert target.stat().st_size > 8192
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(coded), str(target)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.stdout == (
        f"Cannot write {target} (the file is larger than this system allows); "
        f"{target} is unchanged.\n"
    ), done.stderr
    assert _digest(target) == good
    assert _files(tmp_path) == ["codings.csv", "gioia.db"]
