"""output_file: suffix checked, stores never written over, atomic replacement."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gioia.errors import InvalidInput
from gioia.output import check_output, output_file


def test_writes_through_a_temporary_file_renamed_into_place(tmp_path: Path) -> None:
    target = tmp_path / "quotes.csv"
    with output_file(target, (".csv", ".xlsx")) as out:
        assert out.temp.parent == tmp_path
        assert out.temp.name.startswith(".quotes.") and out.temp.name.endswith(".part.csv")
        assert out.suffix == ".csv" and out.replaced is False
        out.temp.write_text("a,b\n", encoding="utf-8")
        assert not target.exists()
    assert target.read_text(encoding="utf-8") == "a,b\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quotes.csv"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "fig.svg"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), output_file(target, (".svg",)) as out:
        assert out.replaced is True
        out.temp.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.svg"]


def test_replacing_keeps_the_mode_of_the_replaced_file(tmp_path: Path) -> None:
    target = tmp_path / "t.md"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    with output_file(target, (".md",)) as out:
        out.temp.write_text("new", encoding="utf-8")
    assert target.stat().st_mode & 0o777 == 0o640


def test_the_suffix_must_be_a_format_the_writer_makes(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as error:
        check_output(tmp_path / "gioia.db", (".csv", ".xlsx", ".docx"))
    assert error.value.message == (
        "Cannot write gioia.db: give a file name ending in .csv, .xlsx or .docx."
    )
    with pytest.raises(InvalidInput, match=r"ending in \.csv\.$"):
        check_output(tmp_path / "codings.xlsx", (".csv",))


def test_a_database_is_never_written_over_whatever_its_name(tmp_path: Path) -> None:
    disguised = tmp_path / "codings.csv"
    sqlite3.connect(disguised).execute("CREATE TABLE t (x)").connection.close()
    before = disguised.read_bytes()
    with pytest.raises(InvalidInput) as error:
        check_output(disguised, (".csv",))
    assert error.value.message == (
        f"{disguised} is a database (a gioia store?): gioia never writes over one; "
        "choose another file name."
    )
    assert disguised.read_bytes() == before


def test_protected_files_and_no_clobber(tmp_path: Path) -> None:
    kept = tmp_path / "store.csv"
    kept.write_text("x", encoding="utf-8")
    with pytest.raises(InvalidInput, match="never writes over"):
        check_output(kept, (".csv",), protect=[kept])
    with pytest.raises(InvalidInput) as error:
        check_output(kept, (".csv",), no_clobber=True)
    assert error.value.message == f"{kept} exists already (--no-clobber): choose another name."


def test_folders_are_named(tmp_path: Path) -> None:
    (tmp_path / "out.csv").mkdir()
    with pytest.raises(InvalidInput, match="is a folder"):
        check_output(tmp_path / "out.csv", (".csv",))
    with pytest.raises(InvalidInput, match="does not exist"):
        check_output(tmp_path / "missing" / "out.csv", (".csv",))


def test_a_name_holding_a_nul_character_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        check_output("a\x00.csv", (".csv",))
    assert error.value.message == "'a\\x00.csv' is not a file name: it holds a NUL character."
