"""Memos are first-class: on segments and on every level of the structure, read where
a researcher looks (show, segments, info, codebook, memo list and its files), edited,
shared and deleted with the trail keeping each text."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from gioia import InvalidInput, NotFound, Project

from .conftest import SAMPLE, as_lead, run

SEGMENT = "case_a_ceo_w1:4"
CONCEPT = "The home market is not enough any more"
THEME = "Internationalisation drive"
DIMENSION = "Exporter disposition"


@pytest.fixture
def study(sample_project: Project) -> Project:
    as_lead(sample_project).import_structure(SAMPLE / "structure.csv")
    return sample_project


def test_memos_on_each_kind_of_target(study: Project) -> None:
    on_segment = study.add_memo(SEGMENT, "  The chains push them abroad.  ")
    on_concept = study.add_memo(CONCEPT.lower(), "Close to the founders' words.")
    on_theme = study.add_memo(THEME, "Why now, not why at all.")
    on_dimension = study.add_memo(DIMENSION, "The exporter's side.", share=True)
    assert [(m.kind, m.target, m.coder, m.shared) for m in study.memos()] == [
        ("segment", SEGMENT, "Maria", False),
        ("concept", CONCEPT, "Maria", False),
        ("theme", THEME, "Maria", False),
        ("dimension", DIMENSION, "Maria", True),
    ]
    assert on_segment.text == "The chains push them abroad."
    assert [m.ref for m in study.memos(THEME)] == [on_theme.ref] == ["#3"]
    assert [m.ref for m in study.memos("case_a_ceo_w1")] == [on_segment.ref] == ["#1"]
    assert [m.ref for m in study.memos(level="concept")] == [on_concept.ref] == ["#2"]
    (segment,) = study.segments(transcript="case_a_ceo_w1", grep="seventy percent")
    assert [m.text for m in segment.memos] == ["The chains push them abroad."]
    assert [m.text for m in study.concept_info(CONCEPT).memos] == ["Close to the founders' words."]
    info = study.item_info("dimension", DIMENSION)
    assert [m.ref for m in info.memos] == [on_dimension.ref] == ["#4"]
    assert study.item_info("theme", THEME).memos[0].text == "Why now, not why at all."
    step = study.step(study.segment_id(SEGMENT))
    assert [m.ref for m in step.segment.memos] == ["#1"]


def test_a_name_that_is_two_things_needs_a_level(study: Project) -> None:
    study.add_item("concept", THEME)  # a concept named like the theme
    with pytest.raises(InvalidInput) as error:
        study.add_memo(THEME, "Which one?")
    assert error.value.message == f"{THEME!r} is a concept and a theme: pass --level to say which."
    assert study.add_memo(THEME, "The theme.", level="theme").kind == "theme"
    with pytest.raises(NotFound, match=r"^No theme 'Nothing'\.$"):
        study.add_memo("Nothing", "x", level="theme")
    with pytest.raises(NotFound, match=r"Did you mean 'Exporter disposition'\?$"):
        study.add_memo("Exporter dispositon", "x")


def test_edit_share_and_delete_only_your_own(study: Project) -> None:
    memo = study.add_memo(SEGMENT, "First.")
    assert (memo.id, memo.ref) == (None, "#1")  # blind: no store id
    edited = study.edit_memo(memo.ref, "Second.")
    assert (edited.text, edited.updated_at is not None) == ("Second.", True)
    study.share_memo(memo.ref)
    study.coder = "Tom"
    assert [m.text for m in study.memos()] == ["Second."]  # shared: Tom reads it
    with pytest.raises(
        InvalidInput, match=r"^Memo Maria#1 is Maria's: only its author can change it\.$"
    ):
        study.delete_memo("Maria#1")
    study.coder = "Maria"
    with pytest.raises(InvalidInput, match=r"^A memo cannot be blank: delete it with"):
        study.edit_memo(memo.ref, " ")
    study.delete_memo(memo.ref)
    assert study.memos() == []
    with pytest.raises(NotFound, match=r"^No memo #1: `gioia memo list` shows their numbers\.$"):
        study.edit_memo(memo.ref, "Third.")
    assert [e.summary for e in study.log() if e.subject == "memo"] == [
        f"Memo #1 on {SEGMENT}",
        f"Edited memo #1 on {SEGMENT}",
        f"Shared memo #1 on {SEGMENT}",
        f"Deleted memo #1 on {SEGMENT}",
    ]


def test_undo_refuses_a_memo_that_is_gone(study: Project) -> None:
    memo = study.add_memo(SEGMENT, "Soon gone.")
    assert memo.event is not None
    study.delete_memo(memo.ref)
    with pytest.raises(InvalidInput, match=r"that memo is gone already\.$"):
        study.undo([memo.event])


def test_the_codebook_has_a_memos_column(study: Project, tmp_path: Path) -> None:
    study.add_memo(CONCEPT, "Close to the founders' words.")
    study.add_memo(THEME, "Why now.")
    study.coder = None
    study.write_codebook(tmp_path / "plain.csv")
    study.write_codebook(tmp_path / "book.csv", with_memos=True)
    with (tmp_path / "plain.csv").open() as handle:
        assert "memos" not in next(csv.reader(handle))
    with (tmp_path / "book.csv").open() as handle:
        rows = {(r["level"], r["theme"], r["concept"]): r["memos"] for r in csv.DictReader(handle)}
    assert rows[("concept", THEME, CONCEPT)] == "Maria: Close to the founders' words."
    assert rows[("theme", THEME, "")] == "Maria: Why now."
    study.write_codebook(tmp_path / "book.md", with_memos=True)
    table = (tmp_path / "book.md").read_text()
    assert table.splitlines()[2].endswith("| Informants | Memos |")
    assert "| Maria: Why now. |" in table


def test_memo_commands(store: str, runner: CliRunner, tmp_path: Path) -> None:
    run(runner, store, "import", "--manifest", str(SAMPLE / "manifest.csv"))
    run(runner, store, "structure", "import", str(SAMPLE / "structure.csv"))
    added = run(runner, store, "memo", SEGMENT, "--text", "The chains.", coder="Ana")
    assert added.output == f"Memo #1 added to {SEGMENT}.\n"
    added = run(runner, store, "memo", "add", THEME, "--text", "Why now.", "--share", coder="Ana")
    assert added.output == f"Memo #2 added to theme {THEME!r} (shared).\n"
    edited = run(runner, store, "memo", "edit", "1", "--text", "The chains squeeze.", coder="Ana")
    assert edited.output == f"Memo #1 on {SEGMENT} edited.\n"
    listed = run(runner, store, "memo", "list", coder="Ana").output.splitlines()
    assert [line.split(" · ")[0] for line in listed if line.startswith("#")] == [
        f"#1  {SEGMENT} ",
        f"#2  theme {THEME!r} ",
    ]
    assert listed[1] == "  The chains squeeze."
    assert listed[-1] == "2 memo(s)."
    shown = run(runner, store, "show", "case_a_ceo_w1", coder="Ana").output
    assert "  ✎ #1 Ana: The chains squeeze." in shown.splitlines()
    assert "✎" not in run(runner, store, "show", "case_a_ceo_w1", coder="Ben").output
    listed = run(runner, store, "segments", "-t", "case_a_ceo_w1", "-g", "seventy", coder="Ana")
    assert "  ✎ #1 Ana: The chains squeeze." in listed.output.splitlines()
    for name in ("memos.md", "memos.docx"):
        out = run(runner, store, "memo", "list", "-o", str(tmp_path / name), coder="Ana")
        assert out.output == f"Wrote {tmp_path / name} (2 memo(s)).\n"
    again = run(runner, store, "memo", "list", "-o", str(tmp_path / "memos.md"), coder="Ana")
    assert again.output == f"Replaced {tmp_path / 'memos.md'} (2 memo(s)).\n"
    kept = run(
        runner, store, "memo", "list", "-o", str(tmp_path / "memos.md"), "--no-clobber", coder="Ana"
    )
    assert (kept.exit_code, kept.output) == (
        1,
        f"Error: {tmp_path / 'memos.md'} exists already (--no-clobber): choose another name.\n",
    )
    table = (tmp_path / "memos.md").read_text().splitlines()
    assert table[:4] == [
        "**Memos**",
        "",
        "| On | Author | Date | Memo |",
        "| --- | --- | --- | --- |",
    ]
    assert table[4].startswith("| case\\_a\\_ceo\\_w1:4 | Ana | 20")  # _ escaped
    assert table[4].endswith(") | The chains squeeze. |")  # (edited …)
    assert table[5].startswith(f"| Theme: {THEME} | Ana (shared) |")
    bad = run(runner, store, "memo", "list", "-o", str(tmp_path / "memos.pdf"), coder="Ana")
    assert (bad.exit_code, bad.output) == (
        1,
        "Error: Cannot write memos.pdf: give a file name ending in .md or .docx.\n",
    )
    assert run(runner, store, "memo", "share", "1", coder="Ana").output == (
        f"Memo #1 on {SEGMENT} is shared.\n"
    )
    assert run(runner, store, "memo", "delete", "1", coder="Ana").output == (
        f"Memo #1 on {SEGMENT} deleted.\n"
    )
    refused = run(runner, store, "memo", "delete", "2", coder="Ben")  # Ben's 2nd: none
    assert (refused.exit_code, refused.output) == (
        1,
        "Error: No memo 2: `gioia memo list` shows their numbers.\n",
    )
    refused = run(runner, store, "memo", "delete", "Ana#2", coder="Ben")
    assert (refused.exit_code, refused.output) == (
        1,
        "Error: Memo Ana#2 is Ana's: only its author can change it.\n",
    )
    # Numbers count their author's memos: Ben's first is #1, Ana's next her #3 (her #1
    # was deleted: a number is never given again), whatever the other wrote.
    added = run(runner, store, "memo", SEGMENT, "--text", "Ben's.", coder="Ben")
    assert added.output == f"Memo #1 added to {SEGMENT}.\n"
    added = run(runner, store, "memo", SEGMENT, "--text", "Ana's.", coder="Ana")
    assert added.output == f"Memo #3 added to {SEGMENT}.\n"
    old = run(runner, store, "memo", "edit", "4", "--text", "Ana's, edited.", coder="Ana")
    assert old.output == f"Memo #3 on {SEGMENT} edited.\n"  # 4: its id, as numbers were
    # The project lead reads the team's memos by author, each author's in their order
    # (by target they would interleave: Ben's #1 and Ana's #3 on the segment, then her #2).
    listed = run(runner, store, "memo", "list").output.splitlines()
    assert [line.split(" · ")[:2] for line in listed if line.startswith("#")] == [
        [f"#2  theme {THEME!r} ", "Ana"],
        [f"#3  {SEGMENT} ", "Ana"],
        [f"#1  {SEGMENT} ", "Ben"],
    ]
