"""The levels of the data structure and how they link, read with Core statements: a
concept's themes and a theme's dimensions, the primary parent first (see
``gioia.ops.parents`` for changing them)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import numpy.typing as npt
from sqlalchemy import Column, Table, select

from gioia import schema
from gioia.errors import InvalidInput
from gioia.ops.base import Tx

IntArray = npt.NDArray[np.intp]

#: The levels of the data structure, first-order up.
LEVELS = ("concept", "theme", "dimension")


def check_level(word: str) -> None:
    """Refuse a word that is not one of the levels."""
    if word not in LEVELS:
        raise InvalidInput(f"{word!r} is not a level: choose concept, theme or dimension.")


#: For concepts and themes: the child table and its primary parent's column; the table
#: of its extra parents with its child and parent columns.
_LINKS: dict[str, tuple[Table, Column[int], Table, Column[int], Column[int]]] = {
    "concept": (
        schema.concepts,
        schema.concepts.c.theme_id,
        schema.concept_extra_themes,
        schema.concept_extra_themes.c.concept_id,
        schema.concept_extra_themes.c.theme_id,
    ),
    "theme": (
        schema.themes,
        schema.themes.c.dimension_id,
        schema.theme_extra_dimensions,
        schema.theme_extra_dimensions.c.theme_id,
        schema.theme_extra_dimensions.c.dimension_id,
    ),
}


def parent_map(tx: Tx, word: str) -> dict[int, list[int]]:
    """Every child's parent ids (concepts' themes or themes' dimensions), primary first."""
    child, primary, extra, extra_child, extra_parent = _LINKS[word]
    found: dict[int, list[int]] = defaultdict(list)
    query = select(child.c.id.label("child"), primary.label("parent"))
    for row in tx.execute(query.where(primary.is_not(None))):
        found[row.child].append(row.parent)
    more = select(extra_child.label("child"), extra_parent.label("parent"))
    for row in tx.execute(more.order_by(extra_child, extra.c.position, extra_parent)):
        found[row.child].append(row.parent)
    return dict(found)


def level_codes(tx: Tx, level: str) -> tuple[IntArray, IntArray]:
    """What a coding of each concept applies at ``level``: the concept itself, its themes,
    or their dimensions (several where the project shares concepts; none where it is
    outside the tree), as pairs (concept, code) sorted by concept."""
    concepts = schema.concepts.c
    held: dict[int, list[int]]
    if level == "concept":
        ids = tx.execute(select(concepts.id)).scalars().all()
        held = {c: [c] for c in ids}
    else:
        held = parent_map(tx, "concept")
    if level == "dimension":
        dimensions = parent_map(tx, "theme")
        held = {
            c: list(dict.fromkeys(d for t in themes for d in dimensions.get(t, ())))
            for c, themes in held.items()
        }
    pairs = np.array([(c, code) for c in sorted(held) for code in held[c]], dtype=np.intp).reshape(
        -1, 2
    )
    return pairs[:, 0], pairs[:, 1]
