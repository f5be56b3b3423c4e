"""Correcting segments after import: merge, split and delete, with the work on them kept
and every span still pointing at its words."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from gioia import InvalidInput, NotFound, Project
from gioia.models import Coder, Coding, Memo, Review, Segment, Transcript
from gioia.ops.importing import ImportOptions

from .conftest import as_lead, assert_spans_hold, stored_codings

# In paragraphs: 1 [0,19) "How did you choose?", 2 [21,59) "We looked at three. The fee
# was small.", 3 [61,70) "Section 2" (a heading), 4 [72,87) "And the buyers?",
# 5 [89,128) "Asia, yes. Asia, yes. Some from Canada."
TEXT = (
    "Interviewer: How did you choose?\n\n"
    "Anna Rossi: We looked at three. The fee was small.\n\n"
    "Section 2\n\n"
    "Interviewer: And the buyers?\n\n"
    "Anna Rossi: Asia, yes. Asia, yes. Some from Canada.\n"
)


def state(project: Project) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The segments (position, span, speaker) and codings (position, concept, coder,
    span, words, pick rank) as stored."""
    with project._read() as tx:
        segments = [
            tuple(row)
            for row in tx.session.execute(
                select(
                    Segment.position, Segment.char_start, Segment.char_end, Segment.speaker
                ).order_by(Segment.position)
            )
        ]
    codings = [(int(str(ref).rsplit(":", 1)[1]), *rest) for ref, *rest in stored_codings(project)]
    return segments, codings


def readers(project: Project) -> list[tuple[object, ...]]:
    with project._read() as tx:
        return [
            tuple(row)
            for row in tx.session.execute(
                select(Segment.position, Coder.name)
                .select_from(Review)
                .join(Segment, Segment.id == Review.segment_id)
                .join(Coder, Coder.id == Review.coder_id)
                .order_by(Segment.position, Coder.name)
            )
        ]


def memos(project: Project) -> list[tuple[object, ...]]:
    with project._read() as tx:
        return [
            tuple(row)
            for row in tx.session.execute(
                select(Segment.position, Memo.text)
                .select_from(Memo)
                .join(Segment, Segment.id == Memo.segment_id)
            )
        ]


@pytest.fixture
def anna(project: Project, tmp_path: Path) -> Project:
    path = tmp_path / "anna.txt"
    path.write_text(TEXT)
    as_lead(project).import_file(path, options=ImportOptions(segment_by="paragraph"))
    return project


def test_merge_keeps_codings_memos_and_picks(anna: Project) -> None:
    anna.tag(["anna:2", "anna:3"], "Fee", create=True)
    anna.tag(["anna:2"], "Small", quote="The fee was small", create=True)
    anna.pick_quotes("Small", ["anna:2"])
    anna.coder = "Tom"
    anna.tag(["anna:3"], "Heading", create=True)
    anna.add_memo("anna:3", "A heading, not speech.")
    anna.coder = "Ben"
    anna.review(["anna:3"])
    anna.coder = "Maria"
    edit = as_lead(anna).merge_segments(["anna:2", "anna:3"])
    assert (edit.action, edit.before, edit.after, edit.renumbered) == (
        "merge",
        ("anna:2", "anna:3"),
        ("anna:2",),
        2,
    )
    assert [(i.kind, i.coder, i.concept, i.before, i.status) for i in edit.carried.items] == [
        ("coding", "Maria", "Fee", "anna:2", "changed"),
        ("coding", "Maria", "Small", "anna:2", "kept"),
        ("coding", "Maria", "Fee", "anna:3", "merged"),
        ("coding", "Tom", "Heading", "anna:3", "moved"),
        ("memo", "Tom", None, "anna:3", "moved"),
    ]
    segments, codings = state(anna)
    assert segments == [
        (1, 0, 19, "Interviewer"),
        (2, 21, 70, "Anna Rossi"),
        (3, 72, 87, "Interviewer"),
        (4, 89, 128, "Anna Rossi"),
    ]
    assert codings == [
        (2, "Fee", "Maria", 21, 70, "We looked at three. The fee was small.\n\nSection 2", None),
        (2, "Small", "Maria", 41, 58, "The fee was small", 1),
        (2, "Heading", "Tom", 61, 70, "Section 2", None),
    ]
    # Tom coded the heading: his coding counts as reading, he keeps his mark. Ben had
    # only read the heading: the merged segment is back in his queue.
    assert readers(anna) == [(2, "Maria"), (2, "Tom")]
    assert (edit.carried.reviews_kept, edit.carried.reviews_dropped) == (2, 1)
    assert memos(anna) == [(2, "A heading, not speech.")]
    event = anna.log(show_others=True)[-1]
    assert (event.action, event.summary) == ("merge", "Merged anna:2, anna:3 into anna:2")
    assert event.before is not None and event.after is not None
    assert [(s["segment"], s["start"], s["end"]) for s in event.before["segments"]] == [
        ("anna:2", 21, 59),
        ("anna:3", 61, 70),
    ]
    assert (event.after["segment"]["start"], event.after["segment"]["end"]) == (21, 70)
    assert [(c["segment"], c["start"], c["end"], c["status"]) for c in event.after["codings"]] == [
        ("anna:2", 21, 70, "changed"),
        ("anna:2", 41, 58, "kept"),
        ("anna:2", 21, 70, "merged"),
        ("anna:2", 61, 70, "moved"),
    ]
    assert event.after["renumbered"] == {"after": 3, "by": -1, "segments": 2}
    assert event.after["read marks kept"] == ["Maria", "Tom"]
    assert event.after["read marks withdrawn"] == ["Ben"]
    assert [s.ref for s in anna.transcript("anna").segments] == [
        "anna:1",
        "anna:2",
        "anna:3",
        "anna:4",
    ]
    assert_spans_hold(anna)


