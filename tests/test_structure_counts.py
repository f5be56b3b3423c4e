"""The structure's counts in numpy (``gioia.structure_counts``) against a reference built
here with Python sets, row by row: on constructed arrays (every path: ids read as one
number or sorted as rows, distinct values in a table of booleans or sorted) and on
stores with quotes, shared concepts, private concepts, blind coders and an evidence
coder."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select

from gioia import Project, schema, structure_counts
from gioia.ops import scopes, tree
from gioia.ops.base import evidence_coder
from gioia.structure_counts import (
    Codings,
    Segments,
    Transcripts,
    applications,
    distinct_per_group,
    level_counts,
)

from .conftest import SAMPLE, as_lead

Coding = tuple[int, int, int, int, int]  # coder, concept, segment, start, end
Segment = tuple[int, int, int, int, int | None]  # id, transcript, start, end, informant
Transcript = tuple[int, int | None, int | None]  # id, case, informant


def reference(
    codings: Iterable[Coding],
    segments: Iterable[Segment],
    transcripts: Iterable[Transcript],
    codes_of: dict[int, list[int]],
) -> dict[int, tuple[int, ...]]:
    """Per code, row by row: the applications (coder, concept, segment) it holds, how
    many are quoted, and the sets of segments, transcripts, cases and informants."""
    segment = {s[0]: s for s in segments}
    transcript = {t[0]: t for t in transcripts}
    quoted: dict[tuple[int, int, int], bool] = {}
    for coder, concept, seg, start, end in codings:
        _, _, a, b, _ = segment[seg]
        key = (coder, concept, seg)
        quoted[key] = quoted.get(key, False) or (start, end) != (a, b)
    held: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"n": 0, "q": 0, "s": set(), "t": set(), "c": set(), "i": set()}
    )
    for (_, concept, seg), quote in quoted.items():
        _, tid, _, _, own = segment[seg]
        _, case, informant = transcript[tid]
        informant = own if own is not None else informant
        for code in codes_of.get(concept, []):
            h = held[code]
            h["n"] += 1
            h["q"] += quote
            h["s"].add(seg)
            h["t"].add(tid)
            h["c"] |= {case} - {None}
            h["i"] |= {informant} - {None}
    return {
        code: (h["n"], len(h["s"]), len(h["t"]), len(h["c"]), len(h["i"]), h["q"])
        for code, h in held.items()
    }


def counted(
    codings: list[Coding],
    segments: list[Segment],
    transcripts: list[Transcript],
    codes_of: dict[int, list[int]],
) -> dict[int, tuple[int, ...]]:
    """The same through ``structure_counts``."""

    def columns(rows: list[Any], width: int) -> list[Any]:
        table = np.array([[-1 if v is None else v for v in r] for r in rows], dtype=np.intp)
        return list(table.reshape(-1, width).T)

    applied = applications(
        Codings(*columns(codings, 5)),
        Segments(*columns(segments, 5)),
        Transcripts(*columns(transcripts, 3)),
    )
    pairs = sorted((c, code) for c, codes in codes_of.items() for code in codes)
    concepts = np.array([c for c, _ in pairs], dtype=np.intp)
    codes = np.array([code for _, code in pairs], dtype=np.intp)
    return level_counts(applied, concepts, codes)


SEGMENTS: list[Segment] = [
    (1, 10, 0, 20, None),
    (2, 10, 20, 50, 7),  # a turn of another informant than the transcript's
    (3, 11, 0, 30, None),
    (5, 12, 0, 10, None),  # a transcript without case or informant
]
TRANSCRIPTS: list[Transcript] = [(10, 100, 5), (11, 100, 6), (12, None, None)]


def test_counts_of_a_small_study() -> None:
    codings = [
        (1, 1, 1, 0, 20),  # whole segment
        (1, 1, 1, 3, 8),  # and a quote on it: one application, quoted
        (2, 1, 1, 0, 20),  # another coder: a second application
        (1, 1, 2, 20, 50),
        (1, 2, 3, 0, 30),
        (2, 2, 5, 2, 4),
        (2, 3, 5, 0, 10),
    ]
    themes = {1: [20], 2: [20, 21], 3: [21]}  # concept 2 under two themes
    assert counted(codings, SEGMENTS, TRANSCRIPTS, {c: [c] for c in (1, 2, 3)}) == {
        1: (3, 2, 1, 1, 2, 1),
        2: (2, 2, 2, 1, 1, 1),
        3: (1, 1, 1, 0, 0, 0),
    }
    assert counted(codings, SEGMENTS, TRANSCRIPTS, themes) == {
        20: (5, 4, 3, 1, 3, 2),
        21: (3, 2, 2, 1, 1, 1),
    }
    # A concept outside the level reaches nothing.
    assert counted(codings, SEGMENTS, TRANSCRIPTS, {3: [9]}) == {9: (1, 1, 1, 0, 0, 0)}
    assert counted([], SEGMENTS, TRANSCRIPTS, themes) == {}


@pytest.mark.parametrize("cells", [0, 1 << 30])
def test_distinct_per_group_by_table_and_by_sort(
    monkeypatch: pytest.MonkeyPatch, cells: int
) -> None:
    monkeypatch.setattr(structure_counts, "TABLE_CELLS", cells)
    group = np.array([2, 0, 2, 2, 0, 1], dtype=np.intp)
    values = np.array([5, -1, 5, 3, 4, 7], dtype=np.intp)
    assert distinct_per_group(group, values, 4).tolist() == [1, 1, 2, 0]
    assert distinct_per_group(group[:0], values[:0], 2).tolist() == [0, 0]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),  # coder
            st.integers(0, 5),  # concept
            st.integers(0, 3),  # which segment
            st.booleans(),  # a quote (inside the segment) or the whole of it
        ),
        max_size=60,
    ),
    st.dictionaries(st.integers(0, 5), st.lists(st.integers(0, 4), unique=True), max_size=6),
    st.sampled_from([1, 2**40]),
    st.sampled_from([0, 1 << 25]),
    st.booleans(),
)
def test_random_codings_count_as_the_reference(
    drawn: list[tuple[int, int, int, bool]],
    codes_of: dict[int, list[int]],
    scale: int,
    cells: int,
    ordered: bool,
) -> None:
    """Ids small (read as one number) or huge (sorted as rows); the codings in any
    order or in the unique index's (segment, concept, coder, span); distinct values
    marked in a table or sorted: the counts are the reference's."""
    old = structure_counts.TABLE_CELLS
    structure_counts.TABLE_CELLS = cells
    try:
        codings = []
        for coder, concept, which, quote in drawn:
            sid, _, a, b, _ = SEGMENTS[which]
            span = (a + 1, a + 2) if quote else (a, b)
            codings.append((coder * scale, concept * scale, sid, *span))
        if ordered:
            codings.sort(key=lambda c: (c[2], c[1], c[0], c[3], c[4]))
        codes = {c * scale: found for c, found in codes_of.items()}
        assert counted(codings, SEGMENTS, TRANSCRIPTS, codes) == reference(
            codings, SEGMENTS, TRANSCRIPTS, codes
        )
    finally:
        structure_counts.TABLE_CELLS = old


