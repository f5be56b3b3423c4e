"""Coding through the API: tag, untag, quotes and spans, memos, codings files, the log."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from gioia import ImportFailed, InvalidInput, NotFound, Project

from .conftest import SAMPLE, as_lead

SEGMENT = "case_b_export_w2:10"
SEGMENT_TEXT_START = "They helped to start. With Taiwan we did four or five calls"


def test_tag_a_whole_segment(sample_project: Project) -> None:
    result = sample_project.tag([SEGMENT], "Video is not a handshake", create=True)
    assert (result.concept, result.added, result.existing, result.created_concept) == (
        "Video is not a handshake",
        1,
        0,
        True,
    )
    (segment,) = sample_project.segments(concept="video is not  a HANDSHAKE")
    assert segment.ref == SEGMENT and segment.text.startswith(SEGMENT_TEXT_START)
    (mark,) = segment.codings
    assert (mark.concept, mark.coder, mark.start, mark.end, mark.quote) == (
        "Video is not a handshake",
        "Maria",
        0,
        len(segment.text),
        None,
    )


def test_tagging_twice_keeps_one_coding(sample_project: Project) -> None:
    sample_project.tag([SEGMENT], "Trust", create=True)
    again = sample_project.tag([SEGMENT], "Trust")
    assert (again.added, again.existing) == (0, 1)
    assert len(sample_project.codings()) == 1


def test_tag_a_quote(sample_project: Project) -> None:
    sample_project.tag(
        [SEGMENT],
        "Trust",
        quote="A video call is a meeting; a dinner is a relationship.",
        create=True,
    )
    (segment,) = sample_project.segments(concept="Trust")
    (mark,) = segment.codings
    assert mark.quote == "A video call is a meeting; a dinner is a relationship."
    assert segment.text[mark.start : mark.end] == mark.quote
    assert (mark.start, mark.end) == (293, 347)


def test_a_quote_matches_despite_case_spacing_and_curly_quotes(sample_project: Project) -> None:
    sample_project.tag([SEGMENT], "Trust", quote="a VIDEO   call is a meeting", create=True)
    (mark,) = sample_project.segments(concept="Trust")[0].codings
    assert mark.quote == "A video call is a meeting"


def test_a_quote_not_in_the_segment_is_refused(sample_project: Project) -> None:
    with pytest.raises(InvalidInput) as error:
        sample_project.tag([SEGMENT], "Trust", quote="we loved the platform", create=True)
    assert error.value.message == f"The quote 'we loved the platform' is not in {SEGMENT}."
    assert sample_project.codings() == [] and sample_project.log()[-1].action == "import"


def test_tag_a_span(sample_project: Project) -> None:
    sample_project.tag([SEGMENT], "Trust", span=(0, 21), create=True)
    (mark,) = sample_project.segments(concept="Trust")[0].codings
    assert (mark.start, mark.end, mark.quote) == (0, 21, "They helped to start.")
    with pytest.raises(InvalidInput) as error:
        sample_project.tag([SEGMENT], "Trust", span=(10, 5000))
    assert error.value.message.startswith(
        f"The span 10:5000 is not inside {SEGMENT}, whose text has"
    )


def test_references_that_do_not_exist(sample_project: Project) -> None:
    with pytest.raises(NotFound) as error:
        sample_project.tag(["case_b_export_w2:31"], "Trust", create=True)
    assert error.value.message == (
        "No segment case_b_export_w2:31: case_b_export_w2 has segments 1 to 30."
    )
    with pytest.raises(NotFound) as error:
        sample_project.tag(["case_b_exprt_w2:1"], "Trust", create=True)
    assert (
        error.value.message == "No transcript 'case_b_exprt_w2'. Did you mean 'case_b_export_w2'?"
    )
    with pytest.raises(InvalidInput) as error:
        sample_project.tag(["case_b_export_w2:0"], "Trust", create=True)
    assert error.value.message == (
        "'case_b_export_w2:0' is not a segment reference: write TRANSCRIPT:N, e.g. case_a_ceo_w1:3."
    )


def test_a_typo_does_not_create_a_concept(sample_project: Project) -> None:
    sample_project.tag([SEGMENT], "Trust building", create=True)
    with pytest.raises(NotFound) as error:
        sample_project.tag(["case_b_export_w2:8"], "Trust biulding")
    assert error.value.message == (
        "No concept 'Trust biulding'. Did you mean 'Trust building'? Add --new to create it."
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "A concept name cannot be blank."),
        (
            "x" * 500,
            "A concept name is at most 200 characters (this one has 500): "
            "keep the label short and put the rest in its definition.",
        ),
    ],
)
def test_bad_concept_names(sample_project: Project, name: str, message: str) -> None:
    with pytest.raises(InvalidInput) as error:
        sample_project.tag([SEGMENT], name, create=True)
    assert error.value.message == message


def test_writing_needs_a_coder(sample_project: Project) -> None:
    sample_project.coder = None
    with pytest.raises(InvalidInput) as error:
        sample_project.tag([SEGMENT], "Trust", create=True)
    assert error.value.message == "No coder given: pass --coder NAME or set GIOIA_CODER."


def test_untag(sample_project: Project) -> None:
    sample_project.tag([SEGMENT, "case_b_export_w2:8"], "Trust", create=True)
    assert sample_project.untag([SEGMENT], "Trust").removed == 1
    assert [s.ref for s in sample_project.segments(concept="Trust")] == ["case_b_export_w2:8"]
    with pytest.raises(NotFound) as error:
        sample_project.untag([SEGMENT], "Trust")
    assert error.value.message == f"{SEGMENT} has no coding 'Trust' by Maria."
    assert [e.action for e in sample_project.log(concept="Trust")] == [
        "create",
        "tag",
        "tag",
        "untag",
    ]


def test_coders_see_only_their_own_codings(sample_project: Project) -> None:
    sample_project.tag([SEGMENT], "Trust", create=True)
    sample_project.coder = "Tom"
    with pytest.raises(NotFound, match=r"^No concept 'Trust'\.$"):  # open coding: Maria's
        sample_project.segments(concept="Trust")
    as_lead(sample_project).set_phase("codebook")  # the concept list is shared, the codings are not
    assert sample_project.segments(concept="Trust") == []
    assert len(sample_project.segments(uncoded=True)) == 98
    sample_project.coder = None
    (segment,) = sample_project.segments(concept="Trust")
    assert [(m.concept, m.coder) for m in segment.codings] == [("Trust", "Maria")]


def test_memos(sample_project: Project) -> None:
    on_segment = sample_project.add_memo(SEGMENT, "  Compare with the Taiwan story.  ")
    assert (on_segment.target, on_segment.coder, on_segment.text) == (
        SEGMENT,
        "Maria",
        "Compare with the Taiwan story.",
    )
    sample_project.tag([SEGMENT], "Trust", create=True)
    on_concept = sample_project.add_memo("trust", "Merged from two earlier labels.")
    assert on_concept.target == "Trust"
    with pytest.raises(InvalidInput, match=r"^A memo cannot be blank\.$"):
        sample_project.add_memo(SEGMENT, "  ")
    assert [e.summary for e in sample_project.log(concept="Trust")][-1] == "Memo #2 on Trust"


def test_import_the_sample_codings(sample_project: Project) -> None:
    maria = as_lead(sample_project).import_codings(SAMPLE / "codings_maria.csv")
    assert (maria.added, maria.existing, maria.coders) == (90, 0, ("Maria",))
    assert len(maria.created_concepts) == 20
    tom = as_lead(sample_project).import_codings(SAMPLE / "codings_tom.csv")
    # Open coding: Maria's 20 names are hers; the same names in Tom's rows are his own.
    assert (tom.added, sorted(tom.created_concepts), tom.coders) == (
        90,
        sorted(maria.created_concepts),
        ("Tom",),
    )
    again = as_lead(sample_project).import_codings(SAMPLE / "codings_tom.csv")
    assert (again.added, again.existing) == (0, 90)
    assert (maria.reviewed, tom.reviewed, again.reviewed) == ({"Maria": 80}, {"Tom": 82}, {})
    assert len(sample_project.codings()) == 90  # Maria's only: blind coding
    with pytest.raises(InvalidInput, match=r"^tom's codings are hidden from Maria"):
        sample_project.codings(["tom"])
    sample_project.coder = None
    rows = sample_project.codings()
    assert len(rows) == 180
    quoted = [r for r in rows if r.quote]
    assert len(quoted) == 90
    assert all(r.quote in r.text for r in quoted)
    assert {r.case for r in rows} == {"Case A", "Case B", "Case C", "Case D"}
    assert len(sample_project.codings(["tom"])) == 90


def test_a_codings_file_is_written_a_part_at_a_time_each_event_naming_its_coding(
    sample_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written 7 codings at a time, the 90 codings of a file (47 on quotes) are all
    there, each with one "tag" event that names it (its id, segment, concept and span)
    and the file's row; the quotes are found in the transcripts that hold them."""
    from gioia.ops import tagging

    monkeypatch.setattr(tagging, "WRITE_CHUNK", 7)
    result = as_lead(sample_project).import_codings(SAMPLE / "codings_maria.csv")
    assert result.added == 90
    with sample_project._read() as tx:
        codings = {
            row.id: (row.ref, row.concept, row.char_start, row.char_end)
            for row in tx.connection.execute(
                text(
                    "SELECT c.id, t.name || ':' || s.position AS ref, k.name AS concept,"
                    " c.char_start, c.char_end FROM codings c"
                    " JOIN segments s ON s.id = c.segment_id"
                    " JOIN transcripts t ON t.id = s.transcript_id"
                    " JOIN concepts k ON k.id = c.concept_id"
                )
            )
        }
        events = tx.connection.execute(
            text("SELECT subject_id, after FROM events WHERE action = 'tag'")
        ).all()
    assert len(codings) == len(events) == 90
    named = {}
    for subject, after in events:
        after = json.loads(after) if isinstance(after, str) else after
        named[subject] = (after["segment"], after["concept"], after["start"], after["end"])
    assert named == codings
    quoted = [r for r in sample_project.codings() if r.quote]
    assert len(quoted) == 47 and all(r.quote in r.text for r in quoted)  # as in the file


