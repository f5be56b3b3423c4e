"""QDA-XML read and written: the schemas' order and rules, and hostile or broken files."""

from __future__ import annotations

import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from gioia.errors import ImportFailed
from gioia.refi import model as m
from gioia.refi.package import read_package, write_package
from gioia.refi.xmlread import read_xml
from gioia.refi.xmlwrite import codebook_xml, project_xml

from .refi_helpers import guid, write_qdpx
from .shared import shared_file


@cache
def _schema(name: str) -> Any:
    import xmlschema

    return xmlschema.XMLSchema(str(shared_file("refi", name)))


def schema(name: str) -> Any:
    """``Project.xsd`` or ``Codebook.xsd`` from ../shared/refi."""
    shared_file("refi", name)  # skip or fail before caching
    return _schema(name)


def sample_project() -> m.Project:
    """A small project with every element gioia writes."""
    theme = m.Code(guid(2), "Trust & <risk>", True, "What buyers need\nfirst.", [guid(40)])
    theme.children.append(m.Code(guid(3), "Samples", True))
    return m.Project(
        name="study",
        origin="gioia test",
        users=[m.User(guid(1), "Maria"), m.User(guid(9), "Consensus", "consensus")],
        codes=[theme, m.Code(guid(4), "Loose", True)],
        variables=[m.Variable(guid(20), "Wave")],
        cases=[m.Case(guid(30), "Case A", values=[], sources=[guid(10)])],
        sources=[
            m.Source(
                guid(10),
                name="interview 1",
                plain_path=f"internal://{guid(10)}.txt",
                created="2026-01-02T03:04:05Z",
                selections=[
                    m.Selection(
                        guid(11),
                        0,
                        5,
                        creating_user=guid(1),
                        created="2026-01-02T03:04:05.000123Z",
                        codings=[m.Coding(guid(12), guid(3), guid(1))],
                    ),
                    m.Selection(guid(13), 6, 9, notes=[guid(41)]),
                ],
                values=[m.VariableValue(guid(20), "1")],
            )
        ],
        notes=[
            m.Note(guid(40), "Memo on the theme", "Ask Tom.", creating_user=guid(1)),
            m.Note(guid(41), "Memo on interview 1:1", 'Quote "this" & that'),
            m.Note(guid(42), "Memo on the project", "Overall."),
        ],
        sets=[m.CodeSet(guid(50), "Theme: Trust", codes=[guid(3)])],
        project_notes=[guid(42)],
    )


def test_a_written_project_is_valid_and_reads_back_the_same() -> None:
    project = sample_project()
    data = project_xml(project)
    back = read_xml(data, "project.qde")
    assert back == project
    assert data == project_xml(back)  # the same model, the same bytes
    schema("Project.xsd").validate(data.decode())


def test_elements_come_in_the_schema_order_and_empty_containers_are_left_out() -> None:
    text = project_xml(sample_project()).decode()
    order = [text.index(f"<{tag}>") for tag in ("Users", "CodeBook", "Variables", "Cases")]
    order += [text.index(f"<{tag}>") for tag in ("Sources", "Notes", "Sets")]
    assert order == sorted(order)
    bare = project_xml(m.Project(name="empty", users=[m.User(guid(1), "Maria")])).decode()
    for tag in ("CodeBook", "Cases", "Sources", "Notes", "Sets", "Variables"):
        assert tag not in bare
    schema("Project.xsd").validate(bare)


