"""Concepts under more than one theme in REFI-QDA: one parent in the code tree and a set per
theme (and per dimension) on the way out; the sets read back on the way in."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from gioia import Project
from gioia.ops.refi_import import ProjectImportOptions
from gioia.refi import model as m
from gioia.refi.xmlread import read_xml

from .conftest import as_lead, run
from .refi_helpers import guid, write_qdpx
from .test_refi_import import _fresh
from .test_refi_xml import schema

STRUCTURE = (
    # concept, its themes (first is the primary)
    ("Alpha", ("Ties",)),
    ("Beta", ("Ties", "Trust")),
    ("Gamma", ("Trust",)),
    ("Delta", ("Risk", "Ties")),
)
THEMES = (("Ties", ("Social",)), ("Trust", ("Social", "Market")), ("Risk", ("Market",)))


def shared_structure(project: Project) -> Project:
    """Beta under Ties and Trust, Delta under Risk and Ties; Trust under Social and
    Market."""
    as_lead(project).allow_shared(True)
    for dimension in ("Social", "Market"):
        as_lead(project).add_item("dimension", dimension)
    for theme, dimensions in THEMES:
        as_lead(project).add_item("theme", theme)
        for dimension in dimensions:
            as_lead(project).assign([theme], dimension=dimension)
    for concept, themes in STRUCTURE:
        project.add_item("concept", concept)
        for theme in themes:
            as_lead(project).assign([concept], theme=theme)
    return project


def _codes(project: m.Project) -> dict[str, str]:
    """Each code's name by GUID."""
    return {code.guid: code.name for code, _ in m.walk_codes(project.codes)}


def _sets(project: m.Project) -> list[tuple[str, str | None, list[str]]]:
    names = _codes(project)
    return [(s.name, s.description, [names[c] for c in s.codes]) for s in project.sets]


EXPECTED_SETS = [
    (
        "Ties",
        "Every concept of the theme 'Ties', with those the code tree shows under another "
        "theme (gioia: concepts under more than one theme).",
        ["Alpha", "Beta", "Delta"],
    ),
    (
        "Trust",
        "Every concept of the theme 'Trust', with those the code tree shows under another "
        "theme (gioia: concepts under more than one theme).",
        ["Beta", "Gamma"],
    ),
    (
        "Market",
        "Every theme of the dimension 'Market', with those the code tree shows under another "
        "dimension (gioia: themes under more than one dimension).",
        ["Trust", "Risk"],
    ),
]
EXPECTED_WARNINGS = (
    "2 concept(s) under more than one theme: each under its first theme in the code tree, "
    "and in a set per theme (2 set(s), named after their themes).",
    "1 theme(s) under more than one dimension: each under its first dimension in the code "
    "tree, and in a set per dimension (1 set(s), named after their dimensions).",
)


def test_a_set_per_theme_beside_the_tree(project: Project, tmp_path: Path) -> None:
    shared_structure(project)
    result = project.export_qdpx(tmp_path / "shared.qdpx")
    assert result.warnings[-2:] == EXPECTED_WARNINGS
    with zipfile.ZipFile(result.path) as archive:
        xml = archive.read("project.qde")
    schema("Project.xsd").validate(xml.decode())
    exported = read_xml(xml, "project.qde")
    # the tree: each item under its first parent only
    assert [
        (d.name, [(t.name, [c.name for c in t.children]) for t in d.children])
        for d in exported.codes
    ] == [
        ("Social", [("Ties", ["Alpha", "Beta"]), ("Trust", ["Gamma"])]),
        ("Market", [("Risk", ["Delta"])]),
    ]
    assert _sets(exported) == EXPECTED_SETS
    # the sets' GUIDs are stable, and no code's
    again = project.export_qdpx(tmp_path / "again.qdpx")
    with zipfile.ZipFile(again.path) as archive:
        second = read_xml(archive.read("project.qde"), "project.qde")
    assert [s.guid for s in second.sets] == [s.guid for s in exported.sets]
    assert not {s.guid for s in exported.sets} & set(_codes(exported))
    assert len({s.guid for s in exported.sets}) == 3

    codebook = project.export_qdc(tmp_path / "shared.qdc")
    assert codebook.warnings[-2:] == EXPECTED_WARNINGS
    text = codebook.path.read_text(encoding="utf-8")
    schema("Codebook.xsd").validate(text)
    assert _sets(read_xml(text.encode(), "shared.qdc")) == EXPECTED_SETS


def test_a_tree_has_no_sets(project: Project, tmp_path: Path) -> None:
    project.add_item("concept", "Alpha")
    as_lead(project).assign(["Alpha"], theme="Ties", create=True)
    result = project.export_qdc(tmp_path / "tree.qdc")
    assert not any("set" in warning for warning in result.warnings)
    assert b"<Sets>" not in result.path.read_bytes()


def _parents(project: Project) -> dict[str, tuple[str, ...]]:
    found = {name: project.parents(name) for name, _ in STRUCTURE}
    found.update((name, project.parents(name, level="theme")) for name, _ in THEMES)
    return found


SHARED_PARENTS = {
    "Alpha": ("Ties",),
    "Beta": ("Ties", "Trust"),
    "Gamma": ("Trust",),
    "Delta": ("Risk", "Ties"),
    "Ties": ("Social",),
    "Trust": ("Social", "Market"),
    "Risk": ("Market",),
}


