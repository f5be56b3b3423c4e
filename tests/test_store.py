"""The store: creation, migrations, refusal of bad stores, SQLite settings."""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, inspect, select, text

from gioia import InvalidInput, Project, StoreError
from gioia.migrate import alembic_config, head, history, upgrade
from gioia.store import SCHEMA_REVISION, open_store
from gioia.views import SchemaUpgrade

from .conftest import as_lead


def test_schema_revision_is_the_migrations_head() -> None:
    assert head() == SCHEMA_REVISION
    assert history()[0].down_revision is None


def _engine(location: str) -> Engine:
    return create_engine(location if "://" in location else f"sqlite:///{location}")


def test_the_migrations_build_the_schema(empty_store: str) -> None:
    """A store built by replaying every migration is what ``gioia.schema`` describes."""
    engine = _engine(empty_store)
    try:
        upgrade(engine)
        command.check(alembic_config(engine))  # raises if autogenerate finds a change
    finally:
        engine.dispose()


def _schema_of(engine: Engine) -> dict[str, object]:
    """Every table's columns, keys, indexes and constraints, as the database reports them."""
    found: dict[str, object] = {}
    inspector = inspect(engine)
    for table in sorted(inspector.get_table_names()):
        columns = [
            (c["name"], str(c["type"]), c["nullable"], c.get("default"))
            for c in inspector.get_columns(table)
        ]
        found[table] = {
            "columns": sorted(columns),
            "primary key": inspector.get_pk_constraint(table),
            "foreign keys": sorted(map(repr, inspector.get_foreign_keys(table))),
            "indexes": sorted(map(repr, inspector.get_indexes(table))),
            "unique": sorted(map(repr, inspector.get_unique_constraints(table))),
            "checks": sorted(map(repr, inspector.get_check_constraints(table))),
        }
    return found


def test_init_creates_what_the_migrations_build(empty_store: str, tmp_path: Path) -> None:
    """``gioia init`` creates the schema at head without replaying the migrations: the
    result is the same, table by table, as replaying them (on the same engine)."""
    Project.init(empty_store).close()
    created = _engine(empty_store)
    if "://" in empty_store:
        replayed_location = empty_store.rsplit("/", 1)[0] + "/" + f"replayed_{os.getpid()}"
        admin = create_engine(empty_store, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "replayed_{os.getpid()}"'))
    else:
        replayed_location = str(tmp_path / "replayed.db")
    replayed = _engine(replayed_location)
    try:
        upgrade(replayed)
        assert _schema_of(created) == _schema_of(replayed)
        with created.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).all() == [
                (SCHEMA_REVISION,)
            ]
        # The rows the migrations write: the store's identity (0007), a UUID of its own.
        identities = []
        for engine in (created, replayed):
            with engine.connect() as connection:
                rows = connection.execute(text("SELECT key, value FROM settings")).all()
            assert [key for key, _ in rows] == ["store_id"]
            identities.append(str(uuid.UUID(rows[0][1])))
        assert identities[0] != identities[1]
    finally:
        created.dispose()
        replayed.dispose()
        if "://" in empty_store:
            with admin.connect() as connection:
                connection.execute(
                    text(f'DROP DATABASE IF EXISTS "replayed_{os.getpid()}" WITH (FORCE)')
                )
            admin.dispose()


def test_init_creates_the_store_at_head(empty_store: str) -> None:
    with Project.init(empty_store) as project:
        assert project.created is True
    with Project.init(empty_store) as again:
        assert again.created is False
    assert Project.schema_revisions(empty_store) == (SCHEMA_REVISION, SCHEMA_REVISION)


