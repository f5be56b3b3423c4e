"""Writing :mod:`gioia.refi.model` as QDA-XML: a ``project.qde`` or a ``.qdc`` codebook.

Elements come in the order of the schema's sequences, containers that would be empty are
left out (``<Sets/>`` is invalid), and the output depends only on the model: the same
project gives the same bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import IO

from gioia.refi.model import (
    CODEBOOK_NS,
    PROJECT_NS,
    Case,
    Code,
    CodeSet,
    Coding,
    Note,
    Project,
    Selection,
    Source,
    VariableValue,
)

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SAFE = re.compile(r"[0-9A-Za-z{}:.+-]*")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\n": "&#10;",
        "\r": "&#13;",
        "\t": "&#9;",
    }
)
_VALUE_ELEMENTS = {
    "Text": "TextValue",
    "Boolean": "BooleanValue",
    "Integer": "IntegerValue",
    "Float": "FloatValue",
    "Date": "DateValue",
    "DateTime": "DateTimeValue",
}


def _text(value: str) -> str:
    return _NOT_XML.sub("", value).translate(_TEXT_ESCAPES)


def _attrs(**values: str | int | None) -> str:
    """`` name="value"`` for each value given (None left out), in the order given."""
    return "".join(
        f' {name}="{_NOT_XML.sub("", str(value)).translate(_ATTR_ESCAPES)}"'
        for name, value in values.items()
        if value is not None
    )


class _Out:
    """Lines of XML, indented by depth, written to ``handle`` as they pile up."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.parts: list[str] = ['<?xml version="1.0" encoding="utf-8"?>\n']

    def flush(self) -> None:
        self.handle.write("".join(self.parts).encode("utf-8"))
        self.parts.clear()

    def empty(self, depth: int, tag: str, attrs: str = "") -> None:
        self.parts.append(f"{'  ' * depth}<{tag}{attrs}/>\n")

    def open(self, depth: int, tag: str, attrs: str = "") -> None:
        self.parts.append(f"{'  ' * depth}<{tag}{attrs}>\n")

    def close(self, depth: int, tag: str) -> None:
        self.parts.append(f"{'  ' * depth}</{tag}>\n")

    def text(self, depth: int, tag: str, value: str) -> None:
        self.parts.append(f"{'  ' * depth}<{tag}>{_text(value)}</{tag}>\n")


def project_xml(project: Project) -> bytes:
    """The ``project.qde`` of ``project``, valid against ``Project.xsd``."""
    buffer = io.BytesIO()
    write_project(buffer, project)
    return buffer.getvalue()


def write_project(
    handle: IO[bytes], project: Project, sources: Iterable[Source] | None = None
) -> None:
    """Write the ``project.qde`` of ``project`` to ``handle``; its sources are
    ``sources`` if given (made as they are written; the notes, sets and description are
    read after them), else ``project.sources``."""
    out = _Out(handle)
    out.open(
        0,
        "Project",
        _attrs(xmlns=PROJECT_NS, name=project.name, origin=project.origin)
        + _attrs(creatingUserGUID=project.creating_user),
    )
    if project.users:
        out.open(1, "Users")
        for user in project.users:
            out.empty(2, "User", _attrs(guid=user.guid, name=user.name, id=user.id))
        out.close(1, "Users")
    if project.codes:
        out.open(1, "CodeBook")
        _codes(out, 2, project.codes, notes=True)
        out.close(1, "CodeBook")
    if project.variables:
        out.open(1, "Variables")
        for variable in project.variables:
            out.empty(
                2,
                "Variable",
                _attrs(guid=variable.guid, name=variable.name, typeOfVariable=variable.kind),
            )
        out.close(1, "Variables")
    if project.cases:
        out.open(1, "Cases")
        for case in project.cases:
            _case(out, 2, case)
        out.close(1, "Cases")
    opened = False
    for source in project.sources if sources is None else sources:
        if not opened:
            out.open(1, "Sources")
            opened = True
        _source(out, 2, source)
        out.flush()
    if opened:
        out.close(1, "Sources")
    if project.notes:
        out.open(1, "Notes")
        for note in project.notes:
            _note(out, 2, note)
        out.close(1, "Notes")
    if project.sets:
        out.open(1, "Sets")
        for code_set in project.sets:
            _set(out, 2, code_set, member="targetGUID")
        out.close(1, "Sets")
    if project.description:
        out.text(1, "Description", project.description)
    for guid in project.project_notes:
        out.empty(1, "NoteRef", _attrs(targetGUID=guid))
    out.close(0, "Project")
    out.flush()


def codebook_xml(project: Project) -> bytes:
    """The ``.qdc`` codebook of ``project`` (codes, definitions, sets), valid against
    ``Codebook.xsd``."""
    buffer = io.BytesIO()
    out = _Out(buffer)
    out.open(0, "CodeBook", _attrs(xmlns=CODEBOOK_NS, origin=project.origin))
    _codes(out, 1, project.codes, notes=False)
    if project.sets:
        out.open(1, "Sets")
        for code_set in project.sets:
            _set(out, 2, code_set, member="guid")
        out.close(1, "Sets")
    out.close(0, "CodeBook")
    out.flush()
    return buffer.getvalue()


