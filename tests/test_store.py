"""The store: creation, migrations, refusal of bad stores, SQLite settings."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from gioia import Project, StoreError
from gioia.migrate import alembic_config, head, history
from gioia.store import SCHEMA_REVISION, open_store


def test_schema_revision_is_the_migrations_head() -> None:
    assert head() == SCHEMA_REVISION
    assert history()[0].down_revision is None


def test_models_and_migrations_agree(store: str) -> None:
    opened = open_store(store)
    try:
        command.check(alembic_config(opened.engine))  # raises if autogenerate finds a change
    finally:
        opened.close()


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
    message = error.value.message
    assert message.startswith(
        "Cannot open the store postgresql+psycopg://gioia:***@127.0.0.1:9/study: "
    )
    assert "secret" not in message and "\n" not in message


def test_foreign_keys_are_enforced(project: Project) -> None:
    from sqlalchemy.exc import IntegrityError

    from gioia.store import Segment

    with pytest.raises(IntegrityError), project._write() as tx:
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