def test_open_without_init_names_init(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as error:
        Project.open(str(tmp_path / "gioia.db"))
    assert error.value.message == f"No store at {tmp_path / 'gioia.db'}: run `gioia init` first."
    assert not (tmp_path / "gioia.db").exists()


def test_default_store_is_gioia_db_here(tmp_path: Path) -> None:
    with Project.init() as project:
        assert project.location == "gioia.db"
    assert (tmp_path / "gioia.db").is_file()


def test_store_in_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as error:
        Project.init(str(tmp_path / "nowhere" / "gioia.db"))
    assert error.value.message == (
        f"Cannot create the store {tmp_path / 'nowhere' / 'gioia.db'}: "
        f"the folder {tmp_path / 'nowhere'} does not exist."
    )


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("These are my interview notes, not a database.\n")
    with pytest.raises(StoreError) as error:
        Project.open(str(path))
    assert error.value.message == f"{path} is not a gioia store (not a SQLite database)."
    assert path.read_text() == "These are my interview notes, not a database.\n"


def test_a_sqlite_database_of_another_program(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE photos (id INTEGER)")
    connection.close()
    with pytest.raises(StoreError, match="holds tables but is not a gioia store"):
        Project.open(str(path))


def test_sqlite_settings(tmp_path: Path) -> None:
    opened = open_store(str(tmp_path / "gioia.db"), create=True)
    with opened.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    opened.close()


def test_a_store_from_a_newer_gioia_is_refused(store: str) -> None:
    opened = open_store(store)
    with opened.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    opened.close()
    with pytest.raises(StoreError) as error:
        Project.open(store)
    assert "was written by a newer gioia (schema 9999): upgrade gioia to open it." in (
        error.value.message
    )


def test_unreachable_server_fails_fast() -> None:
    started = time.monotonic()
    with pytest.raises(StoreError) as error:
        Project.open("postgresql+psycopg://gioia:secret@127.0.0.1:9/study")
    assert time.monotonic() - started < 10
    assert error.value.message == (
        "Cannot reach the database server of postgresql+psycopg://gioia:***@127.0.0.1:9/study "
        "(Connection refused): check that it is running and that the URL's host and port "
        "are right."
    )


def test_foreign_keys_are_enforced(project: Project) -> None:

    from gioia.models import Segment

    with pytest.raises(StoreError, match=r"(?i)foreign key"), project._write() as tx:
        tx.session.add(Segment(transcript_id=4242, position=1, char_start=0, char_end=3))
        tx.session.flush()


def test_sqlite_url_form_is_accepted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'url.db'}"
    with Project.init(url) as project:
        assert project.created
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            SCHEMA_REVISION
        )
    engine.dispose()


T0 = "'2024-01-02 10:00:00'"
FIRST_REVISION_ROWS = [
    f"INSERT INTO coders (id, name, name_key, created_at) VALUES (1, 'Maria', 'maria', {T0})",
    f"INSERT INTO concepts (id, name, name_key, created_at) VALUES (1, 'Trust', 'trust', {T0})",
    "INSERT INTO transcripts (id, name, name_key, source, format, text, content_hash, "
    "segment_by, imported_at) VALUES (1, 'a', 'a', 'a.txt', 'txt', "
    f"'Why?\n\nBecause we trust them.', 'x', 'turn', {T0})",
    "INSERT INTO segments (id, transcript_id, position, char_start, char_end, speaker, "
    "is_interviewer) VALUES (1, 1, 1, 0, 4, 'Interviewer', true), (2, 1, 2, 6, 28, 'Anna', false)",
    "INSERT INTO codings (id, segment_id, concept_id, coder_id, char_start, char_end, "
    f"created_at) VALUES (1, 2, 1, 1, 14, 27, {T0})",
]


def _store_at_first_revision(location: str) -> None:

    url = location if "://" in location else f"sqlite:///{location}"
    engine = create_engine(url)
    upgrade(engine, history()[0].revision)
    with engine.begin() as connection:
        for statement in FIRST_REVISION_ROWS:
            connection.execute(text(statement))
    engine.dispose()


