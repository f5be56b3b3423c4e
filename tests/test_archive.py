"""open_archive and read_member: bounded before anything is read."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from gioia.errors import ImportFailed
from gioia.importers.archive import MB, ArchiveLimits, archive_limits, open_archive, read_member


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_reads_a_member_within_the_limits(tmp_path: Path) -> None:
    path = _zip(tmp_path / "ok.docx", {"word/document.xml": b"<w/>" * 10})
    with open_archive(path) as archive:
        assert read_member(archive, "word/document.xml") == b"<w/>" * 10


def test_refuses_a_total_beyond_the_limit(tmp_path: Path) -> None:
    path = _zip(tmp_path / "big.docx", {"a.xml": b"x" * 3000, "b.xml": b"y" * 3000})
    with pytest.raises(ImportFailed) as error:
        open_archive(path, ArchiveLimits(max_total=5000))
    assert error.value.message == (
        "big.docx expands to more than 0 MB, the limit (set GIOIA_MAX_ARCHIVE_MB to allow more)."
    )


def test_refuses_a_zip_bomb_by_its_ratio(tmp_path: Path) -> None:
    path = _zip(tmp_path / "bomb.docx", {"word/document.xml": b"\0" * (4 * MB)})
    with pytest.raises(ImportFailed, match=r"compressed [\d,]+:1, beyond the limit of 100:1"):
        open_archive(path)


def test_refuses_too_many_members_and_names_leaving_the_folder(tmp_path: Path) -> None:
    many = _zip(tmp_path / "many.qdpx", {f"s/{i}.txt": b"" for i in range(4)})
    with pytest.raises(ImportFailed, match="holds 4 files, more than the limit of 3"):
        open_archive(many, ArchiveLimits(max_members=3))
    for name in ("../evil.txt", "/etc/passwd", "C:\\x.txt", "sources/../../x"):
        bad = _zip(tmp_path / "bad.qdpx", {name: b"x"})
        with pytest.raises(ImportFailed, match="points outside the archive"):
            open_archive(bad)


def test_refuses_what_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0 not a zip")
    with pytest.raises(ImportFailed, match=r"^old\.doc is not a zip archive or is damaged"):
        open_archive(path)


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIOIA_MAX_ARCHIVE_MB", "1.5")
    monkeypatch.setenv("GIOIA_MAX_ARCHIVE_RATIO", "20")
    assert archive_limits() == ArchiveLimits(max_total=int(1.5 * MB), max_ratio=20.0)
    monkeypatch.setenv("GIOIA_MAX_ARCHIVE_MB", "lots")
    assert archive_limits().max_total == 200 * MB
