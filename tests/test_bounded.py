"""Bounded reading: archives checked before they are read, text read in chunks under a
limit, tables parsed whole or refused with the row, captions and manifests that cannot be
read completely refused."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from gioia import ImportFailed, Project
from gioia.importers import decode, read_transcript
from gioia.importers.manifest import read_manifest
from gioia.importers.tables import read_table

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def _bomb(path: Path, member: str, megabytes: int, extra: dict[str, bytes] | None = None) -> Path:
    """A zip whose ``member`` expands to ``megabytes`` MB of "a" from about 1 KB per MB:
    one megabyte deflated once (flushed, so it stands alone) and repeated."""
    block = b"a" * MB
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)

    class Repeat:
        def compress(self, data: bytes) -> bytes:
            assert data is block
            return packed

        def flush(self) -> bytes:
            return b"\x03\x00"  # the final, empty block

    real = zipfile._get_compressor  # type: ignore[attr-defined]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
        zipfile._get_compressor = lambda *_: Repeat()  # type: ignore[attr-defined]
        try:
            with archive.open(member, "w", force_zip64=True) as out:
                for _ in range(megabytes):
                    out.write(block)
        finally:
            zipfile._get_compressor = real  # type: ignore[attr-defined]
    return path


def _word_parts() -> dict[str, bytes]:
    """Every part of a blank Word document but its text (``word/document.xml``)."""
    import io

    import docx

    blank = io.BytesIO()
    docx.Document().save(blank)
    with zipfile.ZipFile(blank) as archive:
        return {
            name: archive.read(name) for name in archive.namelist() if name != "word/document.xml"
        }


MEASURE = """
import resource, sys, time
from pathlib import Path
from gioia import Project
started = time.perf_counter()
with Project.init(sys.argv[1]) as project:
    (result,) = project.import_files([Path(sys.argv[2]), Path(sys.argv[3])])[:1]
    print(result.status, result.error)
    print(len(project.transcripts()))
print(time.perf_counter() - started)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def test_a_docx_that_expands_to_a_gigabyte_is_refused_in_little_memory(tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "bomb.docx", "word/document.xml", 1024, _word_parts())
    assert bomb.stat().st_size < 2 * MB
    good = tmp_path / "good.txt"
    good.write_text("Anna: After the bomb, this one is imported.\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(tmp_path / "gioia.db"), str(bomb), str(good)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=tmp_path,
        timeout=120,
    )
    status, count, seconds, peak_mb = done.stdout.splitlines()
    assert status == (
        "failed bomb.docx expands to more than 200 MB, the limit (set GIOIA_MAX_ARCHIVE_MB to "
        "allow more)."
    ), done.stderr
    assert count == "1"  # the good file after it went in
    assert int(peak_mb) < 300
    assert float(seconds) < 10


def test_a_docx_within_the_total_but_compressed_like_a_bomb_is_refused(tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "small.docx", "word/document.xml", 150)
    ratio = 150 * MB / zipfile.ZipFile(bomb).getinfo("word/document.xml").compress_size
    with pytest.raises(ImportFailed) as error:
        read_transcript(bomb)
    assert error.value.message == (
        f"small.docx: word/document.xml is compressed {ratio:,.0f}:1, beyond the limit of "
        "100:1 (a zip bomb?; set GIOIA_MAX_ARCHIVE_RATIO to allow more)."
    )


def test_an_excel_file_is_checked_before_it_is_opened(tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "codings.xlsx", "xl/worksheets/sheet1.xml", 64)
    with pytest.raises(
        ImportFailed, match=r"^codings\.xlsx: xl/worksheets/sheet1\.xml is compressed"
    ):
        read_table(bomb)


