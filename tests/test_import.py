"""Importing transcripts through the API: segmentation, metadata, re-import, failures."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from gioia import ImportFailed, Project
from gioia.importers.manifest import TranscriptMeta
from gioia.ops.importing import ImportOptions

from .conftest import SAMPLE, as_lead

INTERVIEW = (
    "Interviewer: How did you choose the platform?\n\n"
    "Anna Rossi: We looked at three. The fee was small.\n\n"
    "Note that we had no export manager then.\n\n"
    "Interviewer: And the buyers?\n\n"
    "Anna Rossi: They came from Asia, mostly. Some from the U.S. too.\n"
)


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def events(project: Project) -> list[tuple[str, str]]:
    return [(e.action, e.subject) for e in project.log()]


def test_sample_study_imports_with_its_manifest(sample_project: Project) -> None:
    rows = {t.name: t for t in sample_project.transcripts()}
    assert {name: (t.format, t.segments) for name, t in rows.items()} == {
        "case_a_ceo_w1": ("txt", 28),
        "case_a_ceo_w2": ("docx", 24),
        "case_b_export_w1": ("txt", 26),
        "case_b_export_w2": ("vtt", 30),
        "case_c_marketing_w2": ("srt", 30),
        "case_c_sales_w1": ("docx", 28),
        "case_d_md_w2": ("txt", 30),
    }
    vtt = rows["case_b_export_w2"]
    assert (vtt.case, vtt.informant, vtt.role, vtt.wave, str(vtt.date)) == (
        "Case B",
        "Marta Iglesias",
        "Export Manager",
        "2",
        "2024-04-17",
    )
    cases = {c.name: c for c in sample_project.cases()}
    assert list(cases) == ["Case A", "Case B", "Case C", "Case D"]
    assert cases["Case C"].waves == ("1", "2")
    assert [(i.role, i.interviews) for i in cases["Case A"].informants] == [("CEO", 2)]
    assert cases["Case B"].attributes == {
        "industry": "Wine",
        "country": "Spain",
        "employees": "34",
        "founded": "1987",
        "stayed_on_platform": "no",
    }


def test_segments_point_into_the_stored_text(sample_project: Project) -> None:
    view = sample_project.transcript("case_b_export_w2")
    segment = view.segments[3]
    assert (segment.ref, segment.speaker, segment.char_start, segment.char_end) == (
        "case_b_export_w2:4",
        "Marta Iglesias",
        252,
        502,
    )
    assert (segment.time_start, segment.time_end) == (29.358, 51.73)
    assert segment.text.startswith("Well, I have to tell you directly: we are not renewing.")
    previous_end = 0
    for s in view.segments:
        assert s.char_start >= previous_end and s.text == s.text.strip() and s.text
        previous_end = s.char_end
    assert [s.is_interviewer for s in view.segments[:4]] == [True, False, True, False]


def test_interviewer_turns_are_not_offered_by_default(sample_project: Project) -> None:
    assert len(sample_project.segments()) == 98
    assert len(sample_project.segments(include_interviewer=True)) == 196
    assert all(s.speaker != "Interviewer" for s in sample_project.segments())


def test_reimporting_identical_content_is_a_no_op(sample_project: Project) -> None:
    before = len(sample_project.log())
    results = as_lead(sample_project).import_files([SAMPLE / "case_a_ceo_w1.txt"])
    assert [(r.status, r.transcript) for r in results] == [("unchanged", "case_a_ceo_w1")]
    assert len(sample_project.log()) == before


def test_changed_content_needs_replace(project: Project, tmp_path: Path) -> None:
    path = write(tmp_path, "anna.txt", INTERVIEW)
    as_lead(project).import_file(path)
    path.write_text(INTERVIEW + "\nInterviewer: Thank you.\n")
    with pytest.raises(ImportFailed) as error:
        as_lead(project).import_file(path)
    assert error.value.message == (
        "anna.txt: a transcript named 'anna' already exists with different content (or "
        "segmentation); pass --replace to replace it."
    )
    result = as_lead(project).import_file(path, options=ImportOptions(replace=True))
    assert (result.status, result.segments) == ("replaced", 5)
    assert [s.text for s in project.transcript("anna").segments][-1] == "Thank you."


def test_paragraph_continues_a_turn_and_segment_modes(project: Project, tmp_path: Path) -> None:
    path = write(tmp_path, "anna.txt", INTERVIEW)
    turns = as_lead(project).import_file(path)
    assert turns.segments == 4
    second = project.transcript("anna").segments[1]
    assert second.text == (
        "We looked at three. The fee was small.\n\nNote that we had no export manager then."
    )
    as_lead(project).import_file(
        write(tmp_path, "para.txt", INTERVIEW), options=ImportOptions(segment_by="paragraph")
    )
    assert len(project.transcript("para").segments) == 5
    as_lead(project).import_file(
        write(tmp_path, "sent.txt", INTERVIEW), options=ImportOptions(segment_by="sentence")
    )
    assert [s.text for s in project.transcript("sent").segments] == [
        "How did you choose the platform?",
        "We looked at three.",
        "The fee was small.",
        "Note that we had no export manager then.",
        "And the buyers?",
        "They came from Asia, mostly.",
        "Some from the U.S. too.",
    ]
    assert {s.speaker for s in project.transcript("sent").segments} == {"Interviewer", "Anna Rossi"}


def test_speaker_labels_link_known_informants(project: Project, tmp_path: Path) -> None:
    path = write(tmp_path, "anna.txt", INTERVIEW)
    as_lead(project).import_file(
        path, TranscriptMeta(case="Case A", informant="Anna Rossi", role="CEO")
    )
    rows = project.codings()
    assert rows == []
    project.tag(["anna:2"], "Small fee", create=True)
    (row,) = project.codings()
    assert (row.case, row.informant, row.role) == ("Case A", "Anna Rossi", "CEO")


def test_single_respondent_label_links_to_the_transcripts_informant(
    project: Project, tmp_path: Path
) -> None:
    text = "Q: Why export?\n\nA: The home market is flat.\n\nQ: And now?\n\nA: We grow abroad.\n"
    as_lead(project).import_file(
        write(tmp_path, "qa.txt", text), TranscriptMeta(informant="Bo", role="CFO")
    )
    assert [s.text for s in project.segments(transcript="qa")] == [
        "The home market is flat.",
        "We grow abroad.",
    ]
    project.tag(["qa:2"], "Flat home market", create=True)
    assert project.codings()[0].role == "CFO"


def test_custom_interviewer_labels(project: Project, tmp_path: Path) -> None:
    text = "Moderator: Hello.\n\nAnna: Hi.\n\nModerator: Bye.\n\nAnna: Bye.\n"
    as_lead(project).import_file(
        write(tmp_path, "m.txt", text), options=ImportOptions(interviewer_labels=("Moderator",))
    )
    assert [s.ref for s in project.segments()] == ["m:2", "m:4"]


def test_one_bad_file_does_not_stop_the_others(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "study"
    folder.mkdir()
    write(folder, "a.txt", INTERVIEW)
    (folder / "b.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    write(folder, "c.txt", INTERVIEW.replace("Anna Rossi", "Carla Neri"))
    (folder / "empty.srt").write_text("")
    seen: list[tuple[int, int, str]] = []
    results = as_lead(project).import_files(
        [folder], progress=lambda n, total, r: seen.append((n, total, r.status))
    )
    assert [(Path(r.path).name, r.status) for r in results] == [
        ("a.txt", "imported"),
        ("b.txt", "failed"),
        ("c.txt", "imported"),
        ("empty.srt", "failed"),
    ]
    assert seen == [(1, 4, "imported"), (2, 4, "failed"), (3, 4, "imported"), (4, 4, "failed")]
    assert [t.name for t in project.transcripts()] == ["a", "c"]
    assert results[3].error == "empty.srt is empty."


def test_cp1252_file_is_read_with_a_warning(project: Project, tmp_path: Path) -> None:
    path = write(
        tmp_path, "old.txt", "Interviewer: Qualité?\n\nAnna: Très bonne, café.\n", "cp1252"
    )
    result = as_lead(project).import_file(path)
    assert result.warnings == ("not UTF-8; read as Windows-1252 (cp1252): check accented letters.",)
    assert project.segments()[0].text == "Très bonne, café."


def test_decomposed_accents_are_stored_composed(project: Project, tmp_path: Path) -> None:
    text = unicodedata.normalize("NFD", "Interviewer: Où?\n\nAnna: À Genève, près du café.\n")
    as_lead(project).import_file(write(tmp_path, "mac.txt", text))
    (segment,) = project.segments(grep="genève")
    assert segment.text == unicodedata.normalize("NFC", "À Genève, près du café.")
    assert len(segment.text) == 23


def test_bad_manifest_rows_are_all_named(project: Project, tmp_path: Path) -> None:
    write(tmp_path, "a.txt", INTERVIEW)
    manifest = write(
        tmp_path,
        "manifest.csv",
        "file,case,date\na.txt,Case A,2022-13-01\nmissing.txt,Case B,\n,Case C,\na.txt,Case A,\n",
    )
    with pytest.raises(ImportFailed) as error:
        as_lead(project).import_files([], manifest=manifest)
    assert error.value.message == "manifest.csv has 4 bad row(s); nothing imported."
    assert error.value.details == [
        "row 2: '2022-13-01' is not a date (write YYYY-MM-DD).",
        "row 3: missing.txt does not exist beside manifest.csv.",
        "row 4: the file cell is empty.",
        "row 5: a.txt is listed twice.",
    ]
    assert project.transcripts() == []


def test_a_failed_import_leaves_nothing_behind(project: Project, tmp_path: Path) -> None:
    as_lead(project).import_file(
        write(tmp_path, "a.txt", INTERVIEW), TranscriptMeta(case="A", informant="Anna Rossi")
    )
    before = events(project)
    with pytest.raises(ImportFailed, match="belongs to another case"):
        as_lead(project).import_file(
            write(tmp_path, "b.txt", INTERVIEW),
            TranscriptMeta(case="New Case", informant="Anna Rossi"),
        )
    assert [c.name for c in project.cases()] == ["A"]
    assert events(project) == before


def test_attributes_go_to_case_informant_and_transcript(project: Project, tmp_path: Path) -> None:
    meta = TranscriptMeta(
        case="Case A",
        informant="Anna Rossi",
        attributes={"case.industry": "Wine", "informant.tenure": "12", "language": "Italian"},
    )
    as_lead(project).import_file(write(tmp_path, "a.txt", INTERVIEW), meta)
    assert project.cases()[0].attributes == {"industry": "Wine"}
    assert project.transcripts()[0].attributes == {"language": "Italian"}


def test_import_is_audited(project: Project, tmp_path: Path) -> None:
    as_lead(project).import_file(write(tmp_path, "a.txt", INTERVIEW), TranscriptMeta(case="Case A"))
    (create, imported) = project.log()
    assert (create.action, create.summary, create.coder, create.actor, create.after) == (
        "create",
        "Created case 'Case A'",
        None,  # the project lead imports
        None,
        {"name": "Case A"},
    )
    assert (imported.action, imported.summary) == ("import", "Imported a from a.txt (4 segments)")
    assert imported.after == {
        "source": "a.txt",
        "segments": 4,
        "segment_by": "turn",
        "content_hash": imported.after["content_hash"],
        "case": "Case A",
        "informant": None,
        "role": None,
        "wave": None,
        "date": None,
        "attributes": {},
    }
    assert len(imported.after["content_hash"]) == 64


def test_an_excel_manifest(project: Project, tmp_path: Path) -> None:
    from openpyxl import Workbook

    write(tmp_path, "a.txt", INTERVIEW)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["File", "Case", "Informant", "Role", "Date", "Wave", "case.industry"])
    sheet.append(["a.txt", "Case A", "Anna Rossi", "CEO", "2022-03-14", 1, "Wine"])
    workbook.save(tmp_path / "manifest.xlsx")
    (result,) = as_lead(project).import_files([], manifest=tmp_path / "manifest.xlsx")
    assert (result.status, result.transcript) == ("imported", "a")
    (row,) = project.transcripts()
    assert (row.case, row.informant, row.role, row.wave, str(row.date)) == (
        "Case A",
        "Anna Rossi",
        "CEO",
        "1",
        "2022-03-14",
    )
    assert project.cases()[0].attributes == {"industry": "Wine"}


def test_code_point_offsets_through_the_store(project: Project, tmp_path: Path) -> None:
    """CRLF line ends, an emoji (one code point, two UTF-16 units) and a combining mark."""
    raw = "Interviewer: Ready? 👍\r\n\r\nAnna: Sure 🙂 the cafe\u0301 buyers came back.\r\n"
    as_lead(project).import_file(write(tmp_path, "e.txt", raw))
    view = project.transcript("e")
    assert [(s.char_start, s.char_end) for s in view.segments] == [(0, 8), (10, 43)]
    second = view.segments[1]
    assert second.text == "Sure 🙂 the café buyers came back."
    project.tag(["e:2"], "Return", quote="café buyers", create=True)
    (mark,) = project.segments(concept="Return")[0].codings
    assert (mark.start, mark.end, mark.quote) == (11, 22, "café buyers")
    with project._read() as tx:
        from sqlalchemy import select

        from gioia.models import Coding

        (coding,) = tx.session.scalars(select(Coding)).all()
        assert (coding.char_start, coding.char_end) == (21, 32)


def test_reimporting_with_new_metadata_updates_it(project: Project, tmp_path: Path) -> None:
    path = write(tmp_path, "anna.txt", INTERVIEW)
    as_lead(project).import_file(path)
    before = len(project.log())
    same = as_lead(project).import_file(path)
    assert same.status == "unchanged" and len(project.log()) == before
    result = as_lead(project).import_file(path, TranscriptMeta(case="Case A", wave="2"))
    assert result.status == "updated"
    (row,) = project.transcripts()
    assert (row.case, row.wave) == ("Case A", "2")
    assert project.log()[-1].summary == "Updated the metadata of anna"
    assert as_lead(project).import_file(path, TranscriptMeta(case="Case A")).status == "unchanged"


def test_an_unchanged_file_creates_no_case(project: Project, tmp_path: Path) -> None:
    path = write(tmp_path, "anna.txt", INTERVIEW)
    as_lead(project).import_file(path, TranscriptMeta(case="Case A"))
    as_lead(project).import_files([path, tmp_path / "missing.txt"])
    results = as_lead(project).import_files([tmp_path / "missing.txt", path])
    assert [(r.status, r.error) for r in results] == [
        ("failed", f"{tmp_path / 'missing.txt'} does not exist."),
        ("unchanged", None),
    ]
    assert [c.name for c in project.cases()] == ["Case A"]


def test_a_metadata_update_records_only_its_own_transcript(
    project: Project, tmp_path: Path
) -> None:
    """A transcript with no case and no informant: its update event must not take in the
    attributes of other transcripts' cases and informants (a `== None` filter did)."""
    as_lead(project).import_file(
        write(tmp_path, "a.txt", INTERVIEW),
        TranscriptMeta(
            case="Case A",
            informant="Anna Rossi",
            attributes={"case.industry": "Wine", "informant.tenure": "12", "language": "Italian"},
        ),
    )
    as_lead(project).import_file(write(tmp_path, "b.txt", INTERVIEW.replace("platform", "market")))
    as_lead(project).import_file(
        tmp_path / "b.txt", TranscriptMeta(wave="2", attributes={"language": "Spanish"})
    )
    update = project.log()[-1]
    blank = {"case": None, "informant": None, "role": None, "date": None}
    assert (update.action, update.before, update.after) == (
        "update",
        {**blank, "wave": None, "attributes": {}},
        {**blank, "wave": "2", "attributes": {"language": "Spanish"}},
    )