def test_merge_is_refused_unless_neighbours_of_one_transcript(anna: Project) -> None:
    with pytest.raises(InvalidInput) as error:
        as_lead(anna).merge_segments(["anna:2", "anna:4"])
    assert error.value.message == (
        "Segments anna:2, anna:4 are not consecutive: merge neighbours only."
    )
    with pytest.raises(InvalidInput, match="Name two or more consecutive segments"):
        as_lead(anna).merge_segments(["anna:2"])
    with pytest.raises(NotFound, match="No segment anna:8"):
        as_lead(anna).merge_segments(["anna:8", "anna:9"])
    assert state(anna)[0][1] == (2, 21, 59, "Anna Rossi")


def test_turns_of_different_speakers_merge_only_with_a_speaker_named(anna: Project) -> None:
    with pytest.raises(InvalidInput) as error:
        as_lead(anna).merge_segments(["anna:4", "anna:5"])
    assert error.value.message == (
        "anna:4 (Interviewer) and anna:5 (Anna Rossi) are turns of different speakers: "
        "pass --speaker NAME to say whose turn the merged segment is."
    )
    with pytest.raises(InvalidInput) as error:
        as_lead(anna).merge_segments(["anna:4", "anna:5"], speaker="Tom")
    assert error.value.message == (
        "No part speaks as 'Tom': choose one of 'Interviewer', 'Anna Rossi'."
    )
    with pytest.raises(InvalidInput) as error:
        as_lead(anna).merge_segments(["anna:5", "anna:4"], speaker="Interviewer")
    assert error.value.message == (
        "Name the segments in their order: anna:4 anna:5 (they merge into the first)."
    )
    assert state(anna)[0][3:] == [(4, 72, 87, "Interviewer"), (5, 89, 128, "Anna Rossi")]
    as_lead(anna).merge_segments(["anna:4", "anna:5"], speaker="anna rossi")
    assert anna.log()[-1].summary == (
        "Merged anna:4, anna:5 into anna:4; the turn of Anna Rossi (--speaker)"
    )
    assert state(anna)[0][3] == (4, 72, 128, "Anna Rossi")
    with anna._read() as tx:
        informant, interviewer = tx.session.execute(
            select(Segment.informant_id, Segment.is_interviewer).where(Segment.position == 4)
        ).one()
        rossi = tx.session.scalar(select(Segment.informant_id).where(Segment.position == 2))
    assert (informant, interviewer) == (rossi, False)
    # The same speaker (a heading paragraph within Anna's turn): no --speaker needed.
    as_lead(anna).merge_segments(["anna:2", "anna:3"])
    assert anna.log()[-1].summary == "Merged anna:2, anna:3 into anna:2"