def test_codings_export_round_trips(sample_project: Project, tmp_path: Path) -> None:
    as_lead(sample_project).import_codings(SAMPLE / "codings_maria.csv")
    exported = tmp_path / "out.csv"
    with exported.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["coder", "segment", "concept", "quote"])
        writer.writerows([r.coder, r.segment, r.concept, r.quote] for r in sample_project.codings())
    before = sample_project.codings()
    result = as_lead(sample_project).import_codings(exported)
    assert (result.added, result.existing) == (0, 90)
    assert sample_project.codings() == before


def test_bad_codings_rows_are_all_named_and_nothing_is_written(
    sample_project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "codings.csv"
    path.write_text(
        "coder,segment,concept,quote\n"
        "Ann,case_a_ceo_w1:2,Family mill,\n"
        "Ann,case_a_ceo_w1:99,Family mill,\n"
        "Ann,case_z:1,Family mill,\n"
        "Ann,case_a_ceo_w1:2,Family mill,words that are not there\n"
        ",case_a_ceo_w1:2,Family mill,\n"
        "Ann,case_a_ceo_w1:2,,\n"
        "Ann,nonsense,Family mill,\n"
    )
    with pytest.raises(ImportFailed) as error:
        as_lead(sample_project).import_codings(path)
    assert error.value.message == "codings.csv has 6 bad row(s); nothing imported."
    assert error.value.details == [
        "row 3: no segment case_a_ceo_w1:99.",
        "row 4: no transcript 'case_z'.",
        "row 5: the quote 'words that are not there' is not in case_a_ceo_w1:2.",
        "row 6: a coder name cannot be blank.",
        "row 7: a concept name cannot be blank.",
        "row 8: 'nonsense' is not a segment reference: write TRANSCRIPT:N, e.g. case_a_ceo_w1:3.",
    ]
    assert sample_project.codings() == []
    path.write_text("coder,segment\nAnn,case_a_ceo_w1:2\n")
    with pytest.raises(ImportFailed) as error:
        as_lead(sample_project).import_codings(path)
    assert error.value.message == "codings.csv has no column concept (its columns: coder, segment)."


def test_duplicate_rows_in_a_codings_file_are_merged(
    sample_project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "codings.csv"
    path.write_text(
        "coder,segment,concept\nAnn,case_a_ceo_w1:2,Family mill\nann,case_a_ceo_w1:2,family mill\n"
    )
    result = as_lead(sample_project).import_codings(path)
    assert (result.added, result.duplicates, result.created_concepts) == (1, 1, ("Family mill",))


def test_log_filters(sample_project: Project) -> None:
    sample_project.tag([SEGMENT], "Trust", create=True)
    as_lead(sample_project).set_phase("codebook")
    sample_project.coder = "Tom"
    sample_project.tag([SEGMENT], "Distance", create=True)
    assert [e.summary for e in sample_project.log(by="Tom")] == [
        "Created coder 'Tom'",
        "Created concept 'Distance'",
        f"Tagged {SEGMENT} with 'Distance'",
        f"Reviewed {SEGMENT}",
    ]
    with pytest.raises(InvalidInput, match=r"^Maria's changes are hidden from Tom during blind"):
        sample_project.log(by="Maria")
    assert "Maria" not in repr(sample_project.log())  # the names are shared, her events not
    assert [e.action for e in sample_project.log(concept="trust")] == []
    assert [e.action for e in sample_project.log(concept="trust", show_others=True)] == [
        "create",
        "tag",
    ]
    assert sample_project.log(since=dt.datetime(2100, 1, 1)) == []
    assert len(sample_project.log(limit=2)) == 2
    assert [e.summary for e in sample_project.log(limit=2)] == [  # looking is in the trail
        f"Reviewed {SEGMENT}",
        "Tom looked at other coders' work: the audit trail",
    ]
    sample_project.coder = None
    with pytest.raises(NotFound, match=r"No coder 'Zed' \(coders: Maria, Tom\)\."):
        sample_project.log(by="Zed")


def test_the_log_is_blind_for_the_current_coder(sample_project: Project) -> None:
    sample_project.tag([SEGMENT], "Trust", create=True)
    sample_project.coder = "Tom"
    sample_project.tag(["case_b_export_w2:8"], "Distance", create=True)
    summaries = [e.summary for e in sample_project.log()]
    assert f"Tagged {SEGMENT} with 'Trust'" not in summaries
    assert "Created concept 'Trust'" not in summaries  # open coding: Maria's name is hers
    assert "Tagged case_b_export_w2:8 with 'Distance'" in summaries
    sample_project.coder = None
    as_lead(sample_project).assign(
        ["Trust"], theme="Relations", create=True
    )  # the structure adopts it
    sample_project.coder = "Tom"
    summaries = [e.summary for e in sample_project.log()]
    assert "Created concept 'Trust'" not in summaries  # Maria's event: hers
    assert summaries[-2:] == [
        "Concept 'Trust' is now shared with the team",
        "Assigned concept 'Trust' to theme 'Relations'",
    ]
    assert f"Tagged {SEGMENT} with 'Trust'" not in summaries
    everyone = [e.summary for e in sample_project.log(show_others=True)]
    assert f"Tagged {SEGMENT} with 'Trust'" in everyone
