"""Two gioia processes writing to one store at once both keep all their work."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from gioia import Project

from .conftest import SAMPLE, run

WRITER = """
import sys
from gioia import Project

store, coder, concept = sys.argv[1:4]
refs = [f"{name}:{n}" for name in ("case_a_ceo_w1", "case_d_md_w2") for n in range(2, 29, 2)]
with Project.open(store, coder=coder) as project:
    for ref in refs:
        project.tag([ref], concept, create=True)
        project.add_memo(ref, f"{coder} was here")
print(len(refs))
"""


def test_two_writers_at_once(sample_project: Project, store: str, tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    root = str(Path(__file__).resolve().parent.parent)
    writers = [
        subprocess.Popen(
            [sys.executable, str(script), store, coder, concept],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=root,
        )
        for coder, concept in (("Ann", "Family firm"), ("Ben", "Home market"))
    ]
    outputs = [w.communicate(timeout=120) for w in writers]
    assert [w.returncode for w in writers] == [0, 0], outputs
    assert [out for out, _ in outputs] == ["28\n", "28\n"]
    sample_project.coder = None
    rows = sample_project.codings()
    assert len(rows) == 56
    assert {(r.coder, r.concept) for r in rows} == {("Ann", "Family firm"), ("Ben", "Home market")}
    assert len([e for e in sample_project.log() if e.action == "memo"]) == 56
    assert SAMPLE.is_dir()


QUEUER = """
import sys, time
from pathlib import Path
from gioia.store import WriterQueue

lock, name, until = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
queue = WriterQueue.open(lock)
print(f"{name} ticket {queue.ticket}", flush=True)
queue.wait()
print(f"{name} writes", flush=True)
while until and not Path(until).exists():  # holds its turn until told to go on
    time.sleep(0.01)
print(f"{name} done", flush=True)
queue.close()
"""


def test_sqlite_writers_take_turns_in_the_order_they_came(tmp_path: Path) -> None:
    """A writer waits for the one whose ticket is before its own, and goes as soon as it
    is done; a writer that is gone (its process ended) holds nobody up."""
    script = tmp_path / "queuer.py"
    script.write_text(QUEUER)
    lock = tmp_path / "gioia.db-lock"
    root = str(Path(__file__).resolve().parent.parent)
    log = tmp_path / "log.txt"

    def start(name: str, until: str = "") -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, str(script), str(lock), name, until],
            stdout=log.open("a"),
            text=True,
            cwd=root,
        )
        while f"{name} ticket" not in log.read_text():  # in the queue before the next
            time.sleep(0.01)
        return process

    go_on = tmp_path / "go-on"
    first = start("first", str(go_on))
    while "first writes" not in log.read_text():
        time.sleep(0.01)
    second = start("second")
    third = start("third")
    time.sleep(0.2)  # the second and third wait
    go_on.touch()
    for process in (first, second, third):
        assert process.wait(timeout=20) == 0
    lines = [line.split(" ", 1) for line in log.read_text().splitlines()]
    assert lines == [
        ["first", "ticket 0"],
        ["first", "writes"],
        ["second", "ticket 1"],
        ["third", "ticket 2"],
        ["first", "done"],
        ["second", "writes"],
        ["second", "done"],
        ["third", "writes"],
        ["third", "done"],
    ]
    # The writers have gone, their locks with them: a new one goes at once.
    later = start("later")
    assert later.wait(timeout=20) == 0
    assert log.read_text().splitlines()[-3:] == ["later ticket 3", "later writes", "later done"]


def test_a_writer_waiting_in_the_queue_says_so_then_goes_on(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command whose turn comes after a writer that takes long says, after a second,
    who it waits for, and writes once that writer is done."""
    store = tmp_path / "study.db"  # the holder's command line must not look like gioia's
    Project.init(str(store)).close()
    monkeypatch.setenv("GIOIA_BUSY_TIMEOUT", "10")
    script = tmp_path / "queuer.py"
    script.write_text(QUEUER)
    log, go_on = tmp_path / "log.txt", tmp_path / "go-on"
    holder = subprocess.Popen(
        [sys.executable, str(script), f"{store}-lock", "first", str(go_on)],
        stdout=log.open("a"),
        text=True,
        cwd=str(Path(__file__).resolve().parent.parent),
    )
    while "first writes" not in log.read_text():
        time.sleep(0.01)
    release = threading.Timer(1.6, go_on.touch)
    release.start()
    started = time.monotonic()
    try:
        result = run(runner, str(store), "concept", "add", "Trust")
    finally:
        release.join()
        holder.wait(timeout=20)
    assert 1.5 < time.monotonic() - started < 10
    name = Path(sys.executable).name
    assert result.stderr == (
        f"The store {store} is busy: another program (pid {holder.pid}: {name}) is writing "
        "to it; waiting up to 10 s…\n"
    )
    assert (result.exit_code, result.stdout) == (0, "Added concept 'Trust'.\n")