def _codes(out: _Out, depth: int, codes: list[Code], *, notes: bool) -> None:
    """``<Codes>`` and the tree below it, without recursion (trees can be deep)."""
    out.open(depth, "Codes")
    stack: list[tuple[Code, int, bool]] = [(code, depth + 1, False) for code in reversed(codes)]
    while stack:
        code, level, closing = stack.pop()
        if closing:
            out.close(level, "Code")
            continue
        attrs = _attrs(
            guid=code.guid, name=code.name, isCodable="true" if code.codable else "false"
        )
        refs = code.notes if notes else []
        if not (code.description or refs or code.children):
            out.empty(level, "Code", attrs)
            continue
        out.open(level, "Code", attrs)
        if code.description:
            out.text(level + 1, "Description", code.description)
        for guid in refs:
            out.empty(level + 1, "NoteRef", _attrs(targetGUID=guid))
        stack.append((code, level, True))
        stack.extend((child, level + 1, False) for child in reversed(code.children))
    out.close(depth, "Codes")


def _values(out: _Out, depth: int, values: list[VariableValue]) -> None:
    for value in values:
        out.open(depth, "VariableValue")
        out.empty(depth + 1, "VariableRef", _attrs(targetGUID=value.variable))
        out.text(depth + 1, _VALUE_ELEMENTS[value.kind], value.value)
        out.close(depth, "VariableValue")


def _case(out: _Out, depth: int, case: Case) -> None:
    attrs = _attrs(guid=case.guid, name=case.name)
    if not (case.description or case.values or case.sources):
        out.empty(depth, "Case", attrs)
        return
    out.open(depth, "Case", attrs)
    if case.description:
        out.text(depth + 1, "Description", case.description)
    _values(out, depth + 1, case.values)
    for guid in case.sources:
        out.empty(depth + 1, "SourceRef", _attrs(targetGUID=guid))
    out.close(depth, "Case")


def _a(value: str) -> str:
    """An attribute's value, escaped unless it is plainly safe (GUIDs, numbers, times)."""
    if (value.isascii() and value.replace("-", "").isalnum()) or _SAFE.fullmatch(value):
        return value  # the first test, in C, passes a GUID without the regex
    return _NOT_XML.sub("", value).translate(_ATTR_ESCAPES)


def _coding(out: _Out, depth: int, coding: Coding) -> None:
    pad = "  " * depth
    user = f' creatingUser="{_a(coding.creating_user)}"' if coding.creating_user else ""
    created = f' creationDateTime="{_a(coding.created)}"' if coding.created else ""
    out.parts.append(
        f'{pad}<Coding guid="{_a(coding.guid)}"{user}{created}>\n'
        f'{pad}  <CodeRef targetGUID="{_a(coding.code)}"/>\n{pad}</Coding>\n'
    )


def _selection(out: _Out, depth: int, selection: Selection) -> None:
    """A selection, written directly (an export writes one per coding)."""
    pad = "  " * depth
    name = f' name="{_a(selection.name)}"' if selection.name is not None else ""
    user = f' creatingUser="{_a(selection.creating_user)}"' if selection.creating_user else ""
    created = f' creationDateTime="{_a(selection.created)}"' if selection.created else ""
    out.parts.append(
        f'{pad}<PlainTextSelection guid="{_a(selection.guid)}"{name} '
        f'startPosition="{selection.start}" endPosition="{selection.end}"{user}{created}>\n'
    )
    if selection.description:
        out.text(depth + 1, "Description", selection.description)
    for coding in selection.codings:
        _coding(out, depth + 1, coding)
    for guid in selection.notes:
        out.empty(depth + 1, "NoteRef", _attrs(targetGUID=guid))
    out.close(depth, "PlainTextSelection")


def _source(out: _Out, depth: int, source: Source) -> None:
    out.open(
        depth,
        "TextSource",
        _attrs(
            guid=source.guid,
            name=source.name,
            richTextPath=source.rich_path,
            plainTextPath=source.plain_path,
            creatingUser=source.creating_user,
            creationDateTime=source.created,
        ),
    )
    if source.description:
        out.text(depth + 1, "Description", source.description)
    if source.content is not None:
        out.text(depth + 1, "PlainTextContent", source.content)
    for selection in source.selections:
        _selection(out, depth + 1, selection)
    for coding in source.codings:
        _coding(out, depth + 1, coding)
    for guid in source.notes:
        out.empty(depth + 1, "NoteRef", _attrs(targetGUID=guid))
    _values(out, depth + 1, source.values)
    out.close(depth, "TextSource")


def _note(out: _Out, depth: int, note: Note) -> None:
    attrs = _attrs(
        guid=note.guid,
        name=note.name,
        plainTextPath=note.plain_path,
        creatingUser=note.creating_user,
        creationDateTime=note.created,
    )
    if note.text is None:
        out.empty(depth, "Note", attrs)
        return
    out.open(depth, "Note", attrs)
    out.text(depth + 1, "PlainTextContent", note.text)
    out.close(depth, "Note")


def _set(out: _Out, depth: int, code_set: CodeSet, *, member: str) -> None:
    out.open(depth, "Set", _attrs(guid=code_set.guid, name=code_set.name))
    if code_set.description:
        out.text(depth + 1, "Description", code_set.description)
    for guid in code_set.codes:
        out.empty(depth + 1, "MemberCode", _attrs(**{member: guid}))
    if member == "targetGUID":
        for guid in code_set.sources:
            out.empty(depth + 1, "MemberSource", _attrs(targetGUID=guid))
    out.close(depth, "Set")
