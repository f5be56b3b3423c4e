"""Loading the evidence the analyses compute from: one place that chooses whose codings
count (the coder named, else the consensus coder, else everyone's; see
``evidence_coder``) and reads them with where they are."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import Integer, case, cast, func, null, select

from gioia import schema
from gioia.analysis.evidence import NO_INFORMANT, Evidence, IntArray, TranscriptInfo
from gioia.arrays import codes_at_level, distinct_rows
from gioia.ops import scopes
from gioia.ops.base import Tx, evidence_coder, evidence_name
from gioia.ops.levels import check_level, level_codes
from gioia.text import name_key

NONE = -1  # an informant id no row has: the transcript and the segment name nobody
_concepts, _themes, _dimensions = schema.concepts.c, schema.themes.c, schema.dimensions.c


def code_order(tx: Tx, level: str) -> tuple[list[int], list[str], list[str | None]]:
    """The ids, names and parents (theme or dimension) of a level's items, in structure
    order: the tree first, then the themes without a dimension, then the concepts without
    a theme. A blind coder's list leaves out the concepts they may not see."""
    check_level(level)
    if level == "dimension":
        query = select(_dimensions.id, _dimensions.name, null()).order_by(
            _dimensions.position, _dimensions.id
        )
    elif level == "theme":
        query = (
            select(_themes.id, _themes.name, _dimensions.name)
            .outerjoin(schema.dimensions, _dimensions.id == _themes.dimension_id)
            .order_by(
                case((_dimensions.id.is_(None), 1), else_=0),
                _dimensions.position,
                _dimensions.id,
                _themes.position,
                _themes.id,
            )
        )
    else:
        query = (
            select(_concepts.id, _concepts.name, _themes.name)
            .outerjoin(schema.themes, _themes.id == _concepts.theme_id)
            .outerjoin(schema.dimensions, _dimensions.id == _themes.dimension_id)
            .order_by(
                case((_themes.id.is_(None), 2), (_dimensions.id.is_(None), 1), else_=0),
                _dimensions.position,
                _dimensions.id,
                _themes.position,
                _themes.id,
                _concepts.position,
                _concepts.id,
            )
            .where(tx.viewer.concept_clause())
        )
    rows: Sequence[Any] = tx.execute(query).all()
    if level == "concept":
        shown = scopes.labels(tx)  # another coder's private concept as "Trust [Ana]"
        return [r[0] for r in rows], [shown[r[0]] for r in rows], [r[2] for r in rows]
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def _transcripts(tx: Tx) -> tuple[list[tuple[int, TranscriptInfo]], dict[int, int]]:
    """Every transcript by name with its metadata (its ``segments`` still 0), and each
    one's informant (``NONE`` for none)."""
    transcripts, cases, informants = schema.transcripts.c, schema.cases.c, schema.informants.c
    rows: Sequence[Any] = tx.execute(
        select(
            transcripts.id,
            transcripts.name,
            cases.name,
            informants.name,
            informants.role,
            transcripts.wave,
            transcripts.interview_date,
            transcripts.informant_id,
        )
        .outerjoin(schema.cases, cases.id == transcripts.case_id)
        .outerjoin(schema.informants, informants.id == transcripts.informant_id)
        .order_by(transcripts.name_key)
    ).all()
    imported = {id_: rank for rank, id_ in enumerate(sorted(r[0] for r in rows), start=1)}
    infos = [
        (id_, TranscriptInfo(name, case_, informant, role, wave, date, imported[id_], 0))
        for id_, name, case_, informant, role, wave, date, _ in rows
    ]
    return infos, {r[0]: NONE if r[7] is None else r[7] for r in rows}


def load_evidence(tx: Tx, level: str, coder: str | None = None) -> Evidence:
    """The codings that count at ``level`` (concept, theme or dimension): ``coder``'s,
    else the consensus coder's when there is one, else everyone's (see
    :func:`evidence_levels`)."""
    return evidence_levels(tx, (level,), coder)[level]