def _store_reference(tx: Any, coder_id: int | None) -> dict[str, dict[int, tuple[int, ...]]]:
    """The counts at each level read from the store's tables row by row."""
    c, s, t = schema.codings.c, schema.segments.c, schema.transcripts.c
    query = select(c.coder_id, c.concept_id, c.segment_id, c.char_start, c.char_end)
    if coder_id is not None:
        query = query.where(c.coder_id == coder_id)
    codings = [tuple(r) for r in tx.execute(query)]
    segments = [
        tuple(r)
        for r in tx.execute(select(s.id, s.transcript_id, s.char_start, s.char_end, s.informant_id))
    ]
    transcripts = [tuple(r) for r in tx.execute(select(t.id, t.case_id, t.informant_id))]
    themes: dict[int, list[int]] = defaultdict(list)
    for concept, theme in tx.execute(select(schema.concepts.c.id, schema.concepts.c.theme_id)):
        themes[concept] += [theme] if theme is not None else []
    extra = schema.concept_extra_themes.c
    for concept, theme in tx.execute(select(extra.concept_id, extra.theme_id)):
        themes[concept].append(theme)
    dimensions: dict[int, set[int]] = defaultdict(set)
    for theme, dimension in tx.execute(select(schema.themes.c.id, schema.themes.c.dimension_id)):
        dimensions[theme] |= {dimension} - {None}
    extra = schema.theme_extra_dimensions.c
    for theme, dimension in tx.execute(select(extra.theme_id, extra.dimension_id)):
        dimensions[theme].add(dimension)
    codes = {
        "concept": {concept: [concept] for concept in themes},
        "theme": dict(themes),
        "dimension": {
            concept: sorted({d for theme in held for d in dimensions[theme]})
            for concept, held in themes.items()
        },
    }
    return {
        level: reference(codings, segments, transcripts, codes_of)  # type: ignore[arg-type]
        for level, codes_of in codes.items()
    }


def _shown(tx: Any, view: Any) -> dict[str, dict[str, tuple[int, ...]]]:
    """The view's counts at each level by name (concepts by their label)."""
    found: dict[str, dict[str, tuple[int, ...]]] = defaultdict(dict)
    themes = [t for d in view.dimensions for t in d.themes] + list(view.themes_without_dimension)
    for d in view.dimensions:
        found["dimension"][d.name] = tuple(vars(d.counts).values())
    for theme in themes:
        found["theme"][theme.name] = tuple(vars(theme.counts).values())
    for concept in [c for t in themes for c in t.concepts] + list(view.concepts_without_theme):
        found["concept"][concept.name] = tuple(vars(concept.counts).values())
    return found


