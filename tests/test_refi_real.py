"""The real exports in ../shared/refi (NVivo for Windows and Mac, ATLAS.ti, qc): what
their README measured, read back through gioia. Never copied into the repository."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from gioia import Project
from gioia.models import Coding, Segment, Transcript
from gioia.ops.refi_import import ProjectImportOptions
from gioia.refi.report import ImportReport
from gioia.text import normalize_text

from .conftest import as_lead, run
from .refi_helpers import assert_shown, readme_output
from .shared import shared_file


@pytest.fixture
def project(lead: Project) -> Project:
    """A REFI-QDA file brings every coder's work: these tests act as the project lead,
    who sees it all (a coder would see their own only)."""
    return lead


def _imported(project: Project, name: str) -> ImportReport:
    return as_lead(project).import_project(shared_file("refi", name), ProjectImportOptions())


def _source_texts(path: Path) -> dict[str, str]:
    """The sources' text as stored in the package (BOM dropped), by transcript name."""
    with zipfile.ZipFile(path) as archive:
        qde = archive.read("project.qde").decode("utf-8-sig")
        found = {}
        for name, plain in re.findall(
            r'<TextSource[^>]*name="([^"]*)"[^>]*plainTextPath="internal://([^"]*)"', qde
        ):
            found[name] = archive.read(f"Sources/{plain}").decode("utf-8-sig")
    return found


def test_nvivo_for_windows_303_codings_at_their_utf16_positions(
    store: str, runner: CliRunner, tmp_path: Path
) -> None:
    path = shared_file("refi", "nvivo-windows-12.6.qdpx")
    out = run(runner, store, "import-project", str(path))
    assert out.exit_code == 0
    command = "gioia --store nvivo.db import-project nvivo-windows-12.6.qdpx"
    assert_shown(readme_output(command)[1:], out.output)  # the store line aside
    with Project.open(store) as project:
        with project._read() as tx:
            rows = tx.session.execute(
                select(Transcript.name, Transcript.text, Coding.char_start, Coding.char_end)
                .join(Segment, Segment.transcript_id == Transcript.id)
                .join(Coding, Coding.segment_id == Segment.id)
            ).all()
        assert len(rows) == 303
        assert [c.name for c in project.coders()] == ["floriansipos", "Gergo"]
        with zipfile.ZipFile(path) as archive:
            qde = archive.read("project.qde").decode("utf-8-sig")
        spans = [
            (int(a), int(b))
            for a, b in re.findall(
                r'<PlainTextSelection [^>]*startPosition="(\d+)" endPosition="(\d+)"', qde
            )
        ]
        raw = _source_texts(path)["videos_10_selected"].encode("utf-16-le")
        expected = sorted(
            normalize_text(raw[2 * a : 2 * b].decode("utf-16-le")).strip() for a, b in spans
        )
        assert sorted(text[a:b] for _, text, a, b in rows) == expected
        assert {name for name, *_ in rows} == {"videos_10_selected"}
        # the code tree as reported
        structure = project.structure()
        assert len(structure.dimensions) == 2
        assert (
            sum(len(d.themes) for d in structure.dimensions)
            + len(structure.themes_without_dimension)
            == 25
        )
        assert len(project.items("concept")) == 125
        _exports_valid_again(project, tmp_path)


def test_nvivo_for_mac_262_codes_seven_deep(project: Project) -> None:
    report = _imported(project, "nvivo-mac-15-codebook.qdpx")
    assert len(report.placements) == 262
    counts = [report.count(role) for role in ("dimension", "theme", "concept")]
    assert counts == [4, 20, 237]
    assert [p.code for p in report.placements if p.role == "left out"] == [
        "rq2_curriculum_and_instruction"
    ]
    renamed = [text for p in report.placements for kind, text in p.notes if kind == "renamed"]
    assert "'programming (cs_as_programming)': the name is used twice" in renamed
    assert "'citizenship (digital_citizenship) 2': the name is used twice" in renamed
    assert [(s.what, s.reason) for s in report.skipped] == [
        ("source 66653866-6334-3535-3435-366637306566", "its text is empty"),
        ("source 33663939-3636-3632-3038-613431643463", "its text is empty"),
    ]
    # both users are coders (the project lead who ran the import is none)
    assert [c.name for c in project.coders()] == ["chrisp", "cp"]
    assert len(project.items("concept")) == 237


def test_nvivo_for_mac_by_depths_as_the_readme_shows(runner: CliRunner, tmp_path: Path) -> None:
    path = shared_file("refi", "nvivo-mac-15-codebook.qdpx")
    location = tmp_path / "mac.db"
    out = run(runner, str(location), "import-project", str(path), "--levels", "2,3,4", "--dry-run")
    lines = out.output.splitlines()
    assert lines[-1] == "Dry run: nothing was written."
    # counted by hand on the tree: 16 codes with children at depth 2, 22 at depth 3
    assert (
        "Structure (depth 2 dimensions, depth 3 themes, depth 4 and below concepts): "
        "16 dimension(s), 22 theme(s), 221 concept(s)."
    ) in lines
    assert "  rq1_definition → left out" in lines
    assert not location.exists()


def test_qc_205_codings_despite_its_paths(project: Project, tmp_path: Path) -> None:
    report = _imported(project, "qc-1.3.2.qdpx")
    assert (report.selections, report.codings_read, report.codings_created) == (
        158,
        205,
        205,
    )
    assert report.warnings == [
        f"Source {name}.txt: its path '{name}.txt' lacks 'internal://' (not standard: NVivo "
        f"reads such sources as empty); read from sources/{name}.txt."
        for name in ("board_2017", "admin-1")
    ]
    assert report.trimmed == 10
    assert [t.name for t in project.transcripts()] == ["admin-1", "board_2017"]
    _exports_valid_again(project, tmp_path)


def test_atlas_ti_codes(project: Project) -> None:
    report = _imported(project, "atlas-ti-23.qdpx")
    assert report.coders == ("Enric Llagostera", "ATLAS.ti")
    themes = project.structure().themes_without_dimension
    assert [(t.name, [c.name for c in t.concepts]) for t in themes] == [
        ("Commits", ["2022-05-10T02:05:59Z 19e4dce", "2022-02-11T10:39:25Z cdbfd92"])
    ]


def _exports_valid_again(project: Project, tmp_path: Path) -> None:
    """What came in goes out again as a valid project."""
    from .test_refi_xml import schema

    result = project.export_qdpx(tmp_path / "again.qdpx", positions="utf16")
    with zipfile.ZipFile(result.path) as archive:
        schema("Project.xsd").validate(archive.read("project.qde").decode())
