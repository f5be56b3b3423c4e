"""Choosing representative quotes and picking them by hand."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, or_, select

from gioia import NotFound, Project
from gioia.models import Case, Coding, Concept, Segment, Transcript
from gioia.ops.base import evidence_coder
from gioia.ops.tree import structure
from gioia.text import clean_quote, trim_words
from gioia.views_structure import Quote

from .conftest import SAMPLE, as_lead


@pytest.fixture
def study(sample_project: Project) -> Project:
    as_lead(sample_project).set_phase("codebook")  # the two coders share one concept list
    as_lead(sample_project).import_codings(SAMPLE / "codings_maria.csv")
    as_lead(sample_project).import_codings(SAMPLE / "codings_tom.csv")
    as_lead(sample_project).import_structure(SAMPLE / "structure.csv")
    sample_project.coder = None  # the project lead writes the paper
    return sample_project


def test_quotes_follow_the_structure_and_spread_over_cases(study: Project) -> None:
    rows = study.quotes(per_concept=3, max_words=12)
    assert len(rows) == 20
    first = rows[0]
    assert (first.dimension, first.theme, first.concept) == (
        "Exporter disposition",
        "Organisational readiness",
        "Someone has to look after the platform every day",
    )
    assert [q.case for q in first.quotes] == ["Case A", "Case B", "Case C"]
    assert first.quotes[0] == Quote(
        "this has to become a priority, at least one hour every morning",
        "case_a_ceo_w1:10",
        "Case A",
        "CEO",
        "1",
    )
    assert first.quotes[2] == Quote(
        "When she left, she gave me the password and a document with […]",
        "case_c_marketing_w2:4",
        "Case C",
        "Marketing Assistant",
        "2",
    )
    for row in rows:
        assert 1 <= len(row.quotes) <= 3
        assert len({(q.ref, q.text) for q in row.quotes}) == len(row.quotes)
        assert all(len(q.text.split()) <= 13 for q in row.quotes)  # 12 words and "[…]"


def test_picked_quotes_win_and_are_stored(study: Project) -> None:
    concept = "Someone has to look after the platform every day"
    auto = [q.ref for q in study.quotes()[0].quotes]
    assert study.pick_quotes(concept, ["case_b_export_w1:2"]) == 1
    (quote,) = study.quotes()[0].quotes
    assert quote.ref == "case_b_export_w1:2"
    assert study.log()[-1].summary == f"Picked 1 quote(s) for {concept!r}"
    study.pick_quotes(concept, [])
    assert [q.ref for q in study.quotes()[0].quotes] == auto
    with pytest.raises(NotFound) as error:
        study.pick_quotes(concept, ["case_a_ceo_w1:2"])
    assert error.value.message == f"case_a_ceo_w1:2 is not coded with {concept!r}."


def test_picks_follow_a_merge(study: Project) -> None:
    study.pick_quotes("The home market is not enough any more", ["case_a_ceo_w1:4"])
    as_lead(study).merge_items(
        "concept",
        ["The home market is not enough any more"],
        "We joined to be found by buyers we could never reach ourselves",
    )
    row = next(r for r in study.quotes() if r.concept.startswith("We joined"))
    assert [q.ref for q in row.quotes] == ["case_a_ceo_w1:4"]


def test_quotes_of_one_coder_are_spans_unless_a_concept_has_none(study: Project) -> None:
    rows = study.quotes(evidence="Tom", per_concept=50)
    toms = study.codings(["Tom"])
    spans = {(r.concept, r.segment) for r in toms if r.quote}
    with_spans = {concept for concept, _ in spans}
    whole = {(r.concept, r.segment) for r in toms if r.concept not in with_spans}
    assert {(row.concept, q.ref) for row in rows for q in row.quotes} == spans | whole
    assert (len(spans), len(whole)) == (43, 11)
    with pytest.raises(NotFound, match=r"^No coder 'Zed' \(coders: Maria, Tom\)\.$"):
        study.quotes(evidence="Zed")


# --- the choice computed in arrays equals the choice as first written, row by row ------


def _reference_quotes(
    tx: Any, view: Any, per_concept: int, coder_id: int | None
) -> dict[str, list[tuple[str, int, int]]]:
    """Each concept's chosen (ref, start, end) by the first implementation: every coding
    read with its segment, transcript, case and informant in reading order, one
    candidate per span (a picked coding standing for its span), then the picked ones in
    their order, else a greedy choice preferring a new case, informant and segment."""
    informant = func.coalesce(Segment.informant_id, Transcript.informant_id)
    query = (
        select(
            Coding.concept_id,
            Coding.char_start,
            Coding.char_end,
            Coding.pick_rank,
            Segment.id,
            Segment.position,
            Segment.char_start,
            Segment.char_end,
            Transcript.name,
            Case.name,
            informant,
        )
        .join(Segment, Segment.id == Coding.segment_id)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .outerjoin(Case, Case.id == Transcript.case_id)
        .order_by(Transcript.name_key, Segment.position, Coding.char_start, Coding.id)
    )
    if coder_id is not None:
        query = query.where(or_(Coding.coder_id == coder_id, Coding.pick_rank.is_not(None)))
    ids = dict(tx.execute(select(Concept.name, Concept.id)).all())
    spans: dict[int, dict[tuple[int, int, int], tuple[Any, ...]]] = {}
    for concept, start, end, rank, segment, position, a, b, name, case, who in tx.execute(query):
        found = spans.setdefault(concept, {})
        candidate = (f"{name}:{position}", start, end, (start, end) != (a, b), case, who, segment)
        key = (segment, start, end)
        if key not in found or (rank and not found[key][1]):
            found[key] = (candidate, rank)
    chosen: dict[str, list[tuple[str, int, int]]] = {}
    for concept_name in {c.name for d in view.dimensions for t in d.themes for c in t.concepts}:
        candidates = list(spans.get(ids[concept_name], {}).values())
        picked = sorted((c for c in candidates if c[1]), key=lambda c: c[1])
        if picked:
            chosen[concept_name] = [c[0][:3] for c in picked[:per_concept]]
            continue
        remaining = [c for c, _ in candidates if c[3]] or [c for c, _ in candidates]
        taken: list[tuple[Any, ...]] = []
        while remaining and len(taken) < per_concept:
            best = max(
                remaining,
                key=lambda c: (
                    c[4] not in {t[4] for t in taken},
                    c[5] not in {t[5] for t in taken},
                    c[6] not in {t[6] for t in taken},
                ),
            )
            taken.append(best)
            remaining.remove(best)
        chosen[concept_name] = [c[:3] for c in taken]
    return chosen


@pytest.mark.parametrize("seed", [1, 2])
def test_quotes_chosen_as_the_row_by_row_choice(study: Project, tmp_path: Path, seed: int) -> None:
    """Random codings by three coders (repeated spans, quotes and whole segments,
    picks) on the sample: the quotes chosen are those the first, row-by-row
    implementation chose, for every evidence coder and several sizes."""
    rng = random.Random(seed)
    lead = as_lead(study)
    with lead._read() as tx:
        segments = [
            (f"{name}:{position}", text[a:b])
            for name, position, a, b, text in tx.session.execute(
                select(
                    Transcript.name,
                    Segment.position,
                    Segment.char_start,
                    Segment.char_end,
                    Transcript.text,
                ).join(Transcript, Transcript.id == Segment.transcript_id)
            )
        ]
    concepts = sorted({c.concept for c in lead.codings()})
    rows = []
    for _ in range(150):
        ref, text = rng.choice(segments)
        words = text.split()
        quote = ""
        if rng.random() < 0.5 and len(words) > 2:
            first = rng.randrange(len(words) - 1)
            quote = " ".join(words[first : first + rng.randint(1, 3)])
        rows.append((rng.choice(["Maria", "Tom", "Ana"]), ref, rng.choice(concepts), quote))
    rows += rows[:20]  # the same spans again (by another coder, or the same one)
    path = tmp_path / "more.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([("coder", "segment", "concept", "quote"), *rows])
    lead.import_codings(path)
    picked = rng.sample(concepts, 2)
    for concept in picked:
        refs = sorted({r.segment for r in lead.codings() if r.concept == concept})
        lead.pick_quotes(concept, rng.sample(refs, min(2, len(refs))))
    for evidence in (None, "Tom", "Ana"):
        for per_concept in (1, 3, 40):
            got = lead.quotes(per_concept=per_concept, max_words=500, evidence=evidence)
            with lead._read() as tx:
                view = structure(tx, coder=evidence)
                coder_id = evidence_coder(tx, evidence)
                expected = _reference_quotes(tx, view, per_concept, coder_id)
                texts = {
                    name: text
                    for name, text in tx.session.execute(select(Transcript.name, Transcript.text))
                }
            assert {row.concept: [q.ref for q in row.quotes] for row in got} == {
                c: [ref for ref, _, _ in found] for c, found in expected.items()
            }
            for row in got:
                for shown, (ref, a, b) in zip(row.quotes, expected[row.concept], strict=True):
                    source = texts[ref.rsplit(":", 1)[0]][a:b]
                    assert shown.text == trim_words(clean_quote(source), 500)
