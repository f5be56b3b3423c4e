"""The store's schema at the newest revision, as SQLAlchemy Core tables.

This is the one description of the tables: ``gioia init`` creates them from it and
stamps the revision (no migration replayed), the ORM classes (``gioia.models``) map
onto them, hot paths write and read them with Core statements, and the alembic
migrations (``migrations/``) must agree with it (``tests/test_store.py`` runs
``alembic check``). Importing this module imports no ORM.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from gioia.limits import FILE_NAME_LENGTH, NAME_LENGTH, WAVE_LENGTH

#: The alembic revision these tables describe; tests check it is the migrations' head.
SCHEMA_REVISION = "0011"

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    """The current UTC time, naive, as every timestamp in the store is kept."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True)


def _name(*, unique: bool = True) -> list[Column[str]]:
    return [
        Column("name", String(NAME_LENGTH), nullable=False),
        Column("name_key", String(NAME_LENGTH), nullable=False, unique=unique),
    ]


def _created_at() -> Column[dt.datetime]:
    return Column("created_at", DateTime, nullable=False, default=utcnow)


#: A case of the study, usually a firm ("Case A").
cases = Table("cases", metadata, _id(), *_name(), _created_at())

#: A person interviewed, known by a pseudonym; quotes cite their role.
informants = Table(
    "informants",
    metadata,
    _id(),
    *_name(),
    Column("role", String(NAME_LENGTH)),
    Column("case_id", ForeignKey("cases.id"), index=True),
    _created_at(),
)

