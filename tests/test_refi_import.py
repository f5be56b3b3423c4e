"""Importing REFI-QDA projects: another program's file, and gioia's own round trip."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from gioia import Project
from gioia.errors import ImportFailed
from gioia.models import Attribute, Case, Informant, Memo, Segment, Transcript
from gioia.ops.refi_import import ProjectImportOptions
from gioia.text import normalize_text

from .conftest import as_lead
from .refi_helpers import guid, rich_study, store_tables, write_qdpx


@pytest.fixture
def project(lead: Project) -> Project:
    """A REFI-QDA file brings every coder's work: these tests act as the project lead,
    who sees it all (a coder would see their own only)."""
    return lead


# An NVivo-like source: byte-order mark, CRLF, emoji, speaker labels.
RAW = (
    "Interviewer: How did it start? 🙂\r\n\r\n"
    "Ana Souza: We met a buyer 😀 at the fair.\r\nThen we signed.\r\n\r\n"
    "Interviewer: And now?\r\n\r\n"
    "Ana Souza: Now we export.\r\n"
)
SECOND = "Tom: Second source, coded as a whole.\n"


def units(text: str) -> int:
    """UTF-16 code units, as NVivo for Windows counts."""
    return len(text.encode("utf-16-le")) // 2


def span(words: str, until: str | None = None, *, start_at: int = 0) -> str:
    """NVivo's startPosition/endPosition attributes for ``words`` (to the end of
    ``until``) in RAW, in UTF-16 units."""
    start = RAW.index(words, start_at)
    end = RAW.index(until, start) + len(until) if until else start + len(words)
    return f'startPosition="{units(RAW[:start])}" endPosition="{units(RAW[:end])}"'


def selection(
    number: int, where: str, code: int | None, user: int, coder: int | None = None, notes: str = ""
) -> str:
    coding = (
        f'<Coding guid="{guid(number + 500)}" creatingUser="{guid(coder or user)}" '
        f'creationDateTime="2025-06-18T02:06:50Z"><CodeRef targetGUID="{guid(code)}"/></Coding>'
        if code
        else ""
    )
    return (
        f'<PlainTextSelection guid="{guid(number)}" name="" {where} creatingUser="{guid(user)}" '
        f'creationDateTime="2025-06-11T16:24:07Z"><Description/>{coding}{notes}</PlainTextSelection>'
    )


def value(variable: int, text: str, kind: str = "TextValue") -> str:
    return (
        f'<VariableValue><VariableRef targetGUID="{guid(variable)}"/>'
        f"<{kind}>{text}</{kind}></VariableValue>"
    )


def note(number: int, name: str, text: str, user: int | None = None) -> str:
    by = f' creatingUser="{guid(user)}"' if user else ""
    return (
        f'<Note guid="{guid(number)}" name="{name}"{by}>'
        f"<PlainTextContent>{text}</PlainTextContent></Note>"
    )


PROJECT = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Fair study" origin="NVivo for Windows 12.6"
 creatingUserGUID="{guid(1)}">
  <Users><User guid="{guid(1)}" name="Maria"/><User guid="{guid(2)}" name="Tom"/></Users>
  <CodeBook><Codes>
    <Code guid="{guid(100)}" name="Market" isCodable="true">
      <Description>Why firms go abroad.</Description>
      <Code guid="{guid(101)}" name="Relations" isCodable="true">
        <Code guid="{guid(102)}" name="Trust" isCodable="true">
          <Description>Buyers trust.</Description>
          <NoteRef targetGUID="{guid(301)}"/></Code>
        <Code guid="{guid(103)}" name="Price" isCodable="true"/>
      </Code>
    </Code>
    <Code guid="{guid(110)}" name="Archive" isCodable="false">
      <Code guid="{guid(111)}" name="Loose" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="{guid(200)}" name="Sector" typeOfVariable="Text"/>
    <Variable guid="{guid(201)}" name="Informant" typeOfVariable="Text"/>
    <Variable guid="{guid(202)}" name="Role" typeOfVariable="Text"/>
    <Variable guid="{guid(203)}" name="Wave" typeOfVariable="Integer"/>
    <Variable guid="{guid(204)}" name="Interview date" typeOfVariable="Date"/>
    <Variable guid="{guid(205)}" name="Informant gender" typeOfVariable="Text"/>
    <Variable guid="{guid(206)}" name="Language" typeOfVariable="Text"/>
  </Variables>
  <Cases>
    <Case guid="{guid(250)}" name="Firm A">
      {value(200, "Wine")}
      <SourceRef targetGUID="{guid(10)}"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="{guid(10)}" name="interview" plainTextPath="internal://{guid(10)}.txt"
     richTextPath="internal://{guid(10)}.docx" creationDateTime="2025-06-11T16:24:07Z">
      <Description>Recorded at the fair.</Description>
      {selection(11, span("met a buyer", "the fair"), 102, 1, coder=2)}
      {selection(12, span("Then we signed", "And now?"), 103, 2)}
      {selection(13, span("Souza: Now", start_at=RAW.index("And now")), 102, 1)}
      <PlainTextSelection guid="{guid(14)}" startPosition="500" endPosition="510">
        <Coding guid="{guid(514)}"><CodeRef targetGUID="{guid(103)}"/></Coding></PlainTextSelection>
      {selection(15, span("How did it start"), 999, 1)}
      {selection(16, span("And now"), None, 2, notes=f'<NoteRef targetGUID="{guid(302)}"/>')}
      <NoteRef targetGUID="{guid(303)}"/>
      {value(201, "Ana Souza")}
      {value(202, "Owner")}
      {value(203, "2", "IntegerValue")}
      {value(204, "2023-05-04", "DateValue")}
      {value(205, "f")}
      {value(206, "en")}
    </TextSource>
    <TextSource guid="{guid(20)}" plainTextPath="internal://second.txt">
      <Coding guid="{guid(520)}" creatingUser="{guid(2)}">
        <CodeRef targetGUID="{guid(111)}"/></Coding>
    </TextSource>
    <PictureSource guid="{guid(30)}" name="photo" path="internal://photo.jpg">
      <PictureSelection guid="{guid(31)}" firstX="0" firstY="0" secondX="1" secondY="1"/>
    </PictureSource>
  </Sources>
  <Notes>
    {note(301, "On trust", "Trust first.", 1)}
    {note(302, "On a turn", "Short answer.", 2)}
    {note(303, "On the source", "Noisy recording.")}
    {note(304, "Project", "Overall impression.")}
    {note(305, "Stray", "Not attached.")}
  </Notes>
  <NoteRef targetGUID="{guid(304)}"/>
</Project>"""


