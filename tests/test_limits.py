"""One set of limits, checked before the store sees a value: the same error on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gioia import ImportFailed, InvalidInput, NotFound, Project
from gioia.cli import cli
from gioia.importers.manifest import TranscriptMeta, read_manifest
from gioia.limits import MAX_INTEGER, clean_label, clean_name, clean_text, fit_name
from gioia.text import name_key

from .conftest import as_lead, run

INTERVIEW = "Interviewer: Why this platform?\n\nAnna: The fee was small.\n"


def _interview(folder: Path, name: str = "a.txt", text: str = INTERVIEW) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_names_refuse_c0_and_c1_controls_and_keep_their_spaces_collapsed() -> None:
    assert clean_name("  Trust \n in\tpartners ", "concept") == "Trust in partners"
    for bad, code in (("a\x1bb", "001B"), ("a\x9bb", "009B"), ("a\x7f", "007F"), ("\x85", "0085")):
        with pytest.raises(InvalidInput) as error:
            clean_name(bad, "concept")
        assert error.value.message == (
            f"A concept name cannot hold control characters (it holds U+{code}): remove it."
        )


def test_a_name_whose_case_folding_grows_beyond_the_limit_is_refused() -> None:
    assert clean_name("ß" * 100, "concept") == "ß" * 100  # folds to 200 letters: fits
    with pytest.raises(InvalidInput) as error:
        clean_name("ß" * 101, "concept")
    assert error.value.message == (
        "A concept name is at most 200 characters (this one has 202): keep the label short "
        "and put the rest in its definition."
    )


def test_labels_and_texts() -> None:
    assert clean_label(" Sales  Manager ", "A role") == "Sales Manager"
    with pytest.raises(InvalidInput) as error:
        clean_label("w" * 41, "The wave", 40)
    assert error.value.message == "The wave is at most 40 characters (this one has 41)."
    assert clean_text("  line one\n\tline two  ", "A memo", 100) == "line one\n\tline two"
    with pytest.raises(InvalidInput) as error:
        clean_text("a\x00b", "A memo", 100)
    assert error.value.message == (
        "A memo cannot hold control characters (it holds U+0000): remove it."
    )


def test_a_600_character_speaker_is_refused_on_both_engines(
    project: Project, tmp_path: Path
) -> None:
    voice = "V" * 600
    captions = tmp_path / "call.vtt"
    captions.write_text(
        f"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v {voice}>Hello there.\n", encoding="utf-8"
    )
    with pytest.raises(ImportFailed) as error:
        as_lead(project).import_file(captions)
    assert error.value.message == (
        "call.vtt, segment 1: A speaker name is at most 200 characters (this one has 600)."
    )
    assert project.transcripts() == []


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        (TranscriptMeta(wave="w" * 41), "The wave is at most 40 characters (this one has 41)."),
        (TranscriptMeta(role="r" * 201), "A role is at most 200 characters (this one has 201)."),
        (
            TranscriptMeta(informant="i" * 201),
            "An informant name is at most 200 characters (this one has 201): keep the label "
            "short and put the rest in its definition.",
        ),
        (
            TranscriptMeta(case="C\x9b1"),
            "A case name cannot hold control characters (it holds U+009B): remove it.",
        ),
        (
            TranscriptMeta(attributes={"case." + "k" * 201: "x"}),
            f"The attribute name {'k' * 40!r} is at most 200 characters (this one has 201).",
        ),
        (
            TranscriptMeta(attributes={"industry": "x" * 10_001}),
            "The value of attribute 'industry' is at most 10,000 characters (this one has 10,001).",
        ),
    ],
)
def test_metadata_beyond_the_limits_is_refused_before_any_file_is_read(
    project: Project, tmp_path: Path, meta: TranscriptMeta, message: str
) -> None:
    path = _interview(tmp_path)
    with pytest.raises(InvalidInput) as error:
        as_lead(project).import_files([path], meta)
    assert error.value.message == message
    with pytest.raises(InvalidInput) as error:
        as_lead(project).import_file(path, meta)
    assert error.value.message == message
    assert project.transcripts() == []


def test_a_manifest_names_the_row_whose_values_are_beyond_the_limits(tmp_path: Path) -> None:
    _interview(tmp_path, "a.txt")
    _interview(tmp_path, "b.txt")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"file,wave,role\na.txt,1,CEO\nb.txt,{'9' * 41},CEO\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as error:
        read_manifest(manifest)
    assert error.value.message == "manifest.csv has 1 bad row(s); nothing imported."
    assert error.value.details == ["row 3: The wave is at most 40 characters (this one has 41)."]


def test_memos_definitions_and_notes(sample_project: Project) -> None:
    sample_project.add_item("concept", "Trust")
    with pytest.raises(InvalidInput) as error:
        sample_project.add_memo("Trust", "before\x00after")
    assert error.value.message == (
        "A memo cannot hold control characters (it holds U+0000): remove it."
    )
    with pytest.raises(InvalidInput) as error:
        sample_project.add_memo("Trust", "m" * 100_001)
    assert error.value.message == ("A memo is at most 100,000 characters (this one has 100,001).")
    with pytest.raises(InvalidInput) as error:
        as_lead(sample_project).describe_item("concept", "Trust", "d" * 10_001)
    assert error.value.message == (
        "A definition is at most 10,000 characters (this one has 10,001)."
    )
    with pytest.raises(InvalidInput) as error:
        as_lead(sample_project).add_item("theme", "Speed", "\x9b31m red")
    assert error.value.message == (
        "A definition cannot hold control characters (it holds U+009B): remove it."
    )
    memo = sample_project.add_memo("Trust", "  line one\n\tline two ")
    assert memo.text == "line one\n\tline two"
    assert [m.name for m in sample_project.items("theme")] == []


def test_segment_numbers_beyond_the_integer_range(sample_project: Project) -> None:
    sample_project.add_item("concept", "Trust")
    for ref in (
        "case_a_ceo_w1:999999999999999",
        f"case_a_ceo_w1:{MAX_INTEGER + 1}",
        "x:" + "9" * 5000,
    ):
        with pytest.raises(InvalidInput) as error:
            sample_project.tag([ref], "Trust")
        assert error.value.message == f"{ref!r}: segment numbers go up to 2,147,483,647."
    with pytest.raises(NotFound) as error:
        sample_project.tag([f"case_a_ceo_w1:{MAX_INTEGER}"], "Trust")
    assert (
        error.value.message
        == "No segment case_a_ceo_w1:2147483647: case_a_ceo_w1 has segments 1 to 28."
    )


def test_command_line_numbers_are_checked_against_the_range(
    runner: CliRunner, sample_store: str
) -> None:
    for args in (
        ["quotes", "-o", "q.md", "--per-concept", str(MAX_INTEGER + 1)],
        ["log", "-n", "99999999999999999999"],
        ["agreement", "--bootstrap", "1000001"],
        ["agreement", "--seed", "-1"],
        ["figure", "-o", "f.svg", "--max-width", "inf"],
        ["figure", "-o", "f.svg", "--max-height", "inf"],
        ["tag", "case_a_ceo_w1:1", "-c", "Trust", "--span", "1:99999999999"],
        ["tag", "case_a_ceo_w1:1", "-c", "Trust", "--span", "²:3"],
    ):
        result = runner.invoke(cli, ["--store", sample_store, "--coder", "Maria", *args])
        assert result.exit_code == 2, (args, result.output)
        assert "Error: Invalid value" in result.output
        assert "failed unexpectedly" not in result.output
    result = run(
        runner, sample_store, "tag", "case_a_ceo_w1:99999999999", "-c", "X", "--new", coder="Ann"
    )
    assert (result.exit_code, result.output) == (
        1,
        "Error: 'case_a_ceo_w1:99999999999': segment numbers go up to 2,147,483,647.\n",
    )


def test_a_file_name_holding_a_nul_character_is_a_usage_error(
    runner: CliRunner, sample_store: str
) -> None:
    for args, option in (
        (["structure", "export", "-o", "s\x00.csv"], "'-o' / '--output'"),
        (["figure", "-o", "f\x00.svg"], "'-o' / '--output'"),
        (["import", "a\x00.txt"], "'[PATHS]...'"),
    ):
        result = runner.invoke(cli, ["--store", sample_store, *args])
        name = repr(next(a for a in args if "\x00" in a))
        assert result.exit_code == 2, (args, result.output)
        assert result.output.splitlines()[-1] == (
            f"Error: Invalid value for {option}: {name} is not a file name: it holds a NUL "
            "character."
        )


def test_a_name_from_another_program_is_fitted_not_refused() -> None:
    assert fit_name("  a\tb\x00c\x9bd  ", "(unnamed)") == "a b c d"
    assert fit_name(" \x85 ", "(unnamed)") == "(unnamed)"
    folded = fit_name("ß" * 150, "(unnamed)")  # 150 characters, 300 once case-folded
    assert (folded[-1], len(name_key(folded))) == ("…", 199)
    assert clean_name(folded, "concept") == folded
