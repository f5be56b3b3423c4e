"""From another program's code tree to the Gioia structure: which code is a dimension,
a theme or a concept.

A three-level tree maps directly. Deeper and shallower trees map by a rule:

``leaves`` (the default)
    Leaves are concepts, their parents themes and their grandparents dimensions. A code
    with leaves at several distances below it takes the level most of them give it (the
    lower one on a tie); a code above the dimensions is a folder, left out.
``D,T,C`` (depths, 1 at the top; ``-`` for a level not in the tree)
    Codes at depth D are dimensions, at T themes, at C concepts; codes between those
    depths and above D are folders, left out; a leaf above depth C is a concept.

Either way a code below a concept becomes a concept too, beside it in its theme (it is
*flattened*: nothing is merged, so no coding changes code); a code at or above its
parent's level is moved down one below it; a code that is not codable
(``isCodable="false"``) is a folder, left out. Codes that carry codings but are a theme,
a dimension or a folder give their codings to a concept of their own name. Names unique
at a level stay; a name used twice at one level gets its parent's name added.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from gioia.errors import InvalidInput
from gioia.limits import NAME_LENGTH, fit_name
from gioia.refi.model import Code
from gioia.text import name_key

#: gioia's longest name.
MAX_NAME = NAME_LENGTH
ROLES = ("concept", "theme", "dimension")
LEFT_OUT = "left out"
_FOLDER = 3  # rank of a code above the dimensions


@dataclass(frozen=True)
class Rule:
    """How depths map to levels: ``leaves``, or the depths of dimensions, themes and
    concepts (None: that level is not in the tree), or levels given per code."""

    leaves: bool = True
    dimension: int | None = None
    theme: int | None = None
    concept: int | None = None
    given: dict[str, str] | None = None

    def describe(self) -> str:
        """The rule in words, for the report."""
        if self.given is not None:
            return "levels as gioia exported them"
        if self.leaves:
            return "leaves are concepts, their parents themes, their grandparents dimensions"
        parts = [
            f"depth {depth} {word}s"
            for depth, word in ((self.dimension, "dimension"), (self.theme, "theme"))
            if depth is not None
        ]
        return ", ".join([*parts, f"depth {self.concept} and below concepts"])


def parse_rule(text: str) -> Rule:
    """``leaves`` or ``D,T,C`` (``-`` for a level the tree does not have)."""
    if text.strip().lower() == "leaves":
        return Rule()
    fields = [part.strip() for part in text.split(",")]
    try:
        if len(fields) != 3:
            raise ValueError
        depths = [None if f in ("-", "") else int(f) for f in fields]
    except ValueError:
        raise InvalidInput(
            f"--levels {text!r} is not a rule: give 'leaves', or the depths of dimensions, "
            "themes and concepts such as 1,2,3 (- for a level the tree lacks, as in -,1,2)."
        ) from None
    dimension, theme, concept = depths
    given = [d for d in depths if d is not None]
    if concept is None or any(d < 1 for d in given) or given != sorted(set(given)):
        raise InvalidInput(
            f"--levels {text!r}: the depths must grow from dimensions to themes to concepts "
            "(1 is the top) and concepts need a depth."
        )
    return Rule(False, dimension, theme, concept)


@dataclass(frozen=True)
class Placement:
    """Where one code went: its level and name there, the item above it, and why."""

    guid: str
    code: str
    depth: int
    role: str
    name: str | None
    parent: str | None
    concept: str | None
    """The concept its codings go to (itself, or a concept of its name), if any."""
    concept_theme: str | None = None
    """That concept's theme, if any."""
    notes: tuple[tuple[str, str], ...] = ()
    """(kind, what happened): kinds are ``flattened``, ``renamed``, ``left out``,
    ``no theme`` and ``codings`` (a concept of its name holds its codings)."""


@dataclass(frozen=True)
class Mapping:
    """The structure a code tree maps to, code by code in the tree's order."""

    rule: Rule
    placements: tuple[Placement, ...]


def clean_code_name(name: str) -> str:
    """A code's name as gioia can hold it (:func:`gioia.limits.fit_name`)."""
    return fit_name(name, "(unnamed code)")