def test_split_at_a_character(anna: Project) -> None:
    anna.tag(["anna:2"], "Fee", create=True)
    anna.tag(["anna:2"], "Small", quote="The fee was small", create=True)
    anna.add_memo("anna:2", "Three platforms.")
    with pytest.raises(InvalidInput) as error:
        as_lead(anna).split_segment("anna:2", at=25)
    assert error.value.message == (
        "Splitting anna:2 at 25 would cut Maria's quote of 'Small' ('The fee was small'): "
        "split elsewhere."
    )
    with pytest.raises(InvalidInput) as error:
        as_lead(anna).split_segment("anna:2", at=38)
    assert error.value.message == (
        "Cannot split anna:2 at 38: give an offset from 1 to 37 "
        "(its text has 38 characters, counted from 0)."
    )
    with pytest.raises(InvalidInput) as error:
        as_lead(anna).split_segment("anna:2", at=20)
    assert error.value.message == (
        "anna:2 has 1 whole-segment coding(s) (Maria's 'Fee'): say where they go, "
        "--whole-codings first (the first part keeps them) or every (each part gets one, "
        "and counts once per part)."
    )
    edit = as_lead(anna).split_segment("anna:2", at=20, whole="every")
    assert (edit.before, edit.after, edit.renumbered) == (("anna:2",), ("anna:2", "anna:3"), 3)
    assert [(i.concept, i.after, i.status, i.new_text) for i in edit.carried.items] == [
        ("Fee", "anna:2", "changed", "We looked at three."),
        ("Fee", "anna:3", "copied", "The fee was small."),
        ("Small", "anna:3", "moved", "The fee was small"),
        (None, "anna:2", "kept", "Three platforms."),
    ]
    segments, codings = state(anna)
    assert segments == [
        (1, 0, 19, "Interviewer"),
        (2, 21, 40, "Anna Rossi"),
        (3, 41, 59, "Anna Rossi"),
        (4, 61, 70, "Anna Rossi"),
        (5, 72, 87, "Interviewer"),
        (6, 89, 128, "Anna Rossi"),
    ]
    assert codings == [
        (2, "Fee", "Maria", 21, 40, "We looked at three.", None),
        (3, "Small", "Maria", 41, 58, "The fee was small", None),
        (3, "Fee", "Maria", 41, 59, "The fee was small.", None),
    ]
    assert readers(anna) == [(2, "Maria"), (3, "Maria")]
    assert memos(anna) == [(2, "Three platforms.")]
    event = anna.log()[-1]
    assert (event.action, event.summary) == (
        "split",
        "Split anna:2 into anna:2, anna:3; whole-segment codings to every part",
    )
    with pytest.raises(InvalidInput, match=rf"^Event {edit.event} is not one of Maria's"):
        anna.undo([edit.event])  # the lead split it
    assert event.before is not None and event.after is not None
    assert (event.before["segment"]["start"], event.before["segment"]["end"]) == (21, 59)
    assert [(s["segment"], s["start"], s["end"]) for s in event.after["segments"]] == [
        ("anna:2", 21, 40),
        ("anna:3", 41, 59),
    ]
    assert_spans_hold(anna)


def test_split_before_words_and_at_sentences(anna: Project) -> None:
    as_lead(anna).split_segment("anna:5", before="some FROM")
    assert state(anna)[0][4:] == [(5, 89, 110, "Anna Rossi"), (6, 111, 128, "Anna Rossi")]
    as_lead(anna).merge_segments(["anna:5", "anna:6"])
    # A quote across the second sentence end keeps those two sentences together.
    anna.tag(["anna:5"], "Yes", span=(17, 26), create=True)
    edit = as_lead(anna).split_segment("anna:5", sentences=True)
    assert edit.after == ("anna:5", "anna:6")
    segments, codings = state(anna)
    assert segments[4:] == [(5, 89, 99, "Anna Rossi"), (6, 100, 128, "Anna Rossi")]
    assert codings == [(6, "Yes", "Maria", 106, 115, "yes. Some", None)]
    with pytest.raises(InvalidInput, match="The words 'nowhere' are not in anna:6"):
        as_lead(anna).split_segment("anna:6", before="nowhere")
    with pytest.raises(InvalidInput, match="anna:6 starts with 'Asia'"):
        as_lead(anna).split_segment("anna:6", before="Asia")
    assert_spans_hold(anna)


