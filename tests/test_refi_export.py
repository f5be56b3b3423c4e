"""Exporting the store as REFI-QDA: what other programs read, shaped as they read it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from gioia import InvalidInput, NotFound, Project
from gioia.refi import model as m
from gioia.refi.xmlread import read_xml

from .conftest import SAMPLE, as_lead
from .refi_helpers import rich_study
from .test_refi_xml import schema


@pytest.fixture
def project(lead: Project) -> Project:
    """A REFI-QDA file brings every coder's work: these tests act as the project lead,
    who sees it all (a coder would see their own only)."""
    return lead


def _qdpx(path: Path) -> tuple[m.Project, dict[str, bytes], dict]:
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    project = read_xml(files.pop("project.qde"), "project.qde")
    sidecar = json.loads(files.pop("gioia.json"))
    return project, files, sidecar


def _source_text(files: dict[str, bytes], source: m.Source) -> str:
    assert source.plain_path is not None and source.plain_path.startswith("internal://")
    return files[f"sources/{source.plain_path.removeprefix('internal://')}"].decode("utf-8")


def _coded(project: Project) -> Project:
    """The sample study with both coders' codings and the structure, and two items
    outside it."""
    as_lead(project).import_files([], manifest=SAMPLE / "manifest.csv")
    as_lead(project).set_phase("codebook")  # the two coders share one concept list
    for coder in ("maria", "tom"):
        as_lead(project).import_codings(SAMPLE / f"codings_{coder}.csv")
    as_lead(project).import_structure(SAMPLE / "structure.csv")
    project.add_item("concept", "Loose ends", "Not placed yet.")
    as_lead(project).add_item("theme", "Floating theme")
    return project


@pytest.fixture
def coded(project: Project) -> Project:
    return _coded(project)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Exports to read (built once, on SQLite; the store tests above and the round trip
    run on every backend): the rich study as .qdpx in both position conventions and as
    .qdc, and the coded sample study."""
    folder = tmp_path_factory.mktemp("exported")
    found: dict[str, Any] = {}
    with Project.init(str(folder / "rich.db")) as project:
        rich_study(project, folder)
        found["rich codings"] = len(project.codings())
        found["rich reviews"] = sum(c.reviewed for c in project.coders())
        found["rich"] = project.export_qdpx(folder / "rich.qdpx")
        found["utf16"] = project.export_qdpx(folder / "utf16.qdpx", positions="utf16")
        found["qdc"] = project.export_qdc(folder / "rich.qdc")
    with Project.init(str(folder / "coded.db")) as project:
        _coded(project)
        found["coded"] = project.export_qdpx(folder / "coded.qdpx")
        found["structure"] = project.structure()
        as_lead(project).rename_item("concept", "Loose ends", "Threads to follow")
        found["renamed"] = project.export_qdpx(folder / "renamed.qdpx")
        found["tom"] = project.export_qdpx(folder / "tom.qdpx", coders=["tom"])
    return found


