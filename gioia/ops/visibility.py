"""Blind coding: the one place that decides what the acting coder may see.

Every reader asks its transaction's :class:`Viewer` which codings, concepts, memos and
events to show. A project codes in one of two blind phases:

- **open coding**: codings and memos are private to their coder, and so are the new
  concept names a coder makes, until the structure adopts them (puts them under a
  theme): each is in its coder's scope (see :mod:`gioia.ops.scopes`), so a coder who
  uses a name another keeps private makes a concept of their own;
- **codebook coding**: the concept list is shared; codings and memos stay private.

In the audit trail a blind coder reads their own events and the project lead's (what
shapes the project), redacted (see :mod:`gioia.ops.blind_trail`), never another
coder's: the rule is the same in both phases.

Only ``show_others`` (``--show-others``) lifts the blind for one call, and the call is
recorded in the audit trail. With no coder named (the project lead, scripts, the demo)
nothing is hidden: blind coding keeps coders from seeing each other's work by accident,
it is not access control.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    exists,
    insert,
    or_,
    select,
    true,
    update,
)

from gioia import schema
from gioia.errors import InvalidInput, NotAllowed
from gioia.schema import SHARED_SCOPE
from gioia.text import name_key
from gioia.views_core import PHASES

if TYPE_CHECKING:
    from gioia.ops.base import Actor, Tx

# The tables the clauses read (the ORM classes map onto the same tables, so the clauses
# serve ORM and Core queries alike, and a Core reader never loads the ORM).
_concepts, _codings, _memos, _events = (
    schema.concepts.c,
    schema.codings.c,
    schema.memos.c,
    schema.events.c,
)

DEFAULT_PHASE = "open"

#: Keys of an event's before or after that list coders by name (a merged segment's
#: readers), which a blind reader sees themself in only.
READERS = ("read marks kept", "read marks withdrawn")

#: The key of a merged concept's codings moved, counted per coder.
MOVED_BY_CODER = "moved by coder"

#: Keys of an event's before or after that count per coder (reviews of a merged segment,
#: a merged concept's codings moved), which a blind reader sees their own count of.
PER_CODER = ("reviews", MOVED_BY_CODER)


def phase(tx: Tx) -> str:
    """The project's phase of blind coding (``open`` until someone chooses)."""
    value = tx.execute(_phase_query()).scalar()
    return str(value) if value is not None else DEFAULT_PHASE


# The statements every tag runs are built once (see ``gioia.ops.base``).


@cache
def _phase_query() -> Select[Any]:
    settings = schema.settings.c
    return select(settings.value).where(settings.key == "phase")


