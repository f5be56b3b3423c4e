"""Word (.docx) transcripts, built with python-docx in each test."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from gioia.errors import ImportFailed
from gioia.importers import ParsedTranscript, Turn, read_transcript


def save(document: Any, tmp_path: Path, name: str = "interview.docx") -> ParsedTranscript:
    path = tmp_path / name
    document.save(str(path))
    return read_transcript(path)


def bold_paragraph(document: Any, name: str, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(name).bold = True
    paragraph.add_run(text)


def test_label_and_colon_paragraphs(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Interviewer: How did you choose?")
    document.add_paragraph("")
    document.add_paragraph("Anna Rossi: We looked at three.")
    document.add_paragraph("Then we chose one.")
    document.add_paragraph("Interviewer: Why?")
    parsed = save(document, tmp_path)
    assert parsed.format == "docx"
    assert parsed.warnings == []
    assert parsed.turns == [
        Turn("Interviewer", "How did you choose?"),
        Turn("Anna Rossi", "We looked at three.\n\nThen we chose one."),
        Turn("Interviewer", "Why?"),
    ]


def test_bold_name_without_colon(tmp_path: Path) -> None:
    document = docx.Document()
    bold_paragraph(document, "Interviewer", " How did you choose?")
    bold_paragraph(document, "Anna Rossi", " We looked at three.")
    bold_paragraph(document, "Interviewer ", "Why?")
    bold_paragraph(document, "Anna Rossi:", " Price.")
    bold_paragraph(document, "Really", " cheap, I mean.")
    assert save(document, tmp_path).turns == [
        Turn("Interviewer", "How did you choose?"),
        Turn("Anna Rossi", "We looked at three."),
        Turn("Interviewer", "Why?"),
        Turn("Anna Rossi", "Price.\n\nReally cheap, I mean."),
    ]


def test_bold_through_a_character_style(tmp_path: Path) -> None:
    document = docx.Document()
    for name, text in [("Anna", " Hi."), ("Bob", " Hello."), ("Anna", " Bye."), ("Bob", " Ok.")]:
        paragraph = document.add_paragraph()
        paragraph.add_run(name).style = "Strong"
        paragraph.add_run(text)
    assert [t.speaker for t in save(document, tmp_path).turns] == ["Anna", "Bob", "Anna", "Bob"]


def test_bold_label_alone_then_text_paragraphs(tmp_path: Path) -> None:
    document = docx.Document()
    turns = [
        Turn("INTERVIEWER", "How?"),
        Turn("ANNA ROSSI", "Like this."),
        Turn("INTERVIEWER", "Ok."),
        Turn("ANNA ROSSI", "Bye."),
    ]
    for turn in turns:
        document.add_paragraph().add_run(turn.speaker).bold = True
        document.add_paragraph(turn.text)
    assert save(document, tmp_path).turns == turns


def test_soft_line_breaks_stay_in_the_turn(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Interviewer: How?")
    paragraph = document.add_paragraph()
    run = paragraph.add_run("Anna: First line")
    run.add_break()
    paragraph.add_run("Interviewer: second line, same turn.")
    document.add_paragraph("Interviewer: Ok.")
    document.add_paragraph("Anna: Bye.")
    assert save(document, tmp_path).turns == [
        Turn("Interviewer", "How?"),
        Turn("Anna", "First line\nInterviewer: second line, same turn."),
        Turn("Interviewer", "Ok."),
        Turn("Anna", "Bye."),
    ]


def test_headers_footers_and_comments_are_left_out(tmp_path: Path) -> None:
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Confidential: interview 3"
    section.footer.paragraphs[0].text = "Page 1"
    paragraph = document.add_paragraph("Interviewer: How?")
    document.add_comment(paragraph.runs, text="Check this question", author="Maria")
    document.add_paragraph("Anna: Like this.")
    assert save(document, tmp_path).turns == [
        Turn("Interviewer", "How?"),
        Turn("Anna", "Like this."),
    ]


def test_tracked_insertions_are_read_and_deletions_are_not(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Anna: We chose ")
    for tag, text_tag, text in (("w:del", "w:delText", "two"), ("w:ins", "w:t", "three")):
        change = OxmlElement(tag)
        change.set(qn("w:id"), "1")
        change.set(qn("w:author"), "Maria")
        run = OxmlElement("w:r")
        text_element = OxmlElement(text_tag)
        text_element.text = text
        run.append(text_element)
        change.append(run)
        paragraph._p.append(change)
    paragraph.add_run(" platforms.")
    document.add_paragraph("Interviewer: Ok.")
    assert save(document, tmp_path).turns == [
        Turn("Anna", "We chose three platforms."),
        Turn("Interviewer", "Ok."),
    ]


def table(document: Any, rows: list[list[str]]) -> None:
    grid = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(grid.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value


def test_two_column_table_with_header_row(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Interview with the CEO, 12 May.")
    table(
        document,
        [
            ["Speaker", "Text"],
            ["Interviewer", "How did you choose?"],
            ["Anna Rossi:", "We looked at three."],
            ["", "Then one."],
            ["Marco", "Note: I agree."],
        ],
    )
    document.add_paragraph("End of interview.")
    parsed = save(document, tmp_path)
    assert parsed.warnings == [
        "paragraph 1 before the first speaker left out as a title or metadata block: "
        "'Interview with the CEO, 12 May.'."
    ]
    assert parsed.turns == [
        Turn("Interviewer", "How did you choose?"),
        Turn("Anna Rossi", "We looked at three.\n\nThen one."),
        Turn("Marco", "Note: I agree.\n\nEnd of interview."),
    ]


def test_three_column_table_time_speaker_text(tmp_path: Path) -> None:
    document = docx.Document()
    table(
        document,
        [
            ["Time", "Speaker", "Transcript"],
            ["00:00:03", "Interviewer", "How did you choose?"],
            ["0:15", "Anna Rossi", "We looked at three."],
            ["", "Interviewer", "Why?"],
        ],
    )
    assert save(document, tmp_path).turns == [
        Turn("Interviewer", "How did you choose?", 3.0),
        Turn("Anna Rossi", "We looked at three.", 15.0),
        Turn("Interviewer", "Why?"),
    ]


def test_other_tables_are_read_cell_by_cell(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Interviewer: Which platforms?")
    table(document, [["Platform", "Price", "Reach"], ["TavolaNet", "high", "wide"]])
    document.add_paragraph("Anna: That one.")
    document.add_paragraph("Interviewer: Ok.")
    assert save(document, tmp_path).turns == [
        Turn(
            "Interviewer",
            "Which platforms?\n\nPlatform\n\nPrice\n\nReach\n\nTavolaNet\n\nhigh\n\nwide",
        ),
        Turn("Anna", "That one."),
        Turn("Interviewer", "Ok."),
    ]


def test_question_answer_table_is_not_a_speaker_table(tmp_path: Path) -> None:
    document = docx.Document()
    table(
        document,
        [
            ["Question", "Answer"],
            ["How did you choose the platform?", "By price."],
            ["Would you renew it next year?", "No."],
        ],
    )
    assert save(document, tmp_path).turns == [
        Turn(None, "Question"),
        Turn(None, "Answer"),
        Turn(None, "How did you choose the platform?"),
        Turn(None, "By price."),
        Turn(None, "Would you renew it next year?"),
        Turn(None, "No."),
    ]


def test_one_column_table(tmp_path: Path) -> None:
    document = docx.Document()
    table(document, [["Visited the mill."], ["The owner was out."]])
    assert save(document, tmp_path).turns == [
        Turn(None, "Visited the mill."),
        Turn(None, "The owner was out."),
    ]


def test_paragraphs_without_labels(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Field notes", level=1)
    document.add_paragraph("Visited the mill.")
    document.add_paragraph("The owner was out\u00a0today.")
    assert save(document, tmp_path).turns == [
        Turn(None, "Field notes"),
        Turn(None, "Visited the mill."),
        Turn(None, "The owner was out today."),
    ]


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "x.docx"
    path.write_text("Interviewer: hello")
    with pytest.raises(ImportFailed) as error:
        read_transcript(path)
    assert str(error.value) == (
        "x.docx is not a Word document (not a zip archive; an old .doc or a "
        "password-protected file must be saved again as .docx)."
    )


def test_zip_without_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "x.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(ImportFailed) as error:
        read_transcript(path)
    assert str(error.value) == (
        "x.docx is not a Word document (the zip archive holds no Word document)."
    )


def test_damaged_document_xml(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Anna: hi")
    document.save(buffer)
    path = tmp_path / "x.docx"
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(path, "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, data[:100] if item.filename == "word/document.xml" else data)
    with pytest.raises(ImportFailed) as error:
        read_transcript(path)
    assert str(error.value).startswith("x.docx is not a Word document (its XML is damaged: ")


def test_empty_document(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("   ")
    with pytest.raises(ImportFailed) as error:
        save(document, tmp_path, "empty.docx")
    assert str(error.value) == "empty.docx has no transcript text to import."


def test_a_title_and_metadata_before_the_first_speaker_are_left_out(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Interview: Clinic C, IT Lead", level=1)
    document.add_paragraph("Recorded 12 May 2023, 48 minutes")
    bold_paragraph(document, "Interviewer:", " Who chose the system?")
    bold_paragraph(document, "IT lead:", " I did, with the head nurse.")
    bold_paragraph(document, "Interviewer:", " Why that one?")
    bold_paragraph(document, "IT lead:", " It was the only one with an API.")
    bold_paragraph(document, "Interviewer:", " And now?")
    bold_paragraph(document, "IT lead:", " We would choose it again.")
    parsed = save(document, tmp_path)
    assert parsed.warnings == [
        "paragraphs 1-2 before the first speaker left out as a title or metadata block: "
        "'Interview: Clinic C, IT Lead / Recorded 12 May 2023, 48 minutes'."
    ]
    assert [t.speaker for t in parsed.turns] == ["Interviewer", "IT lead"] * 3
    assert parsed.turns[1].text == "I did, with the head nurse."