# At schema 0010 names were unique store-wide: Ana (1) made every concept but "Lead's".
REVISION_0010_ROWS = [
    f"INSERT INTO coders (id, name, name_key, created_at) VALUES (1, 'Ana', 'ana', {T0}), "
    f"(2, 'Ben', 'ben', {T0})",
    f"INSERT INTO themes (id, name, name_key, position, created_at) VALUES "
    f"(1, 'Relations', 'relations', 1, {T0})",
    "INSERT INTO concepts (id, name, name_key, theme_id, created_by_id, position, created_at) "
    f"VALUES (1, 'Adopted', 'adopted', 1, 1, 1, {T0}), (2, 'Lead''s', 'lead''s', NULL, NULL, "
    f"2, {T0}), (3, 'Private', 'private', NULL, 1, 3, {T0}), (4, 'Joined', 'joined', NULL, 1, "
    f"4, {T0}), (5, 'Noted', 'noted', NULL, 1, 5, {T0})",
    *FIRST_REVISION_ROWS[2:4],  # the transcript "a" and its two segments
    "INSERT INTO codings (id, segment_id, concept_id, coder_id, char_start, char_end, "
    f"created_at) VALUES (1, 2, 3, 1, 6, 28, {T0}), (2, 2, 4, 2, 6, 28, {T0})",
    "INSERT INTO memos (id, coder_id, concept_id, text, shared, created_at) VALUES "
    f"(1, 2, 5, 'Ben on it', false, {T0})",
]


@pytest.mark.parametrize("phase", ["open", "codebook"])
def test_an_upgrade_to_0011_keeps_a_coder_s_new_names_private_and_the_rest_shared(
    empty_store: str, phase: str
) -> None:
    """Shared: in the structure, made by the lead, another coder's codings or memos on it
    (they had joined it), or everything in codebook coding; else private to its maker."""
    url = empty_store if "://" in empty_store else f"sqlite:///{empty_store}"
    engine = create_engine(url)
    upgrade(engine, "0010")
    with engine.begin() as connection:
        for statement in REVISION_0010_ROWS:
            connection.execute(text(statement))
        connection.execute(text(f"INSERT INTO settings (key, value) VALUES ('phase', '{phase}')"))
        if "://" in empty_store:  # rows given their ids: the sequence goes on after them
            connection.execute(text("SELECT setval(pg_get_serial_sequence('concepts', 'id'), 5)"))
    upgrade(engine, "0011")
    with engine.connect() as connection:
        scopes = connection.execute(text("SELECT name, scope FROM concepts ORDER BY id")).all()
    engine.dispose()
    private = 1 if phase == "open" else 0
    assert [tuple(row) for row in scopes] == [
        ("Adopted", 0),
        ("Lead's", 0),
        ("Private", private),
        ("Joined", 0),
        ("Noted", 0),
    ]
    with Project.open(empty_store, coder="Ben") as ben:
        if phase == "codebook":  # shared: Ben sees it, and the name is taken
            with pytest.raises(InvalidInput, match=r"^A concept named 'Private' already exists"):
                ben.add_item("concept", "Private")
        else:  # Ana's: Ben does not see it, and may make his own
            assert ben.add_item("concept", "Private") == "Private"
        seen = [c.name for c in ben.structure().concepts_without_theme]
        if phase == "codebook":
            assert seen == ["Lead's", "Private", "Joined", "Noted"]
        else:  # his own "Private", made last
            assert seen == ["Lead's", "Joined", "Noted", "Private"]


