"""Fuzzing every importer: random and mutated inputs give a result or one gioia error,
within a few seconds each and without a jump in memory.

The mutations start from the sample study's own files (a transcript of each format, the
manifest, the structure and a codings file) and flip, insert, delete or cut bytes; Word
files are mutated both as zip bytes and in their document XML. Kept modest
(``max_examples``) so the suite stays fast.
"""

from __future__ import annotations

import io
import resource
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gioia import GioiaError, Project
from gioia.importers import read_transcript
from gioia.importers.manifest import read_manifest
from gioia.structure_file import read_structure

from .conftest import SAMPLE, as_lead

SECONDS = 5.0  # the most one input may take
GROWTH_MB = 200  # the most the process's peak memory may grow over a test
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _edit(data: bytes, edits: list[tuple[int, str, bytes]]) -> bytes:
    for where, how, piece in edits:
        at = where % (len(data) + 1)
        if how == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ (piece[0] or 1)]) + data[at + 1 :]
        elif how == "insert":
            data = data[:at] + piece + data[at:]
        elif how == "delete":
            data = data[:at] + data[at + len(piece) :]
        else:
            data = data[:at]
    return data


EDITS = st.lists(
    st.tuples(
        st.integers(0, 10**6),
        st.sampled_from(["flip", "insert", "delete", "cut"]),
        st.one_of(
            st.binary(min_size=1, max_size=8),
            st.sampled_from([b"\x00", b"\xff\xfe", b'"', b"\n", b":", b"-->", b"&a", b"*a"]),
        ),
    ),
    max_size=6,
)


def mutated(sample: bytes) -> st.SearchStrategy[bytes]:
    """``sample`` with a few random edits, or random bytes."""
    return st.one_of(EDITS.map(lambda edits: _edit(sample, edits)), st.binary(max_size=2000))


@pytest.fixture(autouse=True)
def _memory_stays_bounded() -> Iterator[None]:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    yield
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown < GROWTH_MB, f"peak memory grew by {grown:.0f} MB"


def _answers(read: Callable[[Path], object], path: Path, data: bytes) -> None:
    """``read`` gives a result or a gioia error for ``data``, in time."""
    path.write_bytes(data)
    started = time.perf_counter()
    try:
        read(path)
    except GioiaError as error:
        assert error.message.strip() and "\n" not in error.message
    assert time.perf_counter() - started < SECONDS


@FUZZ
@given(data=mutated((SAMPLE / "case_a_ceo_w1.txt").read_bytes()[:3000]))
def test_text_transcripts(tmp_path: Path, data: bytes) -> None:
    _answers(read_transcript, tmp_path / "t.txt", data)
    _answers(read_transcript, tmp_path / "t.md", data)


@FUZZ
@given(
    vtt=mutated((SAMPLE / "case_b_export_w2.vtt").read_bytes()[:3000]),
    srt=mutated((SAMPLE / "case_c_marketing_w2.srt").read_bytes()[:3000]),
)
def test_captions(tmp_path: Path, vtt: bytes, srt: bytes) -> None:
    _answers(read_transcript, tmp_path / "c.vtt", vtt)
    _answers(read_transcript, tmp_path / "c.srt", srt)


DOCX = (SAMPLE / "case_a_ceo_w2.docx").read_bytes()


def _with_member(archive: bytes, member: str, data: bytes) -> bytes:
    """The zip ``archive`` with ``member`` holding ``data`` instead."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, data if info.filename == member else source.read(info))
    return out.getvalue()


with zipfile.ZipFile(io.BytesIO(DOCX)) as _docx:
    DOCUMENT_XML = _docx.read("word/document.xml")


@FUZZ
@given(
    zipped=mutated(DOCX),
    xml=EDITS.map(
        lambda edits: _with_member(DOCX, "word/document.xml", _edit(DOCUMENT_XML, edits))
    ),
)
def test_word_files(tmp_path: Path, zipped: bytes, xml: bytes) -> None:
    _answers(read_transcript, tmp_path / "w.docx", zipped)
    _answers(read_transcript, tmp_path / "x.docx", xml)


@FUZZ
@given(data=mutated((SAMPLE / "manifest.csv").read_bytes()))
def test_manifests(tmp_path: Path, data: bytes) -> None:
    for name in ("case_a_ceo_w1.txt", "case_a_ceo_w2.docx"):
        (tmp_path / name).write_bytes((SAMPLE / name).read_bytes())
    _answers(read_manifest, tmp_path / "manifest.csv", data)


STRUCTURE_YAML = b"""dimensions:
  - name: Actor disposition
    definition: What the firm brings
    themes:
      - name: Structural readiness
        concepts:
          - A family mill since 1962
          - {name: Someone has to look after the platform, definition: daily work}
"""


def _workbook() -> bytes:
    from gioia.spreadsheet import write_xlsx

    out = io.BytesIO()
    rows = [("A family mill", "Structural readiness", "Actor disposition", "=1+1")]
    write_xlsx(out, "structure", ("concept", "theme", "dimension", "concept_definition"), rows)
    return out.getvalue()


WORKBOOK = _workbook()
with zipfile.ZipFile(io.BytesIO(WORKBOOK)) as _xlsx:
    SHEET_XML = _xlsx.read("xl/worksheets/sheet1.xml")


@FUZZ
@given(
    table=mutated((SAMPLE / "structure.csv").read_bytes()),
    yaml=mutated(STRUCTURE_YAML),
    workbook=mutated(WORKBOOK),
    sheet=EDITS.map(
        lambda edits: _with_member(WORKBOOK, "xl/worksheets/sheet1.xml", _edit(SHEET_XML, edits))
    ),
)
def test_structure_files(
    tmp_path: Path, table: bytes, yaml: bytes, workbook: bytes, sheet: bytes
) -> None:
    _answers(read_structure, tmp_path / "s.csv", table)
    _answers(read_structure, tmp_path / "s.yaml", yaml)
    _answers(read_structure, tmp_path / "s.xlsx", workbook)
    _answers(read_structure, tmp_path / "t.xlsx", sheet)


@pytest.fixture(scope="module")
def _coding_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("fuzz") / "gioia.db"
    with Project.init(str(store)) as project:
        as_lead(project).import_files([SAMPLE / "case_a_ceo_w1.txt"])
    return store


CODINGS = b"\n".join(
    line
    for line in (SAMPLE / "codings_maria.csv").read_bytes().splitlines()
    if line.startswith((b"coder", b"Maria,case_a_ceo_w1:"))
)


@FUZZ
@given(data=mutated(CODINGS))
def test_codings_files(tmp_path: Path, _coding_store: Path, data: bytes) -> None:
    with Project.open(str(_coding_store)) as project:
        _answers(project.import_codings, tmp_path / "codings.csv", data)
