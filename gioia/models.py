"""The ORM classes, mapped onto the Core tables of ``gioia.schema``.

Use cases that load, change and flush a few objects use these; hot paths (importing,
tagging, loading codings for agreement) use Core statements on the tables instead and
never import this module, so the ORM is loaded only when something needs it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import DeclarativeBase, Mapped

from gioia import schema


class Base(DeclarativeBase):
    metadata = schema.metadata


class Case(Base):
    __table__ = schema.cases
    id: Mapped[int]
    name: Mapped[str]
    name_key: Mapped[str]
    created_at: Mapped[dt.datetime]


class Informant(Base):
    __table__ = schema.informants
    id: Mapped[int]
    name: Mapped[str]
    name_key: Mapped[str]
    role: Mapped[str | None]
    case_id: Mapped[int | None]
    created_at: Mapped[dt.datetime]


class Transcript(Base):
    __table__ = schema.transcripts
    id: Mapped[int]
    name: Mapped[str]
    name_key: Mapped[str]
    source: Mapped[str]
    format: Mapped[str]
    text: Mapped[str]
    content_hash: Mapped[str]
    segment_by: Mapped[str]
    case_id: Mapped[int | None]
    informant_id: Mapped[int | None]
    wave: Mapped[str | None]
    interview_date: Mapped[dt.date | None]
    imported_at: Mapped[dt.datetime]


class Segment(Base):
    __table__ = schema.segments
    id: Mapped[int]
    transcript_id: Mapped[int]
    position: Mapped[int]
    char_start: Mapped[int]
    char_end: Mapped[int]
    speaker: Mapped[str | None]
    is_interviewer: Mapped[bool]
    informant_id: Mapped[int | None]
    time_start: Mapped[float | None]
    time_end: Mapped[float | None]


class Attribute(Base):
    __table__ = schema.attributes
    id: Mapped[int]
    case_id: Mapped[int | None]
    informant_id: Mapped[int | None]
    transcript_id: Mapped[int | None]
    key: Mapped[str]
    value: Mapped[str]


class Coder(Base):
    __table__ = schema.coders
    id: Mapped[int]
    name: Mapped[str]
    name_key: Mapped[str]
    is_consensus: Mapped[bool]
    created_at: Mapped[dt.datetime]


class Dimension(Base):
    __table__ = schema.dimensions
    id: Mapped[int]
    name: Mapped[str]
    name_key: Mapped[str]
    definition: Mapped[str | None]
    position: Mapped[int]
    created_at: Mapped[dt.datetime]


class Theme(Base):
    __table__ = schema.themes
    id: Mapped[int]
    name: Mapped[str]
    name_key: Mapped[str]
    definition: Mapped[str | None]
    dimension_id: Mapped[int | None]
    position: Mapped[int]
    created_at: Mapped[dt.datetime]


class Concept(Base):
    __table__ = schema.concepts
    id: Mapped[int]
    name: Mapped[str]
    name_key: Mapped[str]
    definition: Mapped[str | None]
    theme_id: Mapped[int | None]
    created_by_id: Mapped[int | None]
    position: Mapped[int]
    scope: Mapped[int]
    created_at: Mapped[dt.datetime]


class ConceptExtraTheme(Base):
    __table__ = schema.concept_extra_themes
    concept_id: Mapped[int]
    theme_id: Mapped[int]
    position: Mapped[int]


class ThemeExtraDimension(Base):
    __table__ = schema.theme_extra_dimensions
    theme_id: Mapped[int]
    dimension_id: Mapped[int]
    position: Mapped[int]


class Setting(Base):
    __table__ = schema.settings
    key: Mapped[str]
    value: Mapped[str]


class Coding(Base):
    __table__ = schema.codings
    id: Mapped[int]
    segment_id: Mapped[int]
    concept_id: Mapped[int]
    coder_id: Mapped[int]
    char_start: Mapped[int]
    char_end: Mapped[int]
    pick_rank: Mapped[int | None]
    created_at: Mapped[dt.datetime]


class Review(Base):
    __table__ = schema.reviews
    id: Mapped[int]
    segment_id: Mapped[int]
    coder_id: Mapped[int]
    reviewed_at: Mapped[dt.datetime]


class Memo(Base):
    __table__ = schema.memos
    id: Mapped[int]
    coder_id: Mapped[int | None]
    segment_id: Mapped[int | None]
    concept_id: Mapped[int | None]
    theme_id: Mapped[int | None]
    dimension_id: Mapped[int | None]
    text: Mapped[str]
    shared: Mapped[bool]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime | None]


class Event(Base):
    __table__ = schema.events
    id: Mapped[int]
    at: Mapped[dt.datetime]
    coder_id: Mapped[int | None]
    actor_id: Mapped[int | None]
    action: Mapped[str]
    subject: Mapped[str]
    subject_id: Mapped[int | None]
    concept_id: Mapped[int | None]
    transcript_id: Mapped[int | None]
    summary: Mapped[str]
    before: Mapped[Any | None]
    after: Mapped[Any | None]
    reverses_id: Mapped[int | None]
