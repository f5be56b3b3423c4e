"""Reading QDA-XML (``project.qde``, ``.qdc``) into :mod:`gioia.refi.model`, safely.

The XML is parsed with ``defusedxml`` in one streaming pass: a DTD, entity declarations
(billion laughs) and external references are refused before anything is expanded, and
finished elements are cleared as the parse goes so a large project stays small in memory.
Element names are matched without their namespace, so the project and codebook schemas
(and files that leave the namespace out) read alike.
"""

from __future__ import annotations

import io
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from gioia.errors import ImportFailed
from gioia.refi.model import (
    Case,
    Code,
    CodeSet,
    Coding,
    Note,
    Project,
    Selection,
    Source,
    User,
    Variable,
    VariableValue,
)

SOURCE_KINDS = ("TextSource", "PictureSource", "PDFSource", "AudioSource", "VideoSource")
_OTHER_SELECTIONS = (
    "PictureSelection",
    "PDFSelection",
    "AudioSelection",
    "VideoSelection",
    "TranscriptSelection",
)
_VALUE_KINDS = {
    "TextValue": "Text",
    "BooleanValue": "Boolean",
    "IntegerValue": "Integer",
    "FloatValue": "Float",
    "DateValue": "Date",
    "DateTimeValue": "DateTime",
}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_xml(data: bytes, where: str) -> Project:
    """The project or codebook in ``data`` (the file ``where``, for messages).

    Raises ``ImportFailed`` naming ``where`` when the XML is damaged, declares a DTD or
    entities, or is not a REFI-QDA project or codebook.
    """
    import defusedxml
    from defusedxml.ElementTree import iterparse

    reader = _Reader(where)
    try:
        for event, element in iterparse(io.BytesIO(data), events=("start", "end"), forbid_dtd=True):
            if event == "start":
                reader.start(element)
            else:
                reader.end(element)
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        reason = str(exc).split(":")[0]
        raise ImportFailed(
            f"{where}: the XML is damaged at line {line}, column {column} ({reason})."
        ) from None
    except defusedxml.DefusedXmlException as exc:
        raise ImportFailed(
            f"{where} declares a DTD or XML entities ({type(exc).__name__}), which a "
            "REFI-QDA file never needs: gioia refuses it (a hostile file?)."
        ) from None
    if reader.project is None:
        raise ImportFailed(f"{where} is empty.")
    return reader.project


