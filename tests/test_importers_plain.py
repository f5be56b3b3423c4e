"""Plain-text and Markdown transcripts: every shape of TRANSCRIPT_FORMATS.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gioia.errors import ImportFailed
from gioia.importers import Turn, read_transcript
from gioia.importers.plain import parse_blocks, parse_timestamp, text_blocks
from gioia.text import normalize_text


def read(tmp_path: Path, content: str, name: str = "interview.txt") -> list[Turn]:
    """Write ``content`` to ``name``, read it, check there are no warnings."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    parsed = read_transcript(path)
    assert parsed.warnings == []
    return parsed.turns


# Label and colon


def test_label_and_colon_one_turn_per_paragraph(tmp_path: Path) -> None:
    text = (
        "Interviewer: How did you choose the platform?\n\n"
        "Anna Rossi: We looked at three of them.\n\n"
        "Interviewer: And then?\n\n"
        "Anna Rossi: Then we chose the cheapest."
    )
    assert read(tmp_path, text) == [
        Turn("Interviewer", "How did you choose the platform?"),
        Turn("Anna Rossi", "We looked at three of them."),
        Turn("Interviewer", "And then?"),
        Turn("Anna Rossi", "Then we chose the cheapest."),
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Sales Manager", "Head of Operations"),
        ("AR", "JB"),
        ("Q", "A"),
        ("I", "R"),
        ("P1", "P2"),
        ("INTERVIEWER", "ANNA ROSSI"),
        ("Dr. Anna Rossi", "Jean-Luc O'Brien"),
        ("Ana Mar\u00eda de la Cruz", "\u738b\u82b3"),
    ],
)
def test_label_kinds(tmp_path: Path, first: str, second: str) -> None:
    text = f"{first}: Why?\n\n{second}: Because.\n\n{first}: Sure?\n\n{second}: Yes."
    assert [(t.speaker, t.text) for t in read(tmp_path, text)] == [
        (first, "Why?"),
        (second, "Because."),
        (first, "Sure?"),
        (second, "Yes."),
    ]


def test_labels_on_consecutive_lines(tmp_path: Path) -> None:
    text = "Q: How?\nA: Like this.\nit went on\n\nQ: Then?"
    assert read(tmp_path, text) == [
        Turn("Q", "How?"),
        Turn("A", "Like this.\nit went on"),
        Turn("Q", "Then?"),
    ]


def test_space_before_colon(tmp_path: Path) -> None:
    text = "Anna : Bonjour.\n\nBob : Salut.\n\nAnna : Oui."
    assert [t.speaker for t in read(tmp_path, text)] == ["Anna", "Bob", "Anna"]


def test_speaker_who_talks_once(tmp_path: Path) -> None:
    text = (
        "Moderator: Who wants to start?\n\n"
        "Anna: Me.\n\n"
        "Moderator: Anyone else?\n\n"
        "Marco: Just once, and I agree.\n\n"
        "Anna: Good."
    )
    assert [t.speaker for t in read(tmp_path, text)] == [
        "Moderator",
        "Anna",
        "Moderator",
        "Marco",
        "Anna",
    ]


def test_short_file_with_a_role_and_a_name(tmp_path: Path) -> None:
    text = "Interviewer: How did you choose?\n\nAnna Rossi: We looked at three."
    assert read(tmp_path, text) == [
        Turn("Interviewer", "How did you choose?"),
        Turn("Anna Rossi", "We looked at three."),
    ]


# Label on its own line


def test_label_alone_on_its_line_with_colon(tmp_path: Path) -> None:
    text = "Interviewer:\nHow did you choose?\n\nAnna Rossi:\nWe looked at three.\nAll cheap."
    assert read(tmp_path, text) == [
        Turn("Interviewer", "How did you choose?"),
        Turn("Anna Rossi", "We looked at three.\nAll cheap."),
    ]


def test_label_alone_on_its_line_without_colon(tmp_path: Path) -> None:
    text = (
        "INTERVIEWER\n\nHow did you choose?\n\n"
        "ANNA ROSSI\n\nWe looked at three.\n\nAll cheap.\n\n"
        "INTERVIEWER\n\nOkay.\n\n"
        "ANNA ROSSI\n\nYes"
    )
    assert read(tmp_path, text) == [
        Turn("INTERVIEWER", "How did you choose?"),
        Turn("ANNA ROSSI", "We looked at three.\n\nAll cheap."),
        Turn("INTERVIEWER", "Okay."),
        Turn("ANNA ROSSI", "Yes"),
    ]


