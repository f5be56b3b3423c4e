"""Reading QDA-XML (``project.qde``, ``.qdc``) into :mod:`gioia.refi.model`, safely.

The XML is parsed by ``defusedxml``'s parser: a DTD, entity declarations (billion laughs)
and external references are refused before anything is expanded. Its expat handlers for
elements and text are gioia's own, which build the model as the parse goes (no element
tree: a large project stays small in memory and quick to read). Element names are matched
without their namespace, so the project and codebook schemas (and files that leave the
namespace out) read alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from xml.etree.ElementTree import ParseError

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


_TEXT = frozenset({"Description", "PlainTextContent", *_VALUE_KINDS})
_CHUNK = 1 << 20


def read_xml(data: bytes | Iterable[bytes], where: str) -> Project:
    """The project or codebook in ``data``, bytes or chunks of them (the file ``where``,
    for messages).

    Raises ``ImportFailed`` naming ``where`` when the XML is damaged, declares a DTD or
    entities, or is not a REFI-QDA project or codebook.
    """
    import defusedxml
    from defusedxml.ElementTree import DefusedXMLParser

    reader = _Reader(where)
    parser = DefusedXMLParser(target=reader, forbid_dtd=True)
    expat = parser.parser
    expat.ordered_attributes = False
    # Character data outside text elements (the indentation) has no handler and no
    # default handler: expat drops it in C instead of calling Python for each run.
    expat.DefaultHandlerExpand = None
    expat.CharacterDataHandler = None
    expat.StartElementHandler, expat.EndElementHandler = _handlers(reader)
    reader.expat = expat  # the text handler is set inside text elements only
    chunks = (
        (data[at : at + _CHUNK] for at in range(0, len(data), _CHUNK))
        if isinstance(data, bytes)
        else data
    )
    try:
        for chunk in chunks:
            parser.feed(chunk)
        parser.close()
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
    """The state of one parse: the open elements and the objects they add to."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.project: Project | None = None
        self.path: list[str] = []  # local names of the open elements
        self.owners: list[Any] = []  # the model object each open element adds to
        self.text: list[str] | None = None  # the text of an open text element
        self.expat: Any = None
        self.shared: dict[str, str] = {}  # one copy of each user, code and time

    def require(self, attrs: dict[str, str], name: str, *names: str) -> list[str]:
        found = []
        for key in names:
            value = attrs.get(key)
            if value is None:
                raise ImportFailed(
                    f"{self.where}: a <{name}> has no {key!r} attribute, which the standard "
                    "requires."
                )
            found.append(value)
        return found

    def _owner(self, *kinds: type) -> Any:
        """The innermost open object of one of these types, or None."""
        for owner in reversed(self.owners):
            if isinstance(owner, kinds):
                return owner
        return None

    def data(self, text: str) -> None:
        if self.text is not None:
            self.text.append(text)

    def close(self) -> None:
        """The end of the document (the parser's target)."""

    def start_other(self, name: str, attrs: dict[str, str], owner: Any) -> Any:
        """Every element but those of a coding: returns what its children add to."""
        parent = self.path[-1] if self.path else None
        if name in _TEXT:
            self.text = []
            self.expat.CharacterDataHandler = self.data
        project = self.project
        if project is None:
            if name not in ("Project", "CodeBook"):
                raise ImportFailed(
                    f"{self.where} is not a REFI-QDA project or codebook "
                    f"(its root element is <{name}>)."
                )
            project = self.project = Project(
                name=attrs.get("name", ""),
                origin=attrs.get("origin"),
                creating_user=attrs.get("creatingUserGUID"),
                base_path=attrs.get("basePath"),
                codebook_only=name == "CodeBook",
            )
            owner = project
        elif name == "Code" and parent in ("Codes", "Code"):
            guid, code_name = self.require(attrs, name, "guid", "name")
            code = Code(guid, code_name, attrs.get("isCodable", "true").lower() != "false")
            holder = self._owner(Code)
            (holder.children if holder is not None else project.codes).append(code)
            owner = code
        elif name == "User":
            (guid,) = self.require(attrs, name, "guid")
            project.users.append(User(guid, attrs.get("name") or "", attrs.get("id")))
        elif name == "Variable":
            guid, variable_name = self.require(attrs, name, "guid", "name")
            owner = Variable(guid, variable_name, attrs.get("typeOfVariable", "Text"))
            project.variables.append(owner)
        elif name == "Case":
            (guid,) = self.require(attrs, name, "guid")
            owner = Case(guid, attrs.get("name"))
            project.cases.append(owner)
        elif name in SOURCE_KINDS and parent == "Sources":
            (guid,) = self.require(attrs, name, "guid")
            owner = Source(
                guid,
                name,
                name=attrs.get("name"),
                plain_path=attrs.get("plainTextPath"),
                rich_path=attrs.get("richTextPath") or attrs.get("path"),
                creating_user=attrs.get("creatingUser"),
                created=attrs.get("creationDateTime"),
            )
            project.sources.append(owner)
        elif name == "Note" and parent == "Notes":
            (guid,) = self.require(attrs, name, "guid")
            owner = Note(
                guid,
                attrs.get("name"),
                plain_path=attrs.get("plainTextPath"),
                creating_user=attrs.get("creatingUser"),
                created=attrs.get("creationDateTime"),
            )
            project.notes.append(owner)
        elif name in _OTHER_SELECTIONS and isinstance(owner, Source):
            owner.other_selections += 1
        elif name in ("CodeRef", "SelectionRef") and isinstance(owner, Case):
            owner.other_refs += 1
        elif name == "SourceRef" and isinstance(owner, Case):
            owner.sources.append(self.require(attrs, name, "targetGUID")[0])
        elif name == "NoteRef":
            (target,) = self.require(attrs, name, "targetGUID")
            holder = self._owner(Selection, Source, Code, Case, Note)
            if holder is None and parent == "Project":
                project.project_notes.append(target)
            elif isinstance(holder, Selection | Source | Code):
                holder.notes.append(target)
        elif name == "VariableValue" and isinstance(owner, Case | Source):
            value = VariableValue("", "")
            owner.values.append(value)
            owner = value
        elif name == "VariableRef" and isinstance(owner, VariableValue):
            (owner.variable,) = self.require(attrs, name, "targetGUID")
        elif name == "Set" and parent == "Sets":
            guid, set_name = self.require(attrs, name, "guid", "name")
            owner = CodeSet(guid, set_name)
            project.sets.append(owner)
        elif name == "MemberCode" and isinstance(owner, CodeSet):
            owner.codes.append(attrs.get("targetGUID") or attrs.get("guid") or "")
        elif name == "MemberSource" and isinstance(owner, CodeSet):
            owner.sources.append(attrs.get("targetGUID") or "")
        elif name == "Link":
            project.links += 1
        elif name == "Graph":
            project.graphs += 1
        return owner

    def end_other(self, name: str) -> None:
        """The end of a text element: its text goes to the object it belongs to."""
        holder = self.owners[-1] if self.owners else None
        text = "".join(self.text or [])
        self.text = None
        self.expat.CharacterDataHandler = None
        if name == "Description":
            if text.strip() and isinstance(
                holder, Code | Source | Selection | Case | CodeSet | Project
            ):
                holder.description = text
        elif name == "PlainTextContent":
            if isinstance(holder, Source):
                holder.content = text
            elif isinstance(holder, Note):
                holder.text = text
        elif isinstance(holder, VariableValue):
            holder.value, holder.kind = text.strip(), _VALUE_KINDS[name]


