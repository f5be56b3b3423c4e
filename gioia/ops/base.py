"""What every use case shares: the transaction (its connection, an ORM session when one
is asked for, the acting coder, the audit trail), names, coders, and concepts by name
(segments by reference: ``gioia.ops.segment_refs``).

Nothing here imports the ORM: the hot paths (importing, tagging, loading codings) write
and read with Core statements on ``tx.connection``; a use case that wants mapped objects
asks for ``tx.session`` (created then, over the same connection and transaction) and
finds them with ``gioia.ops.objects``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar

from sqlalchemy import (
    Connection,
    Executable,
    Insert,
    Result,
    Select,
    Subquery,
    Table,
    and_,
    bindparam,
    case,
    func,
    insert,
    select,
)

from gioia import schema
from gioia.errors import InvalidInput, NotFound
from gioia.limits import clean_name
from gioia.ops import bulk, scopes
from gioia.ops.scopes import ConceptRow
from gioia.ops.visibility import Viewer
from gioia.schema import utcnow
from gioia.text import name_key

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

T = TypeVar("T")
#: How many values one ``IN (...)`` holds (SQLite and PostgreSQL limit the parameters
#: of a statement).
CHUNK = 500


class Identified(Protocol):
    """Anything with an id and a name: an ``Actor`` or a mapped coder."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...


class Actor(NamedTuple):
    """A coder as a use case needs one: id (-1 for a reader who has no row yet) and name."""

    id: int
    name: str


