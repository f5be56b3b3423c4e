"""read_transcript: dispatch on the suffix, and the encodings text files come in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gioia.errors import ImportFailed
from gioia.importers import SUPPORTED_SUFFIXES, Turn, read_transcript
from gioia.importers.decode import decode_bytes

TRANSCRIPT = "Interviewer: Perch\u00e9 questa piattaforma?\n\nAnna: Il caff\u00e8, s\u00ec."
TURNS = [
    Turn("Interviewer", "Perch\u00e9 questa piattaforma?"),
    Turn("Anna", "Il caff\u00e8, s\u00ec."),
]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def failure(path: Path) -> str:
    with pytest.raises(ImportFailed) as error:
        read_transcript(path)
    return str(error.value)


# Dispatch


def test_supported_suffixes() -> None:
    assert SUPPORTED_SUFFIXES == (".txt", ".md", ".docx", ".vtt", ".srt")


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = write(tmp_path, "photo.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    assert failure(path) == (
        "photo.png: unsupported file type '.png' (gioia reads .txt, .md, .docx, .vtt, .srt)."
    )


def test_file_without_suffix(tmp_path: Path) -> None:
    assert failure(write(tmp_path, "notes", b"x")) == (
        "notes: unsupported file without a suffix (gioia reads .txt, .md, .docx, .vtt, .srt)."
    )


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    parsed = read_transcript(write(tmp_path, "ANNA.TXT", TRANSCRIPT.encode()))
    assert (parsed.format, parsed.turns) == ("txt", TURNS)


def test_missing_file(tmp_path: Path) -> None:
    assert failure(tmp_path / "gone.txt") == "gone.txt cannot be read (No such file or directory)."


@pytest.mark.parametrize("module", ["gioia.importers", "gioia.text", "gioia.importers.plain"])
def test_import_is_cheap(module: str) -> None:
    code = f"import sys, {module}; print(sorted({{'docx'}} & set(sys.modules)))"
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert result.stdout == "[]\n"


# Encodings


def test_utf8_with_bom(tmp_path: Path) -> None:
    parsed = read_transcript(write(tmp_path, "a.txt", b"\xef\xbb\xbf" + TRANSCRIPT.encode()))
    assert (parsed.turns, parsed.warnings) == (TURNS, [])


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le"])
def test_utf16_with_bom(tmp_path: Path, encoding: str) -> None:
    bom = {"utf-16": b"", "utf-16-be": b"\xfe\xff", "utf-16-le": b"\xff\xfe"}[encoding]
    data = bom + TRANSCRIPT.replace("\n", "\r\n").encode(encoding)
    parsed = read_transcript(write(tmp_path, "a.txt", data))
    assert (parsed.turns, parsed.warnings) == (TURNS, [])


def test_cp1252_is_read_with_a_warning(tmp_path: Path) -> None:
    data = TRANSCRIPT.replace("caff\u00e8", "caff\u00e8 \u20ac2").encode("cp1252")
    parsed = read_transcript(write(tmp_path, "windows.txt", data))
    assert parsed.turns[1] == Turn("Anna", "Il caff\u00e8 \u20ac2, s\u00ec.")
    assert parsed.warnings == ["not UTF-8; read as Windows-1252 (cp1252): check accented letters."]


def test_nfd_accents_become_nfc(tmp_path: Path) -> None:
    data = "Ine\u0302s: Perche\u0301?\n\nAnna: Si\u0300.\n\nIne\u0302s: Ok.".encode()
    turns = read_transcript(write(tmp_path, "mac.txt", data)).turns
    assert turns == [
        Turn("In\u00eas", "Perch\u00e9?"),
        Turn("Anna", "S\u00ec."),
        Turn("In\u00eas", "Ok."),
    ]


def test_crlf_and_cr_line_ends(tmp_path: Path) -> None:
    data = b"Interviewer: How?  \r\n\r\nAnna: Like\rthis."
    assert read_transcript(write(tmp_path, "a.txt", data)).turns == [
        Turn("Interviewer", "How?"),
        Turn("Anna", "Like\nthis."),
    ]


def test_binary_file_with_txt_suffix(tmp_path: Path) -> None:
    path = write(tmp_path, "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert failure(path) == (
        "photo.txt looks like a binary file, not text (it contains NUL bytes); "
        "if it is UTF-16 text without a byte-order mark, save it as UTF-8."
    )


def test_control_characters(tmp_path: Path) -> None:
    path = write(tmp_path, "data.srt", b"1\n\x01\x02\x03 --> \x1b")
    assert failure(path) == (
        "data.srt looks like a binary file, not text (it contains the control character U+0001)."
    )


@pytest.mark.parametrize("data", [b"", b"  \r\n\t\n", b"\xef\xbb\xbf\n", b"\xff\xfe"])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    assert failure(write(tmp_path, "x.txt", data)) == "x.txt is empty."


def test_undecodable_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, "x.txt", b"Anna: caf\xe8 \x81\x8d")
    assert failure(path) == (
        "x.txt is neither UTF-8 nor Windows-1252 text (byte 0x81 at position 11): save it as UTF-8."
    )


def test_broken_utf16(tmp_path: Path) -> None:
    path = write(tmp_path, "x.txt", b"\xff\xfeA\x00\x00\xd8")
    assert failure(path) == (
        "x.txt starts with a UTF-16 byte-order mark but is not valid UTF-16 (byte 4): "
        "save it again as UTF-8."
    )


def test_decode_bytes_returns_normalised_text() -> None:
    assert decode_bytes(b"\xef\xbb\xbfa\xc2\xa0b  \r\ne\xcc\x81", "x.txt") == ("a b\n\u00e9", [])