def test_delete_takes_the_words_out_and_moves_later_spans_back(anna: Project) -> None:
    # The second "Asia, yes." first, so that it is updated before the first one: moved
    # back by 11 it takes the first one's old span (uniqueness is checked row by row).
    anna.tag(["anna:5"], "Asia", span=(11, 21), create=True)
    anna.tag(["anna:5"], "Asia", span=(0, 10))
    anna.coder = "Tom"
    anna.tag(["anna:5"], "Canada", create=True)
    anna.coder = "Maria"
    assert anna.transcript("anna").summary.words == 24
    edit = as_lead(anna).delete_segment("anna:3")
    assert (edit.before, edit.after, edit.renumbered, edit.carried.items) == (
        ("anna:3",),
        (),
        2,
        (),
    )
    segments, codings = state(anna)
    assert segments == [
        (1, 0, 19, "Interviewer"),
        (2, 21, 59, "Anna Rossi"),
        (3, 61, 76, "Interviewer"),
        (4, 78, 117, "Anna Rossi"),
    ]
    assert codings == [
        (4, "Asia", "Maria", 78, 88, "Asia, yes.", None),
        (4, "Canada", "Tom", 78, 117, "Asia, yes. Asia, yes. Some from Canada.", None),
        (4, "Asia", "Maria", 89, 99, "Asia, yes.", None),
    ]
    assert anna.transcript("anna").summary.words == 22
    event = anna.log()[-1]
    assert (event.action, event.summary) == ("delete", "Deleted anna:3 (Anna Rossi): 'Section 2'")
    assert event.before is not None and event.after is not None
    assert (event.before["removed"], event.before["removed_text"]) == ([61, 72], "Section 2\n\n")
    assert event.after == {
        "characters": 117,
        "renumbered": {"after": 3, "by": -1, "segments": 2},
    }
    # The same file again changes nothing: the correction stays.
    result = as_lead(anna).import_file(
        Path("anna.txt"), options=ImportOptions(segment_by="paragraph")
    )
    assert result.status == "unchanged"
    assert_spans_hold(anna)


def test_delete_the_last_segment(anna: Project) -> None:
    as_lead(anna).delete_segment("anna:5")
    assert state(anna)[0][-1] == (4, 72, 87, "Interviewer")
    assert anna.transcript("anna").segments[-1].text == "And the buyers?"
    with anna._read() as tx:
        assert tx.session.scalar(select(Transcript.text)).endswith("And the buyers?")
    assert_spans_hold(anna)


def test_delete_a_coded_segment_needs_force(anna: Project, store: str) -> None:
    anna.tag(["anna:2"], "Fee", quote="The fee", create=True)
    anna.add_memo("anna:2", "Fees matter.")
    with pytest.raises(InvalidInput) as error:
        as_lead(anna).delete_segment("anna:2")
    assert error.value.message == (
        "anna:2 holds 1 coding(s) and 1 memo(s): merge it into a neighbour (`gioia "
        "segment merge`), or pass --force to drop them (they go to the audit trail and to "
        "a file beside the store)."
    )
    edit = as_lead(anna).delete_segment("anna:2", force=True)
    assert [(i.kind, i.status, i.old_text) for i in edit.carried.items] == [
        ("coding", "dropped", "The fee"),
        ("memo", "dropped", "Fees matter."),
    ]
    assert edit.carried.reviews_dropped == 1
    assert state(anna)[1] == []
    assert memos(anna) == []
    assert [e.action for e in anna.log()[-3:]] == ["drop", "drop", "delete"]
    assert edit.carried.export is not None
    with Path(edit.carried.export).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["kind"], r["segment"], r["concept"], r["quote"], r["memo"]) for r in rows] == [
        ("coding", "anna:2", "Fee", "The fee", ""),
        ("memo", "anna:2", "", "", "Fees matter."),
    ]
    assert Path(edit.carried.export).parent == (
        Path.cwd() if "://" in store else Path(store).parent
    )
    anna.tag(["anna:2"], "Fee", quote="Section 2")
    again = as_lead(anna).delete_segment("anna:2", force=True)
    assert again.carried.export is not None and again.carried.export != edit.carried.export
    assert len(list(Path(edit.carried.export).parent.glob("anna-dropped-*.csv"))) == 2
    assert_spans_hold(anna)