def evidence_levels(tx: Tx, levels: Iterable[str], coder: str | None = None) -> dict[str, Evidence]:
    """The evidence at each of ``levels``, from one read of the codings.

    A coder's concept on a segment counts once, however many quotes mark it. At theme
    level it counts once for each theme its concept is under, at dimension level once
    however many of its themes lead there (``levels.parent_map``: shared concepts
    included); codings of a concept outside the tree count at the concept level only.
    The codings and the segments are read as integer arrays and joined in numpy."""
    wanted = list(dict.fromkeys(levels))
    for level in wanted:
        check_level(level)
    coder_id = evidence_coder(tx, coder)
    transcripts, transcript_informant = _transcripts(tx)
    codings, segments = schema.codings.c, schema.segments.c
    query = select(codings.segment_id, codings.concept_id, codings.coder_id)
    if coder_id is not None:
        query = query.where(codings.coder_id == coder_id)
    coded = distinct_rows(tx.fetch_array(query, 3))  # a coder's concept on a segment once
    held = tx.fetch_array(
        select(
            segments.id,
            segments.transcript_id,
            segments.position,
            func.coalesce(segments.informant_id, NONE),
            cast(segments.is_interviewer, Integer),
        ).order_by(segments.id),
        5,
    )
    if len(held):  # a turn's informant, else its transcript's
        own = held[:, 3]
        of_transcript = _renumber(held[:, 1], transcript_informant)
        held[:, 3] = np.where(own != NONE, own, of_transcript)
    asking = held[:, 4] == 1
    segment = held[np.searchsorted(held[:, 0], coded[:, 0])] if len(held) else held[:0]
    by_transcript = np.bincount(
        _renumber(held[~asking, 1], {t: n for n, (t, _) in enumerate(transcripts)}),
        minlength=len(transcripts),
    ).tolist()
    infos = [
        dataclasses.replace(info, segments=count)
        for (_, info), count in zip(transcripts, by_transcript, strict=True)
    ]
    counted, counts = np.unique(held[~asking, 3], return_counts=True)
    per_informant = dict(zip(counted.tolist(), counts.tolist(), strict=True))
    informants = schema.informants.c
    informant_names: dict[int, str] = {
        row.id: row.name for row in tx.execute(select(informants.id, informants.name))
    }
    people = sorted(
        set(per_informant) | set(np.unique(segment[:, 3]).tolist()),
        key=lambda i: (i == NONE, (informant_names.get(i) or "").casefold()),
    )
    coded_interviewer = len(np.unique(coded[segment[:, 4] == 1, 0]))
    whose = evidence_name(tx, coder_id)
    transcript = _renumber(segment[:, 1], {t: n for n, (t, _) in enumerate(transcripts)})
    informant_index = _renumber(segment[:, 3], {p: n for n, p in enumerate(people)})
    found = {}
    for level in wanted:
        ids, names, parents = code_order(tx, level)
        row, reached = codes_at_level(coded[:, 1], *level_codes(tx, level))
        code = _renumber(reached, {i: n for n, i in enumerate(ids)})
        found[level] = Evidence(
            level=level,
            coder=whose,
            codes=tuple(names),
            parents=tuple(parents),
            transcripts=tuple(infos),
            informants=tuple(informant_names.get(p) or NO_INFORMANT for p in people),
            informant_segments=tuple(per_informant.get(p, 0) for p in people),
            units=sum(by_transcript) + coded_interviewer,
            transcript=transcript[row],
            informant=informant_index[row],
            segment=coded[row, 0],
            position=segment[row, 2],
            code=code,
        )
    return found


def _renumber(values: IntArray, index: dict[int, int]) -> IntArray:
    """``values`` (ids) mapped by ``index`` (each of them is a key: a value that is not
    is an error, never a neighbour's number)."""
    if not len(values):
        empty: IntArray = np.zeros(0, dtype=np.int64)
        return empty
    keys = np.fromiter(index, dtype=np.int64, count=len(index))
    order = np.argsort(keys)
    ranked = keys[order]
    at = np.minimum(np.searchsorted(ranked, values), max(len(ranked) - 1, 0))
    if not len(ranked) or (ranked[at] != values).any():
        raise ValueError("An id read with the evidence has no place in it.")
    mapped: IntArray = np.fromiter(index.values(), dtype=np.int64, count=len(index))
    found: IntArray = mapped[order][at]
    return found


def attribute_values(tx: Tx, key: str) -> dict[str, str]:
    """Each case's value of the case attribute ``key`` (compared case-insensitively)."""
    cases, attributes = schema.cases.c, schema.attributes.c
    found: dict[str, str] = {}
    rows: Sequence[Any] = tx.execute(
        select(cases.name, attributes.key, attributes.value).join(
            schema.attributes, attributes.case_id == cases.id
        )
    ).all()
    for case_name, attr_key, value in rows:
        if name_key(attr_key) == name_key(key):
            found[case_name] = value
    return found


def case_attribute_keys(tx: Tx) -> list[str]:
    """Every case attribute's key, in first-seen order."""
    attributes = schema.attributes.c
    keys: dict[str, None] = {}
    for (key,) in tx.execute(
        select(attributes.key).where(attributes.case_id.is_not(None)).order_by(attributes.id)
    ):
        keys[key] = None
    return list(keys)