def test_a_codebook_is_valid_with_its_sets() -> None:
    data = codebook_xml(sample_project())
    back = read_xml(data, "codes.qdc")
    assert back.codebook_only is True
    assert [c.name for c, _ in m.walk_codes(back.codes)] == ["Trust & <risk>", "Samples", "Loose"]
    assert back.codes[0].description == "What buyers need\nfirst."
    assert back.sets[0].codes == [guid(3)]
    assert "NoteRef" not in data.decode()  # the codebook schema has no notes
    schema("Codebook.xsd").validate(data.decode())


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Project [
 <!ENTITY a "aaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&c;"/>"""

EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Description>&secret;</Description></Project>"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL], ids=["entities", "external"])
def test_entities_and_external_references_are_refused(text: str) -> None:
    with pytest.raises(ImportFailed) as error:
        read_xml(text.encode(), "project.qde")
    assert error.value.message.startswith("project.qde declares a DTD or XML entities (")
    assert "gioia refuses it (a hostile file?)" in error.value.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<Project", "project.qde: the XML is damaged at line 1, column 0 (unclosed token)."),
        (
            "<html><body/></html>",
            "project.qde is not a REFI-QDA project or codebook (its root element is <html>).",
        ),
        (
            '<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Users><User name="a"/>'
            "</Users></Project>",
            "project.qde: a <User> has no 'guid' attribute, which the standard requires.",
        ),
        (
            f'<Project name="x"><Sources><TextSource guid="{guid(1)}">'
            f'<PlainTextSelection guid="{guid(2)}" startPosition="x" endPosition="3"/>'
            "</TextSource></Sources></Project>",
            f"project.qde: the selection {guid(2)} has the position 'x', not a whole number.",
        ),
        ("", "project.qde: the XML is damaged at line 1, column 0 (no element found)."),
    ],
    ids=["truncated", "foreign", "no-guid", "bad-position", "empty"],
)
def test_a_broken_or_foreign_file_is_one_line_naming_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ImportFailed) as error:
        read_xml(text.encode(), "project.qde")
    assert error.value.message == message


def test_a_package_finds_internal_files_in_any_case_and_warns_about_bare_paths(
    tmp_path: Path,
) -> None:
    path = write_qdpx(
        tmp_path / "p.qdpx",
        '<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>',
        {"Sources/a.txt": b"A", "sources/b.txt": b"B"},
    )
    package = read_package(path)
    assert package.member("internal://a.txt") == ("Sources/a.txt", None)
    member, warning = package.member("b.txt")
    assert member == "sources/b.txt"
    assert warning == (
        "its path 'b.txt' lacks 'internal://' (not standard: NVivo reads such sources as "
        "empty); read from sources/b.txt"
    )
    assert package.member("relative://c.txt") == (
        None,
        "its file relative://c.txt is outside the package; gioia reads only internal files",
    )
    assert package.member("absolute:///etc/passwd")[0] is None
    assert package.member("internal://missing.txt") == (
        None,
        "its file internal://missing.txt is not in the package",
    )


def test_a_package_with_a_path_out_of_the_archive_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", '<Project name="x"/>')
        archive.writestr("../../escape.txt", "boo")
    with pytest.raises(ImportFailed) as error:
        read_package(path)
    assert error.value.message == (
        "evil.qdpx holds a file named '../../escape.txt' that points outside the archive; "
        "gioia does not read it."
    )


def test_a_zip_bomb_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bomb.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", '<Project name="x"/>')
        archive.writestr("sources/big.txt", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(ImportFailed, match=r"bomb.qdpx: sources/big.txt is compressed \d"):
        read_package(path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("p.qdpx", b"not a zip", "p.qdpx is not a zip archive or is damaged"),
        (
            "p.txt",
            b"",
            "p.txt is not a REFI-QDA file: gioia reads .qdpx projects and .qdc codebooks.",
        ),
        ("p.qdc", b'<Project name="x"/>', "p.qdc holds a project, not a codebook"),
    ],
)
def test_files_that_are_not_refi_qda(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFailed) as error:
        read_package(path)
    assert error.value.message.startswith(message)


def test_a_zip_without_a_project_is_named(tmp_path: Path) -> None:
    path = tmp_path / "p.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ImportFailed) as error:
        read_package(path)
    assert error.value.message == "p.qdpx holds no project.qde: it is not a REFI-QDA project."


def test_written_packages_are_deterministic(tmp_path: Path) -> None:
    project = sample_project()

    def rest() -> tuple[list[tuple[str, bytes]], dict[str, Any]]:
        return [(f"{guid(10)}.txt", b"Trust me")], {"gioia": 1}

    for name in ("one.qdpx", "two.qdpx"):
        write_package(tmp_path / name, project, iter(project.sources), rest)
    assert (tmp_path / "one.qdpx").read_bytes() == (tmp_path / "two.qdpx").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.qdpx") as archive:
        assert archive.namelist() == ["project.qde", f"sources/{guid(10)}.txt", "gioia.json"]
        assert archive.read("project.qde") == project_xml(project)