#: One imported file: its normalised text, which segments point into.
transcripts = Table(
    "transcripts",
    metadata,
    _id(),
    *_name(),
    Column("source", String(FILE_NAME_LENGTH), nullable=False),
    Column("format", String(20), nullable=False),
    Column("text", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("segment_by", String(20), nullable=False),
    Column("case_id", ForeignKey("cases.id"), index=True),
    Column("informant_id", ForeignKey("informants.id"), index=True),
    Column("wave", String(WAVE_LENGTH)),
    Column("interview_date", Date),
    Column("imported_at", DateTime, nullable=False, default=utcnow),
)

#: A unit of coding: a span ``[char_start, char_end)`` of its transcript's text.
segments = Table(
    "segments",
    metadata,
    _id(),
    Column("transcript_id", ForeignKey("transcripts.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("char_start", Integer, nullable=False),
    Column("char_end", Integer, nullable=False),
    Column("speaker", String(NAME_LENGTH)),
    Column("is_interviewer", Boolean, nullable=False, default=False),
    Column("informant_id", ForeignKey("informants.id"), index=True),
    Column("time_start", Float),
    Column("time_end", Float),
    UniqueConstraint("transcript_id", "position"),
    CheckConstraint("char_start >= 0 AND char_end > char_start", name="span"),
)

#: A key/value fact about exactly one case, informant or transcript.
attributes = Table(
    "attributes",
    metadata,
    _id(),
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), index=True),
    Column("informant_id", ForeignKey("informants.id", ondelete="CASCADE"), index=True),
    Column("transcript_id", ForeignKey("transcripts.id", ondelete="CASCADE"), index=True),
    Column("key", String(NAME_LENGTH), nullable=False),
    Column("value", Text, nullable=False),
    CheckConstraint(
        "(CASE WHEN case_id IS NULL THEN 0 ELSE 1 END)"
        " + (CASE WHEN informant_id IS NULL THEN 0 ELSE 1 END)"
        " + (CASE WHEN transcript_id IS NULL THEN 0 ELSE 1 END) = 1",
        name="one_owner",
    ),
)

#: A person who codes, created on first use; or a consensus coder that holds the
#: team's reconciled coding (``is_consensus``).
coders = Table(
    "coders",
    metadata,
    _id(),
    *_name(),
    Column("is_consensus", Boolean, nullable=False, default=False, server_default=false()),
    _created_at(),
)

#: An aggregate dimension (the third column of the data structure). ``position``
#: (here and on themes and concepts) is the researcher's order: the order of the
#: structure file, or of creation.
dimensions = Table(
    "dimensions",
    metadata,
    _id(),
    *_name(),
    Column("definition", Text),
    Column("position", Integer, nullable=False, default=0),
    _created_at(),
)

#: A 2nd-order theme; belongs to at most one dimension.
themes = Table(
    "themes",
    metadata,
    _id(),
    *_name(),
    Column("definition", Text),
    Column("dimension_id", ForeignKey("dimensions.id", ondelete="SET NULL"), index=True),
    Column("position", Integer, nullable=False, default=0),
    _created_at(),
)

#: ``concepts.scope`` of a shared concept (see ``concepts``).
SHARED_SCOPE = 0

#: A 1st-order concept; belongs to at most one theme. ``scope`` says whose name it is
#: (schema 0011): ``SHARED_SCOPE`` for the team's (in the structure, made by the project
#: lead, or any concept in codebook coding), else the id of the coder whose private open
#: code it is. Names are unique per scope (two coders may each have a private "Trust");
#: a shared name is kept unique store-wide by ``gioia.ops.scopes``.
concepts = Table(
    "concepts",
    metadata,
    _id(),
    *_name(unique=False),
    Column("definition", Text),
    Column("theme_id", ForeignKey("themes.id", ondelete="SET NULL"), index=True),
    Column("created_by_id", ForeignKey("coders.id")),
    Column("position", Integer, nullable=False, default=0),
    Column("scope", Integer, nullable=False, default=SHARED_SCOPE, server_default="0"),
    _created_at(),
    UniqueConstraint("name_key", "scope"),
)

#: A theme a concept is under besides its primary one (``concepts.theme_id``): only
#: where the project allows shared concepts (the ``allow_shared`` setting); the Gioia
#: tree has none. ``position`` orders a concept's extra themes.
concept_extra_themes = Table(
    "concept_extra_themes",
    metadata,
    Column("concept_id", ForeignKey("concepts.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("position", Integer, nullable=False, default=0),
)

#: A dimension a theme is under besides its primary one (``themes.dimension_id``).
theme_extra_dimensions = Table(
    "theme_extra_dimensions",
    metadata,
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "dimension_id",
        ForeignKey("dimensions.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    Column("position", Integer, nullable=False, default=0),
)

#: A project setting: a name and its value as text (``allow_shared``: "true";
#: ``phase``: "open" or "codebook", the phase of blind coding); also
#: ``store_id``, the store's identity (a UUID made with the store, schema 0007), from
#: which exports derive stable GUIDs (and blind coders' event handles).
settings = Table(
    "settings",
    metadata,
    Column("key", String(60), primary_key=True),
    Column("value", Text, nullable=False),
)

#: The key of the store's identity in ``settings``.
STORE_ID = "store_id"

#: A concept applied by a coder to a segment, on the span ``[char_start, char_end)``.
#: Offsets are into the transcript's text; a span equal to the segment's means the
#: whole segment, a narrower one is the quote. ``pick_rank`` (1, 2, …) marks the
#: codings picked as the concept's representative quotes, in order.
codings = Table(
    "codings",
    metadata,
    _id(),
    Column("segment_id", ForeignKey("segments.id"), nullable=False),
    Column("concept_id", ForeignKey("concepts.id"), nullable=False, index=True),
    Column("coder_id", ForeignKey("coders.id"), nullable=False, index=True),
    Column("char_start", Integer, nullable=False),
    Column("char_end", Integer, nullable=False),
    Column("pick_rank", Integer),
    _created_at(),
    UniqueConstraint("segment_id", "concept_id", "coder_id", "char_start", "char_end"),
    CheckConstraint("char_start >= 0 AND char_end > char_start", name="span"),
)
Index("ix_codings_segment_coder", codings.c.segment_id, codings.c.coder_id)

#: A segment a coder has read: tagged, passed in a session, or marked reviewed. This
#: tells "looked and found nothing to code" apart from "not read yet".
reviews = Table(
    "reviews",
    metadata,
    _id(),
    Column("segment_id", ForeignKey("segments.id", ondelete="CASCADE"), nullable=False),
    Column("coder_id", ForeignKey("coders.id"), nullable=False, index=True),
    Column("reviewed_at", DateTime, nullable=False, default=utcnow),
    UniqueConstraint("segment_id", "coder_id"),
)

#: A note by a coder on a segment or on an item of the structure; under blind coding
#: private to its author until ``shared``.
memos = Table(
    "memos",
    metadata,
    _id(),
    Column("coder_id", ForeignKey("coders.id")),
    Column("segment_id", ForeignKey("segments.id", ondelete="CASCADE"), index=True),
    Column("concept_id", ForeignKey("concepts.id", ondelete="CASCADE"), index=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), index=True),
    Column("dimension_id", ForeignKey("dimensions.id", ondelete="CASCADE"), index=True),
    Column("text", Text, nullable=False),
    Column("shared", Boolean, nullable=False, default=False, server_default=false()),
    _created_at(),
    Column("updated_at", DateTime),
)

#: The audit trail: one append-only row per change, written with the change.
#: ``concept_id`` and ``transcript_id`` are plain integers, not foreign keys, so the
#: history of a deleted concept or transcript stays readable. An undo names the event
#: it reverses in ``reverses_id`` (so an event is undone once at most). ``coder_id`` is
#: whose work the change is (a coding's coder, the consensus coder of a decision),
#: ``actor_id`` who ran the command (NULL: the project lead, no coder named); they differ
#: when the lead imports codings for the coders or reconciles into the consensus.
events = Table(
    "events",
    metadata,
    _id(),
    Column("at", DateTime, nullable=False, default=utcnow, index=True),
    Column("coder_id", ForeignKey("coders.id"), index=True),
    Column("actor_id", ForeignKey("coders.id")),
    Column("action", String(40), nullable=False),
    Column("subject", String(40), nullable=False),
    Column("subject_id", Integer),
    Column("concept_id", Integer, index=True),
    Column("transcript_id", Integer, index=True),
    Column("summary", Text, nullable=False),
    Column("before", JSON),
    Column("after", JSON),
    Column("reverses_id", Integer, index=True),
)


def _ids_never_reused() -> None:
    """Give every table with an ``id`` SQLite's AUTOINCREMENT (schema 0009), so that the
    id of a deleted row is never handed to a new one: the audit trail names rows by id.
    PostgreSQL's sequences never reuse an id."""
    for table in metadata.tables.values():
        if "id" in table.c:
            table.dialect_kwargs["sqlite_autoincrement"] = True


_ids_never_reused()
