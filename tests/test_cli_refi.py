"""``gioia export qdpx|qdc`` and ``gioia import-project``."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from gioia import Project
from gioia.cli import cli

from .conftest import SAMPLE, as_lead, run
from .test_refi_import import foreign
from .test_refi_xml import schema


@pytest.fixture
def coded_store(store: str) -> str:
    with Project.open(store) as project:
        as_lead(project).import_files([], manifest=SAMPLE / "manifest.csv")
        as_lead(project).set_phase("codebook")  # the two coders share one concept list
        for coder in ("maria", "tom"):
            as_lead(project).import_codings(SAMPLE / f"codings_{coder}.csv")
        as_lead(project).import_structure(SAMPLE / "structure.csv")
    return store


def test_export_a_project_and_a_codebook(
    runner: CliRunner, coded_store: str, tmp_path: Path
) -> None:
    out = run(runner, coded_store, "export", "qdpx", "-o", str(tmp_path / "study.qdpx"))
    lines = out.output.splitlines()
    assert (out.exit_code, lines[0]) == (
        0,
        f"Wrote {tmp_path / 'study.qdpx'}: 2 coder(s), 7 transcript(s), 180 coding(s), 0 memo(s), "
        "4 case(s); 3 dimension(s), 6 theme(s), 20 concept(s); positions in code points.",
    )
    assert lines[1].startswith("warning: REFI-QDA has no place for the audit trail: its ")
    with Project.open(coded_store) as project:
        reviews = sum(c.reviewed for c in project.coders())
    assert lines[2] == (
        "warning: REFI-QDA has no place for segments, speakers (written into the text as "
        f"labels), {reviews} review mark(s), 0 quote pick(s) and 5 informant(s) with their "
        "roles: gioia keeps them in gioia.json inside the file, for gioia; other programs "
        "ignore it."
    )
    assert zipfile.is_zipfile(tmp_path / "study.qdpx")
    out = run(
        runner,
        coded_store,
        "export",
        "qdpx",
        "-o",
        str(tmp_path / "t.qdpx"),
        "--coders",
        "Tom",
        "--positions",
        "utf16",
    )
    assert "1 coder(s), 7 transcript(s), 90 coding(s)" in out.output
    assert "positions in UTF-16 units." in out.output
    out = run(runner, coded_store, "export", "qdc", "-o", str(tmp_path / "codes.qdc"))
    assert out.output.splitlines()[0] == (
        f"Wrote {tmp_path / 'codes.qdc'}: the codebook of 3 dimension(s), 6 theme(s), "
        "20 concept(s)."
    )


def test_export_errors_are_one_line(runner: CliRunner, coded_store: str, tmp_path: Path) -> None:
    out = runner.invoke(
        cli, ["--store", coded_store, "export", "qdpx", "-o", str(tmp_path / "study.zip")]
    )
    assert (out.exit_code, out.output) == (
        1,
        "Error: Cannot write study.zip: give a file name ending in .qdpx.\n",
    )
    out = run(runner, coded_store, "export", "qdpx")
    assert out.exit_code == 2 and "Missing option '-o'" in out.output


def test_import_a_project_into_a_new_store(runner: CliRunner, tmp_path: Path) -> None:
    path = foreign(tmp_path)
    location = str(tmp_path / "new.db")
    out = run(runner, location, "import-project", str(path))
    assert out.exit_code == 0
    lines = out.output.splitlines()
    assert lines[:8] == [
        f"Created the store {location}.",
        "Read fair.qdpx (NVivo for Windows 12.6): 2 user(s), 6 code(s), 3 source(s), 7 "
        "selection(s) with 6 coding(s).",
        "Positions: UTF-16 code units, detected: 5 of 6 selections start and end on word "
        "boundaries read so, 1 read as code points (--positions to choose).",
        "Coders: Maria 2, Tom 2 coding(s) by the selections' creatingUser. The codings' "
        "creatingUser says Tom 2, Maria 1: --coder-from coding uses it.",
        "Transcripts: 2 with 5 segments (speaker turns): interview, second.",
        "Codings: 5 made of 6 read; 1 selection(s) crossed turns: one coding per turn; 1 "
        "selection(s) began or ended in a speaker label or a title: they start and end on the "
        "turn's text.",
        "Read marks: each coder has read the segments they coded (--reviews).",
        "Memos: 6 from notes and descriptions; definitions: 2 from code descriptions.",
    ]
    assert lines[8:18] == [
        "Structure (leaves are concepts, their parents themes, their grandparents dimensions): "
        "1 dimension(s), 1 theme(s), 3 concept(s).",
        "Code tree → structure:",
        "  Market → dimension",
        "    Relations → theme",
        "      Trust → concept",
        "      Price → concept",
        "  Archive → left out",
        "    Loose → concept",
        "Left out (1):",
        "  Archive: not codable: a folder",
    ]
    assert lines[18:] == [
        "Skipped:",
        "  source photo: a picture source: gioia codes text",
        "  1 coding(s): its span 500-510 is not inside the text (151 UTF-16 units)",
        "  1 coding(s): its code is not in the code book",
    ]
    with Project.open(location) as project:
        assert [t.name for t in project.transcripts()] == ["interview", "second"]


def test_import_refuses_a_store_with_work_and_leaves_it_alone(
    runner: CliRunner, coded_store: str, tmp_path: Path
) -> None:
    out = runner.invoke(cli, ["--store", coded_store, "import-project", str(foreign(tmp_path))])
    assert out.exit_code == 1
    assert out.output.startswith("Error: The store holds transcripts, concepts, themes,")
    assert len(out.output.splitlines()) == 1
    with Project.open(coded_store) as project:
        assert len(project.transcripts()) == 7
    out = run(runner, coded_store, "import-project", str(foreign(tmp_path)), "--merge")
    assert out.exit_code == 0
    with Project.open(coded_store) as project:
        assert len(project.transcripts()) == 9


def test_a_broken_file_leaves_no_store_behind(runner: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.qdpx"
    broken.write_bytes(b"PK\x03\x04 not really")
    location = tmp_path / "new.db"
    out = runner.invoke(cli, ["--store", str(location), "import-project", str(broken)])
    assert (out.exit_code, out.output.count("\n")) == (1, 1)
    assert out.output.startswith("Error: broken.qdpx is not a zip archive or is damaged")
    assert not location.exists()
    out = runner.invoke(cli, ["--store", str(location), "import-project", str(tmp_path / "x.qdpx")])
    assert (out.exit_code, out.output) == (1, f"Error: {tmp_path / 'x.qdpx'} does not exist.\n")
    out = runner.invoke(
        cli, ["--store", str(location), "import-project", str(foreign(tmp_path)), "--levels", "x"]
    )
    assert out.exit_code == 1
    assert out.output == (
        "Error: --levels 'x' is not a rule: give 'leaves', or the depths of dimensions, "
        "themes and concepts such as 1,2,3 (- for a level the tree lacks, as in -,1,2).\n"
    )
    assert not location.exists()


def test_a_dry_run_shows_the_mapping_and_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    location = tmp_path / "new.db"
    out = run(
        runner,
        str(location),
        "import-project",
        str(foreign(tmp_path)),
        "--dry-run",
        "--levels",
        "-,1,3",
    )
    assert out.output.splitlines()[-1] == "Dry run: nothing was written."
    assert "  Market → theme" in out.output
    assert not location.exists()


def test_the_report_as_json(runner: CliRunner, tmp_path: Path) -> None:
    out = run(runner, str(tmp_path / "j.db"), "import-project", str(foreign(tmp_path)), "--json")
    report = json.loads(out.output)
    assert (report["codings_created"], report["positions"]["convention"]) == (5, "utf16")
    assert report["placements"][0]["role"] == "dimension"


def test_the_readme_way_out_and_back_on_the_demo(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gioia.demo import build_demo

    report = build_demo(tmp_path / "demo", say=lambda line: None)
    monkeypatch.chdir(tmp_path / "demo")
    monkeypatch.setenv("GIOIA_STORE", str(report.store))
    for command in (
        "gioia export qdpx -o study.qdpx",
        "gioia export qdpx -o study-nvivo.qdpx --positions utf16 --coders Maria,Tom",
        "gioia export qdc -o codebook.qdc",
    ):
        out = runner.invoke(cli, command.split()[1:], catch_exceptions=False)
        assert out.exit_code == 0  # (tests/test_readme.py runs them as README shows them)
    out = runner.invoke(
        cli, ["--store", "copy.db", "import-project", "study.qdpx"], catch_exceptions=False
    )
    assert out.exit_code == 0
    with Project.open(str(report.store)) as original, Project.open("copy.db") as copy:
        for level, unit in (("concept", "segment"), ("theme", "character")):
            assert copy.agreement(level=level, unit=unit).overall == (
                original.agreement(level=level, unit=unit).overall
            )
    mine = runner.invoke(cli, ["agreement"], catch_exceptions=False).output
    theirs = runner.invoke(cli, ["--store", "copy.db", "agreement"], catch_exceptions=False)
    assert theirs.output == mine
    # the exported demo is valid against both schemas (they are in ../shared)
    for name in ("study.qdpx", "study-nvivo.qdpx"):
        with zipfile.ZipFile(name) as archive:
            schema("Project.xsd").validate(archive.read("project.qde").decode())
    schema("Codebook.xsd").validate(Path("codebook.qdc").read_text(encoding="utf-8"))