def test_a_store_at_the_first_revision_is_upgraded_with_its_data(
    empty_store: str, tmp_path: Path
) -> None:
    _store_at_first_revision(empty_store)
    if "://" in empty_store:  # a server store that is behind is refused with the command to run
        with pytest.raises(StoreError) as error:
            Project.open(empty_store)
        assert error.value.message.endswith(
            f"is at schema 0001, this gioia needs {SCHEMA_REVISION}: run `gioia db upgrade` "
            "once everyone has upgraded gioia."
        )
        assert Project.upgrade_schema(empty_store) == SchemaUpgrade("0001", SCHEMA_REVISION, None)
    with Project.open(empty_store) as project:
        (row,) = project.codings()
        assert (row.coder, row.segment, row.concept, row.quote, row.text) == (
            "Maria",
            "a:2",
            "Trust",
            "we trust them",
            "Because we trust them.",
        )
        with project._read() as tx:
            reviews = tx.session.execute(text("SELECT segment_id, coder_id FROM reviews")).all()
        assert [tuple(r) for r in reviews] == [(2, 1)]
    assert Project.schema_revisions(empty_store) == (SCHEMA_REVISION, SCHEMA_REVISION)
    if "://" not in empty_store:  # schema 0009: every table with an id never reuses one
        with sqlite3.connect(empty_store) as connection:
            plain = [
                name
                for name, sql in connection.execute("SELECT name, sql FROM sqlite_master")
                if sql and "\tid INTEGER NOT NULL" in sql and "AUTOINCREMENT" not in sql
            ]
            assert plain == []
            assert connection.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = 'codings'"
            ).fetchone() == (1,)
        connection.close()
    if "://" not in empty_store:  # the SQLite file was backed up first, at its old revision
        (backup,) = tmp_path.glob("gioia.db.backup-*")
        with sqlite3.connect(backup) as connection:
            assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
                "0001",
            )
            assert connection.execute("SELECT count(*) FROM codings").fetchone() == (1,)
        connection.close()


def _fingerprint(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file in ``folder`` with its SHA-256 and modification time (ns)."""
    import hashlib

    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
    }


def _foreign_files(folder: Path) -> None:
    with sqlite3.connect(folder / "other_app.db") as connection:
        connection.execute("CREATE TABLE photos (id INTEGER, title TEXT)")
        connection.execute("INSERT INTO photos VALUES (1, 'beach')")
    connection.close()
    (folder / "zero.db").touch()
    (folder / "empty_database.db").write_bytes(b"")
    with sqlite3.connect(folder / "no_tables.db") as connection:
        connection.execute("PRAGMA user_version = 7")  # a header, no table
    connection.close()
    (folder / "notes.db").write_text("my notes\n")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("other_app.db", "{path} holds tables but is not a gioia store."),
        ("zero.db", "No store at {path}: run `gioia init` first."),
        ("no_tables.db", "No store at {path}: run `gioia init` first."),
        ("notes.db", "{path} is not a gioia store (not a SQLite database)."),
    ],
)
def test_a_file_that_is_not_a_store_is_left_byte_for_byte_unchanged(
    tmp_path: Path, name: str, message: str
) -> None:
    from click.testing import CliRunner

    from gioia.cli import cli

    _foreign_files(tmp_path)
    time.sleep(0.01)  # a change would show in the modification times
    before = _fingerprint(tmp_path)
    path = str(tmp_path / name)
    for args in (
        ["transcripts"],
        ["--coder", "Ann", "concept", "add", "Trust"],
        ["db", "upgrade"],
        ["import", str(tmp_path / "notes.db")],
    ):
        result = CliRunner().invoke(cli, ["--store", path, *args])
        assert (result.exit_code, result.output) == (1, f"Error: {message.format(path=path)}\n")
    with pytest.raises(StoreError):
        Project.open(path)
    if name in ("zero.db", "no_tables.db"):
        assert Project.schema_revisions(path) == (None, SCHEMA_REVISION)
    assert _fingerprint(tmp_path) == before


def test_the_automatic_upgrade_says_it_made_a_backup_and_where(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from gioia.cli import cli

    store = tmp_path / "gioia.db"
    _store_at_first_revision(str(store))
    result = CliRunner().invoke(cli, ["--store", str(store), "transcripts"])
    (backup,) = tmp_path.glob("gioia.db.backup-*")
    assert result.exit_code == 0
    assert result.stderr == (
        f"Upgraded the store {store} from schema 0001 to {SCHEMA_REVISION}; "
        f"the old store is backed up at {backup}.\n"
    )
    assert result.stdout.endswith("1 transcript(s), 5 words.\n")
    again = CliRunner().invoke(cli, ["--store", str(store), "transcripts"])
    assert again.stderr == ""


def test_db_upgrade_says_where_the_backup_is(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from gioia.cli import cli

    store = tmp_path / "gioia.db"
    _store_at_first_revision(str(store))
    result = CliRunner().invoke(cli, ["--store", str(store), "db", "upgrade"])
    (backup,) = tmp_path.glob("gioia.db.backup-*")
    assert (result.exit_code, result.stdout) == (
        0,
        f"Upgraded the store from 0001 to {SCHEMA_REVISION}; the old store is backed up at "
        f"{backup}.\n",
    )


def test_an_upgrade_without_room_for_its_backup_leaves_the_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil
    from collections import namedtuple

    store = tmp_path / "gioia.db"
    _store_at_first_revision(str(store))
    before = _fingerprint(tmp_path)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: usage(10**9, 10**9, 50_000))
    with pytest.raises(StoreError) as error:
        Project.open(str(store))
    assert error.value.message == (
        f"Cannot back up the store {store} before upgrading it: the disk has 0.0 MB free and "
        f"the backup needs {store.stat().st_size / 2**20:,.1f} MB. Free some space and run "
        "the command again; the store is unchanged."
    )
    assert _fingerprint(tmp_path) == before


FILL_UP = """
import resource, sys
from gioia import Project
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), resource.RLIM_INFINITY))
try:
    Project.open(sys.argv[1])