def foreign(tmp_path: Path) -> Path:
    return write_qdpx(
        tmp_path / "fair.qdpx",
        PROJECT,
        {
            f"Sources/{guid(10)}.txt": b"\xef\xbb\xbf" + RAW.encode("utf-8"),
            "Sources/second.txt": SECOND.encode("utf-8"),
        },
    )


def _codings(project: Project) -> list[tuple[str, str, str, str]]:
    return sorted((r.coder, r.concept, r.segment, r.quote or r.text) for r in project.codings())


def test_another_programs_project_comes_in_whole(project: Project, tmp_path: Path) -> None:
    report = as_lead(project).import_project(foreign(tmp_path))
    assert report.positions is not None
    assert (report.positions.convention, report.positions.decided) == ("utf16", True)
    assert report.coders == ("Maria", "Tom")
    assert _codings(project) == [
        ("Maria", "Trust", "interview:2", "met a buyer 😀 at the fair"),
        ("Maria", "Trust", "interview:4", "Now"),  # trimmed: it began in the label
        ("Tom", "Loose", "second:1", SECOND.strip()),  # the whole source
        ("Tom", "Price", "interview:2", "Then we signed."),  # across turns: one per turn
        ("Tom", "Price", "interview:3", "And now?"),
    ]
    assert (report.selections, report.codings_read, report.codings_created) == (7, 6, 5)
    assert (report.split, report.trimmed) == (1, 1)
    # by the selections' creatingUser; the codings' attribute names Tom for the first one
    assert report.coder_counts == {"Maria": 2, "Tom": 2}
    assert report.other_attribution == {"Tom": 2, "Maria": 1}
    assert [(s.what, s.reason) for s in report.skipped] == [
        ("source photo", "a picture source: gioia codes text"),
        ("1 coding(s)", f"its span 500-510 is not inside the text ({units(RAW)} UTF-16 units)"),
        ("1 coding(s)", "its code is not in the code book"),
    ]
    with project._read() as tx:
        interview = tx.session.scalar(select(Transcript).where(Transcript.name == "interview"))
        assert interview is not None
        assert interview.text == normalize_text(
            "How did it start? 🙂\n\nWe met a buyer 😀 at the fair.\nThen we signed.\n\n"
            "And now?\n\nNow we export."
        )
        assert (interview.source, interview.format, interview.wave) == (
            f"{guid(10)}.txt",
            "txt",
            "2",
        )
        assert str(interview.interview_date) == "2023-05-04"
        speakers = tx.session.execute(
            select(Segment.speaker, Segment.is_interviewer, Informant.name)
            .outerjoin(Informant, Informant.id == Segment.informant_id)
            .where(Segment.transcript_id == interview.id)
            .order_by(Segment.position)
        ).all()
        assert speakers == [
            ("Interviewer", True, None),
            ("Ana Souza", False, "Ana Souza"),
            ("Interviewer", True, None),
            ("Ana Souza", False, "Ana Souza"),
        ]
        attributes = {
            (owner, key): value
            for owner, key, value in tx.session.execute(
                select(Case.name if False else Attribute.case_id, Attribute.key, Attribute.value)
            )
        }
        assert sorted((key, value) for (_, key), value in attributes.items()) == [
            ("Language", "en"),
            ("Sector", "Wine"),
            ("gender", "f"),
        ]
        informant = tx.session.scalar(select(Informant))
        assert informant is not None and (informant.name, informant.role) == ("Ana Souza", "Owner")
        case = tx.session.scalar(select(Case.name).where(Case.id == interview.case_id))
        assert case == "Firm A"