class _Reader:
    """The state of one streaming parse: what the open elements belong to."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.project: Project | None = None
        self.path: list[str] = []  # local names of the open elements
        self.owners: list[Any] = []  # the model object each open element adds to
        self.values: list[VariableValue] = []

    def _require(self, element: Element, *names: str) -> list[str]:
        found = []
        for name in names:
            value = element.get(name)
            if value is None:
                raise ImportFailed(
                    f"{self.where}: a <{_local(element.tag)}> has no {name!r} attribute, "
                    "which the standard requires."
                )
            found.append(value)
        return found

    def _owner(self, *kinds: type) -> Any:
        """The innermost open object of one of these types, or None."""
        for owner in reversed(self.owners):
            if isinstance(owner, kinds):
                return owner
        return None

    def start(self, element: Element) -> None:
        name = _local(element.tag)
        parent = self.path[-1] if self.path else None
        self.path.append(name)
        owner: Any = self.owners[-1] if self.owners else None
        project = self.project
        if project is None:
            if name not in ("Project", "CodeBook"):
                raise ImportFailed(
                    f"{self.where} is not a REFI-QDA project or codebook "
                    f"(its root element is <{name}>)."
                )
            project = self.project = Project(
                name=element.get("name", ""),
                origin=element.get("origin"),
                creating_user=element.get("creatingUserGUID"),
                base_path=element.get("basePath"),
                codebook_only=name == "CodeBook",
            )
            owner = project
        elif name == "User":
            (guid,) = self._require(element, "guid")
            project.users.append(User(guid, element.get("name") or "", element.get("id")))
        elif name == "Code" and parent in ("Codes", "Code"):
            guid, code_name = self._require(element, "guid", "name")
            code = Code(guid, code_name, element.get("isCodable", "true").lower() != "false")
            holder = self._owner(Code)
            (holder.children if holder is not None else project.codes).append(code)
            owner = code
        elif name == "Variable":
            guid, variable_name = self._require(element, "guid", "name")
            owner = Variable(guid, variable_name, element.get("typeOfVariable", "Text"))
            project.variables.append(owner)
        elif name == "Case":
            (guid,) = self._require(element, "guid")
            owner = Case(guid, element.get("name"))
            project.cases.append(owner)
        elif name in SOURCE_KINDS and parent == "Sources":
            (guid,) = self._require(element, "guid")
            owner = Source(
                guid,
                name,
                name=element.get("name"),
                plain_path=element.get("plainTextPath"),
                rich_path=element.get("richTextPath") or element.get("path"),
                creating_user=element.get("creatingUser"),
                created=element.get("creationDateTime"),
            )
            project.sources.append(owner)
        elif name == "Note" and parent == "Notes":
            (guid,) = self._require(element, "guid")
            owner = Note(
                guid,
                element.get("name"),
                plain_path=element.get("plainTextPath"),
                creating_user=element.get("creatingUser"),
                created=element.get("creationDateTime"),
            )
            project.notes.append(owner)
        elif name == "PlainTextSelection" and isinstance(owner, Source):
            guid, start, end = self._require(element, "guid", "startPosition", "endPosition")
            owner = Selection(
                guid,
                _position(start, self.where, guid),
                _position(end, self.where, guid),
                name=element.get("name"),
                creating_user=element.get("creatingUser"),
                created=element.get("creationDateTime"),
            )
            self.owners[-1].selections.append(owner)
        elif name in _OTHER_SELECTIONS and isinstance(owner, Source):
            owner.other_selections += 1
        elif name == "Coding" and isinstance(owner, Selection | Source):
            (guid,) = self._require(element, "guid")
            coding = Coding(guid, "", element.get("creatingUser"), element.get("creationDateTime"))
            owner.codings.append(coding)
            owner = coding
        elif name == "CodeRef" and isinstance(owner, Coding):
            (owner.code,) = self._require(element, "targetGUID")
        elif name in ("CodeRef", "SelectionRef") and isinstance(owner, Case):
            owner.other_refs += 1
        elif name == "SourceRef" and isinstance(owner, Case):
            owner.sources.append(self._require(element, "targetGUID")[0])
        elif name == "NoteRef":
            (target,) = self._require(element, "targetGUID")
            holder = self._owner(Selection, Source, Code, Case)
            if holder is None and parent == "Project":
                project.project_notes.append(target)
            elif isinstance(holder, Selection | Source | Code):
                holder.notes.append(target)
        elif name == "VariableValue" and isinstance(owner, Case | Source):
            value = VariableValue("", "")
            owner.values.append(value)
            owner = value
        elif name == "VariableRef" and isinstance(owner, VariableValue):
            (owner.variable,) = self._require(element, "targetGUID")
        elif name == "Set" and parent == "Sets":
            guid, set_name = self._require(element, "guid", "name")
            owner = CodeSet(guid, set_name)
            project.sets.append(owner)
        elif name == "MemberCode" and isinstance(owner, CodeSet):
            owner.codes.append(element.get("targetGUID") or element.get("guid") or "")
        elif name == "MemberSource" and isinstance(owner, CodeSet):
            owner.sources.append(element.get("targetGUID") or "")
        elif name == "Link":
            project.links += 1
        elif name == "Graph":
            project.graphs += 1
        self.owners.append(owner)

    def end(self, element: Element) -> None:
        name = self.path.pop()
        owner = self.owners.pop()
        holder = self.owners[-1] if self.owners else None
        text = element.text or ""
        if name == "Description" and holder is not None and text.strip():
            if isinstance(holder, Code | Source | Selection | Case | CodeSet | Project):
                holder.description = text
        elif name == "PlainTextContent" and isinstance(holder, Source | Note):
            if isinstance(holder, Source):
                holder.content = text
            else:
                holder.text = text
        elif name in _VALUE_KINDS and isinstance(holder, VariableValue):
            holder.value, holder.kind = text.strip(), _VALUE_KINDS[name]
        elif name == "Coding" and isinstance(owner, Coding) and not owner.code:
            raise ImportFailed(
                f"{self.where}: the coding {owner.guid} has no <CodeRef>, which the "
                "standard requires."
            )
        if name in ("PlainTextSelection", "Code", "TextSource", "Note", "Case", "Coding"):
            element.clear()


def _position(value: str, where: str, guid: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ImportFailed(
            f"{where}: the selection {guid} has the position {value!r}, not a whole number."
        ) from None
