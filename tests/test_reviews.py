"""Review coverage, coders, undo and the pieces a coding session is made of."""

from __future__ import annotations

import pytest

from gioia import InvalidInput, NotFound, Project
from gioia.cli.session import concept_fragment, fuzzy_score, rank_choices
from gioia.views import ConceptChoice

from .conftest import as_lead

A2, A4 = "case_a_ceo_w1:2", "case_a_ceo_w1:4"


def test_review_and_unreview(sample_project: Project) -> None:
    first = sample_project.review([A2, A4])
    assert (first.changed, first.unchanged) == (2, 0)
    again = sample_project.review([A2])
    assert (again.changed, again.unchanged, again.event) == (0, 1, None)
    whole = sample_project.review(transcript="case_a_ceo_w1")
    assert (whole.changed, whole.unchanged) == (12, 2)
    taken = sample_project.unreview([A4])
    assert (taken.changed, taken.unchanged) == (1, 0)
    assert sample_project.log()[-1].summary == f"Marked {A4} as not reviewed"
    with pytest.raises(InvalidInput, match="not both and not neither"):
        sample_project.review()


def test_tagging_reviews_and_untagging_keeps_it(sample_project: Project) -> None:
    sample_project.tag([A2], "Family firm", create=True)
    assert sample_project.queue(transcript="case_a_ceo_w1")[:1] != []
    rows = {r.transcript: r for r in sample_project.progress() if r.coder == "Maria"}
    assert (rows["case_a_ceo_w1"].reviewed, rows["case_a_ceo_w1"].total) == (1, 14)
    sample_project.untag([A2], "Family firm")
    rows = {r.transcript: r for r in sample_project.progress() if r.coder == "Maria"}
    assert (rows["case_a_ceo_w1"].reviewed, rows["case_a_ceo_w1"].codings) == (1, 0)


def test_queue_skips_what_is_reviewed(sample_project: Project) -> None:
    queue = sample_project.queue(transcript="case_a_ceo_w1")
    assert len(queue) == 14
    sample_project.review([A2])
    assert sample_project.queue(transcript="case_a_ceo_w1") == queue[1:]
    assert len(sample_project.queue(transcript="case_a_ceo_w1", include_interviewer=True)) == 27
    assert sample_project.first_unreviewed(queue) == queue[1]


def test_the_queue_after_a_segment_in_it_or_not(sample_project: Project) -> None:
    """The first pending segment after one in reading order, going round to the start."""
    queue = sample_project.queue(transcript="case_a_ceo_w1")
    ref = {sample_project.segment_id(f"case_a_ceo_w1:{n}"): n for n in range(1, 29)}
    assert [ref[i] for i in queue] == list(range(2, 29, 2))
    sample_project.review(["case_a_ceo_w1:4", "case_a_ceo_w1:6"])

    def after(position: int) -> int | None:
        found = sample_project.first_unreviewed(
            queue, after=sample_project.segment_id(f"case_a_ceo_w1:{position}")
        )
        return None if found is None else ref[found]

    assert [after(n) for n in (1, 2, 3, 5, 27, 28)] == [2, 8, 8, 8, 28, 2]
    other = sample_project.segment_id("case_b_export_w1:3")  # a later transcript
    assert ref[sample_project.first_unreviewed(queue, after=other)] == 2
    sample_project.review(transcript="case_a_ceo_w1")
    assert sample_project.first_unreviewed(queue, after=queue[0]) is None


def test_progress_per_coder_and_transcript(sample_project: Project) -> None:
    sample_project.review(transcript="case_d_md_w2")
    sample_project.coder = "Tom"
    sample_project.tag(["case_d_md_w2:2"], "Pasta", create=True)
    rows = [
        (r.coder, r.transcript, r.reviewed, r.total, r.codings)
        for r in sample_project.progress()
        if r.transcript == "case_d_md_w2"
    ]
    assert rows == [("Tom", "case_d_md_w2", 1, 15, 1)]  # blind: Maria's work is hers
    sample_project.coder = None
    rows = [
        (r.coder, r.transcript, r.reviewed, r.total, r.codings)
        for r in sample_project.progress()
        if r.transcript == "case_d_md_w2"
    ]
    assert rows == [("Maria", "case_d_md_w2", 15, 15, 0), ("Tom", "case_d_md_w2", 1, 15, 1)]


