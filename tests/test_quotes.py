"""Choosing representative quotes and picking them by hand."""

from __future__ import annotations

import pytest

from gioia import NotFound, Project
from gioia.views import Quote

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
