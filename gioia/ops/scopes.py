"""Whose a concept's name is: the team's (shared) or one coder's (private).

In open coding a coder's new concept is private to them (``Concept.scope`` is their
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
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from gioia.errors import InvalidInput
from gioia.ops.visibility import phase
from gioia.store import SHARED_SCOPE, Coder, Concept
from gioia.text import name_key

if TYPE_CHECKING:
    from gioia.ops.base import Tx

_QUALIFIED = re.compile(r"^(?P<name>.*?\S)\s*\[(?P<owner>[^\[\]]+)\]$")


def scope_for(tx: Tx, creator: Coder | None) -> int:
    """The scope of a concept ``creator`` makes now: theirs in open coding; shared when
    the project lead makes it (None) or the project codes from a codebook."""
    if creator is None or phase(tx.session) != "open":
        return SHARED_SCOPE
    return creator.id


def owners(tx: Tx, concepts: Iterable[Concept]) -> dict[int, str]:
    """The names of the coders whose private concepts these are, by coder id."""
    ids = {c.scope for c in concepts if c.scope != SHARED_SCOPE}
    if not ids:
        return {}
    return dict(tx.session.execute(select(Coder.id, Coder.name).where(Coder.id.in_(ids))).all())


def label(name: str, scope: int, owner: str | None, me: int | None) -> str:
    """How a concept's name reads to the coder ``me`` (None: the project lead): another
    coder's private concept as ``Trust [Ana]``, any other as its name."""
    if scope in (SHARED_SCOPE, me) or owner is None:
        return name
    return f"{name} [{owner}]"


def label_of(tx: Tx, concept: Concept) -> str:
    """How ``concept``'s name reads to the acting coder (see :func:`label`)."""
    owner = owners(tx, [concept]).get(concept.scope)
    return label(concept.name, concept.scope, owner, tx.viewer.me)


def labels(tx: Tx, where: object = None) -> dict[int, str]:
    """Every concept the acting coder may see (that meets ``where``), id -> label."""
    query = (
        select(Concept.id, Concept.name, Concept.scope, Coder.name)
        .outerjoin(Coder, Coder.id == Concept.scope)
        .where(tx.viewer.concept_clause())
    )
    if where is not None:
        query = query.where(where)  # type: ignore[arg-type]
    me = tx.viewer.me
    return {
        id_: label(name, scope, owner, me) for id_, name, scope, owner in tx.session.execute(query)
    }


def of_coder(tx: Tx, name: str, coder_id: int | None) -> Concept | None:
    """The concept ``name`` means to the coder ``coder_id`` (None: the project lead):
    the shared one, or their own private one. Never another coder's."""
    scopes = [SHARED_SCOPE] if coder_id is None else [SHARED_SCOPE, coder_id]
    return tx.session.scalar(
        select(Concept)
        .where(Concept.name_key == name_key(name), Concept.scope.in_(scopes))
        .order_by(Concept.scope)
        .limit(1)
    )


def resolve(tx: Tx, name: str) -> Concept | None:
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
        owner = tx.session.scalar(
            select(Coder.id).where(Coder.name_key == name_key(qualified["owner"]))
        )
        if owner is not None:
            found = tx.session.scalar(
                select(Concept).where(
                    Concept.name_key == name_key(qualified["name"]), Concept.scope == owner
                )
            )
            if found is not None:
                return found
    private = list(
        tx.session.scalars(
            select(Concept)
            .where(Concept.name_key == name_key(name), Concept.scope != SHARED_SCOPE)
            .order_by(Concept.id)
        )
    )
    if len(private) > 1:
        named = [label_of(tx, c) for c in private]
        raise InvalidInput(
            f"{name.strip()!r} names {len(private)} coders' private concepts "
            f"({', '.join(map(repr, named))}): name one as {named[0]!r}, or merge them "
            f'(gioia concept merge "{named[1]}" --into "{named[0]}").'
        )
    return private[0] if private else None


def clash(tx: Tx, key: str, scope: int, *, besides: Iterable[int] = ()) -> Concept | None:
    """A concept (other than ``besides``) whose name ``key`` a concept of ``scope``
    may not take: one of the same scope or a shared one, and for a shared concept any."""
    query = select(Concept).where(Concept.name_key == key, Concept.id.not_in(list(besides)))
    if scope != SHARED_SCOPE:
        query = query.where(Concept.scope.in_([SHARED_SCOPE, scope]))
    return tx.session.scalars(query.order_by(Concept.scope, Concept.id).limit(1)).first()


def refuse_clash(
    tx: Tx, other: Concept, doing: str, *, subject: Concept | None = None, more: str = ""
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
            f'it (gioia assign "{theirs}" THEME) or choose another name.'
        )
    named = label_of(tx, subject)
    clash = (
        f"{named!r} and {theirs!r} have the same name"
        if subject.name_key == other.name_key
        else f"{theirs!r} has that name"
    )
    return InvalidInput(
        f"Cannot {doing}: {clash}. Merge them "
        f'(gioia concept merge "{named}" --into "{theirs}") or rename one first{more}.'
    )


def share(tx: Tx, concept: Concept, doing: str, *, besides: Iterable[int] = ()) -> bool:
    """Make a coder's private concept the team's, recorded; refused while another
    concept (other than ``besides``) has its name (``doing``: what is refused, "{}"
    standing for the concept, as "adopt {!r} into the structure"). False if it was
    shared already."""
    if concept.scope == SHARED_SCOPE:
        return False
    named = label_of(tx, concept)
    other = clash(tx, concept.name_key, SHARED_SCOPE, besides=[concept.id, *besides])
    if other is not None:
        raise refuse_clash(tx, other, doing.format(named), subject=concept)
    owner = owners(tx, [concept]).get(concept.scope)
    concept.scope = SHARED_SCOPE
    tx.session.flush()
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
    private = list(
        tx.session.scalars(
            select(Concept).where(Concept.scope != SHARED_SCOPE).order_by(Concept.name_key)
        )
    )
    if not private:
        return []
    keys = [c.name_key for c in private]
    shared = set(
        tx.session.scalars(
            select(Concept.name_key).where(
                Concept.scope == SHARED_SCOPE, Concept.name_key.in_(keys)
            )
        )
    )
    clashes = sorted({k for k in keys if k in shared or keys.count(k) > 1})
    if clashes:
        first = [c for c in private if c.name_key == clashes[0]]
        other = clash(tx, clashes[0], SHARED_SCOPE, besides=[first[0].id])
        assert other is not None
        more = f" ({len(clashes)} names clash)" if len(clashes) > 1 else ""
        raise refuse_clash(tx, other, doing, subject=first[0], more=more)
    named = [label_of(tx, c) for c in private]
    tx.session.execute(
        update(Concept)
        .where(Concept.id.in_([c.id for c in private]))
        .values(scope=SHARED_SCOPE)
        .execution_options(synchronize_session="fetch")
    )
    return named