@pytest.mark.parametrize("read", ["packed", "apart", "some above the maxima"])
def test_store_counts_as_the_reference(
    sample_project: Project, monkeypatch: pytest.MonkeyPatch, read: str
) -> None:
    """The sample coded by Maria and Tom (shared concept list), a concept under two
    themes and a theme under two dimensions, quotes, and private concepts of Maria and
    Ana (open coding): for the project lead, a blind coder and an evidence coder, every
    count shown is the reference's of the codings that viewer's evidence is; the
    codings' ids read as one number, or (too large for one) apart, or both (codings
    another writer adds after the ids' maxima are read)."""
    if read == "apart":
        monkeypatch.setattr(tree, "PACKED", 0)
    elif read == "some above the maxima":  # each statement its snapshot: PostgreSQL writing
        if not sample_project.location.startswith("postgresql"):
            pytest.skip("a SQLite transaction reads one snapshot")
        sizes = tree._sizes
        monkeypatch.setattr(tree, "_sizes", lambda tx: [n // 2 for n in sizes(tx)])
    p = sample_project
    lead = as_lead(p)
    lead.set_phase("codebook")
    lead.import_codings(SAMPLE / "codings_maria.csv")
    lead.import_codings(SAMPLE / "codings_tom.csv")
    lead.import_structure(SAMPLE / "structure.csv")
    lead.allow_shared(True)
    view = lead.structure()
    first, second = view.dimensions[0], view.dimensions[-1]
    lead.assign([first.themes[0].concepts[0].name], theme=second.themes[0].name)
    lead.assign([first.themes[-1].name], dimension=second.name)
    lead.set_phase("open")
    p.coder = "Maria"
    p.tag(["case_a_ceo_w1:2"], "Mill", quote="a family mill", create=True)
    p.tag(["case_a_ceo_w1:2", "case_a_ceo_w1:4"], "Mill")
    p.coder = "Ana"
    p.tag(["case_a_ceo_w1:2"], "Mill", create=True)
    for coder, evidence in [(None, None), (None, "Tom"), ("Maria", None), ("Ana", None)]:
        p.coder = coder
        with p._write() if read == "some above the maxima" else p._read() as tx:
            coder_id = evidence_coder(tx, evidence)
            shown = _shown(tx, tree.structure(tx, coder=evidence))
            expected = _store_reference(tx, coder_id)
            names = {
                "concept": scopes.labels(tx),
                "theme": dict(tx.execute(select(schema.themes.c.id, schema.themes.c.name)).all()),
                "dimension": dict(
                    tx.execute(select(schema.dimensions.c.id, schema.dimensions.c.name)).all()
                ),
            }
        for level, counts in shown.items():
            wanted = {names[level][i]: found for i, found in expected[level].items()}
            assert counts == {n: wanted.get(n, (0,) * 6) for n in counts}, (coder, level)
        assert sum(n > (0,) * 6 for n in shown["concept"].values()) >= (1 if coder == "Ana" else 10)
    p.coder = "Maria"  # blind: her own codings only, her Mill once quoted
    with p._write() if read == "some above the maxima" else p._read() as tx:
        mill = _shown(tx, tree.structure(tx))["concept"]["Mill"]
    assert mill == (2, 2, 1, 1, 1, 1)


def test_a_reading_transaction_reads_the_codings_once(sample_project: Project) -> None:
    """A reading transaction is one snapshot on both engines (PostgreSQL: REPEATABLE
    READ), so no coding can be above the ids' maxima read first: the codings are read in
    one statement. A writing one on PostgreSQL (READ COMMITTED) is not one snapshot; a
    coder's read of the others' work, a write that records it, is."""
    p = as_lead(sample_project)
    p.import_codings(SAMPLE / "codings_maria.csv")
    p.import_structure(SAMPLE / "structure.csv")
    postgres = p.location.startswith("postgresql")
    with p._read() as tx:
        assert tx.one_snapshot
    with p._write() as tx:
        assert tx.one_snapshot is not postgres
    sample_project.coder = "Maria"  # her first look at the others' work: recorded, a write
    with sample_project._read(show_others=True, reading="the structure") as tx:
        assert tx.writing and tx.one_snapshot
    sample_project.coder = None
    arrays: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "string_agg(" in statement or "group_concat(" in statement:
            arrays.append(statement)

    engine = p._store.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        view = p.structure()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(arrays) == 3  # the segments, the transcripts, the codings
    assert sum(c.counts.codings for d in view.dimensions for t in d.themes for c in t.concepts) > 0