def _leaf_ranks(codes: list[Code]) -> dict[str, int]:
    """Each code's rank by the leaves below it: 0 a leaf, else the distance most of its
    leaves are at (the smaller on a tie), at most ``_FOLDER``."""
    distances: dict[str, Counter[int]] = {}
    order: list[Code] = []
    stack = list(codes)
    while stack:
        code = stack.pop()
        order.append(code)
        stack.extend(code.children)
    for code in reversed(order):  # children before parents
        if not code.children:
            distances[code.guid] = Counter({0: 1})
            continue
        counts: Counter[int] = Counter()
        for child in code.children:
            for distance, n in distances[child.guid].items():
                counts[distance + 1] += n
        distances[code.guid] = counts
    ranks = {}
    for guid, counts in distances.items():
        best = max(counts.items(), key=lambda item: (item[1], -item[0]))[0]
        ranks[guid] = min(best, _FOLDER)
    return ranks


def _depth_rank(rule: Rule, code: Code, depth: int) -> int | None:
    """A code's rank under a depth rule; None for a folder between two levels."""
    assert rule.concept is not None
    if depth >= rule.concept or not code.children:
        return 0
    if depth == rule.theme:
        return 1
    if depth == rule.dimension:
        return 2
    lowest = min(d for d in (rule.dimension, rule.theme, rule.concept) if d is not None)
    return _FOLDER if depth < lowest else None


def map_codes(codes: list[Code], rule: Rule, coded: set[str]) -> Mapping:
    """Place every code of the tree (``coded``: the guids that carry codings)."""
    leaf_ranks = _leaf_ranks(codes) if rule.leaves and rule.given is None else {}
    taken: dict[str, set[str]] = {role: set() for role in ROLES}
    placements: list[Placement] = []
    # (code, depth, parent code name, nearest kept item: (rank, name), theme above)
    Frame = tuple[Code, int, str | None, tuple[int, str] | None, str | None]
    stack: list[Frame] = [(code, 1, None, None, None) for code in reversed(codes)]
    while stack:
        code, depth, parent_code, above, theme_above = stack.pop()
        label = clean_code_name(code.name)
        notes: list[tuple[str, str]] = []
        if rule.given is not None:
            given = rule.given.get(code.guid)
            rank: int | None = ROLES.index(given) if given in ROLES else None
        elif rule.leaves:
            rank = leaf_ranks[code.guid]
        else:
            rank = _depth_rank(rule, code, depth)
        limit, holder = above if above is not None else (_FOLDER + 1, "")
        if not code.codable:
            rank = None
            notes.append((LEFT_OUT, "not codable: a folder"))
        elif limit == 0:
            rank = 0
            notes.append(("flattened", f"a concept beside {holder!r}, which it was under"))
        elif rank is not None and rank >= limit:
            rank = limit - 1
            notes.append(
                ("flattened", f"a {ROLES[rank]}, as it is under the {ROLES[limit]} {holder!r}")
            )
        elif rank is None or rank >= _FOLDER:
            rank = None
            notes.append((LEFT_OUT, "a folder above or between the levels"))
        role = LEFT_OUT if rank is None else ROLES[rank]
        name = None
        parent = None
        if rank is not None:
            name = _unique(label, taken[role], parent_code, notes)
            if rank == 0:
                parent = theme_above
                if parent is None and above is not None and above[0] == 2:
                    notes.append(("no theme", f"directly under the dimension {above[1]!r}"))
            elif rank == 1 and above is not None and above[0] == 2:
                parent = above[1]
        concept, concept_theme = (name, parent) if rank == 0 else (None, None)
        if rank != 0 and code.guid in coded:
            concept = _unique(label, taken["concept"], parent_code, notes)
            concept_theme = name if rank == 1 else (theme_above if rank is None else None)
            notes.append(("codings", f"its codings go to the concept {concept!r}"))
        placements.append(
            Placement(
                code.guid,
                label,
                depth,
                role,
                name,
                parent,
                concept,
                concept_theme,
                tuple(notes),
            )
        )
        if rank is None:
            child_above, child_theme = above, theme_above
        else:
            assert name is not None
            child_above = (rank, name)
            child_theme = name if rank == 1 else (theme_above if rank == 0 else None)
        stack.extend(
            (child, depth + 1, label, child_above, child_theme) for child in reversed(code.children)
        )
    return Mapping(rule, tuple(placements))


def _unique(label: str, taken: set[str], parent: str | None, notes: list[tuple[str, str]]) -> str:
    """``label``, or with its parent's name (and a number) when a level has it already."""
    name = label
    if name_key(name) in taken:
        base = clean_code_name(f"{label} ({parent})") if parent else label
        name, number = base, 2
        while name_key(name) in taken:
            name, number = clean_code_name(f"{base} {number}"), number + 1
        notes.append(("renamed", f"{name!r}: the name is used twice"))
    taken.add(name_key(name))
    return name
