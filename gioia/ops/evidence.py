"""Loading the evidence the analyses compute from: one place that chooses whose codings
count (the coder named, else the consensus coder, else everyone's; see
``evidence_coder``) and reads them with where they are."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain

import numpy as np
from sqlalchemy import and_, case, func, select

from gioia.analysis.evidence import NO_INFORMANT, Evidence, IntArray, TranscriptInfo
from gioia.models import (
    Attribute,
    Case,
    Coding,
    Concept,
    Dimension,
    Informant,
    Segment,
    Theme,
    Transcript,
)
from gioia.ops import scopes
from gioia.ops.base import Tx, evidence_coder, evidence_name
from gioia.ops.levels import parent_map
from gioia.ops.structure import level as structure_level
from gioia.text import name_key

NONE = -1  # an informant id no row has: the transcript and the segment name nobody


def code_order(tx: Tx, level: str) -> tuple[list[int], list[str], list[str | None]]:
    """The ids, names and parents (theme or dimension) of a level's items, in structure
    order: the tree first, then the themes without a dimension, then the concepts without
    a theme. A blind coder's list leaves out the concepts they may not see."""
    structure_level(level)
    if level == "dimension":
        found = tx.session.execute(
            select(Dimension.id, Dimension.name).order_by(Dimension.position, Dimension.id)
        ).all()
        return [r[0] for r in found], [r[1] for r in found], [None] * len(found)
    elif level == "theme":
        rows = tx.session.execute(
            select(Theme.id, Theme.name, Dimension.name)
            .outerjoin(Dimension, Dimension.id == Theme.dimension_id)
            .order_by(
                case((Dimension.id.is_(None), 1), else_=0),
                Dimension.position,
                Dimension.id,
                Theme.position,
                Theme.id,
            )
        ).all()
    else:
        rows = tx.session.execute(
            select(Concept.id, Concept.name, Theme.name)
            .outerjoin(Theme, Theme.id == Concept.theme_id)
            .outerjoin(Dimension, Dimension.id == Theme.dimension_id)
            .order_by(
                case((Theme.id.is_(None), 2), (Dimension.id.is_(None), 1), else_=0),
                Dimension.position,
                Dimension.id,
                Theme.position,
                Theme.id,
                Concept.position,
                Concept.id,
            )
            .where(tx.viewer.concept_clause())
        ).all()
        shown = scopes.labels(tx)  # another coder's private concept as "Trust [Ana]"
        return [r[0] for r in rows], [shown[r[0]] for r in rows], [r[2] for r in rows]
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def transcript_infos(tx: Tx) -> tuple[dict[int, int], list[TranscriptInfo]]:
    """Every transcript by name (id → index, and the infos), with informant segments."""
    counts = dict(
        tx.session.execute(
            select(Segment.transcript_id, func.count())
            .where(Segment.is_interviewer.is_(False))
            .group_by(Segment.transcript_id)
        ).all()
    )
    rows = tx.session.execute(
        select(
            Transcript.id,
            Transcript.name,
            Case.name,
            Informant.name,
            Informant.role,
            Transcript.wave,
            Transcript.interview_date,
        )
        .outerjoin(Case, Case.id == Transcript.case_id)
        .outerjoin(Informant, Informant.id == Transcript.informant_id)
        .order_by(Transcript.name_key)
    ).all()
    imported = {id_: rank for rank, id_ in enumerate(sorted(r[0] for r in rows), start=1)}
    index = {r[0]: i for i, r in enumerate(rows)}
    infos = [
        TranscriptInfo(name, case_, informant, role, wave, date, imported[id_], counts.get(id_, 0))
        for id_, name, case_, informant, role, wave, date in rows
    ]
    return index, infos


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
    included); codings of a concept outside the tree count at the concept level only."""
    wanted = list(dict.fromkeys(levels))
    for level in wanted:
        structure_level(level)
    coder_id = evidence_coder(tx, coder)
    t_index, infos = transcript_infos(tx)
    informant = func.coalesce(Segment.informant_id, Transcript.informant_id, NONE)
    query = (
        select(
            Segment.transcript_id,
            informant,
            Coding.segment_id,
            Segment.position,
            Coding.concept_id,
            Coding.coder_id,
        )
        .distinct()
        .select_from(Coding)
        .join(Segment, Segment.id == Coding.segment_id)
        .join(Transcript, Transcript.id == Segment.transcript_id)
    )
    if coder_id is not None:
        query = query.where(Coding.coder_id == coder_id)
    # Core rows straight into one array: the ORM's per-row work is most of the time here.
    rows = tx.session.connection().execute(query).all()
    raw = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=6 * len(rows))
    raw = raw.reshape(-1, 6)
    per_informant = dict(
        tx.session.execute(
            select(informant, func.count())
            .select_from(Segment)
            .join(Transcript, Transcript.id == Segment.transcript_id)
            .where(Segment.is_interviewer.is_(False))
            .group_by(informant)
        ).all()
    )
    informant_names = dict(tx.session.execute(select(Informant.id, Informant.name)).all())
    people = sorted(
        set(per_informant) | set(np.unique(raw[:, 1]).tolist()),
        key=lambda i: (i == NONE, (informant_names.get(i) or "").casefold()),
    )
    interviewer = select(func.count(func.distinct(Coding.segment_id))).join(
        Segment, and_(Segment.id == Coding.segment_id, Segment.is_interviewer.is_(True))
    )
    if coder_id is not None:
        interviewer = interviewer.where(Coding.coder_id == coder_id)
    coded_interviewer = tx.session.scalar(interviewer)
    whose = evidence_name(tx, coder_id)
    transcript = _renumber(raw[:, 0], t_index)
    informant_index = _renumber(raw[:, 1], {p: n for n, p in enumerate(people)})
    concept_ids = code_order(tx, "concept")[0]
    concept = _renumber(raw[:, 4], {i: n for n, i in enumerate(concept_ids)})
    found = {}
    for level in wanted:
        ids, names, parents = code_order(tx, level)
        row, code = _reach(concept, _codes_of_concepts(tx, level, concept_ids, ids))
        found[level] = Evidence(
            level=level,
            coder=whose,
            codes=tuple(names),
            parents=tuple(parents),
            transcripts=tuple(infos),
            informants=tuple(informant_names.get(p) or NO_INFORMANT for p in people),
            informant_segments=tuple(per_informant.get(p, 0) for p in people),
            units=sum(i.segments for i in infos) + (coded_interviewer or 0),
            transcript=transcript[row],
            informant=informant_index[row],
            segment=raw[row, 2],
            position=raw[row, 3],
            code=code,
        )
    return found


def _codes_of_concepts(
    tx: Tx, level: str, concepts: list[int], codes: list[int]
) -> list[list[int]]:
    """For each concept (by index), the indexes in ``codes`` of the items of ``level`` it
    reaches: itself, its themes, or its themes' dimensions (each once)."""
    index = {item: n for n, item in enumerate(codes)}
    if level == "concept":
        return [[index[c]] for c in concepts]
    themes = parent_map(tx, "concept")
    if level == "theme":
        return [[index[t] for t in themes.get(c, [])] for c in concepts]
    dimensions = parent_map(tx, "theme")
    return [
        list(dict.fromkeys(index[d] for t in themes.get(c, []) for d in dimensions.get(t, [])))
        for c in concepts
    ]