def test_recurring_short_answer_alone_is_not_a_label(tmp_path: Path) -> None:
    text = (
        "INTERVIEWER\nHow was it?\nANNA ROSSI\nOkay\nINTERVIEWER\nReally?\nANNA ROSSI\nOkay\n"
        "INTERVIEWER\nFine."
    )
    assert [(t.speaker, t.text) for t in read(tmp_path, text)] == [
        ("INTERVIEWER", "How was it?"),
        ("ANNA ROSSI", "Okay"),
        ("INTERVIEWER", "Really?"),
        ("ANNA ROSSI", "Okay"),
        ("INTERVIEWER", "Fine."),
    ]


# Bracketed


def test_bracketed_labels(tmp_path: Path) -> None:
    text = "[Interviewer] How?\n\n[Anna] We looked at it.\n[Laughter]\n\n[Interviewer] Why?"
    assert read(tmp_path, text) == [
        Turn("Interviewer", "How?"),
        Turn("Anna", "We looked at it.\n[Laughter]"),
        Turn("Interviewer", "Why?"),
    ]


# Inline timestamps


@pytest.mark.parametrize(
    "line",
    [
        "[00:12:03] Anna: We looked.",
        "Anna [00:12:03]: We looked.",
        "(00:12:03) Anna: We looked.",
        "00:12:03 Anna: We looked.",
        "Anna: [00:12:03] We looked.",
    ],
)
def test_inline_timestamp_is_the_turn_start(tmp_path: Path, line: str) -> None:
    assert read(tmp_path, line) == [Turn("Anna", "We looked.", 723.0)]


def test_inline_timestamps_in_a_transcript(tmp_path: Path) -> None:
    text = "[00:00:03] Interviewer: Hi.\n\n[00:00:11.5] Anna Rossi: Hello.\n\n[01:02:03] Mo: Bye."
    assert read(tmp_path, text) == [
        Turn("Interviewer", "Hi.", 3.0),
        Turn("Anna Rossi", "Hello.", 11.5),
        Turn("Mo", "Bye.", 3723.0),
    ]


# Otter and Rev


def test_otter_export(tmp_path: Path) -> None:
    text = (
        "Anna Rossi  0:03\nWe looked at three platforms.\nThen one.\n\n"
        "Speaker 2  1:02:45\nWhy?\n\n"
        "Anna Rossi  1:03:01\nPrice."
    )
    assert read(tmp_path, text) == [
        Turn("Anna Rossi", "We looked at three platforms.\nThen one.", 3.0),
        Turn("Speaker 2", "Why?", 3765.0),
        Turn("Anna Rossi", "Price.", 3781.0),
    ]


def test_rev_export(tmp_path: Path) -> None:
    text = (
        "Interviewer (00:03):\nHow did you choose?\n\nAnna Rossi (01:15):\nWe looked.\n\nAt three."
    )
    assert read(tmp_path, text) == [
        Turn("Interviewer", "How did you choose?", 3.0),
        Turn("Anna Rossi", "We looked.\n\nAt three.", 75.0),
    ]


# Without labels, continuation, false labels


def test_paragraphs_without_labels(tmp_path: Path) -> None:
    text = "Field notes, 12 May.\nVisited the mill.\n\nThe owner was out.\n\n\n\nBack at 10:30."
    assert read(tmp_path, text) == [
        Turn(None, "Field notes, 12 May.\nVisited the mill."),
        Turn(None, "The owner was out."),
        Turn(None, "Back at 10:30."),
    ]


def test_title_block_before_the_first_label_is_left_out_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text(
        "Date: 12 May\nLocation: Milan\n\nInterview 3\n\nI: Hello?\n\nR: Hi.\n\nI: Bye."
    )
    parsed = read_transcript(path)
    assert parsed.turns == [Turn("I", "Hello?"), Turn("R", "Hi."), Turn("I", "Bye.")]
    assert parsed.warnings == [
        "lines 1-4 before the first speaker left out as a title or metadata block: "
        "'Date: 12 May / Location: Milan / Interview 3'."
    ]