def _handlers(
    reader: _Reader,
) -> tuple[Callable[[str, dict[str, str]], None], Callable[[str], None]]:
    """The parser's start and end handlers for ``reader``: closures over its state, the
    three elements of every coding first (a project has 100,000 of them)."""
    path, owners = reader.path, reader.owners
    push_name, push_owner, pop_name, pop_owner = path.append, owners.append, path.pop, owners.pop
    names: dict[str, str] = {}
    share = reader.shared.setdefault
    start_other, end_other, require, where = (
        reader.start_other,
        reader.end_other,
        reader.require,
        reader.where,
    )

    def start(tag: str, attrs: dict[str, str]) -> None:
        name = names.get(tag)
        if name is None:
            name = names[tag] = tag.rpartition("}")[2]
        owner: Any = owners[-1] if owners else None
        kind = type(owner)
        if name == "CodeRef" and kind is Coding:
            target = attrs.get("targetGUID")
            if target is None:
                (target,) = require(attrs, name, "targetGUID")
            owner.code = share(target, target)
        elif name == "Coding" and (kind is Selection or kind is Source):
            guid = attrs.get("guid")
            if guid is None:
                (guid,) = require(attrs, name, "guid")
            user = attrs.get("creatingUser")
            created = attrs.get("creationDateTime")
            coding = Coding(
                guid,
                "",
                None if user is None else share(user, user),
                None if created is None else share(created, created),
            )
            owner.codings.append(coding)
            owner = coding
        elif name == "PlainTextSelection" and kind is Source:
            guid = attrs.get("guid")
            begin = attrs.get("startPosition")
            end = attrs.get("endPosition")
            if guid is None or begin is None or end is None:
                guid, begin, end = require(attrs, name, "guid", "startPosition", "endPosition")
            try:
                first, last = int(begin), int(end)
            except ValueError:
                first, last = _position(begin, where, guid), _position(end, where, guid)
            user = attrs.get("creatingUser")
            created = attrs.get("creationDateTime")
            selection = Selection(
                guid,
                first,
                last,
                attrs.get("name"),
                None if user is None else share(user, user),
                None if created is None else share(created, created),
            )
            owner.selections.append(selection)
            owner = selection
        else:
            owner = start_other(name, attrs, owner)
        push_name(name)
        push_owner(owner)

    def end(tag: str) -> None:
        name = pop_name()
        owner = pop_owner()
        if name == "Coding":
            if type(owner) is Coding and not owner.code:
                raise ImportFailed(
                    f"{where}: the coding {owner.guid} has no <CodeRef>, which the "
                    "standard requires."
                )
        elif name in _TEXT:
            end_other(name)

    return start, end


def _position(value: str, where: str, guid: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ImportFailed(
            f"{where}: the selection {guid} has the position {value!r}, not a whole number."
        ) from None