@dataclass(frozen=True)
class Viewer:
    """Who is looking: the acting coder (``me``: their id, -1 if they have no row yet;
    None when no coder is named), the phase, and whether the blind is lifted."""

    me: int | None
    name: str | None
    phase: str
    unblinded: bool

    @classmethod
    def of(cls, tx: Tx, coder: Actor | None, *, show_others: bool) -> Viewer:
        """The viewer of a transaction acting as ``coder`` (or as no one)."""
        return cls(
            me=coder.id if coder is not None else None,
            name=coder.name if coder is not None else None,
            phase=phase(tx),
            unblinded=coder is None or show_others,
        )

    @property
    def blind(self) -> bool:
        """Whether other coders' work is hidden from this viewer."""
        return not self.unblinded

    def sees_coder(self, coder_id: int | None) -> bool:
        """Whether this coder's codings, memos and reviews are visible."""
        return self.unblinded or coder_id == self.me

    def own(self, coder_column: Any) -> ColumnElement[bool]:
        """A condition keeping the rows of the coders this viewer may see."""
        return true() if self.unblinded else coder_column == self.me

    def concept_clause(self) -> ColumnElement[bool]:
        """A condition on the concepts keeping those this viewer may see: the shared
        ones and their own (blind), or all."""
        if self.unblinded:
            return true()
        return _concepts.scope.in_([SHARED_SCOPE, self.me])

    def sees_concept(self, scope: int) -> bool:
        """Whether this viewer may see a concept of ``scope`` (its name, its place, its
        memos)."""
        return self.unblinded or scope in (SHARED_SCOPE, self.me)

    def visible_concept_ids(self) -> Any:
        """A subquery of the ids of the concepts this viewer may see."""
        return select(_concepts.id).where(self.concept_clause())

    def memo_clause(self) -> ColumnElement[bool]:
        """A condition on the memos keeping your memos and the shared ones (blind), or
        every memo; memos on concepts you may not see are left out too."""
        if self.unblinded:
            return true()
        concept_seen = or_(
            _memos.concept_id.is_(None), _memos.concept_id.in_(self.visible_concept_ids())
        )
        return and_(or_(_memos.coder_id == self.me, _memos.shared.is_(True)), concept_seen)

    def event_clause(self) -> ColumnElement[bool]:
        """A condition on ``Event`` keeping what this viewer may read in the trail: their
        own events (their work, or run by them) and the project lead's (run by no coder,
        about no coder's work) about concepts they may see; never another coder's events,
        in either phase. Of a concept deleted since, the lead's events are shown only if
        no other coder left work on it: it may have been their private concept (its name
        is theirs), and the lead's summary counts their codings."""
        if self.unblinded:
            return true()
        lead = and_(_events.coder_id.is_(None), _events.actor_id.is_(None))
        theirs = schema.events.alias("theirs").c
        concept_seen = or_(
            _events.concept_id.is_(None),
            _events.concept_id.in_(self.visible_concept_ids()),
            and_(
                ~exists().where(_concepts.id == _events.concept_id),
                ~exists().where(
                    theirs.concept_id == _events.concept_id,
                    theirs.coder_id.is_not(None),
                    theirs.coder_id != self.me,
                ),
            ),
        )
        mine = or_(_events.coder_id == self.me, _events.actor_id == self.me)
        return or_(mine, and_(lead, concept_seen))

    def redact(self, value: Any) -> Any:
        """An event's before or after without other coders' items (a coding or memo as
        ``{"coder": …}``, a private concept merged, their counts of reviews and of codings
        moved, their names among the readers of a merged segment), for a blind viewer."""
        if self.unblinded:
            return value
        if isinstance(value, list):
            return [
                self.redact(item)
                for item in value
                if not (isinstance(item, dict) and item.get("coder", self.name) != self.name)
            ]
        if isinstance(value, dict):
            return {
                key: (
                    {k: v for k, v in item.items() if k == self.name}
                    if key in PER_CODER and isinstance(item, dict)
                    else [name for name in item if name == self.name]
                    if key in READERS and isinstance(item, list)
                    else self.redact(item)
                )
                for key, item in value.items()
            }
        return value

    def without_ids(self, value: Any) -> Any:
        """An event's before or after without the store's row ids, for a blind viewer:
        ids number every coder's rows in one sequence, so the gaps between a coder's own
        would tell how much the others did. Keys ``id`` and ``…_id`` go, and a merge's
        ``memos`` listed by id (events from before memos were named ``Ana#3``)."""
        if self.unblinded:
            return value
        if isinstance(value, list):
            return [self.without_ids(item) for item in value]
        if isinstance(value, dict):
            return {
                key: self.without_ids(item)
                for key, item in value.items()
                if key != "id"
                and not key.endswith("_id")
                and not (key == "memos" and isinstance(item, list) and _ids(item))
            }
        return value

    def owns_concept(self, tx: Tx, concept: Any) -> bool:
        """Whether the concept (a row or object with ``id``, ``created_by_id`` and
        ``theme_id``) is this coder's own new one: made by them, not in the structure, and
        holding no other coder's codings or memos."""
        if self.me is None or concept.created_by_id != self.me or concept.theme_id is not None:
            return False
        others = or_(
            exists().where(_codings.concept_id == concept.id, _codings.coder_id != self.me),
            exists().where(_memos.concept_id == concept.id, _memos.coder_id != self.me),
        )
        return not tx.execute(select(others)).scalar()

    def hidden(self, lead: str) -> InvalidInput:
        """The error for asking, blind, to see another coder's work; ``lead`` ends with
        its verb ("Ben's codings are")."""
        return InvalidInput(
            f"{lead} hidden from {self.name} during blind {self.phase} coding: "
            "pass --show-others to see them (recorded in the audit trail)."
        )

    def comparing(self) -> InvalidInput:
        """The error for comparing coders (agreement, disagreements, reconcile) blind:
        it says nothing of whether anyone else coded."""
        return InvalidInput(
            f"Comparing coders is not blind: during blind {self.phase} coding {self.name} "
            "sees their own work only; pass --show-others to compare (recorded in the audit "
            "trail)."
        )

    def check_coder(self, name: str, lead: str) -> None:
        """Refuse, blind, to show the work of a coder called ``name`` who is not you
        (whether or not they exist: that is theirs too); ``lead`` as for ``hidden``."""
        if self.unblinded or name_key(name) == name_key(self.name or ""):
            return
        raise self.hidden(lead)