def test_the_export_is_valid_and_the_same_bytes_every_time(coded: Project, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = coded.export_qdpx(tmp_path / "a" / "study.qdpx")
    second = coded.export_qdpx(tmp_path / "b" / "study.qdpx")
    assert first.path.read_bytes() == second.path.read_bytes()
    with zipfile.ZipFile(first.path) as archive:
        schema("Project.xsd").validate(archive.read("project.qde").decode())


def test_every_table_validates_against_the_schemas(exported: dict[str, Any]) -> None:
    for key in ("rich", "utf16"):
        with zipfile.ZipFile(exported[key].path) as archive:
            schema("Project.xsd").validate(archive.read("project.qde").decode())
    schema("Codebook.xsd").validate(exported["qdc"].path.read_text())
    rich = exported["rich"]
    counts = (rich.coders, rich.transcripts, rich.codings, rich.memos, rich.cases)
    assert counts == (3, 8, exported["rich codings"], 6, 5)


def test_the_code_tree_is_the_structure_in_its_order(exported: dict[str, Any]) -> None:
    project, _, sidecar = _qdpx(exported["coded"].path)
    view = exported["structure"]
    expected = [
        (
            d.name,
            d.definition,
            [(t.name, t.definition, [c.name for c in t.concepts]) for t in d.themes],
        )
        for d in view.dimensions
    ]
    top = project.codes
    assert [
        (
            d.name,
            d.description,
            [(t.name, t.description, [c.name for c in t.children]) for t in d.children],
        )
        for d in top[: len(view.dimensions)]
    ] == expected
    # outside the structure, at the top: themes without a dimension, then loose concepts
    rest = top[len(view.dimensions) :]
    assert [(c.name, c.description, c.children) for c in rest] == [
        ("Floating theme", None, []),
        ("Loose ends", "Not placed yet.", []),
    ]
    assert all(code.codable for code, _ in m.walk_codes(top))
    levels = {row[0] for row in sidecar["codes"].values()}
    assert levels == {"dimension", "theme", "concept"}


def test_each_coding_is_a_selection_over_its_words(coded: Project, tmp_path: Path) -> None:
    result = coded.export_qdpx(tmp_path / "s.qdpx")
    project, files, _ = _qdpx(tmp_path / "s.qdpx")
    users = {user.guid: user.name for user in project.users}
    codes = {code.guid: code.name for code, _ in m.walk_codes(project.codes)}
    exported = []
    for source in project.sources:
        text = _source_text(files, source)
        for selection in source.selections:
            (coding,) = selection.codings
            assert coding.creating_user == selection.creating_user
            exported.append(
                (
                    users[coding.creating_user or ""],
                    codes[coding.code],
                    source.name,
                    text[selection.start : selection.end],
                )
            )
    rows = coded.codings()
    expected = [(r.coder, r.concept, r.transcript, r.quote or r.text) for r in rows]
    assert sorted(exported) == sorted(expected)
    assert result.codings == len(rows) == 180


def test_speakers_are_written_into_the_text_before_their_turns(exported: dict[str, Any]) -> None:
    project, files, sidecar = _qdpx(exported["coded"].path)
    source = next(s for s in project.sources if s.name == "case_a_ceo_w1")
    text = _source_text(files, source)
    assert text.startswith(
        "Interviewer: Thank you for making time for this, I know March is pruning season."
    )
    assert "\n\nLorenzo Bellandi: Sure, sure. So, we are a family mill" in text
    vtt = next(s for s in project.sources if s.name == "case_b_export_w2")
    assert _source_text(files, vtt).startswith(
        "[0:00:02] Interviewer: Hi Marta, can you hear me okay?"
    )
    entry = sidecar["transcripts"][source.guid]
    assert (entry["source"], entry["format"], entry["segment_by"]) == (
        "case_a_ceo_w1.txt",
        "txt",
        "turn",
    )
    second = text.index("\n\nLorenzo Bellandi: ") + 2
    assert entry["labels"][:2] == [[0, len("Interviewer: ")], [second, len("Lorenzo Bellandi: ")]]


def test_utf16_positions_for_nvivo(exported: dict[str, Any]) -> None:
    project, files, sidecar = _qdpx(exported["utf16"].path)
    assert sidecar["positions"] == "utf16"
    source = next(s for s in project.sources if s.name == "emoji_interview")
    text = _source_text(files, source)
    units = text.encode("utf-16-le")
    quotes = {
        units[2 * s.start : 2 * s.end].decode("utf-16-le") for s in source.selections if s.codings
    }
    assert "loved it 😀😀" in quotes
    points = next(s for s in project.sources if s.name == "emoji_interview")
    assert all(s.end <= len(units) // 2 for s in points.selections)


def test_memos_are_notes_attached_where_they_belong(exported: dict[str, Any]) -> None:
    project, files, _ = _qdpx(exported["rich"].path)
    notes = {note.guid: note for note in project.notes}
    users = {user.guid: user.name for user in project.users}
    on_codes = {
        code.name: [notes[g].text for g in code.notes]
        for code, _ in m.walk_codes(project.codes)
        if code.notes
    }
    assert on_codes == {
        "Exporter disposition": ["From the workshop."],
        "Organisational readiness": ["Is this theme one or two?"],
        "The home market is not enough any more": ["Check wave 2 as well."],
    }
    on_text = sorted(
        (
            source.name,
            _source_text(files, source)[s.start : s.end],
            notes[n].text,
            users[s.creating_user or ""],
        )
        for source in project.sources
        for s in source.selections
        for n in s.notes
    )
    assert [(name, note, user) for name, _, note, user in on_text] == [
        ("case_a_ceo_w1", "A clear push factor.", "Tom"),
        ("emoji_interview", "Emoji in the question: keep them.", "Maria"),
    ]
    assert on_text[1][1] == "What did the buyers say? 🙂"
    assert [notes[g].text for g in project.project_notes] == [
        "Project memo: ask Maria about wave 2 & <coding>."
    ]
    assert {n.name for n in project.notes} >= {
        "Memo on case_a_ceo_w1:4",
        "Memo on the theme Organisational readiness",
        "Memo on the project",
    }


def test_cases_hold_their_transcripts_and_attributes_are_variables(
    exported: dict[str, Any],
) -> None:
    project, _, _ = _qdpx(exported["rich"].path)
    variables = {v.guid: v.name for v in project.variables}
    sources = {s.guid: s for s in project.sources}
    case_e = next(c for c in project.cases if c.name == "Case E")
    assert [sources[g].name for g in case_e.sources] == ["emoji_interview"]
    assert {variables[v.variable]: v.value for v in case_e.values} == {"sector": "Desserts"}
    emoji = next(s for s in project.sources if s.name == "emoji_interview")
    assert {variables[v.variable]: v.value for v in emoji.values} == {
        "Informant": "Ana Souza",
        "Role": "Owner",
        "Informant gender": "f",
        "Wave": "1",
        "language": "pt",
    }
    case_a = next(s for s in project.sources if s.name == "case_a_ceo_w1")
    assert {variables[v.variable]: v.value for v in case_a.values} == {
        "Informant": "Lorenzo Bellandi",
        "Role": "CEO",
        "Wave": "1",
        "Interview date": "2022-03-14",
    }
    users = [(u.name, u.id) for u in project.users]
    assert users == [("Maria", None), ("Tom", None), ("Consensus", "consensus")]


def test_guids_stay_across_exports_and_renames(exported: dict[str, Any]) -> None:
    one, _, _ = _qdpx(exported["coded"].path)
    two, _, _ = _qdpx(exported["renamed"].path)
    before = {c.name: c.guid for c, _ in m.walk_codes(one.codes)}
    after = {c.name: c.guid for c, _ in m.walk_codes(two.codes)}
    assert after["Threads to follow"] == before["Loose ends"]
    assert [s.guid for s in one.sources] == [s.guid for s in two.sources]


def test_only_the_coders_asked_for(exported: dict[str, Any], project: Project) -> None:
    result = exported["tom"]
    project_file, _, sidecar = _qdpx(result.path)
    assert [u.name for u in project_file.users] == ["Tom"]
    assert result.codings == 90
    assert {s.creating_user for src in project_file.sources for s in src.selections} == {
        project_file.users[0].guid
    }
    assert list(sidecar["reviews"]) == [project_file.users[0].guid]
    with pytest.raises(NotFound) as error:
        project.export_qdpx(result.path.with_name("z.qdpx"), coders=["Zed"])
    assert error.value.message == "No coder 'Zed' (coders: none yet)."


def test_the_warnings_say_what_the_format_cannot_carry(exported: dict[str, Any]) -> None:
    result = exported["rich"]
    events = result.warnings[0]
    assert events.startswith("REFI-QDA has no place for the audit trail: its ")
    assert events.endswith(" event(s) stay in this store.")
    assert result.warnings[1:] == (
        "REFI-QDA has no place for segments, speakers (written into the text as labels), "
        f"{exported['rich reviews']} review mark(s), 1 quote pick(s) and 6 informant(s) with "
        "their roles: gioia keeps them in gioia.json inside the file, for gioia; other "
        "programs ignore it.",
        "1 transcript(s) hold characters outside the Basic Multilingual Plane (emoji): NVivo "
        "for Windows counts positions in UTF-16, so for NVivo export with --positions utf16.",
        "1 concept(s) under more than one theme: each under its first theme in the code "
        "tree, and in a set per theme (1 set(s), named after their themes).",
        "1 theme(s) under more than one dimension: each under its first dimension in the "
        "code tree, and in a set per dimension (1 set(s), named after their dimensions).",
    )
    codebook = exported["qdc"]
    assert codebook.warnings == (
        "A codebook has no place for memos: the 3 memo(s) on concepts, themes and dimensions "
        "are left out (a .qdpx carries them).",
        "A codebook holds the code tree and definitions only: a program that reads it sees "
        "dimensions, themes and concepts as codes nested three deep.",
        *result.warnings[-2:],
    )
    assert (codebook.dimensions, codebook.themes, codebook.concepts) == (3, 6, 20)


def test_an_empty_structure_is_no_codebook(project: Project, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as error:
        project.export_qdc(tmp_path / "c.qdc")
    assert error.value.message == (
        "The structure is empty: add concepts before exporting a codebook."
    )
    assert not (tmp_path / "c.qdc").exists()


def test_the_file_name_must_say_what_it_is(coded: Project, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as error:
        coded.export_qdpx(tmp_path / "study.zip")
    assert error.value.message == "Cannot write study.zip: give a file name ending in .qdpx."
