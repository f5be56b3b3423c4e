"""The command line: exit codes, one-line errors, and each command's output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gioia import Project, __version__
from gioia.cli import cli
from gioia.schema import SCHEMA_REVISION

from .conftest import SAMPLE, run

INTERVIEW = "Interviewer: Why the platform?\n\nAnna Rossi: To be found by buyers.\n"


def test_version_and_module_entry_point() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.output == f"gioia, version {__version__}\n"
    completed = subprocess.run(
        [sys.executable, "-m", "gioia", "--help"], capture_output=True, text=True, check=True
    )
    assert completed.stdout.startswith("Usage: gioia [OPTIONS] COMMAND [ARGS]...")


def test_init_then_commands(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["transcripts"])
    assert (result.exit_code, result.output) == (
        1,
        f"Error: No store at {tmp_path / 'gioia.db'}: run `gioia init` first.\n",
    )
    assert runner.invoke(cli, ["init"]).output == "Created the store gioia.db.\n"
    assert runner.invoke(cli, ["init"]).output == (
        "The store gioia.db exists already; nothing to do.\n"
    )
    result = runner.invoke(cli, ["transcripts"])
    assert result.exit_code == 0
    assert result.output.endswith("0 transcript(s), 0 words.\n")


def test_store_from_the_environment(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "team.db"
    result = runner.invoke(cli, ["init"], env={"GIOIA_STORE": str(target)})
    assert result.output == f"Created the store {target}.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--store", "nowhere/x.db", "init"],
            "Error: Cannot create the store {tmp}/nowhere/x.db: "
            "the folder {tmp}/nowhere does not exist.\n",
        ),
        (
            ["--store", "notes.txt", "transcripts"],
            "Error: {tmp}/notes.txt is not a gioia store (not a SQLite database).\n",
        ),
    ],
)
def test_store_errors_are_one_line(
    runner: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "notes.txt").write_text("not a database")
    result = runner.invoke(cli, args)
    assert (result.exit_code, result.output) == (1, message.format(tmp=tmp_path))


def test_server_down_is_one_line(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["transcripts"], env={"GIOIA_STORE": "postgresql+psycopg://me:pw@127.0.0.1:9/study"}
    )
    assert (result.exit_code, result.output) == (
        1,
        "Error: Cannot reach the database server of postgresql+psycopg://me:***@127.0.0.1:9/study "
        "(Connection refused): check that it is running and that the URL's host and port are "
        "right.\n",
    )


def test_debug_shows_the_traceback(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--debug", "transcripts"])
    assert result.exit_code == 1
    assert type(result.exception).__name__ == "StoreError"


def test_usage_errors_exit_2(runner: CliRunner, store: str) -> None:
    result = run(runner, store, "segments", "--nope")
    assert result.exit_code == 2
    assert "Error: No such option '--nope'" in result.output
    result = run(runner, store, "import", "--segment-by", "word", "x.txt")
    assert result.exit_code == 2


def test_a_file_with_a_nul_byte_ends_in_one_error_line_and_writes_nothing(
    runner: CliRunner, store: str, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text(INTERVIEW)
    assert run(runner, store, "import", str(tmp_path / "a.txt")).exit_code == 0
    with Project.open(store) as lead:
        trail = [e.id for e in lead.log()]
    (tmp_path / "nul.txt").write_bytes(b"Anna: We trust\x00 them.\n")
    result = run(runner, store, "import", str(tmp_path / "nul.txt"))
    assert (result.exit_code, result.output.splitlines()) == (
        1,
        [
            "failed     nul.txt looks like a binary file, not text (it contains NUL bytes); "
            "if it is UTF-16 text without a byte-order mark, save it as UTF-8.",
            "1 file(s): 1 failed.",
            "Error: 1 file(s) not imported, nothing of them written: nul.txt (the reason is "
            "above).",
        ],
    )
    with Project.open(store) as lead:
        assert [t.name for t in lead.transcripts()] == ["a"]
        assert [e.id for e in lead.log()] == trail


def test_show_names_the_range_of_a_segment_out_of_range(
    runner: CliRunner, store: str, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text(INTERVIEW)
    run(runner, store, "import", str(tmp_path / "a.txt"))
    for ref in ("a:999999999999", "a:3"):
        result = run(runner, store, "show", ref)
        assert (result.exit_code, result.output) == (
            1,
            f"Error: No segment {ref}: a has segments 1 to 2.\n",
        )
    shown = run(runner, store, "show", "a:2").output.splitlines()
    assert [line for line in shown if line.startswith("a:")] == ["a:2  Anna Rossi"]
    missing = run(runner, store, "show", "b:2")
    assert missing.output == "Error: No transcript 'b:2'.\n"


def test_import_reports_each_file_and_fails_on_a_bad_one(
    runner: CliRunner, store: str, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text(INTERVIEW)
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "broken.docx").write_bytes(b"this is not a zip")
    (tmp_path / "broken.vtt").write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nAnna: Hi.\n\n"
        "2\n00:00:0x.000 --> 00:00:05.000\nAnna: and?\n"
    )
    (tmp_path / "odd.txt").write_bytes(b"Interviewer: \x81\x8d weird\n")
    (tmp_path / "empty.txt").write_text("  \n")
    files = ["a.txt", "photo.png", "broken.docx", "broken.vtt", "odd.txt", "empty.txt"]
    result = run(runner, store, "import", *(str(tmp_path / f) for f in files), "--case", "A")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "imported   a.txt → a (2 segments)"
    assert lines[1] == (
        "failed     photo.png: unsupported file type '.png' (gioia reads .txt, .md, .docx, "
        ".vtt, .srt)."
    )
    assert lines[2].startswith("failed     broken.docx is not a Word document")
    assert lines[3] == (
        "failed     broken.vtt line 8: '00:00:0x.000 --> 00:00:05.000' is not a valid cue timing."
    )
    assert lines[4] == (
        "failed     odd.txt is neither UTF-8 nor Windows-1252 text (byte 0x81 at position 13): "
        "save it as UTF-8."
    )
    assert lines[5] == "failed     empty.txt is empty."
    assert lines[6:] == [
        "6 file(s): 1 imported, 5 failed.",
        "Error: 5 file(s) not imported, nothing of them written: photo.png, broken.docx, "
        "broken.vtt, odd.txt, empty.txt (the reason is above).",
    ]
    assert [t["name"] for t in json.loads(run(runner, store, "transcripts", "--json").output)] == [
        "a"
    ]
    again = run(runner, store, "import", str(tmp_path / "a.txt"))
    assert again.exit_code == 0
    assert again.output == "unchanged  a.txt\n1 file(s): 1 unchanged.\n"


def test_import_with_metadata_options(runner: CliRunner, store: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(INTERVIEW)
    result = run(
        runner,
        store,
        "import",
        str(tmp_path / "a.txt"),
        "--case",
        "Case A",
        "--informant",
        "Anna Rossi",
        "--role",
        "CEO",
        "--wave",
        "1",
        "--date",
        "2022-03-14",
        "--attr",
        "case.industry=Wine",
        "--attr",
        "language=it",
    )
    assert result.exit_code == 0, result.output
    (row,) = json.loads(run(runner, store, "transcripts", "--json").output)
    assert {
        k: row[k] for k in ("name", "case", "informant", "role", "wave", "date", "segments")
    } == {
        "name": "a",
        "case": "Case A",
        "informant": "Anna Rossi",
        "role": "CEO",
        "wave": "1",
        "date": "2022-03-14",
        "segments": 2,
    }
    assert row["attributes"] == {"language": "it"}
    (case,) = json.loads(run(runner, store, "cases", "--json").output)
    assert case["attributes"] == {"industry": "Wine"}
    bad = run(runner, store, "import", str(tmp_path / "a.txt"), "--attr", "novalue")
    assert bad.exit_code == 2 and "'novalue' is not KEY=VALUE." in bad.output


def test_transcripts_and_cases_tables(runner: CliRunner, sample_store: str) -> None:
    output = run(runner, sample_store, "transcripts").output
    lines = output.splitlines()
    assert lines[0].split() == [
        "Transcript",
        "Case",
        "Role",
        "Wave",
        "Segments",
        "Words",
        "Codings",
    ]
    assert lines[4].split() == [
        "case_b_export_w2",
        "Case",
        "B",
        "Export",
        "Manager",
        "2",
        "30",
        "1,212",
        "0",
    ]
    assert lines[-1] == "7 transcript(s), 8,350 words."
    assert max(len(line) for line in lines) <= 80
    cases = run(runner, sample_store, "cases").output
    assert "Case D  Managing Director (1)" in cases
    assert max(len(line) for line in cases.splitlines()) <= 80


def test_segments_and_show_fit_80_columns(runner: CliRunner, sample_store: str) -> None:
    output = run(runner, sample_store, "segments", "-t", "case_b_export_w2").output
    lines = output.splitlines()
    assert lines[0] == "case_b_export_w2:2  Marta Iglesias  0:00:09"
    assert lines[-1] == "15 segment(s)."
    assert max(len(line) for line in lines) <= 80
    shown = run(runner, sample_store, "show", "case_b_export_w2").output.splitlines()
    assert shown[0] == (
        "case_b_export_w2  Case B · Marta Iglesias (Export Manager) · wave 2 · 2024-04-17"
    )
    assert shown[1] == "case_b_export_w2.vtt · 30 segments · 1,212 words · 0 codings"
    assert shown[3] == "case_b_export_w2:1  Interviewer  0:00:02"
    assert max(len(line) for line in shown) <= 80


def test_tag_untag_and_show_your_concepts(runner: CliRunner, sample_store: str) -> None:
    result = run(runner, sample_store, "tag", "case_b_export_w2:10", "-c", "Trust")
    assert (result.exit_code, result.output) == (
        1,
        "Error: No coder given: pass --coder NAME or set GIOIA_CODER.\n",
    )
    result = run(runner, sample_store, "tag", "case_b_export_w2:10", "-c", "Trust", coder="Maria")
    assert result.exit_code == 1
    assert result.output == "Error: No concept 'Trust'. Add --new to create it.\n"
    result = run(
        runner,
        sample_store,
        "tag",
        "case_b_export_w2:10",
        "-c",
        "Trust",
        "--new",
        "-q",
        "a dinner is a relationship",
        coder="Maria",
    )
    assert result.output == (
        "Tagged 1 segment(s) with 'Trust' (created concept 'Trust').\n"
        "Marked 1 segment(s) as reviewed by Maria.\n"
    )
    shown = run(runner, sample_store, "show", "case_b_export_w2", coder="Maria").output
    assert "  ▸ Trust: “a dinner is a relationship”" in shown
    assert "▸" not in run(runner, sample_store, "show", "case_b_export_w2", coder="Tom").output
    result = run(runner, sample_store, "untag", "case_b_export_w2:10", "-c", "trust", coder="Maria")
    assert result.output == "Removed 1 coding(s) of 'trust'.\n"


def test_tag_by_grep_asks_first(runner: CliRunner, sample_store: str) -> None:
    args = ("tag", "--grep", "hotel|vietnam", "-t", "case_b_export_w2", "-c", "Asia", "--new")
    result = run(runner, sample_store, *args, coder="Maria")
    assert result.exit_code == 2
    assert "Pass --yes to tag 2 segments without asking." in result.output
    result = run(runner, sample_store, *args, "--yes", coder="Maria")
    assert result.output.splitlines() == [
        "2 segment(s) match 'hotel|vietnam': case_b_export_w2:6, case_b_export_w2:12",
        "Tagged 2 segment(s) with 'Asia' (created concept 'Asia').",
        "Marked 2 segment(s) as reviewed by Maria.",
    ]
    listed = json.loads(
        run(runner, sample_store, "segments", "-c", "Asia", "--json", coder="Maria").output
    )
    assert [s["ref"] for s in listed] == ["case_b_export_w2:6", "case_b_export_w2:12"]


def test_span_option(runner: CliRunner, sample_store: str) -> None:
    result = run(
        runner,
        sample_store,
        "tag",
        "case_b_export_w2:10",
        "-c",
        "Start",
        "--new",
        "--span",
        "0:21",
        coder="Maria",
    )
    assert result.exit_code == 0
    (segment,) = json.loads(run(runner, sample_store, "segments", "-c", "Start", "--json").output)
    assert segment["codings"] == [
        {
            "concept": "Start",
            "coder": "Maria",
            "start": 0,
            "end": 21,
            "quote": "They helped to start.",
        }
    ]
    bad = run(
        runner,
        sample_store,
        "tag",
        "case_b_export_w2:10",
        "-c",
        "Start",
        "--span",
        "a:b",
        coder="Maria",
    )
    assert bad.exit_code == 2 and "'a:b' is not START:END" in bad.output


def test_codings_import_export_memo_and_log(
    runner: CliRunner, sample_store: str, tmp_path: Path
) -> None:
    result = run(runner, sample_store, "codings", "import", str(SAMPLE / "codings_maria.csv"))
    assert result.output == (
        "Added 90 coding(s) by Maria; created 20 concept(s).\n"
        "Marked 80 segment(s) as reviewed by Maria.\n"
    )
    exported = run(runner, sample_store, "codings", "export")
    lines = exported.output.splitlines()
    assert lines[0] == "coder,segment,concept,quote,transcript,case,informant,role,text"
    assert len(lines) >= 91
    target = tmp_path / "out.csv"
    result = run(runner, sample_store, "codings", "export", "-o", str(target), "--only", "Tom")
    assert (result.exit_code, result.output) == (1, "Error: No coder 'Tom' (coders: Maria).\n")
    assert not target.exists()
    result = run(runner, sample_store, "codings", "export", "-o", str(target), "--only", "maria")
    assert result.output == f"Wrote {target} (90 coding(s)).\n"
    result = run(runner, sample_store, "codings", "export", "-o", str(target))
    assert result.output == f"Replaced {target} (90 coding(s)).\n"
    assert target.read_text(encoding="utf-8").splitlines() == lines
    result = run(
        runner, sample_store, "memo", "case_a_ceo_w1:2", "--text", "Family firm.", coder="Maria"
    )
    assert result.output == "Memo #1 added to case_a_ceo_w1:2.\n"
    log = run(runner, sample_store, "log", "-n", "2").output.splitlines()
    assert log[-1] == "2 event(s)."
    assert log[-2].endswith("Maria  Memo #1 on case_a_ceo_w1:2")
    events = json.loads(run(runner, sample_store, "log", "--by", "Maria", "--json").output)
    assert len(events) == 1 + 20 + 90 + 1 + 1  # coder, concepts, codings, reviews, memo
    moved = run(runner, sample_store, "log", "--coder", "Maria")
    assert (moved.exit_code, moved.output.splitlines()[-1]) == (
        2,
        "Error: --coder says who is acting and goes before the command (gioia --coder NAME "
        "log …); whose events to show is --by CODER.",
    )
    assert [e["summary"] for e in events if e["action"] == "review"] == [
        "Reviewed case_a_ceo_w1:4, case_a_ceo_w1:6, case_a_ceo_w1:8 …"
    ]


def test_bad_codings_file_lists_rows(runner: CliRunner, sample_store: str, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("coder,segment,concept\nAnn,case_a_ceo_w1:99,X\nAnn,nope:1,X\n")
    result = run(runner, sample_store, "codings", "import", str(path))
    assert (result.exit_code, result.output) == (
        1,
        "Error: c.csv has 2 bad row(s); nothing imported.\n"
        "  row 2: no segment case_a_ceo_w1:99.\n"
        "  row 3: no transcript 'nope'.\n",
    )


def test_db_commands(runner: CliRunner, store: str) -> None:
    assert run(runner, store, "db", "current").output == f"{SCHEMA_REVISION} (up to date)\n"
    assert run(runner, store, "db", "upgrade").output == (
        f"The store is at {SCHEMA_REVISION} already; nothing to do.\n"
    )
    assert run(runner, store, "db", "history").output.startswith("0001  Initial schema")


def test_unexpected_errors_are_one_line(
    runner: CliRunner, store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(self: Project, **options: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Project, "transcripts", explode)
    result = run(runner, store, "transcripts")
    assert (result.exit_code, result.output) == (
        1,
        "Error: gioia failed unexpectedly (RuntimeError: disk on fire); run again with --debug "
        "for the traceback and report it.\n",
    )


def test_demo_builds_the_sample_study(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["demo", "--out", str(tmp_path / "demo")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Imported 7 interviews (196 segments) listed in manifest.csv" in result.output
    assert "Imported 90 codings by Maria from codings_maria.csv" in result.output
    assert "Built the consensus coder Consensus: 82 agreed codings copied" in result.output
    assert f"Wrote {tmp_path / 'demo' / 'quotes.docx'} (57 representative quotes)\n" in (
        result.output
    )
    with Project.open(str(tmp_path / "demo" / "gioia.db")) as project:
        assert len(project.codings(["Maria", "Tom"])) == 180
        # The union of both coders' concepts: 98 on segments, held on their 115 distinct
        # quotes (a concept marked by no quote: on the whole segment).
        assert len(project.codings(["Consensus"])) == 115
    files = sorted(p.name for p in (tmp_path / "demo").iterdir())
    assert files == [
        "agreement-concept-character.md",
        "agreement-concept-segment.md",
        "agreement-theme-character.md",
        "agreement-theme-segment.md",
        "agreement.docx",
        "cases.docx",
        "codebook.docx",
        "codebook.md",
        "cooccurrence.graphml",
        "cooccurrence.png",
        "corrected",
        "figure.png",
        "figure.svg",
        "gioia.db",
        "gioia.db-lock",
        "matrix.xlsx",
        "quotes.docx",
        "quotes.md",
        "report.html",
        "saturation.png",
        "study",
    ]
    assert sorted(p.name for p in (tmp_path / "demo" / "study").iterdir()) == sorted(
        p.name for p in SAMPLE.iterdir() if p.name != "README.md"
    )
    report = (tmp_path / "demo" / "report.html").read_text(encoding="utf-8")
    assert "<title>Exporters on a B2B marketplace (sample study)</title>" in report
    again = runner.invoke(cli, ["demo", "--out", str(tmp_path / "demo")])
    assert (again.exit_code, again.output) == (
        1,
        f"Error: {tmp_path / 'demo'} is not an empty folder: choose another --out.\n",
    )


def test_a_new_concept_is_confirmed_at_a_terminal(
    runner: CliRunner, sample_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("gioia.cli.coding.interactive", lambda: True)
    args = ("tag", "case_a_ceo_w1:2", "-c", "Family mill")
    declined = run(runner, sample_store, *args, input="n\n", coder="Maria")
    assert declined.exit_code == 1
    assert declined.output == "There is no concept 'Family mill'. Create it? [y/N]: n\nAborted!\n"
    accepted = run(runner, sample_store, *args, input="y\n", coder="Maria")
    assert accepted.output.splitlines()[-2:] == [
        "Tagged 1 segment(s) with 'Family mill' (created concept 'Family mill').",
        "Marked 1 segment(s) as reviewed by Maria.",
    ]


def test_every_listed_command_loads_with_its_name() -> None:
    from gioia.cli import COMMANDS

    runner = CliRunner()
    for name in COMMANDS:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert result.output.startswith(f"Usage: gioia {name} "), name
    listed = runner.invoke(cli, ["--help"]).output
    assert all(f"  {name}" in listed for name in COMMANDS)