def test_notes_become_memos_where_they_belong(project: Project, tmp_path: Path) -> None:
    report = as_lead(project).import_project(foreign(tmp_path))
    with project._read() as tx:
        from gioia.models import Coder, Concept

        rows = tx.session.execute(
            select(Memo.text, Coder.name, Concept.name, Segment.position)
            .outerjoin(Coder, Coder.id == Memo.coder_id)
            .outerjoin(Concept, Concept.id == Memo.concept_id)
            .outerjoin(Segment, Segment.id == Memo.segment_id)
        ).all()
    assert sorted(rows) == [
        ("Not attached.", None, None, None),
        ("On interview: Noisy recording.", None, None, None),
        ("On interview: Recorded at the fair.", None, None, None),
        ("Overall impression.", None, None, None),
        ("Short answer.", "Tom", None, 3),
        ("Trust first.", "Maria", "Trust", None),
    ]
    assert (report.memos, report.definitions) == (6, 2)


def test_the_code_tree_maps_by_the_rule_chosen(project: Project, tmp_path: Path) -> None:
    report = as_lead(project).import_project(
        foreign(tmp_path), ProjectImportOptions(levels="-,1,3"), dry_run=True
    )
    assert report.dry_run is True
    roles = {p.code: (p.role, p.parent) for p in report.placements}
    assert roles == {
        "Market": ("theme", None),
        "Relations": ("left out", None),
        "Trust": ("concept", "Market"),
        "Price": ("concept", "Market"),
        "Archive": ("left out", None),
        "Loose": ("concept", None),
    }
    assert project.structure().dimensions == ()  # a dry run writes nothing
    default = as_lead(project).import_project(foreign(tmp_path), dry_run=True)
    assert {p.code: p.role for p in default.placements} == {
        "Market": "dimension",
        "Relations": "theme",
        "Trust": "concept",
        "Price": "concept",
        "Archive": "left out",
        "Loose": "concept",
    }