def test_the_only_segment_cannot_be_deleted(project: Project, tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("Anna: Just this.")
    as_lead(project).import_file(tmp_path / "one.txt")
    with pytest.raises(InvalidInput) as error:
        as_lead(project).delete_segment("one:1")
    assert error.value.message == "one:1 is the only segment of one: there would be nothing left."


def consensus_codes(project: Project) -> list[tuple[str, str]]:
    return sorted((r.segment, r.concept) for r in project.codings(["Consensus"]))


def test_a_merged_segment_keeps_its_readers_and_a_new_decision_replaces_the_old(
    anna: Project,
) -> None:
    """Coders who coded a part keep their read mark; the consensus, which decided only
    one part while a coder had read the other, decides again, and the new decision
    replaces the codings of the old one (in the trail, and undone back)."""
    as_lead(anna).set_phase("codebook")  # agreement compares shared concepts
    for coder, concept in (("Ann", "Fee"), ("Ben", "Small")):
        anna.coder = coder
        anna.tag(["anna:2"], concept, create=True)
    anna.coder = None
    state_ = as_lead(anna).reconcile("Consensus", coders=["Ann", "Ben"])
    assert [p.ref for p in state_.pending] == ["anna:2"]
    as_lead(anna).resolve("Consensus", "anna:2", "a", coders=["Ann", "Ben"])
    anna.coder = "Ann"
    anna.tag(["anna:3"], "Fee")  # a part the consensus never decided
    anna.coder = None
    edit = as_lead(anna).merge_segments(["anna:2", "anna:3"])
    assert readers(anna) == [(2, "Ann"), (2, "Ben")]
    assert (edit.carried.reviews_kept, edit.carried.reviews_dropped) == (2, 1)
    merge_event = anna.log()[-1]
    assert merge_event.after is not None
    assert merge_event.after["read marks withdrawn"] == ["Consensus"]
    again = as_lead(anna).reconcile("Consensus", coders=["Ann", "Ben"])
    assert [p.ref for p in again.pending] == ["anna:2"]
    assert consensus_codes(anna) == [("anna:2", "Fee")]
    decision = as_lead(anna).resolve("Consensus", "anna:2", "b", coders=["Ann", "Ben"])
    assert consensus_codes(anna) == [("anna:2", "Small")]  # Fee is replaced, not kept beside
    event = anna.log()[-1]
    assert event.id == decision.event and event.before is not None and event.after is not None
    assert [(c["concept"], c["start"], c["end"]) for c in event.before["consensus"]] == [
        ("Fee", 21, 59)
    ]
    assert [(c["concept"], c["start"], c["end"]) for c in event.after["removed"]] == [
        ("Fee", 21, 59)
    ]
    assert [(c["concept"], c["start"], c["end"]) for c in event.after["added"]] == [
        ("Small", 21, 59)
    ]
    old_id = event.before["consensus"][0]["id"]
    as_lead(anna).undo_decision("Consensus", decision.event)
    assert consensus_codes(anna) == [("anna:2", "Fee")]
    with anna._read() as tx:
        restored = tx.session.scalars(
            select(Coding.id)
            .join(Coder, Coder.id == Coding.coder_id)
            .where(Coder.name == "Consensus")
        ).all()
    assert restored == [old_id]


def test_a_merge_keeps_the_consensus_read_mark_when_it_decided_every_part_read(
    anna: Project,
) -> None:
    """The consensus decided both parts the coders read: the merged segment stays
    decided (its mark kept, nothing to decide again), beside the coders' marks."""
    as_lead(anna).set_phase("codebook")  # agreement compares shared concepts
    for coder, concept in (("Ann", "Fee"), ("Ben", "Small")):
        anna.coder = coder
        anna.tag(["anna:2", "anna:3"], concept, create=True)
    anna.coder = None
    lead = as_lead(anna)
    assert [p.ref for p in lead.reconcile("Consensus", coders=["Ann", "Ben"]).pending] == [
        "anna:2",
        "anna:3",
    ]
    for ref in ("anna:2", "anna:3"):
        lead.resolve("Consensus", ref, "a", coders=["Ann", "Ben"])
    edit = lead.merge_segments(["anna:2", "anna:3"])
    assert readers(anna) == [(2, "Ann"), (2, "Ben"), (2, "Consensus")]
    assert (edit.carried.reviews_kept, edit.carried.reviews_dropped) == (3, 0)
    merge_event = anna.log()[-1]
    assert merge_event.after is not None
    assert merge_event.after["read marks withdrawn"] == []
    again = lead.reconcile("Consensus", coders=["Ann", "Ben"])
    assert (again.pending, again.decided) == ((), 1)
    assert consensus_codes(anna) == [("anna:2", "Fee")]


def test_a_split_leaves_whole_segment_codings_with_the_first_part_when_asked(
    anna: Project,
) -> None:
    """Splitting into sentences does not multiply a coding of the whole turn: with
    ``first`` the first sentence keeps it, and it still counts once."""
    anna.tag(["anna:5"], "Asia", create=True)
    anna.tag(["anna:5"], "Canada", quote="Some from Canada", create=True)
    edit = as_lead(anna).split_segment("anna:5", sentences=True, whole="first")
    assert edit.after == ("anna:5", "anna:6", "anna:7")
    assert [(i.concept, i.after, i.status) for i in edit.carried.items] == [
        ("Asia", "anna:5", "changed"),
        ("Canada", "anna:7", "moved"),
    ]
    assert state(anna)[1] == [
        (5, "Asia", "Maria", 89, 99, "Asia, yes.", None),
        (7, "Canada", "Maria", 111, 127, "Some from Canada", None),
    ]
    assert readers(anna)[-3:] == [(5, "Maria"), (6, "Maria"), (7, "Maria")]
    with pytest.raises(InvalidInput, match="'some' is not a choice"):
        as_lead(anna).split_segment("anna:2", at=5, whole="some")
    assert_spans_hold(anna)