def test_a_title_with_a_colon_is_not_a_speaker(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text(
        "Interview: Clinic C, IT Lead\n\nInterviewer: Who decides?\n\n"
        "Export manager: I do.\n\nInterviewer: Alone?\n\nExport manager: Yes.\n\n"
        "Interviewer: Since when?\n\nExport manager: 2019."
    )
    parsed = read_transcript(path)
    assert [t.speaker for t in parsed.turns] == ["Interviewer", "Export manager"] * 3
    assert parsed.warnings == [
        "line 1 before the first speaker left out as a title or metadata block: "
        "'Interview: Clinic C, IT Lead'."
    ]


def test_long_text_before_the_first_label_stays(tmp_path: Path) -> None:
    intro = "We met at the mill. " * 12
    text = f"{intro.strip()}\n\nI: Hello?\n\nR: Hi."
    assert read(tmp_path, text) == [
        Turn(None, intro.strip()),
        Turn("I", "Hello?"),
        Turn("R", "Hi."),
    ]


def test_paragraph_without_label_continues_the_turn(tmp_path: Path) -> None:
    text = "Interviewer: Why?\n\nAnna: Because.\n\nIt was cheap.\n\nInterviewer: Ok."
    assert read(tmp_path, text) == [
        Turn("Interviewer", "Why?"),
        Turn("Anna", "Because.\n\nIt was cheap."),
        Turn("Interviewer", "Ok."),
    ]


def test_false_labels_do_not_start_a_turn(tmp_path: Path) -> None:
    text = (
        "Interviewer: How big is the firm?\n\n"
        "Anna Rossi: Quite small.\nNote: the firm has 40 employees.\n\n"
        "Note: this was said off the record.\n\n"
        "https://example.com is our site, we open at\n10:30 every day.\n\n"
        "The three things we considered were:\nprice, support, reach.\n\n"
        "What mattered most:\nprice.\n\n"
        "Ratio 3:1 in favour.\n\n"
        "Interviewer: Thanks.\n\n"
        "Anna Rossi: You are welcome."
    )
    assert read(tmp_path, text) == [
        Turn("Interviewer", "How big is the firm?"),
        Turn(
            "Anna Rossi",
            "Quite small.\nNote: the firm has 40 employees.\n\n"
            "Note: this was said off the record.\n\n"
            "https://example.com is our site, we open at\n10:30 every day.\n\n"
            "The three things we considered were:\nprice, support, reach.\n\n"
            "What mattered most:\nprice.\n\n"
            "Ratio 3:1 in favour.",
        ),
        Turn("Interviewer", "Thanks."),
        Turn("Anna Rossi", "You are welcome."),
    ]


def test_single_capitalised_phrase_is_not_a_label_without_other_speakers(
    tmp_path: Path,
) -> None:
    assert read(tmp_path, "Summary: the firm grew.\n\nAnna said so.") == [
        Turn(None, "Summary: the firm grew."),
        Turn(None, "Anna said so."),
    ]


def test_file_without_blank_lines_has_one_paragraph_per_line(tmp_path: Path) -> None:
    text = "First paragraph as Word exports it.\r\nSecond paragraph.\r\nThird.\r\n"
    assert read(tmp_path, text) == [
        Turn(None, "First paragraph as Word exports it."),
        Turn(None, "Second paragraph."),
        Turn(None, "Third."),
    ]


def test_label_without_text_is_skipped_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("Interviewer: Hi.\n\nAnna:\n\nInterviewer: Anyone?\n\nAnna: Yes.")
    parsed = read_transcript(path)
    assert parsed.turns == [
        Turn("Interviewer", "Hi."),
        Turn("Interviewer", "Anyone?"),
        Turn("Anna", "Yes."),
    ]
    assert parsed.warnings == ["line 3: the label 'Anna' has no text after it; skipped."]


# Markdown


def test_markdown_bold_labels_and_headings(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(
        "# Interview 3\n\n**Interviewer:** How?\n\n**Anna Rossi**: Like *this*.\n\n"
        "## Part 2\n\n**Interviewer:** Then?\n\n**Anna Rossi:** **Never** again."
    )
    parsed = read_transcript(path)
    assert parsed.format == "md"
    assert parsed.turns == [
        Turn("Interviewer", "How?"),
        Turn("Anna Rossi", "Like *this*."),
        Turn("Interviewer", "Then?"),
        Turn("Anna Rossi", "**Never** again."),
    ]
    assert parsed.warnings == [
        "Markdown heading lines 1, 7 left out: headings are not transcript text."
    ]


def test_markdown_bold_name_without_colon(tmp_path: Path) -> None:
    text = "**Anna** We looked.\n\n**Bob** Why?\n\n**Anna** Price.\n\n**Bob** Ok."
    assert read(tmp_path, text, "x.md") == [
        Turn("Anna", "We looked."),
        Turn("Bob", "Why?"),
        Turn("Anna", "Price."),
        Turn("Bob", "Ok."),
    ]


def test_markdown_bold_emphasis_once_is_text(tmp_path: Path) -> None:
    assert read(tmp_path, "**Important** point here.", "x.md") == [
        Turn(None, "**Important** point here.")
    ]


def test_hash_lines_in_txt_are_text(tmp_path: Path) -> None:
    assert read(tmp_path, "# 3 firms\n\nvisited") == [
        Turn(None, "# 3 firms"),
        Turn(None, "visited"),
    ]


def test_markdown_with_headings_only(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_text("# Title\n\n## Part")
    with pytest.raises(ImportFailed) as error:
        read_transcript(path)
    assert str(error.value) == "x.md has no transcript text to import."


# Timestamps


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("0:03", 3.0),
        ("12:03", 723.0),
        ("00:12:03", 723.0),
        ("1:02:03", 3723.0),
        ("00:00:03.120", 3.12),
        ("00:00:03,120", 3.12),
        ("100:00:00", 360000.0),
        ("0:60", None),
        ("1:60:00", None),
        ("10:3", None),
        ("3", None),
        ("0x:00", None),
    ],
)
def test_parse_timestamp(value: str, seconds: float | None) -> None:
    assert parse_timestamp(value) == seconds


# Nothing lost

_LINES = st.lists(
    st.one_of(
        st.text(st.characters(blacklist_characters=":[]()*#_\r\n"), max_size=12),
        st.sampled_from(["", "ANNA", "Bob Rossi", "Interviewer", "e\u0301", "\U0001f600"]),
    ),
    max_size=15,
)


@given(_LINES)
def test_plain_text_loses_nothing_but_a_title_block_it_names(lines: list[str]) -> None:
    text = normalize_text("\n".join(lines))
    turns, warnings = parse_blocks(text_blocks(text)[0])
    if warnings:  # the lines before the first speaker, named in the warning
        (warning,) = warnings
        last = re.match(r"lines? (?:\d+-)?(\d+) before the first speaker left out", warning)
        assert last is not None
        text = "\n".join(text.split("\n")[int(last.group(1)) :])
    kept = "".join((turn.speaker or "") + turn.text for turn in turns)
    assert "".join(kept.split()) == "".join(text.split())
    assert all(turn.text and turn.text == turn.text.strip() for turn in turns)


# Speakers whatever the case of their label; prose that is not a speaker


@pytest.mark.parametrize(
    "label",
    ["Export manager", "export manager", "EXPORT MANAGER", "Head of sales", "Sales Director"],
)
def test_a_role_that_opens_many_paragraphs_is_a_speaker_whatever_its_case(
    tmp_path: Path, label: str
) -> None:
    text = "".join(f"Interviewer: Question {n}?\n\n{label}: Answer {n}.\n\n" for n in (1, 2, 3))
    assert read(tmp_path, text) == [
        turn
        for n in (1, 2, 3)
        for turn in (Turn("Interviewer", f"Question {n}?"), Turn(label, f"Answer {n}."))
    ]


@pytest.mark.parametrize("label", ["Respondent 3", "P3", "R", "Participant 12", "Int"])
def test_numbered_and_short_role_labels(tmp_path: Path, label: str) -> None:
    text = f"Interviewer: Why?\n\n{label}: Because.\n\nInterviewer: And then?\n\n{label}: We grew."
    assert [t.speaker for t in read(tmp_path, text)] == ["Interviewer", label] * 2


@pytest.mark.parametrize(
    "prose",
    [
        "Note",
        "However",
        "What we did",
        "In other words",
        "For example",
        "Step 2",
        "notes",
        "I think",
    ],
)
def test_prose_that_opens_many_paragraphs_is_not_a_speaker(tmp_path: Path, prose: str) -> None:
    text = "Interviewer: Tell me.\n\n" + "".join(
        f"Anna Rossi: Part {n}.\n\n{prose}: detail {n}.\n\n" for n in (1, 2, 3)
    )
    turns = read(tmp_path, text)
    assert [t.speaker for t in turns] == ["Interviewer", "Anna Rossi", "Anna Rossi", "Anna Rossi"]
    assert turns[1].text == f"Part 1.\n\n{prose}: detail 1."


def test_a_heading_inside_a_turn_is_not_a_speaker(tmp_path: Path) -> None:
    text = "Interviewer: Why?\n\nAnna: Because.\n\nPart Two: The platform\n\nInterviewer: And?"
    assert read(tmp_path, text) == [
        Turn("Interviewer", "Why?"),
        Turn("Anna", "Because.\n\nPart Two: The platform"),
        Turn("Interviewer", "And?"),
    ]


def test_a_lower_case_label_twice_is_not_yet_a_speaker(tmp_path: Path) -> None:
    text = (
        "Interviewer: Why?\n\nexport manager: Because.\n\n"
        "Interviewer: Then?\n\nexport manager: Yes."
    )
    assert [t.speaker for t in read(tmp_path, text)] == ["Interviewer", "Interviewer"]