def test_whose_coding_it_is_can_be_the_codings_user(project: Project, tmp_path: Path) -> None:
    report = as_lead(project).import_project(
        foreign(tmp_path), ProjectImportOptions(coder_from="coding")
    )
    assert report.coder_counts == {"Tom": 3, "Maria": 1}
    assert report.other_attribution == {"Maria": 2, "Tom": 1}
    assert ("Tom", "Trust", "interview:2", "met a buyer 😀 at the fair") in _codings(project)
    positions = as_lead(project).import_project(
        foreign(tmp_path), ProjectImportOptions(positions="codepoints", merge=True), dry_run=True
    )
    assert positions.positions_forced == "codepoints"


def test_read_marks_can_cover_whole_sources(project: Project, tmp_path: Path) -> None:
    as_lead(project).import_project(foreign(tmp_path), ProjectImportOptions(reviews="sources"))
    progress = {(r.coder, r.transcript): r.reviewed for r in project.progress()}
    assert progress[("Maria", "interview")] == 2  # the informant's turns
    assert progress[("Tom", "second")] == 1


def test_a_store_with_work_needs_merge_and_merging_adds_only_what_is_new(
    project: Project, tmp_path: Path
) -> None:
    path = foreign(tmp_path)
    as_lead(project).import_project(path)
    before = store_tables(project.location)
    with pytest.raises(ImportFailed) as error:
        as_lead(project).import_project(path)
    assert error.value.message == (
        "The store holds transcripts, concepts, themes, dimensions, cases, memos already: "
        "import fair.qdpx into a new store (gioia --store NEW.db import-project …), or pass "
        "--merge to add it to this one (names that match are the same item)."
    )
    report = as_lead(project).import_project(path, ProjectImportOptions(merge=True))
    assert (report.codings_created, report.codings_existing) == (0, 5)
    after = store_tables(project.location)
    assert {t: len(rows) for t, rows in after.items() if t != "memos"} == {
        t: len(rows) for t, rows in before.items() if t != "memos"
    }