def test_the_sample_folder_names_the_one_file_its_manifest_leaves_out(project: Project) -> None:
    results = as_lead(project).import_files([SAMPLE], manifest=SAMPLE / "manifest.csv")
    assert [(Path(r.path).name, r.warnings[0]) for r in results if r.warnings] == [
        (
            "README.md",
            "not listed in manifest.csv: imported without the case, informant, role, date "
            "or wave a manifest row gives.",
        )
    ]


def test_a_file_the_manifest_does_not_list_is_named(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "interviews"
    folder.mkdir()
    write(folder, "a.txt", INTERVIEW)
    write(folder, "b.txt", INTERVIEW.replace("Anna Rossi", "Bo Lind"))
    manifest = write(folder, "manifest.csv", "file,case\na.txt,Case A\n")
    results = as_lead(project).import_files([folder], manifest=manifest)
    assert [(Path(r.path).name, r.status, r.warnings) for r in results] == [
        ("a.txt", "imported", ()),
        (
            "b.txt",
            "imported",
            (
                "not listed in manifest.csv: imported without the case, informant, role, "
                "date or wave a manifest row gives.",
            ),
        ),
    ]
    assert [(t.name, t.case) for t in project.transcripts()] == [("a", "Case A"), ("b", None)]


def test_a_file_with_no_informant_turn_is_warned_about(project: Project, tmp_path: Path) -> None:
    text = (
        "Interviewer: Why export?\n\nexport manager: The home market is flat.\n\n"
        "Interviewer: And now?\n\nexport manager: We grow abroad."
    )
    result = as_lead(project).import_file(write(tmp_path, "em.txt", text))
    assert result.warnings == (
        "no informant turn: every segment is the interviewer's ('Interviewer'), so nothing "
        "here is offered for coding; check the speaker labels, or name the interviewer's "
        "with --interviewer.",
    )
    assert project.segments(transcript="em") == []


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        (
            "Interviewer: " + "Could you tell me about the firm? " * 4 + "\n\n"
            "Anna: Yes.\n\nInterviewer: "
            + "And the buyers, where are they from? " * 3
            + "\n\nAnna: Asia.",
            # 245 of 254 characters
            "the interviewer's turns hold 96% of the text",
        ),
        (
            "Anna: " + "We grew abroad, slowly. " * 30 + "\n\nInterviewer: Ok, and then?\n\n"
            "Anna: " + "Then faster. " * 20,
            # 978 of 991 characters
            "'Anna' holds 99% of the text",
        ),
    ],
)
def test_one_speaker_holding_nearly_all_the_text_is_warned_about(
    project: Project, tmp_path: Path, text: str, warning: str
) -> None:
    result = as_lead(project).import_file(write(tmp_path, "x.txt", text))
    assert result.warnings == (
        f"{warning}: check that every speaker's label was found (a label not taken as a "
        "speaker's is read as part of the turn before it).",
    )
