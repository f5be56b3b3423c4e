"""Every storage failure is one line that says what to do: provoked on SQLite (a full
store, a full tmpfs, a read-only file or folder, a held write lock) and on PostgreSQL (a
stopped server, a bad port, a refused login, a connection lost mid-command, a value the
column cannot hold)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import event, text

from gioia import InvalidInput, Project, StoreError
from gioia.cli import cli
from gioia.errors import StoreFull, StoreUnreachable, WriteConflict
from gioia.models import Concept
from gioia.ops import import_batch

from .conftest import POSTGRES_URL, as_lead, run

ROOT = Path(__file__).resolve().parent.parent
INTERVIEW = "Interviewer: Why this platform?\n\nAnna: " + "The fee was small. " * 4000 + "\n"


def _gioia(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gioia", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        timeout=60,
    )


def _in_mount_namespace(script: str) -> subprocess.CompletedProcess[str]:
    """Run a shell script in a private mount namespace (root only), where it may mount."""
    return subprocess.run(
        ["unshare", "--mount", "sh", "-ec", script],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )


def _can_mount() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    return _in_mount_namespace("mount -t tmpfs none /mnt").returncode == 0


CAN_MOUNT = _can_mount()
GIOIA = f"{shlex.quote(sys.executable)} -m gioia"


def _full_after(project: Project, pages: int) -> None:
    """Let the SQLite store grow by ``pages`` pages at most (SQLITE_FULL beyond)."""
    engine = project._store.engine
    with engine.connect() as connection:
        count = connection.exec_driver_sql("PRAGMA page_count").scalar()

    @event.listens_for(engine, "connect")
    def _limit(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {count + pages}")  # type: ignore[attr-defined]

    engine.dispose()


# --- SQLite --------------------------------------------------------------------------


def test_a_full_store_is_one_line_and_keeps_nothing_half_written(tmp_path: Path) -> None:
    store = tmp_path / "gioia.db"
    (tmp_path / "big.txt").write_text(INTERVIEW, encoding="utf-8")
    with Project.init(str(store), coder="Maria") as project:
        project.add_item("concept", "Trust")
        _full_after(project, 2)
        with pytest.raises(StoreFull) as error:
            as_lead(project).import_file(tmp_path / "big.txt")
        assert error.value.message == (
            f"The disk holding the store {store} is full: free some space and run the "
            "command again; nothing was written."
        )
        assert project.transcripts() == []
        assert [c.name for c in project.items("concept")] == ["Trust"]


@pytest.mark.parametrize("batch", [1, 100])
def test_a_full_store_stops_an_import_batch_with_one_line(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """A file a transaction: the file before is kept and told. The three in one batch
    (the default): none of them is written, and none is told."""
    store = str(tmp_path / "gioia.db")
    Project.init(store).close()
    small = tmp_path / "a_small.txt"
    small.write_text("Anna: Yes.\n", encoding="utf-8")
    (tmp_path / "b_big.txt").write_text(INTERVIEW, encoding="utf-8")
    (tmp_path / "c_small.txt").write_text("Anna: No.\n", encoding="utf-8")
    real_open = Project.open

    def open_full(*args: object, **kwargs: object) -> Project:
        project = real_open(*args, **kwargs)  # type: ignore[arg-type]
        _full_after(project, 6)
        return project

    monkeypatch.setattr(Project, "open", open_full)
    monkeypatch.setattr(import_batch, "BATCH_FILES", batch)
    result = run(
        runner,
        store,
        "import",
        str(small),
        str(tmp_path / "b_big.txt"),
        str(tmp_path / "c_small.txt"),
    )
    assert result.exit_code == 1
    kept = ["a_small"] if batch == 1 else []
    assert result.output.splitlines() == [
        *(f"imported   {name}.txt → {name} (1 segments)" for name in kept),
        f"Error: The disk holding the store {store} is full: free some space and run the "
        "command again; nothing was written.",
    ]
    with Project.open(store) as project:
        assert [t.name for t in project.transcripts()] == kept


@pytest.mark.skipif(not CAN_MOUNT, reason="needs root and unshare to mount a small tmpfs")
def test_a_full_tmpfs(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text(INTERVIEW * 14, encoding="utf-8")
    disk = tmp_path / "disk"
    disk.mkdir()
    done = _in_mount_namespace(
        f"mount -t tmpfs -o size=640k none {disk}\n"
        f"cd {disk}\n"
        f"{GIOIA} init\n"
        f"{GIOIA} import {tmp_path / 'big.txt'} || echo rc=$?\n"
        f"{GIOIA} transcripts\n"
        f"ls -a {disk}\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == ["Created the store gioia.db.", "rc=1"]
    assert done.stderr == (
        "Error: The disk holding the store gioia.db is full: free some space and run the "
        "command again; nothing was written.\n"
    )
    assert "0 transcript(s), 0 words." in done.stdout


def _read_only_script(folder: Path, what: str, commands: list[str]) -> str:
    target = folder / "gioia.db" if what == "file" else folder
    mount = f"mount --bind {target} {target}\nmount -o remount,bind,ro {target}\n"
    return mount + f"cd {folder}\n" + "".join(f"{c} || echo rc=$?\n" for c in commands)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_store_or_folder(tmp_path: Path, what: str) -> None:
    with Project.init(str(tmp_path / "gioia.db")) as project:
        project.add_item("concept", "Trust")
    commands = [f"{GIOIA} concept list", f"{GIOIA} --coder Ann concept add Speed"]
    if CAN_MOUNT:
        done = _in_mount_namespace(_read_only_script(tmp_path, what, commands))
    elif os.geteuid() != 0:
        (tmp_path / "gioia.db").chmod(0o444) if what == "file" else tmp_path.chmod(0o555)
        try:
            done = subprocess.run(
                ["sh", "-c", "".join(f"{c} || echo rc=$?\n" for c in commands)],
                cwd=tmp_path,
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
        finally:
            tmp_path.chmod(0o755)
            (tmp_path / "gioia.db").chmod(0o644)
    else:
        pytest.skip("root without unshare cannot make a file read-only")
    if what == "file":
        assert done.stdout.splitlines()[-1] == "rc=1"
        assert "Trust" in done.stdout
        assert done.stderr == (
            "Error: The store gioia.db is read-only: gioia cannot write to it (check the "
            "permissions of the file and of its folder); nothing was written.\n"
        )
    else:
        assert done.stdout.splitlines() == ["rc=1", "rc=1"]
        assert done.stderr == 2 * (
            "Error: Cannot open the store gioia.db: SQLite cannot open it or create its "
            "journal beside it (is its folder read-only?); nothing was written.\n"
        )
    with Project.open(str(tmp_path / "gioia.db")) as project:
        assert [c.name for c in project.items("concept")] == ["Trust"]


HOLD_LOCK = (
    "import sqlite3, sys, time\n"
    "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "c.execute('BEGIN IMMEDIATE')\n"
    "c.execute('UPDATE concepts SET position = position')\n"
    "print('held', flush=True)\n"
    "time.sleep(float(sys.argv[2]))\n"
    "c.execute('COMMIT')\n"
)


def _hold_write_lock(store: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(store), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


def test_a_busy_store_names_who_holds_it_and_writes_nothing(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "gioia.db"
    Project.init(str(store)).close()
    monkeypatch.setenv("GIOIA_BUSY_TIMEOUT", "0.3")
    holder = _hold_write_lock(store, 30)
    try:
        result = run(runner, str(store), "concept", "add", "Trust")
    finally:
        holder.kill()
        holder.wait()
    name = Path(sys.executable).name
    assert (result.exit_code, result.output) == (
        1,
        f"Error: The store {store} is busy: another program (pid {holder.pid}: {name}) is "
        "writing to it and did not finish within 0.3 s; nothing was written. Run the command "
        "again when it has finished.\n",
    )
    assert run(runner, str(store), "concept", "add", "Trust").output == "Added concept 'Trust'.\n"


def test_a_busy_store_says_it_waits_then_goes_on(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "gioia.db"
    Project.init(str(store)).close()
    monkeypatch.setenv("GIOIA_BUSY_TIMEOUT", "10")
    holder = _hold_write_lock(store, 1.6)
    started = time.monotonic()
    try:
        result = run(runner, str(store), "concept", "add", "Trust")
    finally:
        holder.wait()
    assert 1.0 < time.monotonic() - started < 10
    name = Path(sys.executable).name
    assert result.stderr == (
        f"The store {store} is busy: another program (pid {holder.pid}: {name}) is writing "
        "to it; waiting up to 10 s…\n"
    )
    assert (result.exit_code, result.stdout) == (0, "Added concept 'Trust'.\n")


# --- both engines ------------------------------------------------------------------


def test_a_unique_name_taken_meanwhile_is_a_write_conflict(project: Project) -> None:
    as_lead(project).add_item("concept", "Trust")  # shared, as the row below
    with pytest.raises(WriteConflict) as error, project._write() as tx:
        tx.session.add(Concept(name="Trust", name_key="trust"))
        tx.session.flush()
    assert error.value.message == (
        "Another process changed the same item at the same moment; nothing was written: "
        "run the command again."
    )


# --- PostgreSQL ----------------------------------------------------------------------

needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="GIOIA_TEST_POSTGRES_URL is not set")


def _server(url: str, **parts: object) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(**parts).render_as_string(hide_password=False)  # type: ignore[arg-type]


@needs_postgres
def test_a_connection_lost_mid_command_and_the_next_command_works(store: str) -> None:
    if "://" not in store:
        pytest.skip("a PostgreSQL case")
    from sqlalchemy import create_engine

    admin = create_engine(POSTGRES_URL or "", isolation_level="AUTOCOMMIT")
    with Project.open(store, coder="Maria") as project:
        with pytest.raises(StoreUnreachable) as error, project._write() as tx:
            pid = tx.session.execute(text("SELECT pg_backend_pid()")).scalar()
            with admin.connect() as connection:
                connection.execute(text(f"SELECT pg_terminate_backend({pid})"))
            tx.session.add(Concept(name="Trust", name_key="trust"))
            tx.session.flush()
        assert error.value.message == (
            f"The connection to the database server of {project.location} was lost "
            "(terminating connection due to administrator command); the command's changes "
            "were not saved: run it again when the server is back."
        )
        assert project.items("concept") == []
        assert project.add_item("concept", "Trust") == "Trust"
    admin.dispose()


@needs_postgres
@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (
            {"port": 1},
            "Cannot reach the database server of {url} (Connection refused): "
            "check that it is running and that the URL's host and port are right.",
        ),
        (
            {"username": "nobody_at_all"},
            "The database server refused the login to {url} "
            '(role "nobody_at_all" does not exist): check the user and password in the URL.',
        ),
        (
            {"database": "no_such_study"},
            "The database of {url} does not exist (database "
            '"no_such_study" does not exist): create it (createdb) or fix the URL, then run '
            "`gioia init`.",
        ),
    ],
)
def test_server_failures_on_opening(parts: dict[str, object], message: str) -> None:
    url = _server(POSTGRES_URL or "", **parts)
    with pytest.raises(StoreError) as error:
        Project.open(url)
    assert error.value.message == message.format(url=_display(url))


def _display(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "postgresql+psycopg://me:pw@127.0.0.1:99999/study",
            "postgresql+psycopg://me:***@127.0.0.1:99999/study has a bad port (invalid port "
            'number: "99999"): fix the URL.',
        ),
        (
            "postgresql+psycopg://me:pw@127.0.0.1:port/study",
            "'postgresql+psycopg://me:***@127.0.0.1:port/study' is not a store path or "
            "database URL.",
        ),
    ],
)
def test_bad_ports_are_one_line(runner: CliRunner, url: str, message: str) -> None:
    result = runner.invoke(cli, ["--store", url, "transcripts"])
    assert (result.exit_code, result.output) == (1, f"Error: {message}\n")


@needs_postgres
def test_a_value_the_column_cannot_hold_is_one_line_on_postgresql(store: str) -> None:
    if "://" not in store:
        pytest.skip("SQLite keeps any length: gioia.limits refuses it before (test_limits)")
    with Project.open(store) as project:
        with pytest.raises(InvalidInput) as error, project._write() as tx:
            tx.session.add(Concept(name="x" * 300, name_key="x" * 300))
            tx.session.flush()
        assert error.value.message == (
            "A value is longer than the store holds (value too long for type character "
            "varying(200)); nothing was written. gioia should have refused it first: please "
            "report it."
        )