def test_a_failure_leaves_the_store_as_it_was(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gioia.ops import refi_import

    as_lead(project).import_project(foreign(tmp_path))
    before = store_tables(project.location)

    def broken(*args: object) -> None:
        raise ImportFailed("the disk is full")

    monkeypatch.setattr(refi_import, "insert_codings", broken)
    with pytest.raises(ImportFailed, match="the disk is full"):
        as_lead(project).import_project(foreign(tmp_path), ProjectImportOptions(merge=True))
    damaged = tmp_path / "damaged.qdpx"
    damaged.write_bytes(foreign(tmp_path).read_bytes()[:300])
    with pytest.raises(ImportFailed, match=r"damaged\.qdpx is not a zip archive or is damaged"):
        as_lead(project).import_project(damaged, ProjectImportOptions(merge=True))
    assert store_tables(project.location) == before


def test_a_word_only_source_goes_through_the_word_importer(
    project: Project, tmp_path: Path
) -> None:
    from .conftest import SAMPLE

    docx = (SAMPLE / "case_a_ceo_w2.docx").read_bytes()
    xml = (
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="w"><Sources>'
        f'<TextSource guid="{guid(1)}" name="word only" richTextPath="internal://w.docx"/>'
        f'<TextSource guid="{guid(2)}" name="empty" plainTextPath="internal://e.txt"/>'
        "</Sources></Project>"
    )
    report = as_lead(project).import_project(
        write_qdpx(tmp_path / "w.qdpx", xml, {"sources/w.docx": docx, "sources/e.txt": b"\n"})
    )
    (summary,) = project.transcripts()
    imported = as_lead(project).import_files([SAMPLE / "case_a_ceo_w2.docx"])
    assert (summary.name, summary.format, summary.segments) == (
        "word only",
        "docx",
        imported[0].segments,
    )
    assert [(s.what, s.reason) for s in report.skipped] == [("source empty", "its text is empty")]


def test_a_codebook_brings_the_structure(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "codes.qdc"
    path.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        f'<Code guid="{guid(1)}" name="Dim" isCodable="true"><Description>D.</Description>'
        f'<Code guid="{guid(2)}" name="Theme" isCodable="true">'
        f'<Code guid="{guid(3)}" name="Concept" isCodable="true"/></Code></Code>'
        "</Codes></CodeBook>"
    )
    report = as_lead(project).import_project(path)
    view = project.structure()
    assert [(d.name, d.definition, [t.name for t in d.themes]) for d in view.dimensions] == [
        ("Dim", "D.", ["Theme"])
    ]
    assert [c.name for c in view.dimensions[0].themes[0].concepts] == ["Concept"]
    assert (report.count("dimension"), report.count("theme"), report.count("concept")) == (1, 1, 1)


def test_gioia_to_qdpx_to_gioia_loses_nothing(project: Project, store: str, tmp_path: Path) -> None:
    rich_study(project, tmp_path)
    for positions in ("codepoints", "utf16"):
        path = tmp_path / f"study-{positions}.qdpx"
        project.export_qdpx(path, positions=positions)
        copy = _fresh(store, tmp_path, positions)
        with Project.open(copy) as again:
            report = as_lead(again).import_project(path)
            assert (report.skipped, report.warnings, report.from_gioia) == ([], [], True)
            for level, unit in (("concept", "segment"), ("theme", "character")):
                mine = project.agreement(level=level, unit=unit, coders=["Maria", "Tom"])
                theirs = again.agreement(level=level, unit=unit, coders=["Maria", "Tom"])
                assert theirs.overall == mine.overall
        assert store_tables(copy) == store_tables(store)


def _fresh(store: str, tmp_path: Path, name: str) -> str:
    """An empty store beside ``store``, on the same backend."""
    if "://" not in store:
        location = str(tmp_path / f"{name}.db")
        Project.init(location).close()
        return location
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(store)
    copy = f"{url.database}_{name}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{copy}"'))
    admin.dispose()
    location = url.set(database=copy).render_as_string(hide_password=False)
    Project.init(location).close()
    return location


def test_a_changed_source_is_segmented_anew(project: Project, tmp_path: Path) -> None:
    rich = tmp_path / "rich"
    rich.mkdir()
    rich_study(project, rich)
    path = tmp_path / "s.qdpx"
    project.export_qdpx(path)
    import zipfile

    edited = tmp_path / "edited.qdpx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(edited, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("sources/") and b"emoji" not in data and b"Lorenzo" in data:
                data = data.replace(b"family mill", b"family-run mill")
            dst.writestr(info, data)
    location = str(tmp_path / "copy.db")
    shutil.rmtree(tmp_path / "none", ignore_errors=True)
    with Project.init(location) as again:
        report = as_lead(again).import_project(edited)
    changed = [w for w in report.warnings if "changed since gioia wrote it" in w]
    assert len(changed) == 1


def test_what_gioia_has_no_place_for_is_named(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "sets.qdpx"
    write_qdpx(
        path,
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="s"><CodeBook><Codes>'
        f'<Code guid="{guid(1)}" name="A" isCodable="true"/></Codes></CodeBook>'
        f'<Links><Link guid="{guid(3)}"/></Links>'
        f'<Sets><Set guid="{guid(2)}" name="S"><MemberCode targetGUID="{guid(1)}"/></Set></Sets>'
        f'<Graphs><Graph guid="{guid(4)}"/></Graphs></Project>',
    )
    report = as_lead(project).import_project(path)
    assert [(s.what, s.reason) for s in report.skipped] == [
        ("1 link(s)", "gioia has no links between items"),
        ("1 graph(s)", "gioia draws its own figure"),
        (
            "1 set(s) ('S')",
            "gioia has no sets: it reads a set named after a theme that holds concepts (or "
            "after a dimension that holds themes) as that theme's members",
        ),
    ]


def test_odd_names_deep_trees_and_long_values_do_not_stop_an_import(
    project: Project, tmp_path: Path
) -> None:
    deep = "".join(
        f'<Code guid="{guid(100 + n)}" name="level {n}" isCodable="true">' for n in range(3000)
    )
    deep += "</Code>" * 3000
    xml = (
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="odd">'
        f'<Users><User guid="{guid(1)}" name="{"x" * 300}\t y"/></Users>'
        f"<CodeBook><Codes>{deep}</Codes></CodeBook>"
        f'<Variables><Variable guid="{guid(5)}" name="Wave" typeOfVariable="Text"/></Variables>'
        f'<Cases><Case guid="{guid(6)}" name="{"c" * 250}"><SourceRef targetGUID="{guid(10)}"/>'
        "</Case></Cases>"
        f'<Sources><TextSource guid="{guid(10)}" name="{"s" * 300}">'
        "<PlainTextContent>Ana: We export.\n\nBo: We do not.</PlainTextContent>"
        f"{value(5, 'the second wave, after the platform changed its fees in 2023')}"
        "</TextSource></Sources></Project>"
    )
    report = as_lead(project).import_project(write_qdpx(tmp_path / "odd.qdpx", xml))
    assert (len(report.placements), report.skipped) == (3000, [])
    (coder,) = report.coders
    assert (len(coder), coder[-1]) == (200, "…")
    (summary,) = project.transcripts()
    assert (len(summary.name), summary.wave) == (200, None)
    assert summary.attributes == {
        "Wave": "the second wave, after the platform changed its fees in 2023"
    }
    assert len(project.cases()[0].name) == 200


def test_a_forged_gioia_json_is_not_trusted(project: Project, tmp_path: Path) -> None:
    import json
    import zipfile

    source = tmp_path / "plain.qdpx"
    xml = (
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources>'
        f'<TextSource guid="{guid(10)}" name="t" plainTextPath="internal://t.txt"/>'
        "</Sources></Project>"
    )
    forged = {"gioia": 1, "transcripts": {guid(10): {"segments": [["x"]], "labels": 3}}}
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("project.qde", xml)
        archive.writestr(
            "sources/t.txt",
            "Interviewer: Why?\n\nAna: We export.\n\nInterviewer: And?\n\nAna: We grow.\n",
        )
        archive.writestr("gioia.json", json.dumps(forged))
    report = as_lead(project).import_project(source)
    assert report.warnings == [
        "gioia.json in plain.qdpx is not as gioia writes it: ignored (segments and read marks "
        "are made anew)."
    ]
    assert report.from_gioia is False
    speakers = [s.speaker for s in project.segments(include_interviewer=True)]
    assert speakers == ["Interviewer", "Ana", "Interviewer", "Ana"]


def test_the_collector_rests_during_an_import_and_wakes_after_it(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cyclic garbage collector is off while a project is read and written (its
    objects live until the end), and on again after, a failed import included."""
    import gc

    from gioia.ops import refi_import

    seen = []

    def failing(*args: object) -> None:
        seen.append(gc.isenabled())
        raise ImportFailed("stop")

    monkeypatch.setattr(refi_import, "import_project", failing)
    assert gc.isenabled()
    with pytest.raises(ImportFailed, match="stop"):
        as_lead(project).import_project(foreign(tmp_path))
    assert (seen, gc.isenabled()) == ([False], True)