def _reach(concept: IntArray, codes_of: list[list[int]]) -> tuple[IntArray, IntArray]:
    """Each coding (by its concept's index) once per code it reaches: the codings' row
    numbers, repeated, and the codes beside them."""
    counts = np.fromiter((len(c) for c in codes_of), dtype=np.int64, count=len(codes_of))
    flat = np.fromiter(chain.from_iterable(codes_of), dtype=np.int64, count=int(counts.sum()))
    starts = np.cumsum(counts) - counts
    reps = counts[concept] if len(concept) else np.zeros(0, dtype=np.int64)
    row = np.repeat(np.arange(len(concept), dtype=np.int64), reps)
    within = np.arange(len(row), dtype=np.int64) - np.repeat(np.cumsum(reps) - reps, reps)
    code: IntArray = flat[starts[concept[row]] + within] if len(row) else row.copy()
    return row, code


def _renumber(values: IntArray, index: dict[int, int]) -> IntArray:
    """``values`` (ids) as their positions in ``index``."""
    if not len(values):
        empty: IntArray = np.zeros(0, dtype=np.int64)
        return empty
    keys = np.fromiter(index, dtype=np.int64, count=len(index))
    order = np.argsort(keys)
    positions: IntArray = np.fromiter(index.values(), dtype=np.int64, count=len(index))
    found: IntArray = positions[order][np.searchsorted(keys[order], values)]
    return found


def attribute_values(tx: Tx, key: str) -> dict[str, str]:
    """Each case's value of the case attribute ``key`` (compared case-insensitively)."""
    found: dict[str, str] = {}
    for case_name, attr_key, value in tx.session.execute(
        select(Case.name, Attribute.key, Attribute.value).join(
            Attribute, Attribute.case_id == Case.id
        )
    ):
        if name_key(attr_key) == name_key(key):
            found[case_name] = value
    return found


def case_attribute_keys(tx: Tx) -> list[str]:
    """Every case attribute's key, in first-seen order."""
    keys: dict[str, None] = {}
    for (key,) in tx.session.execute(
        select(Attribute.key).where(Attribute.case_id.is_not(None)).order_by(Attribute.id)
    ):
        keys[key] = None
    return list(keys)
