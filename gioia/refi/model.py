"""A REFI-QDA project or codebook as plain data: what ``read`` returns and ``write`` takes.

The classes follow QDA-XML 1.0 (``Project.xsd``, ``Codebook.xsd``) closely, keeping only
what gioia reads or writes; what gioia does not read (pictures, PDFs, audio, video, links,
graphs) is counted so that an import can say what it left out. Times are ISO 8601 strings
as the file holds them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"


@dataclass(slots=True)
class User:
    """A user (a coder)."""

    guid: str
    name: str
    id: str | None = None


@dataclass(slots=True)
class Code:
    """A code of the code book, with its children in order."""

    guid: str
    name: str
    codable: bool = True
    description: str | None = None
    notes: list[str] = field(default_factory=list)
    children: list[Code] = field(default_factory=list)


@dataclass(slots=True)
class Coding:
    """One code applied to a selection (or to a whole source)."""

    guid: str
    code: str
    creating_user: str | None = None
    created: str | None = None


@dataclass(slots=True)
class Selection:
    """A ``PlainTextSelection``: a span of a text source and its codings and notes."""

    guid: str
    start: int
    end: int
    name: str | None = None
    creating_user: str | None = None
    created: str | None = None
    description: str | None = None
    codings: list[Coding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Variable:
    """A variable (an attribute) that cases and sources give values to."""

    guid: str
    name: str
    kind: str = "Text"


@dataclass(slots=True)
class VariableValue:
    """A case's or source's value of a variable, as text."""

    variable: str
    value: str
    kind: str = "Text"


@dataclass(slots=True)
class Source:
    """A source: a text source with its selections, or another kind gioia counts only.

    ``kind`` is the element name (``TextSource``, ``PDFSource``, …); a text source's
    text is in ``content`` (``PlainTextContent``) or in the file ``plain_path`` names.
    """

    guid: str
    kind: str = "TextSource"
    name: str | None = None
    plain_path: str | None = None
    rich_path: str | None = None
    content: str | None = None
    description: str | None = None
    creating_user: str | None = None
    created: str | None = None
    selections: list[Selection] = field(default_factory=list)
    codings: list[Coding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    values: list[VariableValue] = field(default_factory=list)
    other_selections: int = 0
    """Selections of a kind gioia does not read (pictures, PDF pages, audio, video)."""


@dataclass(slots=True)
class Case:
    """A case, with its variable values and the sources it holds."""

    guid: str
    name: str | None = None
    description: str | None = None
    values: list[VariableValue] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    other_refs: int = 0
    """Code and selection references, which gioia's cases do not hold."""


@dataclass(slots=True)
class Note:
    """A note (a memo): its text inline or in a file of the package."""

    guid: str
    name: str | None = None
    text: str | None = None
    plain_path: str | None = None
    creating_user: str | None = None
    created: str | None = None


@dataclass(slots=True)
class CodeSet:
    """A set of codes (and sources) under a name."""

    guid: str
    name: str
    description: str | None = None
    codes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Project:
    """A ``Project`` (a ``.qdpx``'s ``project.qde``) or, with ``codebook_only``, a
    ``CodeBook`` (a ``.qdc``)."""

    name: str = ""
    origin: str | None = None
    creating_user: str | None = None
    base_path: str | None = None
    users: list[User] = field(default_factory=list)
    codes: list[Code] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    sets: list[CodeSet] = field(default_factory=list)
    description: str | None = None
    project_notes: list[str] = field(default_factory=list)
    links: int = 0
    graphs: int = 0
    codebook_only: bool = False


def walk_codes(codes: list[Code]) -> list[tuple[Code, int]]:
    """Every code of a tree with its depth (1 at the top), parents before children, in
    order; without recursion (a tree can be thousands deep)."""
    found: list[tuple[Code, int]] = []
    stack = [(code, 1) for code in reversed(codes)]
    while stack:
        code, depth = stack.pop()
        found.append((code, depth))
        stack.extend((child, depth + 1) for child in reversed(code.children))
    return found


def iso(moment: dt.datetime | None) -> str | None:
    """A stored (naive UTC) time as ``xsd:dateTime``, microseconds kept when there are."""
    return None if moment is None else f"{moment.isoformat()}Z"


_PLAIN_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{6})?Z")


@functools.lru_cache(maxsize=4096)
def parse_time(value: str | None) -> dt.datetime | None:
    """An ``xsd:dateTime`` as a naive UTC time (as the store keeps times), or None.

    Cached: a program often stamps many codings with one time."""
    if not value:
        return None
    if _PLAIN_UTC.fullmatch(value):  # the usual shape, read directly
        return dt.datetime.fromisoformat(value[:-1])
    text = value.strip().replace("Z", "+00:00")
    date, sep, rest = text.partition("T")
    if "." in rest:  # at most microseconds
        head, _, tail = rest.partition(".")
        digits = "".join(ch for ch in tail if ch.isdigit())
        rest = f"{head}.{digits[:6].ljust(6, '0')}{tail[len(digits) :]}"
    try:
        moment = dt.datetime.fromisoformat(f"{date}{sep}{rest}")
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment
