"""Whose a concept's name is: the team's (shared) or one coder's (private).

In open coding a coder's new concept is private to them (``concepts.scope`` is their
id) until the structure adopts it; a concept under a theme, one the project lead made,
and every concept in codebook coding is shared (``SHARED_SCOPE``). Names are unique per
scope, so two coders may each have a private "Trust" without either learning of the
other's, and a shared name is unique store-wide (kept here): a name means one concept to
each coder, the shared one or their own.

The project lead (and a coder who passes ``--show-others``) sees every concept; one
that is private to a coder reads as ``Trust [Ana]``, and that is also how to name it.
Making a private concept shared (assigning it to a theme, a structure file, a merge of
two coders' concepts, the move to codebook coding) is refused while another concept has
its name: the lead merges or renames them first, never a silent join.

Core statements only (a one-shot ``gioia tag`` loads no ORM); a concept is anything
with ``id``, ``name`` and ``scope``: a :class:`ConceptRow` or a mapped ``Concept``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from sqlalchemy import Select, bindparam, select, update

from gioia import schema
from gioia.errors import InvalidInput
from gioia.ops.visibility import phase
from gioia.schema import SHARED_SCOPE
from gioia.text import name_key

if TYPE_CHECKING:
    from gioia.ops.base import Identified, Tx

_concepts, _coders = schema.concepts.c, schema.coders.c
_QUALIFIED = re.compile(r"^(?P<name>.*?\S)\s*\[(?P<owner>[^\[\]]+)\]$")


class ConceptRow(NamedTuple):
    """A concept as a use case needs one: id, name and scope."""

    id: int
    name: str
    scope: int = SHARED_SCOPE


class Scoped(Protocol):
    """A concept row or a mapped concept."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def scope(self) -> int: ...


@cache
def _named_query() -> Select[Any]:
    """The concepts called ``key`` in the scopes ``scopes``, shared first."""
    return (
        select(_concepts.id, _concepts.name, _concepts.scope)
        .where(
            _concepts.name_key == bindparam("key"),
            _concepts.scope.in_(bindparam("scopes", expanding=True)),
        )
        .order_by(_concepts.scope)
        .limit(1)
    )


def scope_for(tx: Tx, creator: Identified | None) -> int:
    """The scope of a concept ``creator`` makes now: theirs in open coding; shared when
    the project lead makes it (None) or the project codes from a codebook."""
    return scopes_for(tx, [creator])[0]


def scopes_for(tx: Tx, creators: list[Identified | None]) -> list[int]:
    """The scope of each concept these creators make now (see :func:`scope_for`)."""
    coding_open = phase(tx) == "open"
    return [c.id if c is not None and coding_open else SHARED_SCOPE for c in creators]


def owners(tx: Tx, concepts: Iterable[Scoped]) -> dict[int, str]:
    """The names of the coders whose private concepts these are, by coder id."""
    ids = sorted({c.scope for c in concepts if c.scope != SHARED_SCOPE})
    if not ids:
        return {}
    rows = tx.execute(select(_coders.id, _coders.name).where(_coders.id.in_(ids)))
    return {row.id: row.name for row in rows}


def label(name: str, scope: int, owner: str | None, me: int | None) -> str:
    """How a concept's name reads to the coder ``me`` (None: the project lead): another
    coder's private concept as ``Trust [Ana]``, any other as its name."""
    if scope in (SHARED_SCOPE, me) or owner is None:
        return name
    return f"{name} [{owner}]"


def label_of(tx: Tx, concept: Scoped) -> str:
    """How ``concept``'s name reads to the acting coder (see :func:`label`)."""
    owner = owners(tx, [concept]).get(concept.scope)
    return label(concept.name, concept.scope, owner, tx.viewer.me)


def labels(tx: Tx) -> dict[int, str]:
    """Every concept the acting coder may see, id -> label."""
    query = (
        select(_concepts.id, _concepts.name, _concepts.scope, _coders.name.label("owner"))
        .outerjoin(schema.coders, _coders.id == _concepts.scope)
        .where(tx.viewer.concept_clause())
    )
    me = tx.viewer.me
    return {r.id: label(r.name, r.scope, r.owner, me) for r in tx.execute(query)}


def unqualified(named: str) -> str:
    """A private concept's name without its owner (``Trust [Ana]`` -> ``Trust``)."""
    qualified = _QUALIFIED.match(named.strip())
    return qualified["name"] if qualified is not None else named


def of_coder(tx: Tx, name: str, coder_id: int | None) -> ConceptRow | None:
    """The concept ``name`` means to the coder ``coder_id`` (None: the project lead):
    the shared one, or their own private one. Never another coder's."""
    scopes = [SHARED_SCOPE] if coder_id is None else [SHARED_SCOPE, coder_id]
    row = tx.execute(_named_query(), {"key": name_key(name), "scopes": scopes}).first()
    return ConceptRow(row.id, row.name, row.scope) if row is not None else None


def resolve(tx: Tx, name: str) -> ConceptRow | None:
    """The concept a name means to the acting coder, if any they may see: the shared one
    or their own; else, to a viewer who sees everyone's work (the project lead, or
    ``--show-others``), ``NAME [CODER]`` names CODER's private concept, and a plain name
    the one private concept of that name (several: an error naming them)."""
    viewer = tx.viewer
    found = of_coder(tx, name, viewer.me)
    if found is not None or viewer.blind:
        return found
    qualified = _QUALIFIED.match(name.strip())
    if qualified is not None:
        owner = tx.execute(
            select(_coders.id).where(_coders.name_key == name_key(qualified["owner"]))
        ).scalar()
        if owner is not None:
            found = of_coder(tx, qualified["name"], owner)
            if found is not None and found.scope == owner:
                return found
    rows = tx.execute(
        select(_concepts.id, _concepts.name, _concepts.scope)
        .where(_concepts.name_key == name_key(name), _concepts.scope != SHARED_SCOPE)
        .order_by(_concepts.id)
    )
    private = [ConceptRow(r.id, r.name, r.scope) for r in rows]
    if len(private) > 1:
        named = [label_of(tx, c) for c in private]
        raise InvalidInput(
            f"{name.strip()!r} names {len(private)} coders' private concepts "
            f"({', '.join(map(repr, named))}): name one as {named[0]!r}, or merge them "
            f'(gioia concept merge "{named[1]}" --into "{named[0]}").'
        )
    return private[0] if private else None


def clash(tx: Tx, key: str, scope: int, *, besides: Sequence[int] = ()) -> ConceptRow | None:
    """A concept (other than ``besides``) whose name ``key`` a concept of ``scope``
    may not take: one of the same scope or a shared one, and for a shared concept any."""
    query = select(_concepts.id, _concepts.name, _concepts.scope).where(_concepts.name_key == key)
    if besides:
        query = query.where(_concepts.id.not_in(list(besides)))
    if scope != SHARED_SCOPE:
        query = query.where(_concepts.scope.in_([SHARED_SCOPE, scope]))
    row = tx.execute(query.order_by(_concepts.scope, _concepts.id).limit(1)).first()
    return ConceptRow(row.id, row.name, row.scope) if row is not None else None


def refuse_clash(
    tx: Tx, other: Scoped, doing: str, *, subject: Scoped | None = None, more: str = ""
) -> InvalidInput:
    """The error for a concept name that ``other`` has: ``doing`` says what it would
    have done ("adopt 'Trust [Ben]' into the structure"), ``subject`` is the concept
    that would take the name (None: a new one). A blind coder is never told of another
    coder's private concept."""
    viewer = tx.viewer
    if viewer.blind and other.scope not in (SHARED_SCOPE, viewer.me):
        return InvalidInput(f"Cannot {doing}: the name is taken; choose another.")
    theirs = label_of(tx, other)
    if theirs == other.name:  # shared, or the acting coder's own
        merge = ": merge them with `gioia concept merge`" if subject else ""
        return InvalidInput(f"A concept named {other.name!r} already exists{merge}.")
    if subject is None:
        return InvalidInput(
            f"Cannot {doing}: {theirs!r}, a coder's private concept, has that name. Share "
            f'it (gioia assign "{theirs}" --theme THEME) or choose another name.'
        )
    named = label_of(tx, subject)
    clashing = (
        f"{named!r} and {theirs!r} have the same name"
        if name_key(subject.name) == name_key(other.name)
        else f"{theirs!r} has that name"
    )
    return InvalidInput(
        f"Cannot {doing}: {clashing}. Merge them "
        f'(gioia concept merge "{named}" --into "{theirs}") or rename one first{more}.'
    )


def share(tx: Tx, concept: Scoped, doing: str, *, besides: Sequence[int] = ()) -> bool:
    """Make a coder's private concept the team's, recorded; refused while another
    concept (other than ``besides``) has its name (``doing``: what is refused, "{!r}"
    standing for the concept, as "adopt {!r} into the structure"). False if it was
    shared already. A mapped concept is changed in the session, a row in the store."""
    if concept.scope == SHARED_SCOPE:
        return False
    named = label_of(tx, concept)
    other = clash(tx, name_key(concept.name), SHARED_SCOPE, besides=[concept.id, *besides])
    if other is not None:
        raise refuse_clash(tx, other, doing.format(named), subject=concept)
    owner = owners(tx, [concept]).get(concept.scope)
    if isinstance(concept, ConceptRow):
        tx.execute(
            update(schema.concepts).where(_concepts.id == concept.id).values(scope=SHARED_SCOPE)
        )
    else:
        concept.scope = SHARED_SCOPE  # type: ignore[misc]
    tx.record(
        "share",
        "concept",
        f"{owner}'s concept {concept.name!r} is shared with the team",
        subject_id=concept.id,
        concept_id=concept.id,
        before={"private_to": owner},
        after={"private_to": None},
    )
    return True


def share_all(tx: Tx, doing: str) -> list[str]:
    """Make every private concept shared (the move to codebook coding); refused, naming
    the first clash and how many there are, while two concepts share a name. Returns
    the names made shared, as they read before."""
    rows = tx.execute(
        select(_concepts.id, _concepts.name, _concepts.scope)
        .where(_concepts.scope != SHARED_SCOPE)
        .order_by(_concepts.name_key, _concepts.id)
    )
    private = [ConceptRow(r.id, r.name, r.scope) for r in rows]
    if not private:
        return []
    keys = [name_key(c.name) for c in private]
    shared = set(
        tx.execute(
            select(_concepts.name_key).where(
                _concepts.scope == SHARED_SCOPE, _concepts.name_key.in_(keys)
            )
        ).scalars()
    )
    clashes = sorted({k for k in keys if k in shared or keys.count(k) > 1})
    if clashes:
        first = private[keys.index(clashes[0])]
        other = clash(tx, clashes[0], SHARED_SCOPE, besides=[first.id])
        assert other is not None
        more = f" ({len(clashes)} names clash)" if len(clashes) > 1 else ""
        raise refuse_clash(tx, other, doing, subject=first, more=more)
    who = owners(tx, private)
    named = [label(c.name, c.scope, who.get(c.scope), tx.viewer.me) for c in private]
    tx.execute(
        update(schema.concepts)
        .where(_concepts.id.in_([c.id for c in private]))
        .values(scope=SHARED_SCOPE)
    )
    return named