def test_coders_and_rename(sample_project: Project) -> None:
    sample_project.tag([A2, A4], "Family firm", create=True)
    sample_project.coder = "Tom"
    sample_project.review([A2])
    assert [
        (c.name, c.reviewed, c.codings, c.concepts, c.transcripts) for c in sample_project.coders()
    ] == [("Tom", 1, 0, 0, 0)]  # blind coding: Tom does not see Maria's work
    assert [
        (c.name, c.reviewed, c.codings, c.concepts, c.transcripts)
        for c in sample_project.coders(show_others=True)
    ] == [
        ("Maria", 2, 2, 1, 1),
        ("Tom", 1, 0, 0, 0),
    ]
    assert as_lead(sample_project).rename_coder("tom", "Tomás") == "Tomás"
    assert [c.name for c in sample_project.coders(show_others=True)] == ["Maria", "Tomás"]
    with pytest.raises(InvalidInput, match=r"^A coder named 'Maria' already exists\.$"):
        as_lead(sample_project).rename_coder("Tomás", "maria")
    with pytest.raises(NotFound):
        as_lead(sample_project).rename_coder("Nobody", "X")


def test_undo_reverses_a_line(sample_project: Project) -> None:
    first = sample_project.tag([A2], "Family firm", create=True)
    second = sample_project.tag([A2], "Family firm", quote="family mill")
    assert len(sample_project.codings()) == 2
    undone = sample_project.undo(list(second.events))
    assert undone == ["Tagged case_a_ceo_w1:2 with 'Family firm': 'family mill'"]
    assert [r.quote for r in sample_project.codings()] == [""]
    sample_project.undo(list(first.events))
    assert sample_project.codings() == []
    assert not sample_project.concept_exists("Family firm")
    assert sample_project.queue(transcript="case_a_ceo_w1")[0] == sample_project.segment_id(A2)
    assert [e.action for e in sample_project.log()][-5:] == ["tag", "undo", "undo", "undo", "undo"]


def test_undo_an_untag_and_a_memo(sample_project: Project) -> None:
    sample_project.tag([A2], "Family firm", quote="family mill", create=True)
    removed = sample_project.untag([A2], "Family firm")
    sample_project.undo(list(removed.events))
    assert [r.quote for r in sample_project.codings()] == ["family mill"]
    memo = sample_project.add_memo(A2, "Ask about the 1962 story.")
    assert memo.event is not None
    sample_project.undo([memo.event])
    assert sample_project.log()[-1].summary == "Undid: Memo #1 on case_a_ceo_w1:2"


def test_only_your_own_events_can_be_undone(sample_project: Project) -> None:
    result = sample_project.tag([A2], "Family firm", create=True)
    sample_project.coder = "Tom"
    with pytest.raises(InvalidInput, match=r"is not one of Tom's: cannot undo it\.$"):
        sample_project.undo(list(result.events))


def test_concept_choices_put_your_recent_ones_first(sample_project: Project) -> None:
    sample_project.add_item("concept", "Alpha")
    sample_project.tag([A2], "Zulu", create=True)
    as_lead(sample_project).assign(["Zulu"], theme="Letters", create=True)
    choices = sample_project.concept_choices()
    assert [(c.name, c.theme, c.last_used is not None) for c in choices] == [
        ("Zulu", "Letters", True),
        ("Alpha", None, False),
    ]
    sample_project.coder = "Tom"  # open coding: Maria's Alpha is hers until adopted
    assert [(c.name, c.last_used) for c in sample_project.concept_choices()] == [("Zulu", None)]


def test_concept_info_shows_only_your_examples(sample_project: Project) -> None:
    sample_project.tag([A2], "Family firm", create=True)
    as_lead(sample_project).describe_item("concept", "Family firm", "Owned by a family.")
    as_lead(sample_project).assign(["Family firm"], theme="Ownership", create=True)
    sample_project.coder = "Tom"
    sample_project.tag([A4], "Family firm")  # the structure adopted Maria's: shared
    info = sample_project.concept_info("family firm")
    assert (info.name, info.definition, info.theme) == (
        "Family firm",
        "Owned by a family.",
        "Ownership",
    )
    assert [e.ref for e in info.examples] == [A4]


def test_fuzzy_completion() -> None:
    assert fuzzy_score("home", "The home market is not enough") == (0, 4)
    assert fuzzy_score("ome", "The home market") == (1, 5)
    assert fuzzy_score("hmkt", "The home market") == (2, 11)
    assert fuzzy_score("xyz", "The home market") is None
    choices = [
        ConceptChoice("Trust at a distance", None, None),
        ConceptChoice("Buyers want to taste before they trust", "Trust", None),
    ]
    assert [c.name for c in rank_choices("trust", choices)] == [
        "Trust at a distance",
        "Buyers want to taste before they trust",
    ]
    assert concept_fragment("Trust;  home ma") == "home ma"
    assert concept_fragment("r Fam") == "Fam"
    assert concept_fragment('q "a few words" Fam') == "Fam"
    assert concept_fragment("+New") == "New"