def test_the_sets_bring_the_sharing_back(project: Project, again: Project, tmp_path: Path) -> None:
    """A codebook (no gioia.json) imported into a store that allows shared concepts."""
    shared_structure(project)
    path = project.export_qdc(tmp_path / "shared.qdc").path
    as_lead(again).allow_shared(True)
    report = as_lead(again).import_project(path)
    assert (report.sets, report.shared, report.skipped) == (3, 3, [])
    assert _parents(again) == SHARED_PARENTS
    assigned = [e.summary for e in again.log() if e.action == "assign"]
    assert assigned == [
        "Assigned concept 'Delta' to theme 'Ties' (also under 'Risk')",
        "Assigned concept 'Beta' to theme 'Trust' (also under 'Ties')",
        "Assigned theme 'Trust' to dimension 'Market' (also under 'Social')",
    ]


def test_sets_a_tree_store_cannot_hold_are_named(
    project: Project, again: Project, tmp_path: Path
) -> None:
    shared_structure(project)
    path = project.export_qdc(tmp_path / "shared.qdc").path
    report = as_lead(again).import_project(path)
    assert (report.sets, report.shared) == (0, 0)
    assert [(s.what, s.reason) for s in report.skipped] == [
        (
            "3 set(s) that put codes under a further theme or dimension ('Ties', 'Trust', "
            "'Market')",
            "this store keeps each concept under one theme: import into a new store after "
            "`gioia settings allow-shared on` to keep them",
        )
    ]
    assert _parents(again) == {
        "Alpha": ("Ties",),
        "Beta": ("Ties",),
        "Gamma": ("Trust",),
        "Delta": ("Risk",),
        "Ties": ("Social",),
        "Trust": ("Social",),
        "Risk": ("Market",),
    }


def test_a_gioia_project_keeps_its_sharing(
    project: Project, again: Project, tmp_path: Path
) -> None:
    """gioia.json restores the sharing (and the setting); the sets then change nothing."""
    shared_structure(project)
    path = project.export_qdpx(tmp_path / "shared.qdpx").path
    report = as_lead(again).import_project(path)
    assert (report.from_gioia, report.sets, report.shared, report.skipped) == (True, 3, 0, [])
    assert again.shared_allowed() is True
    assert _parents(again) == SHARED_PARENTS


def test_other_sets_are_named_and_left_out(project: Project, tmp_path: Path) -> None:
    as_lead(project).allow_shared(True)
    path = write_qdpx(
        tmp_path / "groups.qdpx",
        '<Project xmlns="urn:QDA-XML:project:1.0" name="g"><CodeBook><Codes>'
        f'<Code guid="{guid(1)}" name="Theme A" isCodable="true">'
        f'<Code guid="{guid(2)}" name="One" isCodable="true"/></Code>'
        f'<Code guid="{guid(3)}" name="Theme B" isCodable="true">'
        f'<Code guid="{guid(4)}" name="Two" isCodable="true"/></Code>'
        "</Codes></CodeBook><Sets>"
        f'<Set guid="{guid(10)}" name="Theme B"><MemberCode targetGUID="{guid(2)}"/>'
        f'<MemberCode targetGUID="{guid(4)}"/></Set>'
        f'<Set guid="{guid(11)}" name="Favourites"><MemberCode targetGUID="{guid(2)}"/></Set>'
        f'<Set guid="{guid(12)}" name="Theme A"><MemberCode targetGUID="{guid(2)}"/>'
        f'<MemberCode targetGUID="{guid(3)}"/></Set>'
        "</Sets></Project>",
    )
    report = as_lead(project).import_project(path, ProjectImportOptions(levels="-,1,2"))
    assert (report.sets, report.shared) == (1, 1)
    assert project.parents("One") == ("Theme A", "Theme B")
    assert [(s.what, s.reason) for s in report.skipped] == [
        (
            "2 set(s) ('Favourites', 'Theme A')",
            "gioia has no sets: it reads a set named after a theme that holds concepts (or "
            "after a dimension that holds themes) as that theme's members",
        )
    ]


@pytest.fixture
def again(store: str, tmp_path: Path) -> Iterator[Project]:
    """An empty store beside ``store``, on the same backend."""
    with Project.open(_fresh(store, tmp_path, "again")) as opened:
        yield opened


def test_the_commands_say_what_they_did(
    runner: CliRunner, project: Project, again: Project, store: str, tmp_path: Path
) -> None:
    shared_structure(project)
    out = run(runner, store, "export", "qdc", "-o", str(tmp_path / "shared.qdc"))
    assert out.output.splitlines()[-2:] == [f"warning: {w}" for w in EXPECTED_WARNINGS]
    location = again.location
    assert run(runner, location, "settings", "allow-shared", "on").exit_code == 0
    out = run(runner, location, "import-project", str(tmp_path / "shared.qdc"))
    assert out.exit_code == 0
    assert (
        "Sets: 3 read as the concepts of a theme (or the themes of a dimension): 3 item(s) "
        "put under a further one."
    ) in out.output.splitlines()
    assert out.output.splitlines()[-1] == "Skipped: nothing."