class Tx:
    """One open transaction: its connection, the ORM session on demand, the acting
    coder, what they may see (the ``viewer``: blind unless ``show_others``), and the
    audit trail."""

    def __init__(
        self,
        connection: Connection,
        coder_name: str | None,
        *,
        writing: bool = True,
        show_others: bool = False,
    ) -> None:
        self.connection = connection
        self.coder_name = coder_name
        self.writing = writing
        self.show_others = show_others
        self._coder: Actor | None = None
        self._session: Session | None = None
        self._viewer: Viewer | None = None

    @property
    def viewer(self) -> Viewer:
        """What the acting coder may see (see :mod:`gioia.ops.visibility`)."""
        if self._viewer is None:
            acting = self.coder() if self.coder_name else None
            self._viewer = Viewer.of(self, acting, show_others=self.show_others)
        return self._viewer

    @property
    def one_snapshot(self) -> bool:
        """Whether every statement of this transaction reads the same state of the store:
        on SQLite always, on PostgreSQL in a reading transaction (``REPEATABLE READ``);
        a writing one there (``READ COMMITTED``) sees, statement by statement, what other
        writers commit."""
        if self.connection.dialect.name == "sqlite":
            return True
        level = self.connection.get_execution_options().get("isolation_level")
        return level in ("REPEATABLE READ", "SERIALIZABLE")

    @property
    def session(self) -> Session:
        """An ORM session in this transaction (the ORM is imported on first use)."""
        if self._session is None:
            from sqlalchemy.orm import Session

            self._session = Session(bind=self.connection, expire_on_commit=False)
        return self._session

    def execute(self, statement: Executable, parameters: Any = None) -> Result[Any]:
        """Run a Core statement in this transaction, after the session's pending changes."""
        if self._session is not None:
            self._session.flush()
        return self.connection.execute(statement, parameters)

    def fetch_array(self, query: Select[Any], columns: int) -> Any:
        """The rows of a query of ``columns`` integer columns (none NULL) as a numpy array
        (see :func:`gioia.ops.bulk.fetch_array`), after the session's pending changes."""
        if self._session is not None:
            self._session.flush()
        return bulk.fetch_array(self.connection, query, columns)

    def insert_many(
        self, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        """Insert ``rows`` (values in the order of ``columns``) with one executemany of the
        driver (see :func:`gioia.ops.bulk.insert_many`), after the session's pending
        changes."""
        if self._session is not None:
            self._session.flush()
        bulk.insert_many(self.connection, table, columns, rows)

    def finish(self) -> None:
        """Flush what the session holds, before the transaction commits."""
        if self._session is not None:
            self._session.flush()

    def close(self) -> None:
        """Close the session, if one was made (its objects stay readable)."""
        if self._session is not None:
            self._session.close()

    def coder(self) -> Actor:
        """The acting coder, created on first use; an error when none is set.

        A reading transaction never writes: there, a coder who does not exist yet is a
        stand-in with no id any row has (so they have reviewed and coded nothing).
        """
        if self._coder is None:
            if not self.coder_name:
                raise InvalidInput("No coder given: pass --coder NAME or set GIOIA_CODER.")
            if self.writing:
                self._coder = ensure_coder(self, self.coder_name)
            else:
                found = find_coder_row(self, self.coder_name)
                self._coder = found or Actor(-1, clean_name(self.coder_name, "coder"))
        return self._coder

    def actor_id(self) -> int | None:
        """Who runs this transaction's command, as events record it: the acting coder's
        id, or None for the project lead (no coder named)."""
        return self.coder().id if self.coder_name else None

    def record(
        self,
        action: str,
        subject: str,
        summary: str,
        *,
        subject_id: int | None = None,
        concept_id: int | None = None,
        transcript_id: int | None = None,
        before: Any = None,
        after: Any = None,
        coder: Identified | None = None,
        reverses: int | None = None,
    ) -> int:
        """Append an event to the audit trail, in this transaction: ``coder``'s work
        (default: the acting coder's, if any), run by the acting coder (None: the project
        lead); ``reverses`` names the event an undo reverses. Returns its id."""
        actor = self.actor_id()
        if coder is None and self.coder_name:
            coder = self.coder()
        row = event_row(
            action,
            subject,
            summary,
            coder_id=coder.id if coder else None,
            actor_id=actor,
            subject_id=subject_id,
            concept_id=concept_id,
            transcript_id=transcript_id,
            before=before,
            after=after,
            reverses_id=reverses,
        )
        return int(self.execute(_returning_id(schema.events), row).scalar_one())

    def record_many(self, events: Iterable[dict[str, Any]]) -> None:
        """``record`` for many events at once, in one insert: each a dict of ``record``'s
        arguments (``action``, ``subject``, ``summary`` and any of the others)."""
        actor = self.actor_id()
        acting = self.coder() if self.coder_name else None
        rows = []
        for event in events:
            found = dict(event)
            coder = found.pop("coder", None) or acting
            found["reverses_id"] = found.pop("reverses", None)
            row = event_row(**found, coder_id=coder.id if coder else None, actor_id=actor)
            rows.append(tuple(row.values()))
        self.insert_many(schema.events, _EVENT_COLUMNS, rows)


def event_row(
    action: str,
    subject: str,
    summary: str,
    *,
    coder_id: int | None,
    actor_id: int | None,
    subject_id: int | None = None,
    concept_id: int | None = None,
    transcript_id: int | None = None,
    before: Any = None,
    after: Any = None,
    at: Any = None,
    reverses_id: int | None = None,
) -> dict[str, Any]:
    """The row of one event, for ``Tx.record`` or a bulk insert of many."""
    return {
        "at": at or utcnow(),
        "coder_id": coder_id,
        "actor_id": actor_id,
        "action": action,
        "subject": subject,
        "subject_id": subject_id,
        "concept_id": concept_id,
        "transcript_id": transcript_id,
        "summary": summary,
        "before": before,
        "after": after,
        "reverses_id": reverses_id,
    }


_EVENT_COLUMNS = tuple(event_row("", "", "", coder_id=None, actor_id=None))


def in_chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """``values`` in slices of at most ``size``, for ``IN (...)`` lists."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


# The statements every tag runs are built once (``cache``), not per call: building a
# statement costs about as much as running it on SQLite.


@cache
def _by_name_key(table: Table) -> Select[Any]:
    return select(table.c.id, table.c.name).where(table.c.name_key == bindparam("key"))


@cache
def _returning_id(table: Table) -> Insert:
    return insert(table).returning(table.c.id)


def find_coder_row(tx: Tx, name: str) -> Actor | None:
    """The coder called ``name`` (case- and space-insensitively), if there is one."""
    row = tx.execute(_by_name_key(schema.coders), {"key": name_key(name)}).first()
    return Actor(row.id, row.name) if row is not None else None


def ensure_coder(tx: Tx, name: str) -> Actor:
    """The coder called ``name`` (case- and space-insensitively), created (and the
    creation recorded) if new."""
    cleaned = clean_name(name, "coder")
    found = find_coder_row(tx, cleaned)
    if found is not None:
        return found
    coders = schema.coders
    row = {"name": cleaned, "name_key": name_key(cleaned), "created_at": utcnow()}
    made = Actor(int(tx.execute(_returning_id(coders), row).scalar_one()), cleaned)
    tx.record(
        "create",
        "coder",
        f"Created coder {cleaned!r}",
        subject_id=made.id,
        after={"name": cleaned},
        coder=made,
    )
    return made


def suggestion(name: str, candidates: list[str]) -> str:
    """`` Did you mean 'X'?`` for the closest candidate (whole or its beginning), or ``""``."""
    import difflib

    key = name_key(name)

    def closeness(candidate: str) -> float:
        other = name_key(candidate)
        whole = difflib.SequenceMatcher(None, key, other).ratio()
        start = difflib.SequenceMatcher(None, key, other[: len(key)]).ratio()
        return max(whole, start)

    best = max(candidates, key=closeness, default=None)
    return f" Did you mean {best!r}?" if best is not None and closeness(best) >= 0.75 else ""


def visible_concept_row(tx: Tx, name: str) -> ConceptRow | None:
    """The concept ``name`` means to the acting coder, if there is one they may see (see
    :func:`gioia.ops.scopes.resolve`)."""
    return scopes.resolve(tx, name)


def no_such_concept(tx: Tx, name: str, hint: str = "") -> NotFound:
    """The error for a concept name that means nothing to the acting coder, naming the
    closest one they may see."""
    names = list(scopes.labels(tx).values())
    return NotFound(f"No concept {name!r}.{suggestion(name, names)}{hint}")


def create_concept(tx: Tx, name: str, creator: Identified | None = None) -> tuple[ConceptRow, int]:
    """A new concept and its event in the audit trail, created by ``creator`` (default:
    the acting coder): private to them in open coding, else shared (see
    :mod:`gioia.ops.scopes`); its name must be free in its scope."""
    cleaned = clean_name(name, "concept")
    if creator is None and tx.coder_name:
        creator = tx.coder()
    other = scopes.clash(tx, name_key(cleaned), scopes.scope_for(tx, creator))
    if other is not None:
        raise scopes.refuse_clash(tx, other, f"create the concept {cleaned!r}")
    ((concept, event),) = create_concepts(tx, [(cleaned, creator)])
    return concept, event


def create_concepts(
    tx: Tx, new: list[tuple[str, Identified | None]]
) -> list[tuple[ConceptRow, int]]:
    """Concepts (cleaned names, known to be free in their scope) created by their coder
    (private to them in open coding, see :mod:`gioia.ops.scopes`), with an event each,
    in two statements; returns each concept and its event, in order."""
    if not new:
        return []
    concepts, events = schema.concepts, schema.events
    at, actor = utcnow(), tx.actor_id()
    scope_of = scopes.scopes_for(tx, [creator for _, creator in new])
    rows = [
        {
            "name": name,
            "name_key": name_key(name),
            "created_by_id": creator.id if creator else None,
            "position": 0,
            "scope": scope,
            "created_at": at,
        }
        for (name, creator), scope in zip(new, scope_of, strict=True)
    ]
    ids = tx.execute(
        insert(concepts).returning(concepts.c.id, sort_by_parameter_order=True), rows
    ).scalars()
    made = [
        ConceptRow(int(i), name, scope)
        for i, (name, _), scope in zip(ids, new, scope_of, strict=True)
    ]
    trail = [
        event_row(
            "create",
            "concept",
            f"Created concept {concept.name!r}",
            coder_id=creator.id if creator else None,
            actor_id=actor,
            subject_id=concept.id,
            concept_id=concept.id,
            after={"name": concept.name}
            | ({"private_to": creator.name} if creator and concept.scope else {}),
            at=at,
        )
        for concept, (_, creator) in zip(made, new, strict=True)
    ]
    logged = tx.execute(
        insert(events).returning(events.c.id, sort_by_parameter_order=True), trail
    ).scalars()
    return list(zip(made, map(int, logged), strict=True))


def insert_new(tx: Tx, table: Table, returning: str) -> Insert:
    """An INSERT that leaves out a row whose unique key is there already (``ON CONFLICT
    DO NOTHING``, on SQLite and PostgreSQL), returning the column ``returning`` of the
    rows it added: which are new, in one statement; two writers adding the same row
    never fail."""
    return _insert_new(tx.connection.dialect.name, table, returning)


@cache
def _insert_new(dialect: str, table: Table, returning: str) -> Insert:
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table).on_conflict_do_nothing().returning(table.c[returning])
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table).on_conflict_do_nothing().returning(table.c[returning])


def existing_coder(tx: Tx, name: str) -> Actor:
    """The existing coder called ``name``, or ``NotFound`` listing the coders there are."""
    found = find_coder_row(tx, name)
    if found is None:
        coders = schema.coders.c
        names = list(tx.execute(select(coders.name).order_by(coders.name)).scalars())
        known = ", ".join(names) if names else "none yet"
        raise NotFound(f"No coder {name!r} (coders: {known}).")
    return found


def evidence_coder(tx: Tx, coder: str | None) -> int | None:
    """Whose codings count as the evidence (structure counts, figure, quotes): the coder
    named, else, for a blind coder, their own, else the consensus coder when there is
    one (the newest, if several), else everyone's (None)."""
    viewer = tx.viewer
    if coder is not None:
        viewer.check_coder(coder, f"{coder}'s codings are")
        return existing_coder(tx, coder).id if viewer.unblinded else viewer.me
    if viewer.blind:
        return viewer.me
    coders = schema.coders
    return tx.execute(
        select(coders.c.id)
        .where(coders.c.is_consensus.is_(True))
        .order_by(coders.c.id.desc())
        .limit(1)
    ).scalar()


def evidence_name(tx: Tx, coder_id: int | None) -> str | None:
    """The name of the coder whose codings are the evidence (``evidence_coder``'s id),
    for a caption: a blind coder's own even before their first coding gives them a row
    (None: everyone's)."""
    if coder_id is None:
        return None
    if coder_id == tx.viewer.me:
        return tx.viewer.name
    coders = schema.coders.c
    return tx.execute(select(coders.name).where(coders.id == coder_id)).scalar()


def coding_applications(coder_id: int | None = None) -> Subquery:
    """Codings as they count: a coder's concept on a segment once, however many spans
    (quotes) mark it. One row per coder, concept and segment (of ``coder_id`` only, if
    given), with the segment's transcript and whether any of its spans is a quote."""
    codings, segments = schema.codings.c, schema.segments.c
    quoted = case(
        (
            and_(codings.char_start == segments.char_start, codings.char_end == segments.char_end),
            0,
        ),
        else_=1,
    )
    query = (
        select(
            codings.coder_id,
            codings.concept_id,
            codings.segment_id,
            segments.transcript_id,
            func.max(quoted).label("quoted"),
        )
        .join(schema.segments, segments.id == codings.segment_id)
        .group_by(codings.coder_id, codings.concept_id, codings.segment_id, segments.transcript_id)
    )
    if coder_id is not None:
        query = query.where(codings.coder_id == coder_id)
    return query.subquery()