def test_a_text_file_beyond_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIOIA_MAX_TEXT_MB", "1")
    path = tmp_path / "huge.txt"
    path.write_bytes(b"Anna: words.\n" * (MB // 13 + 1))
    with pytest.raises(ImportFailed) as error:
        read_transcript(path)
    assert error.value.message == (
        "huge.txt is larger than 1 MB, the limit for a text file "
        "(set GIOIA_MAX_TEXT_MB to allow more)."
    )
    assert decode.max_text_bytes() == MB
    monkeypatch.setenv("GIOIA_MAX_TEXT_MB", "many")
    assert decode.max_text_bytes() == 100 * MB


def test_text_is_decoded_chunk_by_chunk_across_chunk_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(decode, "_CHUNK", 7)  # every multi-byte character straddles one
    text = "Anna: Città, Zürich, 東京 and 🎉 — all of them.\n"
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    assert decode.read_text(path) == (text, [])
    path.write_text(text, encoding="utf-16")
    assert decode.read_text(path) == (text, [])
    path.write_bytes("Anna: Città perché\n".encode("cp1252"))
    assert decode.read_text(path) == ("Anna: Città perché\n", [decode.CP1252_WARNING])
    path.write_bytes(b"Anna: caf\xc3\xa9 ok, then \x81 bad\n")
    with pytest.raises(ImportFailed) as error:
        decode.read_text(path)
    assert error.value.message == (
        "a.txt is neither UTF-8 nor Windows-1252 text (byte 0x81 at position 21): save it as UTF-8."
    )
    path.write_bytes(b"Anna: fine for a while" + b"\x00" * 4)
    with pytest.raises(ImportFailed, match="contains NUL bytes"):
        decode.read_text(path)


def test_a_binary_file_is_refused_at_its_first_chunk(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * (3 * MB))
    reads: list[int] = []
    real_open = Path.open

    def counting_open(self: Path, *args: object, **kwargs: object) -> object:
        handle = real_open(self, *args, **kwargs)  # type: ignore[call-overload]
        read = handle.read

        def read_counted(size: int = -1) -> bytes:
            data: bytes = read(size)
            reads.append(len(data))
            return data

        handle.read = read_counted
        return handle

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "open", counting_open)
        with pytest.raises(ImportFailed, match="looks like a binary file"):
            decode.read_text(path)
    assert sum(reads) <= 4 + MB


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            'file,case\na.txt,"Case A\nb.txt,Case B\n',
            "manifest.csv: the row that starts on line 2 cannot be read (a quote opens a cell "
            "that is never closed); nothing imported.",
        ),
        (
            'file,case\na.txt,"Case" A\n',
            "manifest.csv: the row that starts on line 2 cannot be read (a quote inside a quoted "
            'cell must be doubled ("")); nothing imported.',
        ),
        (
            "file,case\na.txt,Case A\nb.txt," + "x" * 140_000 + "\n",
            "manifest.csv: the row that starts on line 3 cannot be read (a cell is longer than "
            "131,072 characters, the limit); nothing imported.",
        ),
    ],
)
def test_a_manifest_that_cannot_be_parsed_completely_is_refused_with_the_row(
    tmp_path: Path, content: str, message: str
) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("Anna: Yes.\n", encoding="utf-8")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFailed) as error:
        read_manifest(manifest)
    assert error.value.message == message
    with Project.init(str(tmp_path / "gioia.db")) as project:
        with pytest.raises(ImportFailed):
            project.import_files([], manifest=manifest)
        assert project.transcripts() == []


@pytest.mark.parametrize("suffix", [".srt", ".vtt"])
def test_captions_whose_every_cue_is_invalid_are_refused(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"call{suffix}"
    comma = "," if suffix == ".srt" else "."
    head = "" if suffix == ".srt" else "WEBVTT\n\n"
    path.write_text(
        f"{head}1\n00:00:05{comma}000 --> 00:00:01{comma}000\nAnna: hello there\n\n"
        f"2\n00:00:09{comma}000 --> 00:00:08{comma}000\nAnna: and more\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as error:
        read_transcript(path)
    line = 4 if suffix == ".vtt" else 2
    assert error.value.message == (
        f"call{suffix}: every cue ends before it starts (line {line}: "
        f"'00:00:05{comma}000 --> 00:00:01{comma}000'), so these are not captions gioia can "
        "place in time."
    )
    path.write_text(
        f"{head}1\n00:00:05{comma}000 --> 00:00:01{comma}000\nAnna: hello there\n\n"
        f"2\n00:00:09{comma}000 --> 00:00:10{comma}000\nAnna: and more\n",
        encoding="utf-8",
    )
    parsed = read_transcript(path)
    assert [t.text for t in parsed.turns] == ["hello there and more"]
    assert len(parsed.warnings) == 1


def test_a_refi_project_is_checked_before_it_is_read(tmp_path: Path) -> None:
    from gioia.refi.package import read_package

    bomb = _bomb(tmp_path / "study.qdpx", "project.qde", 150)
    ratio = 150 * MB / zipfile.ZipFile(bomb).getinfo("project.qde").compress_size
    with pytest.raises(ImportFailed) as error:
        read_package(bomb)
    assert error.value.message == (
        f"study.qdpx: project.qde is compressed {ratio:,.0f}:1, beyond the limit of "
        "100:1 (a zip bomb?; set GIOIA_MAX_ARCHIVE_RATIO to allow more)."
    )


def test_a_word_source_inside_an_archive_is_checked_too(tmp_path: Path) -> None:
    from gioia.importers.word import parse_docx

    inner = _bomb(tmp_path / "inner.docx", "word/document.xml", 150, _word_parts())
    ratio = 150 * MB / zipfile.ZipFile(inner).getinfo("word/document.xml").compress_size
    with pytest.raises(ImportFailed) as error:
        parse_docx(inner.read_bytes(), "Interview 3.docx")
    assert error.value.message == (
        f"Interview 3.docx: word/document.xml is compressed {ratio:,.0f}:1, beyond the limit "
        "of 100:1 (a zip bomb?; set GIOIA_MAX_ARCHIVE_RATIO to allow more)."
    )


def test_a_refi_codebook_beyond_the_text_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gioia.refi.package import read_package

    monkeypatch.setenv("GIOIA_MAX_TEXT_MB", "1")
    codebook = tmp_path / "codebook.qdc"
    codebook.write_bytes(b"<CodeBook>" + b" " * MB + b"</CodeBook>")
    with pytest.raises(ImportFailed) as error:
        read_package(codebook)
    assert error.value.message == (
        "codebook.qdc is larger than 1 MB, the limit for a text file "
        "(set GIOIA_MAX_TEXT_MB to allow more)."
    )