except Exception as error:
    print(type(error).__name__, error)
"""


def test_a_backup_that_fills_the_disk_is_removed_with_its_journal(tmp_path: Path) -> None:
    import subprocess
    import sys

    store = tmp_path / "gioia.db"
    _store_at_first_revision(str(store))
    before = _fingerprint(tmp_path)
    size = store.stat().st_size
    done = subprocess.run(
        [sys.executable, "-c", FILL_UP, str(store), str(size // 2)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.stdout == (  # a file size limit is an I/O error; a full disk says so
        f"StoreError Cannot back up the store {store} before upgrading it (disk I/O error): "
        "the partial backup was removed and the store is unchanged. Free some space (or check "
        "the disk) and run the command again.\n"
    ), done.stderr
    assert _fingerprint(tmp_path) == before


def test_a_reader_sees_one_state_of_the_store_while_writers_commit(project: Project) -> None:
    from gioia.models import Concept

    project.add_item("concept", "Trust")
    with project._read() as tx:
        count = len(tx.session.scalars(select(Concept.id)).all())
        with Project.open(project._store.engine.url.render_as_string(hide_password=False)) as other:
            other.add_item("concept", "Speed")  # committed while the reader is open
        assert len(tx.session.scalars(select(Concept.id)).all()) == count == 1
        if not project._store.is_sqlite:
            setting = tx.session.execute(text("SHOW transaction_isolation")).scalar()
            read_only = tx.session.execute(text("SHOW transaction_read_only")).scalar()
            assert (setting, read_only) == ("repeatable read", "on")
    assert [c.name for c in project.items("concept")] == ["Speed", "Trust"]


def test_ids_are_never_reused(project: Project, tmp_path: Path) -> None:
    """The trail names rows by id: a deleted row's id never goes to a new one (SQLite
    AUTOINCREMENT, PostgreSQL sequences), for codings, segments, concepts, memos."""
    (tmp_path / "t.txt").write_text("Ann: One.\n\nBob: Two.\n\nAnn: Three.\n")
    as_lead(project).import_file(tmp_path / "t.txt")
    project.tag(["t:1"], "Old", create=True)
    newest = project.tag(["t:2"], "Newer", create=True)
    project.undo(list(newest.events))  # the newest coding and concept go
    memo = project.add_memo("t:3", "A note.")
    project.delete_memo(memo.ref)
    as_lead(project).delete_segment("t:3")
    project.tag(["t:2"], "Newest", create=True)
    project.add_memo("t:2", "Another.")
    as_lead(project).split_segment("t:2", at=2, whole="every")
    with project._read() as tx:
        ids = {
            table: [
                row[0] for row in tx.session.execute(text(f"SELECT id FROM {table} ORDER BY id"))
            ]
            for table in ("codings", "concepts", "memos", "segments")
        }
    assert ids == {"codings": [1, 3, 4], "concepts": [1, 3], "memos": [2], "segments": [1, 2, 4]}