def _ids(items: list[Any]) -> bool:
    """Whether a list holds ids (integers) only."""
    return bool(items) and all(isinstance(i, int) for i in items)


def require_lead(coder: str | None, step: str) -> None:
    """Refuse a step that shapes the project (``step``: "Changing the phase", …) to an
    acting coder: it is the project lead's, who runs gioia with no coder named. The one
    rule every lead-only use case goes through."""
    if coder:
        raise NotAllowed(
            f"{step} is the project lead's step: run it without --coder or GIOIA_CODER."
        )


def require_lead_or_own(tx: Tx, item: object, step: str) -> None:
    """Refuse ``step`` on a concept, theme or dimension to an acting coder unless the
    item is their own new concept (see :meth:`Viewer.owns_concept`): a coder shapes
    their own open codes, the project lead the structure. ``step`` names the verb
    ("Renaming"); the message never says whose the item is or what it holds."""
    if not tx.coder_name:
        return
    from gioia.models import Concept

    if isinstance(item, Concept) and tx.viewer.owns_concept(tx, item):
        return
    what = (
        "a concept other than your own new ones"
        if isinstance(item, Concept)
        else (f"a {type(item).__name__.lower()}")
    )
    require_lead(tx.coder_name, f"{step} {what}")


def record_unblinding(tx: Tx, reading: str) -> int:
    """Record in the trail that the acting coder looked at other coders' work."""
    coder = tx.coder()
    return tx.record(
        "unblind",
        "coder",
        f"{coder.name} looked at other coders' work: {reading}",
        subject_id=coder.id,
        before={"blind": True, "phase": tx.viewer.phase},
        after={"blind": False, "read": reading},
    )


def set_phase(tx: Tx, value: str) -> str:
    """Move the project to a phase of blind coding (``open`` or ``codebook``); returns
    the phase it was in. Codebook coding shares every concept: refused while two
    coders' private concepts (or one and a shared one) have the same name."""
    if value not in PHASES:
        raise InvalidInput(f"{value!r} is not a phase: choose {' or '.join(PHASES)}.")
    before = phase(tx)
    if before != value:
        from gioia.ops import scopes

        shared = scopes.share_all(tx, "move to codebook coding") if value == "codebook" else []
        settings = schema.settings
        if tx.execute(select(settings.c.key).where(settings.c.key == "phase")).first() is None:
            tx.execute(insert(settings).values(key="phase", value=value))
        else:
            tx.execute(update(settings).where(settings.c.key == "phase").values(value=value))
        tx.record(
            "phase",
            "project",
            f"Blind coding moved from {before} coding to {value} coding"
            + (f" ({len(shared)} private concept(s) shared)" if shared else ""),
            before={"phase": before},
            after={"phase": value, **({"shared": shared} if shared else {})},
        )
    return before
