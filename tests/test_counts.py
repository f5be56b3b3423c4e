"""A coder's concept on a segment is one coding in every count, however many quotes
mark it; a consensus holds it once; identical codings are stored once."""

from __future__ import annotations

from pathlib import Path

from gioia import Project

from .conftest import as_lead, stored_codings

A = "case_a_ceo_w1:2"  # "Sure, sure. So, we are a family mill, a frantoio, in the province…"
MILL, BARI = "a family mill", "in the province of Bari"


def spans(project: Project, coder: str) -> list[tuple[object, ...]]:
    """A coder's stored codings: segment reference, concept, the words coded."""
    return [
        (ref, concept, words)
        for ref, concept, who, _, _, words, _ in stored_codings(project)
        if who == coder
    ]


def test_a_concept_coded_twice_on_a_segment_counts_once(sample_project: Project) -> None:
    p = sample_project
    as_lead(p).set_phase("codebook")  # Tom codes with Maria's concept
    p.tag([A], "Family mill", create=True)
    p.tag([A], "Family mill", quote=MILL)
    p.tag([A], "Family mill", quote=BARI)
    p.coder = "Tom"
    p.tag([A], "Family mill")
    p.coder = None  # the project lead, who sees every coder's work
    assert len(p.codings()) == 4  # every span is kept as evidence
    (row,) = p.items("concept")
    assert (row.counts.codings, row.counts.segments, row.counts.quotes) == (2, 1, 1)
    assert p.structure(evidence="Maria").concepts_without_theme[0].counts.codings == 1
    transcripts = {t.name: t.codings for t in p.transcripts()}
    assert transcripts["case_a_ceo_w1"] == 2
    assert {c.name: c.codings for c in p.cases()}["Case A"] == 2
    progress = {(r.coder, r.transcript): r.codings for r in p.progress()}
    assert (progress[("Maria", "case_a_ceo_w1")], progress[("Tom", "case_a_ceo_w1")]) == (1, 1)
    assert [(c.name, c.codings, c.concepts) for c in p.coders()] == [
        ("Maria", 1, 1),
        ("Tom", 1, 1),
    ]


def test_the_consensus_holds_a_concept_once_on_its_quotes(sample_project: Project) -> None:
    """Maria coded the whole segment and a quote, Tom the whole segment: the consensus
    used to end with both spans (and three after a third); it keeps the quote."""
    p = sample_project
    as_lead(p).set_phase("codebook")  # Tom codes with Maria's concepts
    p.tag([A], "Family mill", create=True)
    p.tag([A], "Family mill", quote=MILL)
    p.tag(["case_a_ceo_w1:4"], "Home market", quote="we cannot depend on them", create=True)
    p.coder = "Tom"
    p.tag([A], "Family mill")
    p.tag(["case_a_ceo_w1:4"], "Home market", quote="The chains squeeze the price")
    p.coder = None
    state = as_lead(p).reconcile("Consensus", coders=["Maria", "Tom"])
    assert (state.copied, state.pending) == (2, ())
    assert spans(p, "Consensus") == [
        (A, "Family mill", MILL),
        ("case_a_ceo_w1:4", "Home market", "The chains squeeze the price"),
        ("case_a_ceo_w1:4", "Home market", "we cannot depend on them"),
    ]
    counts = {r.name: r.counts for r in p.items("concept")}
    assert (counts["Family mill"].codings, counts["Home market"].codings) == (1, 1)
    assert (counts["Family mill"].quotes, counts["Home market"].quotes) == (1, 1)
    again = as_lead(p).reconcile("Consensus", coders=["Maria", "Tom"])
    assert again.copied == 0 and len(spans(p, "Consensus")) == 3


def test_a_codings_file_stores_one_span_once(sample_project: Project, tmp_path: Path) -> None:
    text = sample_project.transcript("case_a_ceo_w1").segments[1].text
    path = tmp_path / "codings.csv"
    path.write_text(
        "coder,segment,concept,quote\n"
        f"Ann,{A},Family mill,\n"
        f'Ann,{A},Family mill,"{text}"\n'  # the whole segment, written out
        f"Ann,{A},Family mill,A FAMILY  mill\n"  # the same words, other case and spacing
        f"Ann,{A},Family mill,{MILL}\n"
    )
    result = as_lead(sample_project).import_codings(path)
    assert (result.added, result.duplicates) == (2, 2)
    assert spans(sample_project, "Ann") == [(A, "Family mill", text), (A, "Family mill", MILL)]
    again = as_lead(sample_project).import_codings(path)
    assert (again.added, again.existing) == (0, 4)
    sample_project.coder = None  # Ann's concept is hers in open coding: the lead sees it
    assert sample_project.items("concept")[0].counts.codings == 1
